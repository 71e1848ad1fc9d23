"""Who may do what: the platform's permission rules (django-rules), in one place.

Roles (``CollectivityRole``: admin/focal point, editor, moderator, information officer
in ONE collectivity; ``NetworkRole``: network coordinator) are only ever read here and
in :mod:`infitah.accounts.selectors`. Views, the admin and the API ask for permission
names (``user.has_perm("network.change_membership", membership)``), never for roles.

Conventions
-----------
- A collectivity-scoped permission (:func:`add_collectivity_perm`) is granted to
  network coordinators everywhere and to holders of the listed roles in the object's
  own collectivity (found by :func:`collectivity_of`). Checked without an object
  (``obj=None``, Django admin's model-level question) it is true when the user could
  act on at least one object, so the admin shows the module.
- A coordinator permission (:func:`add_coordinator_perm`) is network-wide only.
- ``app_label`` alone is the module permission the admin asks for
  (``user.has_module_perms("network")``): true for coordinators and for anyone
  holding a role that some collectivity-scoped permission of that app grants.
- Superusers pass every check (Django answers before asking the rules).

Per-app permissions live in ``<app>/rules.py`` (loaded by ``rules``' autodiscovery);
the account, organisation, core and sign-in-lockout (axes) ones are at the end of
this module.
"""

from __future__ import annotations

from typing import Any

import rules
from rules.predicates import Predicate

from infitah.accounts.models import CollectivityRole, Organisation, User
from infitah.accounts.selectors import (
    user_collectivity_ids_with_roles,
    user_collectivity_roles,
    user_is_approved_representative,
    user_is_network_coordinator,
)
from infitah.territories.models import Collectivity

__all__ = [
    "DELEGABLE_ROLES",
    "add_collectivity_perm",
    "add_coordinator_perm",
    "add_module_perm",
    "collectivity_id_of",
    "collectivity_ids_with_perm",
    "collectivity_of",
    "grantable_roles",
    "has_collectivity_role",
    "is_network_coordinator",
    "is_organisation_representative",
]

Role = CollectivityRole.Role
#: Roles a collectivity's administrator may give to others in their collectivity.
#: Making someone an administrator (focal point) is the coordinators' decision.
DELEGABLE_ROLES = frozenset({Role.EDITOR, Role.MODERATOR, Role.INFORMATION_OFFICER})

# permission name -> roles that grant it in the object's own collectivity.
_COLLECTIVITY_PERMS: dict[str, frozenset[str]] = {}
_CRUD = ("view", "add", "change", "delete")


# --- Resolving the collectivity an object belongs to --------------------------------


def collectivity_of(obj: Any) -> Collectivity | None:
    """Return the collectivity that owns ``obj``, or ``None`` when it has none.

    ``obj`` may be a :class:`Collectivity` (owns itself) or any object with a
    ``collectivity`` attribute (``Membership``, ``CollectivityRole``,
    ``Organisation`` and every future collectivity-owned model). May cost one query
    when the related collectivity is not loaded; prefer :func:`collectivity_id_of`.
    """
    if obj is None:
        return None
    if isinstance(obj, Collectivity):
        return obj
    collectivity = getattr(obj, "collectivity", None)
    return collectivity if isinstance(collectivity, Collectivity) else None


def collectivity_id_of(obj: Any) -> int | None:
    """Return the primary key of the collectivity owning ``obj`` (no query if possible)."""
    if obj is None:
        return None
    if isinstance(obj, Collectivity):
        return obj.pk
    collectivity_id = getattr(obj, "collectivity_id", None)
    if isinstance(collectivity_id, int):
        return collectivity_id
    collectivity = collectivity_of(obj)
    return collectivity.pk if collectivity is not None else None


# --- Predicates -------------------------------------------------------------------


@rules.predicate
def is_network_coordinator(user: Any) -> bool:
    """A network coordinator (``NetworkRole``) or a superuser, active and signed in."""
    return user_is_network_coordinator(user)


def has_collectivity_role(*roles: str) -> Predicate:
    """Return a predicate: the user holds one of ``roles`` in the object's collectivity.

    Without an object: the user holds one of ``roles`` in at least one collectivity.
    An object that belongs to no collectivity (or an unsaved one) never matches.
    """
    wanted = frozenset(roles)
    if not wanted or not wanted <= set(Role.values):
        raise ValueError(f"Unknown collectivity roles: {sorted(wanted - set(Role.values))}")

    def check(user: Any, obj: Any = None) -> bool:
        if obj is None:
            return bool(user_collectivity_ids_with_roles(user, wanted))
        collectivity_id = collectivity_id_of(obj)
        if collectivity_id is None:
            return False
        return bool(user_collectivity_roles(user).get(collectivity_id, frozenset()) & wanted)

    return Predicate(check, name=f"has_collectivity_role({','.join(sorted(wanted))})")


@rules.predicate
def is_organisation_representative(user: Any, organisation: Any = None) -> bool:
    """An approved representative of ``organisation`` (an :class:`Organisation`).

    Without an organisation: false (there is no "any organisation" question yet).
    """
    if not isinstance(organisation, Organisation):
        return False
    return user_is_approved_representative(user, organisation)


@rules.predicate
def is_verified_organisation(user: Any, organisation: Any = None) -> bool:
    """The organisation's registration has been checked by a coordinator."""
    return isinstance(organisation, Organisation) and organisation.is_verified


