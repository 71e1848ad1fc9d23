"""``manage.py load_reference_data``: territories, network, disclosure catalogue, real plans.

What ``make run`` calls every time: every step is idempotent, so a second run is fast
and changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection


class Command(BaseCommand):
    help = (
        "Load the real reference data: every territorial collectivity (HCP, RGPH 2024), then "
        "the network, its charter, partners and known members, then the real co-creation "
        "process of Béni Mellal (2023). Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--source-dir",
            type=Path,
            default=None,
            help="Directory with the territorial CSV files (see load_territories).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        common = {
            "verbosity": options["verbosity"],
            "stdout": self.stdout,
            "stderr": self.stderr,
            "no_color": options.get("no_color", False),
        }
        territory_options: dict[str, Any] = {}
        if options["source_dir"] is not None:
            territory_options["source_dir"] = options["source_dir"]
        call_command("load_territories", **common, **territory_options)
        call_command("load_network", **common)
        call_command("load_disclosure_categories", **common)
        call_command("load_plan_reference_data", **common)
        refresh_planner_statistics()


def refresh_planner_statistics() -> None:
    """Refresh the database's query-planner statistics after a load.

    Without them SQLite sorts every joined membership row for the members list instead of
    walking the code index. ``ANALYZE`` takes well under a second at Morocco's scale.
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
