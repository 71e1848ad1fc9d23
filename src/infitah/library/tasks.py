"""Background work of the library (django-tasks; the worker is ``manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def extract_document_text(document_id: int) -> str:
    """Extract, repair and index the text of one document's file.

    Enqueued by the services after the commit that stored the file. Safe to run twice
    or late: it does nothing when the document is gone or holds another file since.

    Returns:
        The document's extraction status afterwards (``done``, ``scanned_no_text``,
        ``failed``, ``not_applicable``), or ``"skipped"``.
    """
    from infitah.library.services import document_extract_text

    document = document_extract_text(document_id=document_id)
    return document.extraction_status if document is not None else "skipped"
