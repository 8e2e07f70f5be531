from django.dispatch import Signal

# Sent once a porteur has confirmed their address (kwargs: user). Higher layers react to it
# (a pending invitation to a structure is accepted) without this app knowing about them.
compte_confirme = Signal()
