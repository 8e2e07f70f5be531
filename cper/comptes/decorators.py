from functools import wraps

from django.core.exceptions import PermissionDenied

from .enums import Role


def role_requis(*roles: Role):
    """Let the view run only for users holding one of the roles; others get the 403 page."""

    def decorateur(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.a_le_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorateur
