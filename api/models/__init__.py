from .jetons import JetonApi
from .webhooks import Abonnement, Livraison

__all__ = ["Abonnement", "JetonApi", "Livraison"]
