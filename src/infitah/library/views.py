"""Pages of the library: list and search, document, download, and the staff's forms.

Public pages (list, document) are cached for anonymous visitors; staff see the same
pages with their actions (the cache never serves signed-in people). Every action is a
plain form POST; permissions are asked by name (``library.*``) with the object.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_http_methods, require_POST

from infitah.core.cache import cache_public_page
from infitah.core.selectors import clean_choice, clean_query, page_notice
from infitah.library import conf, forms, selectors, services
from infitah.library.filetypes import BY_MIME
from infitah.library.models import Document, GoodPractice, GoodPracticeAdoption
from infitah.network.selectors import current_network, principles

__all__ = [
    "adoption_delete",
    "document_detail",
    "document_download",
    "document_edit",
    "document_list",
    "document_set_published",
    "document_upload",
    "good_practice_adopt",
    "good_practice_edit",
]

NETWORK_FILTER = "network"


def _add_errors(form: Any, error: ValidationError) -> None:
    """Show a service's ValidationError on the form (by field when the form has it)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            for item in errors:
                for message in item.messages:
                    form.add_error(name if name in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


@cache_public_page
def document_list(request: HttpRequest) -> HttpResponse:
    """``/<lang>/library/``: published documents, filterable, searchable, paginated.

    Query parameters (all optional; an unknown value is ignored with a notice, never an
    error): ``q`` (words, any spelling), ``kind``, ``language``, ``principle`` (code),
    ``collectivity`` (official code, or ``network`` for the network's own documents),
    ``year``, ``page``.
    """
    query = clean_query(request.GET.get("q"))
    ignored: list[str] = []

    kind = clean_choice(request.GET.get("kind"))
    if kind and kind not in Document.Kind.values:
        ignored.append(kind)
        kind = ""
    language = clean_choice(request.GET.get("language"))
    if language and language not in Document.Language.values:
        ignored.append(language)
        language = ""
    principle_code = clean_choice(request.GET.get("principle"))
    principle = selectors.principle_by_code(principle_code) if principle_code else None
    if principle_code and principle is None:
        ignored.append(principle_code)
    owner = clean_choice(request.GET.get("collectivity"))
    collectivity = None
    if owner and owner != NETWORK_FILTER:
        collectivity = selectors.collectivity_by_code(owner)
        if collectivity is None:
            ignored.append(owner)
    raw_year = clean_choice(request.GET.get("year"), max_length=4)
    year = int(raw_year) if raw_year.isdigit() and 1900 <= int(raw_year) <= 2999 else None
    if raw_year and year is None:
        ignored.append(raw_year)

    filters = selectors.DocumentFilters(
        kind=kind,
        language=language,
        principle=principle,
        collectivity=collectivity,
        network_only=owner == NETWORK_FILTER,
        year=year,
        query=query,
    )
    raw_page = request.GET.get("page")
    page = selectors.document_page(filters, raw_page)
    network = current_network()
    options = selectors.filter_options(get_language() or "ar")
    context = {
        "page": page,
        "page_notice": page_notice(raw_page, page.number),
        "filters": filters,
        "query": query,
        "selected_owner": owner if (collectivity or owner == NETWORK_FILTER) else "",
        "ignored": ignored,
        "kinds": Document.Kind.choices,
        "languages": Document.Language.choices,
        "principles": principles(network) if network is not None else [],
        "options": options,
        "owner_options": options.collectivity_options_html(
            collectivity.code if collectivity is not None else ""
        ),
        "can_upload": request.user.is_authenticated
        and request.user.has_perm("library.add_document"),
    }
    return render(request, "library/list.html", context)


def _visible_document(request: HttpRequest, slug: str) -> Document:
    """The document at ``slug``: published, or unpublished for those who may change it."""
    if len(slug) > 120:
        raise Http404("No such document.")
    document = selectors.document_detail(slug)
    if document is None:
        raise Http404("No such document.")
    if not document.is_published and not request.user.has_perm("library.change_document", document):
        raise Http404("No such document.")
    return document


@cache_public_page
def document_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/library/<slug>/``: metadata, text preview, download, good practice."""
    document = _visible_document(request, slug)
    user = request.user
    practice: GoodPractice | None = getattr(document, "good_practice", None)
    is_practice = document.kind == Document.Kind.GOOD_PRACTICE and practice is not None
    adopt_choices = (
        selectors.adoption_collectivity_choices(user, document)
        if is_practice and user.is_authenticated and document.is_published
        else None
    )
    adoptions = selectors.adoptions(document) if is_practice else []
    context = {
        "document": document,
        "practice": practice if is_practice else None,
        "adoptions": adoptions,
        "preview": document.preview,  # type: ignore[attr-defined]
        "preview_is_cut": (document.text_length or 0) > conf.PREVIEW_CHARS,  # type: ignore[attr-defined]
        "can_change": user.is_authenticated and user.has_perm("library.change_document", document),
        "can_change_practice": is_practice
        and user.is_authenticated
        and user.has_perm("library.change_goodpractice", practice),
        "adoption_form": forms.AdoptionForm(collectivities=adopt_choices)
        if adopt_choices is not None and adopt_choices.exists()
        else None,
        "deletable_adoption_ids": {
            a.pk for a in adoptions if user.has_perm("library.delete_goodpracticeadoption", a)
        }
        if user.is_authenticated
        else set(),
    }
    return render(request, "library/detail.html", context)


def document_download(request: HttpRequest, slug: str) -> FileResponse:
    """``/<lang>/library/<slug>/download/``: the file, always as an attachment.

    The content type is the one detected at upload (from the content) among the
    accepted types, else ``application/octet-stream``; ``nosniff`` and a sandboxing
    Content-Security-Policy keep browsers from running anything in it.
    """
    document = _visible_document(request, slug)
    if not document.file:
        raise Http404("This document has no file.")
    try:
        stored = document.file.open("rb")
    except OSError as exc:
        raise Http404("The file is missing.") from exc
    file_type = BY_MIME.get(document.content_type)
    content_type = file_type.mime if file_type is not None else "application/octet-stream"
    filename = document.original_filename or f"document{file_type.extension if file_type else ''}"
    response = FileResponse(
        stored, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = (
        "private, max-age=0" if not document.is_published else "public, max-age=3600"
    )
    return response


def _form_context(request: HttpRequest, document: Document | None) -> dict[str, Any]:
    allow_network, collectivities = selectors.upload_collectivity_choices(request.user)
    return {
        "collectivities": list(collectivities),
        "allow_network": allow_network,
        "document": document,
    }


@login_required
@require_http_methods(["GET", "POST"])
def document_upload(request: HttpRequest) -> HttpResponse:
    """``/<lang>/library/upload/``: add a document (staff of a collectivity, coordinators)."""
    if not request.user.has_perm("library.add_document"):
        raise PermissionDenied
    options = _form_context(request, None)
    if request.method == "POST":
        form = forms.DocumentForm(request.POST, request.FILES, **options)
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            try:
                document = services.document_create(
                    user=request.user,  # type: ignore[arg-type]
                    metadata=form.metadata(),
                    file=upload,
                    filename=upload.name if upload else "",
                    size=upload.size if upload else None,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, gettext("The document has been added to the library."))
                if document.kind == Document.Kind.GOOD_PRACTICE:
                    return redirect("library:good-practice-edit", slug=document.slug)
                return redirect(document.get_absolute_url())
    else:
        form = forms.DocumentForm(**options)
    return render(request, "library/document_form.html", {"form": form, "document": None})


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/library/<slug>/edit/``: change the description, replace or remove the file."""
    document = Document.objects.select_related("collectivity").filter(slug=slug[:120]).first()
    if document is None:
        raise Http404("No such document.")
    if not request.user.has_perm("library.change_document", document):
        raise PermissionDenied
    options = _form_context(request, document)
    if document.collectivity is not None and document.collectivity not in options["collectivities"]:
        options["collectivities"].insert(0, document.collectivity)
    if request.method == "POST":
        form = forms.DocumentForm(request.POST, request.FILES, **options)
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            try:
                services.document_update(
                    user=request.user,  # type: ignore[arg-type]
                    document=document,
                    metadata=form.metadata(),
                    file=upload,
                    filename=upload.name if upload else "",
                    size=upload.size if upload else None,
                    remove_file=bool(form.cleaned_data.get("remove_file")),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, gettext("The document has been saved."))
                return redirect(document.get_absolute_url())
    else:
        form = forms.DocumentForm(initial=forms.DocumentForm.initial_for(document), **options)
    return render(request, "library/document_form.html", {"form": form, "document": document})


@login_required
@require_POST
def document_set_published(request: HttpRequest, slug: str) -> HttpResponse:
    """``POST /<lang>/library/<slug>/publish/``: ``is_published=1`` publishes, ``0`` unpublishes."""
    document = Document.objects.filter(slug=slug[:120]).first()
    if document is None:
        raise Http404("No such document.")
    if not request.user.has_perm("library.change_document", document):
        raise PermissionDenied
    publish = request.POST.get("is_published") == "1"
    services.document_set_published(
        user=request.user,  # type: ignore[arg-type]
        document=document,
        is_published=publish,
    )
    messages.success(
        request,
        gettext("The document is published.")
        if publish
        else gettext("The document is no longer public."),
    )
    return HttpResponseRedirect(document.get_absolute_url())


def _practice(slug: str) -> GoodPractice:
    practice = (
        GoodPractice.objects.select_related("document", "document__collectivity")
        .filter(document__slug=slug[:120], document__kind=Document.Kind.GOOD_PRACTICE)
        .first()
    )
    if practice is None:
        raise Http404("No such good practice.")
    return practice


@login_required
@require_http_methods(["GET", "POST"])
def good_practice_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/library/<slug>/good-practice/``: problem, what was done, results, cost."""
    practice = _practice(slug)
    if not request.user.has_perm("library.change_goodpractice", practice):
        raise PermissionDenied
    form = forms.GoodPracticeForm(
        request.POST if request.method == "POST" else None, instance=practice
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.good_practice_update(
                user=request.user,  # type: ignore[arg-type]
                practice=practice,
                fields=form.fields_data(),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, gettext("The good practice has been saved."))
            return redirect(practice.document.get_absolute_url())
    return render(
        request,
        "library/good_practice_form.html",
        {"form": form, "practice": practice, "document": practice.document},
    )


@login_required
@require_http_methods(["GET", "POST"])
def good_practice_adopt(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/library/<slug>/adopt/``: "we adopted this", for one of the user's own
    member collectivities."""
    practice = _practice(slug)
    document = practice.document
    if not document.is_published:
        raise Http404("No such good practice.")
    choices = selectors.adoption_collectivity_choices(request.user, document)
    if not request.user.has_perm("library.add_goodpracticeadoption") or not choices.exists():
        raise PermissionDenied
    form = forms.AdoptionForm(
        request.POST if request.method == "POST" else None, collectivities=choices
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.good_practice_adopt(
                user=request.user,  # type: ignore[arg-type]
                practice=practice,
                collectivity=data["collectivity"],
                adopted_on=data["adopted_on"],
                note=data["note"],
                commitment_reference=data["commitment_reference"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, gettext("Your adoption of this good practice is recorded."))
            return redirect(document.get_absolute_url())
    return render(
        request,
        "library/adopt_form.html",
        {"form": form, "practice": practice, "document": document},
    )


@login_required
@require_POST
def adoption_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """``POST /<lang>/library/<slug>/adoptions/<pk>/delete/``: withdraw an adoption."""
    adoption = (
        GoodPracticeAdoption.objects.select_related("good_practice__document")
        .filter(pk=pk, good_practice__document__slug=slug[:120])
        .first()
    )
    if adoption is None:
        raise Http404("No such adoption.")
    if not request.user.has_perm("library.delete_goodpracticeadoption", adoption):
        raise PermissionDenied
    services.good_practice_adoption_delete(user=request.user, adoption=adoption)  # type: ignore[arg-type]
    messages.success(request, gettext("The adoption has been withdrawn."))
    return redirect(reverse("library:detail", kwargs={"slug": slug}))
