"""Pages of the publications app: the public document (HTML and PDF), and staff pages.

Public: ``publications:detail`` and ``publications:pdf`` show a published document of a
public meeting to everyone (cached for anonymous visitors); drafts answer 404, except
to the meeting's organisers, who see them with a "draft" mark. Staff
(``publications.change_publication`` on the meeting): ``publications:manage`` lists
the meeting's six documents and generates them, ``publications:edit`` edits one with a
preview, ``publications:publish``/``unpublish`` publish and withdraw it. Every action
is a plain form POST.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from infitah.core.cache import cache_public_page
from infitah.meetings.models import Meeting
from infitah.publications import selectors, services
from infitah.publications.forms import ALL, GenerateForm, PublicationForm
from infitah.publications.models import Publication
from infitah.publications.pdf import render_document_pdf
from infitah.publications.selectors import CHANGE_PERM, document_view


def _meeting_url(meeting: Meeting) -> str:
    try:
        return reverse("meetings:detail", kwargs={"slug": meeting.slug})
    except NoReverseMatch:  # the meetings pages are not installed yet
        return ""


def _error_text(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


# --- Public ------------------------------------------------------------------------


@require_safe
@cache_public_page
def publication_detail(request: HttpRequest, slug: str, kind: str, language: str) -> HttpResponse:
    """``/<lang>/publications/<meeting>/<kind>/<language>/``: one document as a web page.

    404 unless the document is published and its meeting (and plan) public, except for
    the meeting's organisers, who see drafts marked as such.
    """
    publication, is_preview = selectors.publication_for_reader(
        user=request.user, slug=slug, kind=kind, language=language
    )
    can_manage = request.user.is_authenticated and request.user.has_perm(CHANGE_PERM, publication)
    context = {
        "publication": publication,
        "doc": document_view(publication),
        "is_preview": is_preview,
        "can_manage": can_manage,
        "others": selectors.other_versions(publication, include_drafts=can_manage),
        "pdf_url": reverse(
            "publications:pdf", kwargs={"slug": slug, "kind": kind, "language": language}
        ),
        "meeting_url": _meeting_url(publication.meeting),
    }
    return render(request, "publications/detail.html", context)


@require_safe
@cache_public_page
def publication_pdf(request: HttpRequest, slug: str, kind: str, language: str) -> HttpResponse:
    """``.../pdf/``: the same document as a PDF (A4), shown inline by the browser.

    Same visibility as :func:`publication_detail`; a staff preview of a draft is marked
    as a draft on its first page.
    """
    publication, is_preview = selectors.publication_for_reader(
        user=request.user, slug=slug, kind=kind, language=language
    )
    document = document_view(publication)
    response = HttpResponse(
        render_document_pdf(document, is_preview=is_preview), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{document.filename}"'
    response["Content-Language"] = document.language
    return response


# --- Staff -------------------------------------------------------------------------


def _meeting_for(request: HttpRequest, slug: str) -> Meeting:
    """The meeting, if the user may change its documents (else 404 or 403)."""
    meeting = selectors.meeting_for_staff(slug)
    if not request.user.has_perm(CHANGE_PERM, meeting):
        raise PermissionDenied(_("You may not change the documents of this meeting."))
    return meeting


def _publication_for(request: HttpRequest, slug: str, kind: str, language: str) -> Publication:
    meeting = _meeting_for(request, slug)
    publication = (
        Publication.objects.select_related(
            "meeting", "meeting__collectivity", "meeting__network", "meeting__plan"
        )
        .filter(meeting=meeting, kind=kind, language=language)
        .first()
    )
    if publication is None:
        raise Http404("This document has not been generated yet.")
    return publication


def _manage_url(meeting: Meeting, anchor: str = "") -> str:
    url = reverse("publications:manage", kwargs={"slug": meeting.slug})
    return f"{url}#{anchor}" if anchor else url


@login_required
@require_GET
def publication_manage(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/publications/<meeting>/manage/``: the meeting's six documents and actions."""
    meeting = _meeting_for(request, slug)
    missing = []
    for language, label in Publication.Language.choices:
        facts = selectors.meeting_facts(meeting, language)  # type: ignore[arg-type]
        if facts.missing:
            missing.append(
                {"language_label": label, "fields": ", ".join(str(f) for f in facts.missing)}
            )
    meeting_is_public = meeting.is_published and (
        meeting.plan_id is None or meeting.plan.is_published  # type: ignore[union-attr]
    )
    context = {
        "meeting": meeting,
        "slots": selectors.document_slots(meeting),
        "missing": missing,
        "meeting_is_public": meeting_is_public,
        "meeting_url": _meeting_url(meeting),
    }
    return render(request, "publications/manage.html", context)


