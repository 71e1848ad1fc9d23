"""``manage.py access_info_recompute_deadlines``: recompute open requests' due dates.

Run after changing a deadline setting (``INFITAH_ACCESS_INFO_*``) or upgrading the
``holidays`` library; holiday corrections made in the site do it by themselves. See
:func:`infitah.access_info.services.recompute_open_deadlines`.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from infitah.access_info.deadlines import invalidate_holiday_cache
from infitah.access_info.services import recompute_open_deadlines


class Command(BaseCommand):
    help = "Recompute the due dates of open information requests (after a calendar change)."

    def handle(self, *args: Any, **options: Any) -> None:
        invalidate_holiday_cache()
        count = recompute_open_deadlines()
        self.stdout.write(f"Due dates changed: {count}.")
