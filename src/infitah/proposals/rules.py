"""Permissions on proposals (see :mod:`infitah.accounts.rules` for the conventions).

- ``proposals.submit_proposal`` (object: the plan) and ``proposals.support_proposal``
  (the proposal): a signed-in, active account whose e-mail address is not an
  unconfirmed sign-up (any citizen, CSO representative or staff member).
- ``proposals.edit_proposal``: its author, or an approved representative of the
  organisation it was made for; for workshop and paper entries (no author), the
  administrator and editors of the collectivity and coordinators.
- ``proposals.withdraw_proposal``: its author (or a representative of its organisation).
- ``proposals.enter_proposal`` (object: the plan): administrator and editors of the
  plan's collectivity (proposals of workshop groups and paper forms).
- ``proposals.answer_proposal``: administrator and editors of the collectivity.
- ``proposals.moderate_proposal``: administrator and moderators of the collectivity
  (hide with a reason, show again).
- ``proposals.view_proposal``: every staff role of the collectivity (hidden proposals,
  the admin's list).

Coordinators hold every collectivity-scoped permission everywhere. What the rules
do not decide (the plan's phase is open, the proposal's status allows the change)
is checked by :mod:`infitah.proposals.services`, which answer with a clear
``ValidationError``.
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
from infitah.accounts.selectors import user_email_is_unverified, user_is_approved_representative

__all__ = ["EDITOR_ROLES", "MODERATOR_ROLES", "STAFF_ROLES", "may_participate"]

Role = CollectivityRole.Role

#: Every staff role of a collectivity: sees hidden proposals and the admin list.
STAFF_ROLES = frozenset(Role.values)
#: Enter workshop and paper proposals, answer proposals.
EDITOR_ROLES = frozenset({Role.ADMIN, Role.EDITOR})
#: Hide a proposal from the public (and show it again), with a reason.
MODERATOR_ROLES = frozenset({Role.ADMIN, Role.MODERATOR})


@rules.predicate
def may_participate(user: Any, obj: Any = None) -> bool:
    """An active, signed-in account whose e-mail address is not an unconfirmed sign-up."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return not user_email_is_unverified(user)


@rules.predicate
def is_proposal_author(user: Any, proposal: Any = None) -> bool:
    """The user wrote ``proposal``, or represents the organisation it was made for."""
    if proposal is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if proposal.author_id is not None and proposal.author_id == user.pk:
        return True
    organisation = proposal.organisation if proposal.organisation_id else None
    return organisation is not None and user_is_approved_representative(user, organisation)


@rules.predicate
def has_no_author(user: Any, proposal: Any = None) -> bool:
    """A workshop or paper entry (no author account): staff may correct its text.

    Without an object: true (the question "may edit some entry").
    """
    return proposal is None or proposal.author_id is None


rules.add_perm("proposals.submit_proposal", may_participate)
rules.add_perm("proposals.support_proposal", may_participate)
rules.add_perm("proposals.withdraw_proposal", may_participate & is_proposal_author)
add_collectivity_perm("proposals.view_proposal", STAFF_ROLES)
add_collectivity_perm("proposals.enter_proposal", EDITOR_ROLES)
add_collectivity_perm("proposals.answer_proposal", EDITOR_ROLES)
add_collectivity_perm("proposals.moderate_proposal", MODERATOR_ROLES)
# Authors edit their own text; staff correct the workshop and paper entries they typed
# (a citizen's own words are never rewritten by staff: they answer or hide instead).
rules.add_perm(
    "proposals.edit_proposal",
    (may_participate & is_proposal_author)
    | ((is_network_coordinator | has_collectivity_role(*EDITOR_ROLES)) & has_no_author),
)

add_module_perm("proposals")
