"""Writes on accounts: profiles, collectivity roles, organisations.

Every function validates (``full_clean``) before saving and runs in a transaction.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from infitah.accounts.models import (
    CollectivityRole,
    Organisation,
    OrganisationRepresentative,
    User,
)
from infitah.accounts.selectors import clear_role_cache
from infitah.core.text import strip_bidi_controls
from infitah.territories.models import Collectivity

__all__ = [
    "collectivity_role_grant",
    "collectivity_role_revoke",
    "organisation_representative_approve",
    "organisation_verify",
    "register_account_deletion_hook",
    "user_delete",
    "user_sync_staff_status",
    "user_update_profile",
]

#: Functions called with ``user=`` inside the deletion's transaction, before the row
#: goes (e.g. access to information removes the requester's identity from requests).
_ACCOUNT_DELETION_HOOKS: list[Callable[..., object]] = []


def register_account_deletion_hook(hook: Callable[..., object]) -> None:
    """Run ``hook(user=user)`` whenever an account is deleted (idempotent registration).

    Apps that keep personal data tied to an account register here in their
    ``AppConfig.ready`` so that :func:`user_delete` erases it (law 09-08), without
    ``accounts`` depending on them.
    """
    if hook not in _ACCOUNT_DELETION_HOOKS:
        _ACCOUNT_DELETION_HOOKS.append(hook)


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete an account, after every registered hook has erased data tied to it.

    Records that must outlive the account (information requests, proposals, comments)
    keep their anonymous part: each app decides through its hook or its foreign keys
    (``SET_NULL``). Nothing is deleted if any step fails.

    Raises:
        ValidationError: a record protects the account (a foreign key with
            ``on_delete=PROTECT``); the message names what to do.
    """
    for hook in list(_ACCOUNT_DELETION_HOOKS):
        hook(user=user)
    try:
        with transaction.atomic():
            user.delete()
    except ProtectedError as error:
        kinds = sorted({str(obj._meta.verbose_name) for obj in error.protected_objects})
        raise ValidationError(
            _(
                "This account cannot be deleted while these records depend on it: "
                "%(records)s. Please contact the network's coordinators."
            )
            % {"records": ", ".join(kinds)},
            code="protected",
        ) from error


@transaction.atomic
def user_update_profile(*, user: User, display_name: str, preferred_language: str) -> User:
    """Set a user's public name and preferred language; return the saved user.

    ``preferred_language`` must be a code of ``settings.LANGUAGES``. Bidi controls
    (U+202A–U+202E, U+2066–U+2069, marks) are dropped from the name, so that it cannot
    reorder the text around it wherever it is shown.

    Raises:
        ValidationError: unknown language, a name with control characters (line
            breaks, NUL, ...), or a name longer than 150 characters.
    """
    if preferred_language not in dict(settings.LANGUAGES):
        raise ValidationError(
            {"preferred_language": _("Choose one of the languages offered.")}, code="invalid"
        )
    display_name = strip_bidi_controls(display_name).strip()
    if any(unicodedata.category(char) == "Cc" for char in display_name):
        raise ValidationError(
            {"display_name": _("The name may not contain control characters or line breaks.")},
            code="invalid",
        )
    user.display_name = display_name
    user.preferred_language = preferred_language
    user.full_clean(exclude=["password"], validate_unique=False)
    user.save(update_fields=["display_name", "preferred_language"])
    return user


@transaction.atomic
def user_sync_staff_status(*, user: User) -> User:
    """Give ``is_staff`` (admin access) to holders of a role; take it from others.

    Superusers and users with Django permissions or groups given by hand keep it.
    Returns the user (saved only when ``is_staff`` changed).
    """
    has_role = user.collectivity_roles.exists() or user.network_roles.exists()
    keeps_by_hand = user.is_superuser or user.user_permissions.exists() or user.groups.exists()
    wanted = has_role or (user.is_staff and keeps_by_hand)
    if wanted != user.is_staff:
        user.is_staff = wanted
        user.save(update_fields=["is_staff"])
    clear_role_cache(user)
    return user


@transaction.atomic
def collectivity_role_grant(
    *, user: User, collectivity: Collectivity, role: str, instance: CollectivityRole | None = None
) -> CollectivityRole:
    """Give ``user`` the ``role`` (a ``CollectivityRole.Role``) in ``collectivity``.

    With ``instance`` (an existing role row), change it instead of creating one.
    The user gets admin access (``is_staff``). Permission to do this is checked by
    the caller (``accounts.add_collectivityrole`` / ``change_collectivityrole``).

    Raises:
        ValidationError: unknown role, or the user already holds it there.
    """
    previous_user = instance.user if instance is not None and instance.pk else None
    role_row = instance or CollectivityRole()
    role_row.user = user
    role_row.collectivity = collectivity
    role_row.role = role
    role_row.full_clean()
    role_row.save()
    user_sync_staff_status(user=user)
    if previous_user is not None and previous_user.pk != user.pk:
        user_sync_staff_status(user=previous_user)
    return role_row


@transaction.atomic
def collectivity_role_revoke(*, role: CollectivityRole) -> None:
    """Delete a collectivity role; the user loses admin access if it was their last role."""
    user = role.user
    role.delete()
    user_sync_staff_status(user=user)


@transaction.atomic
def organisation_verify(*, organisation: Organisation, is_verified: bool = True) -> Organisation:
    """Mark an organisation's registration as checked (or not) by a coordinator."""
    if organisation.is_verified != is_verified:
        organisation.is_verified = is_verified
        organisation.full_clean()
        organisation.save(update_fields=["is_verified", "updated_at"])
    return organisation


@transaction.atomic
def organisation_representative_approve(
    *, representative: OrganisationRepresentative, is_approved: bool = True
) -> OrganisationRepresentative:
    """Approve (or withdraw approval of) a user acting for an organisation."""
    if representative.is_approved != is_approved:
        representative.is_approved = is_approved
        representative.full_clean()
        representative.save(update_fields=["is_approved", "updated_at"])
    clear_role_cache(representative.user)
    return representative
