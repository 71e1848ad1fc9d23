"""Permissions on access to information (conventions: :mod:`infitah.accounts.rules`).

Who handles requests: the **information officers** (the person in charge named under
article 12 of law 31-13) and the **administrator** (focal point) of the request's own
collectivity — :data:`HANDLER_ROLES`. They alone (and the requester) see the
requester's identity: name, identity document, postal address, e-mail, phone
(law 09-08). **Network coordinators do not**: they get no access to identity fields
nor to the officers' pages and API, only to what the public register and the
statistics show (and, in the admin, the register's columns of each request); they
manage the holiday calendar and the proactive-disclosure catalogue. A superuser
passes every check (Django's rule): operators only.

Requesters see and act on their own requests only (``requester`` is their account).

Permission names (views, API, admin and services ask for these, never for roles):

- ``access_info.file_request`` — a signed-in, active account (the service also wants
  a verified e-mail address).
- ``access_info.view_own_request`` / ``withdraw_request`` / ``complain_request`` /
  ``clarify_request`` — the requester, on their own request.
- ``access_info.handle_request`` — the handlers of the request's collectivity: every
  step of the workflow, complaints recorded and decided. Asked with a collectivity,
  it also means "may register a paper request there".
- ``access_info.view_requester_identity`` — the handlers of the request's
  collectivity and the requester.
- ``access_info.view_holiday_calendar`` — coordinators and handlers (read-only);
  ``access_info.{add,change,delete}_holidayoverride`` — coordinators.
- Admin: ``view_informationrequest`` / ``view_complaint`` (coordinators: register
  columns only; handlers of the collectivity), disclosure categories (coordinators),
  disclosure items (coordinators; administrators, editors and information officers of
  the item's collectivity).
"""

from __future__ import annotations

from typing import Any

import rules
from rules.predicates import Predicate

from infitah.access_info.rules_public import DISCLOSURE_ROLES
from infitah.accounts.models import CollectivityRole
from infitah.accounts.rules import (
    add_collectivity_perm,
    add_model_perms_for_coordinators,
    add_module_perm,
    collectivity_id_of,
    has_collectivity_role,
    is_network_coordinator,
)
from infitah.accounts.selectors import user_collectivity_ids_with_roles

__all__ = ["HANDLER_ROLES", "handled_collectivity_ids", "is_handler", "is_requester"]

Role = CollectivityRole.Role

#: Roles that handle a collectivity's requests and see its requesters' identity.
HANDLER_ROLES = frozenset({Role.INFORMATION_OFFICER, Role.ADMIN})


def handled_collectivity_ids(user: Any) -> list[int]:
    """Ids of the collectivities whose requests ``user`` handles (sorted; no coordinators).

    One query per user object (the role look-up, cached on it).
    """
    return user_collectivity_ids_with_roles(user, HANDLER_ROLES)


#: The user handles the object's collectivity (a request, complaint or collectivity).
is_handler: Predicate = has_collectivity_role(*HANDLER_ROLES)


@rules.predicate
def is_requester(user: Any, obj: Any = None) -> bool:
    """The user's account filed the request (``obj``: a request or a complaint)."""
    if obj is None or user is None or not user.is_authenticated or not user.is_active:
        return False
    request = getattr(obj, "request", obj)
    requester_id = getattr(request, "requester_id", None)
    return requester_id is not None and requester_id == user.pk


@rules.predicate
def is_active_account(user: Any) -> bool:
    """A signed-in, active account."""
    return bool(user is not None and user.is_authenticated and user.is_active)


@rules.predicate
def handles_somewhere(user: Any, obj: Any = None) -> bool:
    """Holds a handler role in at least one collectivity (for the calendar page)."""
    return bool(handled_collectivity_ids(user))


@rules.predicate
def object_has_collectivity(user: Any, obj: Any = None) -> bool:
    """The object belongs to a collectivity (False for ``None``)."""
    return collectivity_id_of(obj) is not None


# Requesters.
rules.add_perm("access_info.file_request", is_active_account)
rules.add_perm("access_info.view_own_request", is_requester)
rules.add_perm("access_info.withdraw_request", is_requester)
rules.add_perm("access_info.complain_request", is_requester)
rules.add_perm("access_info.clarify_request", is_requester)

# Handlers of the request's own collectivity: never coordinators.
rules.add_perm("access_info.handle_request", object_has_collectivity & is_handler)
rules.add_perm(
    "access_info.view_requester_identity",
    (object_has_collectivity & is_handler) | is_requester,
)

# The holiday calendar: read by handlers and coordinators, corrected by coordinators.
rules.add_perm("access_info.view_holiday_calendar", is_network_coordinator | handles_somewhere)
add_model_perms_for_coordinators("access_info", "holidayoverride")

# Admin: requests and complaints are read there (the workflow runs on the officers'
# pages). Coordinators see the register's columns; handlers, their collectivity's rows.
add_collectivity_perm("access_info.view_informationrequest", HANDLER_ROLES)
add_collectivity_perm("access_info.view_complaint", HANDLER_ROLES)

# Proactive disclosure: the catalogue is the coordinators'; items are published by
# the collectivity's administrator, editors and information officers (the pages'
# permissions are in ``rules_public``, imported above; these are the admin's).
add_model_perms_for_coordinators("access_info", "disclosurecategory")
for _action in ("view", "add", "change", "delete"):
    add_collectivity_perm(f"access_info.{_action}_disclosureitem", DISCLOSURE_ROLES)

add_module_perm("access_info")
