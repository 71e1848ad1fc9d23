"""Permissions on the library (see :mod:`infitah.accounts.rules` for the conventions).

- Documents: administrators and editors of a collectivity add, change, unpublish and
  delete their collectivity's documents; documents of the network itself (no
  collectivity) are the coordinators'. Asked with a document not yet saved, the rule
  looks at the collectivity it is being added to.
- Good practices: the structured fields follow the document (its collectivity's
  administrators and editors).
- Adoptions ("we adopted this"): administrators and editors of the *adopting*
  collectivity record, change and withdraw them. That the adopting collectivity is a
  member, and not the practice's own, is checked by the service.
- The search index is machinery: coordinators may look at it in the admin.
"""

from __future__ import annotations

from infitah.accounts.models import CollectivityRole
from infitah.accounts.rules import (
    add_collectivity_perm,
    add_coordinator_perm,
    add_module_perm,
)

Role = CollectivityRole.Role
LIBRARY_EDITORS = frozenset({Role.ADMIN, Role.EDITOR})

for _model in ("document", "goodpractice", "goodpracticeadoption"):
    for _action in ("view", "add", "change", "delete"):
        add_collectivity_perm(f"library.{_action}_{_model}", LIBRARY_EDITORS)

add_coordinator_perm(
    "library.view_searchentry",
    "library.add_searchentry",
    "library.change_searchentry",
    "library.delete_searchentry",
)
add_module_perm("library")
