from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower

from .enums import Role


class CompteManager(UserManager):
    """Users are identified by their e-mail address, case-insensitively."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractUser):
    username = None
    email = models.EmailField("adresse électronique", unique=True)
    # The person's stable identifier at ProConnect (`sub`), recorded at their first ProConnect
    # login: later logins must bring the same one, so an address changed at the provider never
    # opens another person's account.
    proconnect_sub = models.CharField(
        "identifiant ProConnect", max_length=255, blank=True, default="", editable=False
    )

    # The header's badge: how many of the person's notices are unread, kept by
    # cper.notifications in the transaction that writes or reads them (its `ecarts()` checks it).
    notifications_non_lues = models.PositiveIntegerField(
        "notifications non lues", default=0, editable=False
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = CompteManager()

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="comptes_user_email_ci_unique"),
            models.UniqueConstraint(
                fields=["proconnect_sub"],
                condition=~models.Q(proconnect_sub=""),
                name="comptes_user_proconnect_sub_unique",
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        self.email = self.email.lower()
        super().save(*args, **kwargs)

    @property
    def roles(self) -> frozenset[Role]:
        """The user's roles, read once per request (one query, or with the second factor's
        device: `roles_lus`) and cached on the instance."""
        if not hasattr(self, "_roles"):
            self.roles_lus(self.groups.filter(name__in=Role.values).values_list("name", flat=True))
        return self._roles

    def roles_lus(self, noms) -> None:
        """The roles of these group names (the others are no role), read by another query of
        the request."""
        self._roles = frozenset(Role(nom) for nom in noms if nom in Role.values)

    def a_le_role(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)
