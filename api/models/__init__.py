from .webhooks import Abonnement, Livraison

__all__ = ["Abonnement", "Livraison"]
