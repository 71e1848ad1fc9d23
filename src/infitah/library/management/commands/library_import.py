"""``manage.py library_import PATH... [--metadata CSV] [--collectivity CODE] [--dry-run]``.

Imports files and folders (recursively) into the library, with their descriptions
from a CSV file (see :mod:`infitah.library.importing` for the columns). Shows a
progress bar on a terminal (plain progress lines otherwise) and ends with a report:
imported, skipped (same file already in the library) and failed (file, CSV line and
column, reason). Exit status 1 when a file failed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from infitah.library.importing import (
    ImportReport,
    collect_files,
    import_files,
    read_metadata,
)
from infitah.network.services import decode_csv_upload
from infitah.territories.models import Collectivity

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Import files or folders into the library, with metadata from a CSV file "
        "(filename,title_ar,title_fr,kind,language,date,licence,collectivity_code,principles). "
        "PDF, DOCX, ODT, XLSX, PNG, JPEG and UTF-8 .txt files are accepted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="Files or folders.")
        parser.add_argument("--metadata", type=Path, help="CSV file describing the files.")
        parser.add_argument(
            "--collectivity",
            help="Official code of the collectivity owning files whose row names none "
            "(default: the network).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check everything and report; write nothing."
        )

    def _progress(self, done: int, total: int, path: Path) -> None:
        if int(self.verbosity) < 1:
            return
        stream: Any = self.stderr._out
        name = path.name[:40]
        if stream.isatty():
            filled = BAR_WIDTH * done // max(total, 1)
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            end = "\n" if done == total else ""
            stream.write(f"\r[{bar}] {done}/{total} {name:<40}{end}")
            stream.flush()
        elif done < total:
            stream.write(f"{done + 1}/{total} {path}\n")

    @no_translations
    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = options["verbosity"]
        metadata: dict[str, Any] = {}
        metadata_path: Path | None = options["metadata"]
        if metadata_path is not None:
            try:
                text = decode_csv_upload(metadata_path.read_bytes())
                metadata, problems = read_metadata(text)
            except FileNotFoundError as exc:
                raise CommandError(f"{metadata_path}: file not found.") from exc
            except (OSError, ValueError) as exc:
                raise CommandError(f"{metadata_path}: {exc}") from exc
        else:
            problems = []
        collectivity = None
        if options["collectivity"]:
            collectivity = Collectivity.objects.filter(code=options["collectivity"]).first()
            if collectivity is None:
                raise CommandError(f"No collectivity has the code {options['collectivity']!r}.")
        try:
            files = collect_files(
                options["paths"], exclude=[metadata_path] if metadata_path else []
            )
        except FileNotFoundError as exc:
            raise CommandError(f"{exc}: no such file or folder.") from exc
        report = import_files(
            files,
            metadata=metadata,
            default_collectivity=collectivity,
            dry_run=options["dry_run"],
            progress=self._progress,
        )
        report.failed[:0] = problems
        self._report(report)
        if report.failed:
            raise CommandError(f"{len(report.failed)} problem(s); see above.", returncode=1)

    def _report(self, report: ImportReport) -> None:
        verb = "would import" if report.dry_run else "imported"
        for path, slug in report.imported:
            if int(self.verbosity) >= 2 or report.dry_run:
                self.stdout.write(f"{verb}: {path}" + (f" -> {slug}" if slug else ""))
        for path, reason in report.skipped:
            self.stdout.write(f"skipped: {path}: {reason}")
        for problem in report.failed:
            self.stderr.write(f"failed: {problem}")
        summary = (
            f"{'Dry run, nothing written. ' if report.dry_run else ''}"
            f"{len(report.imported)} {verb}, {len(report.skipped)} skipped (already in the "
            f"library), {len(report.failed)} failed."
        )
        style = self.style.SUCCESS if not report.failed else self.style.WARNING
        self.stdout.write(style(summary))
