from django.utils.functional import SimpleLazyObject

from .models import Notification


def notifications(request):
    """The unread count shown in the header; one query, only when a page reads it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "notifications_non_lues": SimpleLazyObject(
            lambda: Notification.objects.filter(user=user, lue=False).count()
        )
    }
