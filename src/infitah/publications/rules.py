"""Permissions on publications (see :mod:`infitah.accounts.rules` for the conventions).

A meeting's press release, invitation and agenda are written by the organising
collectivity's administrators (focal points) and editors, and by network
coordinators; the documents of a network meeting (no collectivity) are the
coordinators' alone. The rules accept a :class:`~infitah.publications.models.Publication`
or its :class:`~infitah.meetings.models.Meeting` (both expose ``collectivity_id``), so
the documents a meeting does not have yet can be checked too.
"""

from __future__ import annotations

from infitah.accounts.models import CollectivityRole
from infitah.accounts.rules import add_collectivity_perm, add_module_perm

Role = CollectivityRole.Role

#: Who writes and publishes a collectivity's meeting documents.
WRITERS = frozenset({Role.ADMIN, Role.EDITOR})

for _action in ("view", "add", "change", "delete"):
    add_collectivity_perm(f"publications.{_action}_publication", WRITERS)
add_module_perm("publications")
