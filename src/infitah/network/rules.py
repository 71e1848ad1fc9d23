"""Permissions on the network (see :mod:`infitah.accounts.rules` for the conventions).

The network, its principles, partners and charter are the coordinators' alone. A
member collectivity's administrator (focal point) sees their collectivity's
membership and keeps its focal-point contact up to date; its terms (status, dates,
cohort, source) are the coordinators' (``network.change_membership_terms``), as is
the CSV import of members (``network.import_memberships``).
"""

from __future__ import annotations

from infitah.accounts.models import CollectivityRole
from infitah.accounts.rules import (
    add_collectivity_perm,
    add_coordinator_perm,
    add_model_perms_for_coordinators,
    add_module_perm,
)

Role = CollectivityRole.Role

add_model_perms_for_coordinators(
    "network", "network", "principle", "partner", "charterversion", "chartersection"
)
for _action in ("view", "change"):
    add_collectivity_perm(f"network.{_action}_membership", {Role.ADMIN})
add_coordinator_perm(
    "network.add_membership",
    "network.delete_membership",
    "network.change_membership_terms",
    "network.import_memberships",
)
add_module_perm("network")
