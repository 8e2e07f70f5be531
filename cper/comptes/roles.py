"""Role membership helpers: which spaces a user may enter."""

from django.contrib.auth.models import Group

from .enums import Role


def roles_de(user) -> frozenset[Role]:
    """The roles of a user; anonymous users have none."""
    if not user.is_authenticated:
        return frozenset()
    return user.roles


def donner_role(user, role: Role) -> None:
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    if hasattr(user, "_roles"):
        del user._roles
    if role == Role.ADMINISTRATEUR and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
