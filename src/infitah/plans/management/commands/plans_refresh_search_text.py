"""``manage.py plans_refresh_search_text``: recompute the plans' search text.

For after collectivities' names were corrected (the plans' search text holds them).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from infitah.plans.services import plan_refresh_search_text


class Command(BaseCommand):
    help = "Recompute the folded search text of every action plan; report how many changed."

    def handle(self, *args: Any, **options: Any) -> None:
        changed = plan_refresh_search_text()
        if int(options["verbosity"]) >= 1:
            self.stdout.write(self.style.SUCCESS(f"{changed} plan(s) updated."))
