"""Reads about users' roles, used by the permission rules and the admin.

A permission check can run dozens of times per request (the admin asks for every
model and object), so a user's roles are read once per user object and kept on it
(like Django's own ``_perm_cache``). A fresh user object (every request) reads them
again, so a role granted or revoked counts from the next request on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, QuerySet

from infitah.accounts.models import (
    CollectivityRole,
    NetworkRole,
    Organisation,
    OrganisationRepresentative,
    User,
)

__all__ = [
    "clear_role_cache",
    "scope_to_collectivities",
    "user_collectivity_ids_with_roles",
    "user_collectivity_roles",
    "user_email_is_unverified",
    "user_is_approved_representative",
    "user_is_network_coordinator",
]

AnyUser = User | AnonymousUser
M = TypeVar("M", bound=Model)

_ROLES_ATTR = "_infitah_collectivity_roles"
_COORDINATOR_ATTR = "_infitah_is_coordinator"
_REPRESENTS_ATTR = "_infitah_represented_organisation_ids"


def clear_role_cache(user: Any) -> None:
    """Forget the roles cached on ``user`` (after granting or revoking one)."""
    for attr in (_ROLES_ATTR, _COORDINATOR_ATTR, _REPRESENTS_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


def user_collectivity_roles(user: AnyUser | None) -> dict[int, frozenset[str]]:
    """Return ``{collectivity id: roles held there}`` for an active, signed-in user.

    Roles are :class:`CollectivityRole.Role` values. Anonymous and inactive users get
    ``{}``. One query per user object, then cached on it.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return {}
    cached: dict[int, frozenset[str]] | None = getattr(user, _ROLES_ATTR, None)
    if cached is None:
        roles: dict[int, set[str]] = {}
        rows = CollectivityRole.objects.filter(user_id=user.pk).values_list(
            "collectivity_id", "role"
        )
        for collectivity_id, role in rows:
            roles.setdefault(collectivity_id, set()).add(role)
        cached = {key: frozenset(value) for key, value in roles.items()}
        setattr(user, _ROLES_ATTR, cached)
    return cached


def user_collectivity_ids_with_roles(user: AnyUser | None, roles: Iterable[str]) -> list[int]:
    """Return the ids of the collectivities where ``user`` holds one of ``roles``, sorted."""
    wanted = frozenset(roles)
    return sorted(cid for cid, held in user_collectivity_roles(user).items() if held & wanted)


def user_is_network_coordinator(user: AnyUser | None) -> bool:
    """Whether ``user`` is an active superuser or holds a network coordinator role.

    One query per user object (none for superusers), then cached on it.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached: bool | None = getattr(user, _COORDINATOR_ATTR, None)
    if cached is None:
        cached = NetworkRole.objects.filter(
            user_id=user.pk, role=NetworkRole.Role.COORDINATOR
        ).exists()
        setattr(user, _COORDINATOR_ATTR, cached)
    return cached


def user_is_approved_representative(user: AnyUser | None, organisation: Organisation) -> bool:
    """Whether ``user`` is an approved representative of ``organisation``.

    One query per user object (all approved organisations at once), then cached.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    cached: frozenset[int] | None = getattr(user, _REPRESENTS_ATTR, None)
    if cached is None:
        cached = frozenset(
            OrganisationRepresentative.objects.filter(
                user_id=user.pk, is_approved=True
            ).values_list("organisation_id", flat=True)
        )
        setattr(user, _REPRESENTS_ATTR, cached)
    return organisation.pk in cached


def user_email_is_unverified(user: AnyUser | None) -> bool:
    """Whether the account's e-mail address is known to allauth and not yet confirmed.

    True for an account created by signing up whose owner has not followed the
    confirmation link: whoever signed up need not own the address, so such an account
    must not get a role nor enter the admin. Accounts without any allauth record of
    their address (made with ``createsuperuser`` or by a coordinator in the admin) are
    not "unverified": someone trusted created them. One query.
    """
    if user is None or not user.is_authenticated or not user.email:
        return False
    from allauth.account.models import EmailAddress

    addresses = list(
        EmailAddress.objects.filter(user_id=user.pk, email__iexact=user.email).values_list(
            "verified", flat=True
        )
    )
    return bool(addresses) and not any(addresses)


def scope_to_collectivities(
    queryset: QuerySet[M], *, user: AnyUser, perm: str, field: str = "collectivity"
) -> QuerySet[M]:
    """Restrict ``queryset`` to the rows of collectivities where ``user`` has ``perm``.

    ``field`` is the lookup from the queryset's model to its collectivity
    (``"collectivity"``, or ``"pk"`` for collectivities themselves). Users who hold
    ``perm`` network-wide (coordinators) get the queryset unchanged; users who hold it
    nowhere get an empty queryset. No query is made here; the filter is a list of ids.
    """
    from infitah.accounts.rules import collectivity_ids_with_perm

    ids = collectivity_ids_with_perm(user, perm)
    if ids is None:
        return queryset
    if not ids:
        return queryset.none()
    return queryset.filter(**{f"{field}__in": ids})
