"""``manage.py import_members FILE [--dry-run]``: import memberships from a CSV file.

All or nothing: when any row is wrong, every problem is printed (line and column) and
nothing is imported. See :func:`infitah.network.services.memberships_import_csv`.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from infitah.network.models import Network
from infitah.network.services import decode_csv_upload, memberships_import_csv

DEFAULT_NETWORK_SLUG = "morocco-open-collectivities"


class Command(BaseCommand):
    help = (
        "Import network memberships from a CSV file (columns: code, status, joined_on, "
        "cohort, focal_point_name, focal_point_title, focal_point_email, focal_point_phone, "
        "source). Nothing is imported if any row is wrong."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV file, UTF-8.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; write nothing."
        )
        parser.add_argument(
            "--network",
            default=None,
            help=f"Network slug (default: the only network, or {DEFAULT_NETWORK_SLUG}).",
        )

    def _network(self, slug: str | None) -> Network:
        if slug:
            network = Network.objects.filter(slug=slug).first()
            if network is None:
                raise CommandError(f"No network with the slug {slug!r}.")
            return network
        networks = list(Network.objects.all()[:2])
        if len(networks) == 1:
            return networks[0]
        network = Network.objects.filter(slug=DEFAULT_NETWORK_SLUG).first()
        if network is None:
            raise CommandError(
                "No network to import into: run `manage.py load_network` or pass --network."
            )
        return network

    # The command's own lines are English: its messages from the service are too, rather
    # than Arabic (the site's default language) mixed into English lines.
    @no_translations
    def handle(self, *args: Any, **options: Any) -> None:
        network = self._network(options["network"])
        path: Path = options["file"]
        try:
            text = decode_csv_upload(path.read_bytes())
            report = memberships_import_csv(
                network=network, file=io.StringIO(text, newline=""), dry_run=options["dry_run"]
            )
        except FileNotFoundError as exc:
            raise CommandError(f"{path}: file not found.") from exc
        except IsADirectoryError as exc:
            raise CommandError(f"{path}: is a directory, not a file.") from exc
        except (OSError, ValueError) as exc:
            raise CommandError(f"{path}: {exc}") from exc

        if report.errors:
            for line, column, message in report.errors:
                where = f"line {line}" + (f", column {column}" if column else "")
                self.stderr.write(f"{path}, {where}: {message}")
            raise CommandError(
                f"{len(report.errors)} problem(s) found in {path}; nothing was imported."
            )
        if int(options["verbosity"]) >= 1:
            counts = (report.created, report.updated, report.unchanged)
            if report.dry_run:
                message = "Dry run, nothing written: {} to create, {} to update, {} unchanged."
            else:
                message = "Memberships: {} created, {} updated, {} unchanged."
            self.stdout.write(self.style.SUCCESS(message.format(*counts)))
