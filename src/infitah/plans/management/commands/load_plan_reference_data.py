"""``manage.py load_plan_reference_data``: create what is missing of the real plan data.

See :func:`infitah.plans.reference_data.plan_reference_data_load` and docs/data.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from infitah.plans.reference_data import ReferenceDataError, plan_reference_data_load


class Command(BaseCommand):
    help = (
        "Create the real co-creation process of the commune of Béni Mellal (2023): the "
        "equality body, the action plan with its phases and state changes, and the four "
        "meetings with their agenda, where missing. Never changes rows that already exist."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data",
            type=Path,
            default=None,
            help="Data file (default: plans/data/beni_mellal_2023.json).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = int(options["verbosity"])

        def progress(message: str) -> None:
            if verbosity >= 2:
                self.stdout.write(message)

        try:
            report = plan_reference_data_load(data_path=options["data"], progress=progress)
        except ReferenceDataError as exc:
            raise CommandError(str(exc)) from exc
        for label in report.kept_deleted:
            self.stderr.write(f"Not recreated (deleted by a coordinator): {label}.")
        if verbosity >= 1:
            name = report.path.name
            if report.changed:
                counts = ", ".join(
                    f"{count} {kind if count == 1 else kind + 's'}"
                    for kind, count in report.counts.items()
                )
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Plan reference data {name}: {len(report.created)} rows created "
                        f"({counts})."
                    )
                )
            else:
                self.stdout.write(
                    self.style.SUCCESS(f"Plan reference data {name} already up to date.")
                )
