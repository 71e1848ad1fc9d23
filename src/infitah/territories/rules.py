"""Permissions on territories (see :mod:`infitah.accounts.rules` for the conventions).

A collectivity's administrators and editors may see and change their own
collectivity's record, except its official data (code, kind, parents, census
figures), which only coordinators change (``territories.change_official_data``).
"""

from __future__ import annotations

from infitah.accounts.models import CollectivityRole
from infitah.accounts.rules import (
    add_collectivity_perm,
    add_coordinator_perm,
    add_module_perm,
)

Role = CollectivityRole.Role

for _action in ("view", "change"):
    add_collectivity_perm(f"territories.{_action}_collectivity", {Role.ADMIN, Role.EDITOR})
add_coordinator_perm(
    "territories.add_collectivity",
    "territories.delete_collectivity",
    "territories.change_official_data",
    # The urban/rural overrides are shown read-only (the list is a data file).
    "territories.view_areatypeoverride",
)
add_module_perm("territories")
