"""``manage.py load_demo_content [--remove]``: optional sample content, clearly labelled.

Adds a few sample memberships (cohort ``demo``, source "DEMO — sample data") so that
the directory's filters and statuses can be tried; ``--remove`` deletes exactly those.
Real data is never changed. See docs/data.md.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from infitah.network.models import Network
from infitah.network.services import (
    SeedError,
    demo_content_load,
    demo_content_remove,
)

NETWORK_SLUG = "morocco-open-collectivities"


class Command(BaseCommand):
    help = "Add (or with --remove, delete) clearly labelled sample memberships for trying features."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--remove", action="store_true", help="Delete the sample content added earlier."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        network = Network.objects.filter(slug=NETWORK_SLUG).first()
        if network is None:
            raise CommandError("Load the reference data first: `manage.py load_reference_data`.")
        if options["remove"]:
            report = demo_content_remove(network=network)
            message = f"Demo content removed: {report.deleted} sample membership(s) deleted."
        else:
            try:
                report = demo_content_load(network=network)
            except SeedError as exc:
                raise CommandError(str(exc)) from exc
            message = (
                f"Demo content: {report.created} sample membership(s) added "
                f"(cohort 'demo'); {len(report.skipped)} already member(s), skipped."
            )
        if int(options["verbosity"]) >= 1:
            self.stdout.write(self.style.SUCCESS(message))
