"""Permissions on meetings (see :mod:`infitah.accounts.rules` for the conventions).

- A collectivity's meetings (``Meeting.collectivity`` set) are run by its
  administrator (focal point) and its editors: the meeting itself, its agenda and
  breakout groups, the registrations list and CSV export, attendance, minutes and
  documents. Coordinators may do all of it everywhere.
- A network meeting (``collectivity`` empty: network trainings, information meetings)
  is the coordinators' alone: :func:`has_collectivity_role` never matches an object
  without a collectivity.
- An unpublished meeting is seen by every staff member of its collectivity (any role)
  and by coordinators (``meetings.view_meeting``).
- A registration is cancelled by its participant, or by the organisers
  (``meetings.cancel_registration``).
- Registering needs a signed-in, active account whose e-mail address is not an
  unconfirmed sign-up (``meetings.register``); the registration service checks the
  meeting's own conditions (open, not full...).

Objects of every model expose ``collectivity_id`` (the organising collectivity), which
the collectivity rules read.
"""

from __future__ import annotations

from typing import Any

import rules

from infitah.accounts.models import CollectivityRole
from infitah.accounts.rules import (
    add_collectivity_perm,
    add_module_perm,
    has_collectivity_role,
    is_network_coordinator,
)
from infitah.accounts.selectors import user_email_is_unverified

__all__ = ["MANAGER_ROLES", "STAFF_ROLES"]

Role = CollectivityRole.Role

#: Roles that run a collectivity's meetings.
MANAGER_ROLES = frozenset({Role.ADMIN, Role.EDITOR})
#: Roles that may see a collectivity's unpublished meetings.
STAFF_ROLES = frozenset(Role.values)


@rules.predicate
def is_registrant(user: Any, registration: Any = None) -> bool:
    """The signed-in user is the participant of ``registration`` (a ``Registration``)."""
    if registration is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(registration.user_id == user.pk)


@rules.predicate
def may_register(user: Any, meeting: Any = None) -> bool:
    """An active, signed-in account whose e-mail address is not an unconfirmed sign-up."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return not user_email_is_unverified(user)


# Meetings and everything that hangs off them: admin and editors of the organiser.
for _model in ("meeting", "agendaitem", "breakoutgroup", "attendance", "meetingdocument"):
    for _action in ("add", "change", "delete"):
        add_collectivity_perm(f"meetings.{_action}_{_model}", MANAGER_ROLES)
    if _model != "meeting":
        add_collectivity_perm(f"meetings.view_{_model}", MANAGER_ROLES)
# An unpublished meeting: every staff role of the organiser.
add_collectivity_perm("meetings.view_meeting", STAFF_ROLES)
for _name in (
    "publish_meeting",
    "cancel_meeting",
    "publish_minutes",
    "view_registration",
    "export_registrations",
):
    add_collectivity_perm(f"meetings.{_name}", MANAGER_ROLES)
# Registrations are created and cancelled through the registration services only (never
# edited in the admin, which would bypass the capacity and the waiting list).
rules.add_perm("meetings.register", may_register)
rules.add_perm(
    "meetings.cancel_registration",
    is_registrant | is_network_coordinator | has_collectivity_role(*MANAGER_ROLES),
)

add_module_perm("meetings")