@login_required
@require_POST
def publication_generate(request: HttpRequest, slug: str) -> HttpResponse:
    """POST ``.../manage/generate/``: generate one document, or all (``kind=all``).

    Fields: ``kind`` and ``language`` (a value, or ``all``), ``force`` (overwrite a
    published text; only for one document). Redirects to the manage page with a
    message, whatever happened.
    """
    meeting = _meeting_for(request, slug)
    form = GenerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a document and a language to generate."))
        return redirect(_manage_url(meeting))
    kind, language = form.cleaned_data["kind"], form.cleaned_data["language"]
    force = form.cleaned_data["force"]
    kinds = Publication.Kind.values if kind == ALL else [kind]
    languages = Publication.Language.values if language == ALL else [language]
    if kind == ALL and language == ALL and not force:
        done = services.publication_generate_all(meeting=meeting, actor=request.user)  # type: ignore[arg-type]
        messages.success(
            request,
            ngettext(
                "%(count)s document generated or refreshed.",
                "%(count)s documents generated or refreshed.",
                len(done),
            )
            % {"count": len(done)},
        )
        return redirect(_manage_url(meeting))
    generated = 0
    for one_kind in kinds:
        for one_language in languages:
            try:
                services.publication_generate(
                    meeting=meeting,
                    kind=one_kind,
                    language=one_language,
                    actor=request.user,  # type: ignore[arg-type]
                    force=force,
                )
            except ValidationError as error:
                messages.error(request, _error_text(error))
            else:
                generated += 1
    if generated:
        messages.success(
            request,
            ngettext(
                "%(count)s document generated: check it, then publish it.",
                "%(count)s documents generated: check them, then publish them.",
                generated,
            )
            % {"count": generated},
        )
    anchor = f"{kind}-{language}" if kind != ALL and language != ALL else ""
    return redirect(_manage_url(meeting, anchor))


@login_required
@require_http_methods(["GET", "POST"])
def publication_edit(request: HttpRequest, slug: str, kind: str, language: str) -> HttpResponse:
    """``.../<kind>/<language>/edit/``: edit the title and text, with a preview.

    POST with ``action=preview`` shows the typed text as it will look, without saving;
    ``action=save`` (the default) saves and returns to the manage page.
    """
    publication = _publication_for(request, slug, kind, language)
    meeting = publication.meeting
    initial = {"title": publication.title, "body": publication.body}
    form = PublicationForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        language=publication.language,
    )
    doc = document_view(publication)
    is_unsaved = False
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "preview":
            preview = Publication(
                meeting=meeting,
                kind=publication.kind,
                language=publication.language,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                published_at=publication.published_at,
            )
            doc = document_view(preview)
            is_unsaved = True
        else:
            try:
                services.publication_update(
                    publication=publication,
                    actor=request.user,  # type: ignore[arg-type]
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                )
            except ValidationError as error:
                for field, field_errors in error.message_dict.items():
                    for message in field_errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("The document has been saved."))
                return redirect(_manage_url(meeting, f"{kind}-{language}"))
    context: dict[str, Any] = {
        "publication": publication,
        "meeting": meeting,
        "form": form,
        "doc": doc,
        "is_unsaved": is_unsaved,
    }
    return render(request, "publications/edit.html", context)


@login_required
@require_POST
def publication_publish(request: HttpRequest, slug: str, kind: str, language: str) -> HttpResponse:
    """POST ``.../<kind>/<language>/publish/``: publish the document."""
    publication = _publication_for(request, slug, kind, language)
    try:
        services.publication_publish(publication=publication, actor=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The document is published."))
    return redirect(_manage_url(publication.meeting, f"{kind}-{language}"))


@login_required
@require_POST
def publication_unpublish(
    request: HttpRequest, slug: str, kind: str, language: str
) -> HttpResponse:
    """POST ``.../<kind>/<language>/unpublish/``: withdraw the document from the public."""
    publication = _publication_for(request, slug, kind, language)
    services.publication_unpublish(publication=publication, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("The document is no longer public."))
    return redirect(_manage_url(publication.meeting, f"{kind}-{language}"))
