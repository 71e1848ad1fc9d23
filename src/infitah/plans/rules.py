"""Permissions on action plans (see :mod:`infitah.accounts.rules` for the conventions).

Every permission is collectivity-scoped (coordinators everywhere, the listed roles in
the plan's own collectivity):

- viewing an unpublished plan, its phases, state changes and committee
  (``plans.view_*``): any staff role of the collectivity (administrator, editor,
  moderator, information officer);
- adding and changing a plan, its phases, its follow-up committee and the committee's
  members, publishing the plan (``plans.add_*``, ``plans.change_*``,
  ``plans.delete_*``, ``plans.publish_actionplan``): the administrator (focal point)
  and the editors;
- moving the plan from one state to another (``plans.transition_to_<state>``, one
  permission per target state): the administrator (focal point) only. The
  state-change log (``PlanTransition``) is written by the services only, never
  edited by hand.

Objects answer the rules through their ``collectivity_id`` (plans directly; phases,
state changes, committees and members through their plan). To ask whether a user
may add a plan to a collectivity, pass the collectivity; to add a phase or a
member, pass the plan (or the committee).
"""

from __future__ import annotations

from infitah.accounts.models import CollectivityRole
from infitah.accounts.rules import add_collectivity_perm, add_module_perm
from infitah.plans.models import ActionPlan

Role = CollectivityRole.Role

#: Every staff role of a collectivity: may see its unpublished plans.
STAFF_ROLES = frozenset({Role.ADMIN, Role.EDITOR, Role.MODERATOR, Role.INFORMATION_OFFICER})
#: May write the plan's content (plan, phases, committee, members) and publish it.
EDITOR_ROLES = frozenset({Role.ADMIN, Role.EDITOR})
#: May move the plan through its states (the focal point's decision).
TRANSITION_ROLES = frozenset({Role.ADMIN})

#: Models whose rows collectivity staff write (model name -> roles that may view them).
_CONTENT_MODELS = ("actionplan", "phase", "followupcommittee", "committeemember")


def transition_permission(to_state: str) -> str:
    """Return the permission name needed to move a plan to ``to_state``.

    ``plans.transition_to_co_creation``, ``plans.transition_to_consultation``... one
    per :class:`ActionPlan.State` value.
    """
    return f"plans.transition_to_{to_state}"


for _model in _CONTENT_MODELS:
    add_collectivity_perm(f"plans.view_{_model}", STAFF_ROLES)
    for _action in ("add", "change", "delete"):
        add_collectivity_perm(f"plans.{_action}_{_model}", EDITOR_ROLES)
add_collectivity_perm("plans.publish_actionplan", EDITOR_ROLES)

# The state-change log: read by staff in the admin; written only by the services.
add_collectivity_perm("plans.view_plantransition", STAFF_ROLES)

for _state in ActionPlan.State.values:
    add_collectivity_perm(transition_permission(_state), TRANSITION_ROLES)

add_module_perm("plans")

# --- Commitments and their implementation (see infitah.plans.commitments) -------------
#: Models of the commitments module written by the plan's editors.
_COMMITMENT_MODELS = ("commitment", "milestone", "milestoneevidence", "progressupdate")
for _model in _COMMITMENT_MODELS:
    add_collectivity_perm(f"plans.view_{_model}", STAFF_ROLES)
    for _action in ("add", "change", "delete"):
        add_collectivity_perm(f"plans.{_action}_{_model}", EDITOR_ROLES)
add_collectivity_perm("plans.publish_commitment", EDITOR_ROLES)
#: Recording the council's adoption moves the plan to adopted: the focal point's decision.
add_collectivity_perm("plans.view_counciladoption", STAFF_ROLES)
add_collectivity_perm("plans.record_adoption", TRANSITION_ROLES)
