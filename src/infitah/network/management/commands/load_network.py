"""``manage.py load_network``: create what is missing of the network seed.

See :func:`infitah.network.services.network_load_seed` and docs/data.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from infitah.network.services import SeedError, network_load_seed


class Command(BaseCommand):
    help = (
        "Create the network, its principles, partners, charter and the members known from "
        "public sources, where missing. Never changes rows that already exist."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed",
            type=Path,
            default=None,
            help="Seed file (default: network/data/network.json).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = int(options["verbosity"])

        def progress(message: str) -> None:
            if verbosity >= 2:
                self.stdout.write(message)

        try:
            report = network_load_seed(seed_path=options["seed"], progress=progress)
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
        for label in report.kept_deleted:
            self.stderr.write(f"Not recreated (deleted by a coordinator): {label}.")
        if verbosity >= 1:
            if report.changed:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Network {report.network.slug}: {len(report.created)} rows created."
                    )
                )
            else:
                self.stdout.write(
                    self.style.SUCCESS(f"Network {report.network.slug} already up to date.")
                )
