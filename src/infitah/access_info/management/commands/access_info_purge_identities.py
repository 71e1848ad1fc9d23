"""``manage.py access_info_purge_identities``: apply the retention period (law 09-08).

Removes the requester's identity from requests decided more than
``INFITAH_ACCESS_INFO_IDENTITY_RETENTION_YEARS`` years ago (no complaint since), and
from online requests whose account was deleted; the anonymous record stays. See
:func:`infitah.access_info.services.requests_purge_expired_identities`. Idempotent.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from infitah.access_info.conf import identity_retention_years
from infitah.access_info.services import requests_purge_expired_identities


class Command(BaseCommand):
    help = "Remove requesters' identities past the retention period (anonymous records stay)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = requests_purge_expired_identities()
        self.stdout.write(
            f"Identities removed: {count} (retention: {identity_retention_years()} years)."
        )
