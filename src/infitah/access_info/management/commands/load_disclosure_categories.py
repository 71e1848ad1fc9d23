"""``manage.py load_disclosure_categories``: the proactive-disclosure catalogue (article 10).

See :func:`infitah.access_info.services_public.disclosure_categories_load`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from infitah.access_info.services_public import disclosure_categories_load


class Command(BaseCommand):
    help = (
        "Create or update the categories of information published proactively (law 31-13, "
        "article 10) from access_info/data/disclosure_categories.csv. Categories a "
        "coordinator edited or deleted are left alone. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file",
            type=Path,
            default=None,
            help="CSV file (default: access_info/data/disclosure_categories.csv).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = disclosure_categories_load(options["file"])
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read the categories file: {exc}") from exc
        if report.errors:
            lines = [
                f"line {line}{f', {column}' if column else ''}: {message}"
                for line, column, message in report.errors
            ]
            raise CommandError("Nothing loaded:\n" + "\n".join(lines))
        for code in report.kept:
            self.stderr.write(f"Kept as edited by a coordinator: {code}.")
        for code in report.kept_deleted:
            self.stderr.write(f"Not recreated (deleted by a coordinator): {code}.")
        if int(options["verbosity"]) >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Disclosure categories: {len(report.created)} created, "
                    f"{len(report.updated)} updated, {len(report.unchanged)} unchanged."
                )
            )
