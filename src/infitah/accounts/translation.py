"""History registration for accounts models (no translated columns here)."""

import simple_history

from infitah.accounts.models import CollectivityRole, NetworkRole, Organisation

for _model in (Organisation, CollectivityRole, NetworkRole):
    simple_history.register(_model, app=__package__)
