"""Permissions of proactive disclosure (law 31-13, article 10).

Loaded by ``from infitah.access_info import rules_public`` at the end of
:mod:`infitah.access_info.rules` (rules' autodiscovery imports only ``rules.py``) and,
until then, by :mod:`infitah.access_info.views_public`.

| permission | coordinator | admin (own) | editor (own) | information officer (own) | moderator |
| --- | --- | --- | --- | --- | --- |
| ``access_info.add_disclosure_item`` | all | yes | yes | yes | — |
| ``access_info.change_disclosure_item`` | all | yes | yes | yes | — |
| ``access_info.retire_disclosure_item`` | all | yes | yes | yes | — |

The object is the item (its ``collectivity_id``) or, to add one, the collectivity.
The public register, statistics and catalogue need no permission (they hold no
personal data).
"""

from __future__ import annotations

from infitah.accounts.models import CollectivityRole
from infitah.accounts.rules import add_collectivity_perm

__all__ = ["DISCLOSURE_PERMS", "DISCLOSURE_ROLES"]

Role = CollectivityRole.Role

#: Roles that publish a collectivity's proactive-disclosure items.
DISCLOSURE_ROLES = frozenset({Role.ADMIN, Role.EDITOR, Role.INFORMATION_OFFICER})

DISCLOSURE_PERMS = (
    "access_info.add_disclosure_item",
    "access_info.change_disclosure_item",
    "access_info.retire_disclosure_item",
)

for _name in DISCLOSURE_PERMS:
    add_collectivity_perm(_name, DISCLOSURE_ROLES)
