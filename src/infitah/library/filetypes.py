"""Which files the library accepts, decided from their content (never from the name alone).

:func:`detect_file_type` reads the first bytes with the ``filetype`` package (magic
numbers) and, for the zip-based office formats, opens the archive and checks the
members that make the format (``word/document.xml``, ``xl/workbook.xml``, the ODF
``mimetype`` member). The name's extension must then agree with what the content is:
a PDF renamed ``.docx`` or an HTML page named ``.pdf`` is refused. Office files with
macros are refused, and so are archives that would expand beyond
:data:`infitah.library.conf.MAX_UNCOMPRESSED_BYTES`.

Accepted: PDF, DOCX, ODT, XLSX, PNG, JPEG; plain UTF-8 text (``.txt``) only through the
importer (``allow_text=True``). Nothing accepted is ever served inline: downloads are
attachments with ``X-Content-Type-Options: nosniff``.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

import filetype
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from infitah.library import conf

__all__ = ["ACCEPTED_TYPES", "FileType", "check_upload_size", "detect_file_type"]

HEAD_BYTES = 8192


@dataclass(frozen=True)
class FileType:
    """An accepted kind of file: key, MIME type, extensions (first is canonical), label."""

    key: str
    mime: str
    extensions: tuple[str, ...]
    label: str | Promise
    has_text: bool = True

    @property
    def extension(self) -> str:
        """The canonical extension, with its dot (``.pdf``)."""
        return self.extensions[0]


PDF = FileType("pdf", "application/pdf", (".pdf",), _("PDF document"))
DOCX = FileType(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
    _("Word document (DOCX)"),
)
ODT = FileType(
    "odt", "application/vnd.oasis.opendocument.text", (".odt",), _("OpenDocument text (ODT)")
)
XLSX = FileType(
    "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
    _("Excel spreadsheet (XLSX)"),
)
PNG = FileType("png", "image/png", (".png",), _("PNG image"), has_text=False)
JPEG = FileType("jpeg", "image/jpeg", (".jpg", ".jpeg"), _("JPEG image"), has_text=False)
TEXT = FileType("txt", "text/plain; charset=utf-8", (".txt",), _("plain text (UTF-8)"))

#: Every type the library may hold, by key.
ACCEPTED_TYPES: dict[str, FileType] = {t.key: t for t in (PDF, DOCX, ODT, XLSX, PNG, JPEG, TEXT)}
#: MIME type -> type, for files already stored.
BY_MIME: dict[str, FileType] = {t.mime: t for t in ACCEPTED_TYPES.values()}

_ODF_TEXT_MIME = b"application/vnd.oasis.opendocument.text"
_MAX_MEMBERS = 20_000


def _refuse(message: Any, code: str, **params: object) -> ValidationError:
    return ValidationError(message, code=code, params=params or None)


def check_upload_size(size: int | None) -> None:
    """Raise ``ValidationError`` (code ``too_large``) when ``size`` bytes exceed the limit.

    The limit is ``INFITAH_LIBRARY_MAX_UPLOAD_MB`` megabytes (:mod:`infitah.library.conf`).
    An empty file is refused too (code ``empty``).
    """
    if not size:
        raise _refuse(_("The file is empty."), "empty")
    limit = conf.max_upload_bytes()
    if size > limit:
        raise _refuse(
            _("The file is too large (%(size)s); at most %(max)s is accepted."),
            "too_large",
            size=filesizeformat(size),
            max=filesizeformat(limit),
        )


def _zip_type(file: IO[bytes]) -> FileType | None:
    """Return DOCX, XLSX or ODT when the archive has that format's members, else ``None``.

    Raises:
        ValidationError: macros (``vbaProject.bin``, ODF ``Basic/``/``Scripts/``), too
            many members, or a total uncompressed size over the limit.
    """
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
            if len(infos) > _MAX_MEMBERS or (
                sum(info.file_size for info in infos) > conf.MAX_UNCOMPRESSED_BYTES
            ):
                raise _refuse(_("The archive inside this file is too large to read."), "too_large")
            names = {info.filename for info in infos}
            if any(
                name.endswith("vbaProject.bin") or name.startswith(("Basic/", "Scripts/"))
                for name in names
            ):
                raise _refuse(_("Files with macros are not accepted."), "macros")
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
            if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
                return XLSX
            if "mimetype" in names and "content.xml" in names:
                with archive.open("mimetype") as member:
                    if member.read(len(_ODF_TEXT_MIME) + 1).strip() == _ODF_TEXT_MIME:
                        return ODT
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return None
    finally:
        file.seek(0)
    return None


def _is_utf8_text(file: IO[bytes]) -> bool:
    file.seek(0)
    data = file.read()
    file.seek(0)
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


def detect_file_type(file: IO[bytes], *, filename: str, allow_text: bool = False) -> FileType:
    """Return the accepted type of ``file`` from its content, checked against ``filename``.

    Args:
        file: a seekable binary file (an upload, or a file opened with ``"rb"``); it is
            left at position 0.
        filename: the name the file came with (only its extension is used, and only to
            refuse a name that lies about the content).
        allow_text: also accept UTF-8 ``.txt`` files (the importer).

    Returns:
        The :class:`FileType` (PDF, DOCX, ODT, XLSX, PNG, JPEG, or text).

    Raises:
        ValidationError: code ``type`` (not an accepted type), ``extension`` (the name's
            extension is not the content's), ``macros`` or ``too_large``; messages are
            for the person who sent the file.
    """
    suffix = PurePath(filename or "").suffix.lower()
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    guess = filetype.guess(head) if head else None
    found: FileType | None = None
    if guess is not None:
        if guess.mime == PDF.mime:
            found = PDF
        elif guess.mime == PNG.mime:
            found = PNG
        elif guess.mime == JPEG.mime:
            found = JPEG
        elif guess.extension in {"zip", "docx", "xlsx", "odt", "pptx", "ods", "odp", "epub"}:
            found = _zip_type(file)
    elif allow_text and suffix == TEXT.extension and _is_utf8_text(file):
        found = TEXT
    if found is None:
        accepted = ", ".join(
            str(t.label) for t in ACCEPTED_TYPES.values() if allow_text or t is not TEXT
        )
        raise _refuse(
            _("This kind of file is not accepted. Accepted: %(types)s."),
            "type",
            types=accepted,
        )
    if suffix and suffix not in found.extensions:
        raise _refuse(
            _(
                "The file's name ends in %(extension)s but its content is a %(type)s. "
                "Rename it or send the right file."
            ),
            "extension",
            extension=suffix,
            type=found.label,
        )
    return found