@rules.predicate
def target_role_is_delegable(user: Any, role: Any = None) -> bool:
    """The collectivity role being given or changed is one an administrator may delegate.

    Without an object: true (model-level question).
    """
    if role is None:
        return True
    return isinstance(role, CollectivityRole) and role.role in DELEGABLE_ROLES


@rules.predicate
def target_is_not_superuser(user: Any, target: Any = None) -> bool:
    """The account being changed is not a superuser's (only superusers change those)."""
    return not (isinstance(target, User) and target.is_superuser)


# --- Registering permissions --------------------------------------------------------


def add_coordinator_perm(*names: str) -> None:
    """Grant each permission in ``names`` to network coordinators (network-wide) only."""
    for name in names:
        rules.add_perm(name, is_network_coordinator)


def add_collectivity_perm(
    name: str, roles: frozenset[str] | set[str], *, condition: Predicate | None = None
) -> None:
    """Grant ``name`` to coordinators, and to holders of ``roles`` in the object's collectivity.

    ``condition`` (a predicate) further restricts what role holders may do (e.g.
    which fields or kinds of object); coordinators are never restricted by it.
    """
    holders = has_collectivity_role(*roles)
    if condition is not None:
        holders = holders & condition
    rules.add_perm(name, is_network_coordinator | holders)
    _COLLECTIVITY_PERMS[name] = frozenset(roles)


def add_module_perm(app_label: str) -> None:
    """Register the admin's module permission for ``app_label`` (see module docstring).

    Evaluated lazily, so the app's permissions may be registered before or after.
    """

    def check(user: Any) -> bool:
        if user_is_network_coordinator(user):
            return True
        prefix = f"{app_label}."
        roles: set[str] = set()
        for name, granting in _COLLECTIVITY_PERMS.items():
            if name.startswith(prefix):
                roles |= granting
        return bool(roles) and bool(user_collectivity_ids_with_roles(user, roles))

    rules.add_perm(app_label, Predicate(check, name=f"module({app_label})"))


def add_model_perms_for_coordinators(app_label: str, *model_names: str) -> None:
    """Grant view/add/change/delete of each model to coordinators only."""
    for model_name in model_names:
        add_coordinator_perm(*(f"{app_label}.{action}_{model_name}" for action in _CRUD))


# --- Questions the admin and the selectors ask -------------------------------------


def collectivity_ids_with_perm(user: Any, perm: str) -> list[int] | None:
    """Return the ids of the collectivities where ``user`` has ``perm``.

    ``None`` means everywhere (coordinators, superusers). For a permission that is
    not collectivity-scoped, non-coordinators get ``[]``. No query beyond the cached
    role lookup.
    """
    if user_is_network_coordinator(user):
        return None
    roles = _COLLECTIVITY_PERMS.get(perm)
    if not roles:
        return []
    return user_collectivity_ids_with_roles(user, roles)


def grantable_roles(
    user: Any,
    collectivity: Collectivity | None = None,
    *,
    perm: str = "accounts.add_collectivityrole",
) -> list[str]:
    """Return the collectivity roles ``user`` may give (``perm``), in ``Role`` order.

    With ``collectivity``: in that collectivity; without: in at least one.
    Decided by asking the permission itself for each role, so this never disagrees
    with ``user.has_perm(perm, role)``.
    """
    if collectivity is not None:
        candidates: list[int | None] = [collectivity.pk]
    else:
        ids = collectivity_ids_with_perm(user, perm)
        candidates = [None] if ids is None else list(ids)
    granted = []
    for value in Role.values:
        for collectivity_id in candidates:
            probe = CollectivityRole(role=value)
            probe.collectivity_id = collectivity_id  # type: ignore[assignment]  # None: any
            if user.has_perm(perm, probe):
                granted.append(value)
                break
    return granted


# --- Accounts, organisations, core and sign-in lockout ------------------------------

# Users and network roles: coordinators; a superuser's account only by superusers.
rules.add_perm("accounts.view_user", is_network_coordinator)
rules.add_perm("accounts.add_user", is_network_coordinator)
rules.add_perm("accounts.change_user", is_network_coordinator & target_is_not_superuser)
rules.add_perm("accounts.delete_user", is_network_coordinator & target_is_not_superuser)
add_model_perms_for_coordinators("accounts", "networkrole")

# Collectivity roles: coordinators everywhere; a collectivity's administrator sees
# the roles of their collectivity and manages its editors, moderators and
# information officers (never its administrators).
add_collectivity_perm("accounts.view_collectivityrole", {Role.ADMIN})
for _action in ("add", "change", "delete"):
    add_collectivity_perm(
        f"accounts.{_action}_collectivityrole", {Role.ADMIN}, condition=target_role_is_delegable
    )

# Civil-society organisations: registered and verified by coordinators.
add_model_perms_for_coordinators("accounts", "organisation", "organisationrepresentative")
add_coordinator_perm("accounts.verify_organisation")
# Acting on behalf of an organisation (proposals, partnership, co-evaluation).
rules.add_perm(
    "accounts.act_for_organisation", is_organisation_representative & is_verified_organisation
)

add_module_perm("accounts")

# core: the public-content version is shown read-only to coordinators; only they may
# revert a record to an earlier version from its history.
rules.add_perm("core.view_contentversion", is_network_coordinator)
add_coordinator_perm("core.revert_history")
add_module_perm("core")

# django-axes' sign-in records: coordinators may read them and unlock an account by
# deleting its failed attempts.
add_coordinator_perm(
    "axes.view_accessattempt",
    "axes.delete_accessattempt",
    "axes.view_accesslog",
    "axes.view_accessfailurelog",
)
add_module_perm("axes")
