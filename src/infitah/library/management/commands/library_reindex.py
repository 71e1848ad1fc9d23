"""``manage.py library_reindex [--type TYPE ...]``: rebuild the platform's search index.

First re-creates the full-text structures when missing (the SQLite FTS5 table and its
triggers, or PostgreSQL's generated column and GIN index), then rebuilds the entries
of every registered object type (``library.document`` and those other apps register),
or only of the ``--type`` given.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from infitah.library import search


class Command(BaseCommand):
    help = "Rebuild the search index (all registered object types, or those given with --type)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--type",
            action="append",
            dest="types",
            help=f"Object type to rebuild (repeatable): {', '.join(search.registered_types())}.",
        )

    @no_translations
    def handle(self, *args: Any, **options: Any) -> None:
        types = options["types"]
        unknown = [t for t in types or [] if t not in search.registered_types()]
        if unknown:
            raise CommandError(
                f"Unknown object type(s): {', '.join(unknown)}. "
                f"Known: {', '.join(search.registered_types())}."
            )
        search.ensure_schema()

        def progress(object_type: str, written: int) -> None:
            if int(options["verbosity"]) >= 2:
                self.stderr.write(f"{object_type}: {written}")

        counts = search.rebuild(types, progress=progress)
        for object_type, count in counts.items():
            self.stdout.write(self.style.SUCCESS(f"{object_type}: {count} entries indexed."))
