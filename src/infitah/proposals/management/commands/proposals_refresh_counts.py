"""``manage.py proposals_refresh_counts``: recount supports and visible comments.

The counters are kept exact by the services; this repairs them after accounts were
deleted (their supports go with them) or after data was imported in bulk. Idempotent,
one transaction; prints how many proposals changed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from infitah.proposals.services import proposal_refresh_counts


class Command(BaseCommand):
    help = "Recount the supports and visible comments of every proposal."

    def handle(self, *args: Any, **options: Any) -> None:
        changed = proposal_refresh_counts()
        self.stdout.write(f"{changed} proposal(s) corrected.")
