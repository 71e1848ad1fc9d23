"""Users, civil-society organisations and roles.

Roles are per collectivity (:class:`CollectivityRole`) or network-wide
(:class:`NetworkRole`); what each role may do is decided in ``rules.py`` only.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from infitah.core.models import TimeStampedModel


class EmailUserManager(UserManager["User"]):
    """Manager for users identified by e-mail address (no username)."""

    use_in_migrations = True

    def _create_user_by_email(self, email: str, password: str | None, **extra_fields: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user_by_email(email, password, **extra_fields)

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> User:
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user_by_email(email, password, **extra_fields)


class User(AbstractUser):
    """A person with an account, signed in by e-mail address.

    ``preferred_language`` (a code of ``settings.LANGUAGES``) is applied at sign-in and
    used for e-mails sent to the person.
    """

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("public name"), max_length=150, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = EmailUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def public_name(self) -> str:
        """Name shown next to public contributions (never the e-mail address)."""
        return self.display_name or self.get_full_name() or str(_("Anonymous participant"))


class Organisation(TimeStampedModel):
    """A registered civil-society organisation (association, cooperative, ...)."""

    class Kind(models.TextChoices):
        ASSOCIATION = "association", _("association")
        NETWORK = "network", _("network of associations")
        COOPERATIVE = "cooperative", _("cooperative")
        FOUNDATION = "foundation", _("foundation")
        CONSULTATIVE_BODY = "consultative_body", _("council consultative body")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=250)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    slug = models.SlugField(_("slug"), max_length=260, unique=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.ASSOCIATION
    )
    registration_number = models.CharField(_("registration number"), max_length=80, blank=True)
    collectivity = models.ForeignKey(
        "territories.Collectivity",
        verbose_name=_("based in"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("public e-mail"), blank=True)
    is_verified = models.BooleanField(
        _("verified"), default=False, help_text=_("Registration checked by a coordinator.")
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationRepresentative(TimeStampedModel):
    """A user who may act on behalf of an organisation (once approved)."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="representatives",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="organisation_roles",
    )
    is_approved = models.BooleanField(_("approved"), default=False)

    class Meta:
        verbose_name = _("organisation representative")
        verbose_name_plural = _("organisation representatives")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="accounts_orgrep_unique_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation}"


class CollectivityRole(TimeStampedModel):
    """A staff role held by a user in one collectivity.

    The role never grants anything in another collectivity; see ``rules.py``.
    """

    class Role(models.TextChoices):
        ADMIN = "admin", _("administrator (focal point)")
        EDITOR = "editor", _("editor")
        MODERATOR = "moderator", _("moderator")
        INFORMATION_OFFICER = "information_officer", _("information officer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="collectivity_roles",
    )
    collectivity = models.ForeignKey(
        "territories.Collectivity",
        verbose_name=_("collectivity"),
        on_delete=models.CASCADE,
        related_name="staff_roles",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = _("collectivity role")
        verbose_name_plural = _("collectivity roles")
        ordering = ["collectivity__code", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "collectivity", "role"], name="accounts_collectivityrole_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.collectivity}"


class NetworkRole(TimeStampedModel):
    """A network-wide role (network coordinator)."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("network coordinator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="network_roles",
    )
    network = models.ForeignKey(
        "network.Network",
        verbose_name=_("network"),
        on_delete=models.CASCADE,
        related_name="staff_roles",
    )
    role = models.CharField(
        _("role"), max_length=30, choices=Role.choices, default=Role.COORDINATOR
    )

    class Meta:
        verbose_name = _("network role")
        verbose_name_plural = _("network roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "network", "role"], name="accounts_networkrole_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"
