"""Public pages of access to information: register, statistics, proactive disclosure.

Anonymous pages are cached (:func:`infitah.core.cache.cache_public_page`) and hold no
personal data (see :mod:`infitah.access_info.selectors`). Staff of a collectivity
publish its proactive-disclosure items from the catalogue page (permissions in
:mod:`infitah.access_info.rules_public`).
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from infitah.access_info import exports, selectors, services_public
from infitah.access_info import rules_public as _rules_public  # noqa: F401 - permissions
from infitah.access_info.forms_public import DisclosureItemForm, NewDisclosureItemForm
from infitah.access_info.models import DisclosureItem, InformationRequest, RequestDocument
from infitah.core.cache import cache_public_page, mark_public
from infitah.core.downloads import safe_file_response
from infitah.core.selectors import clean_choice, clean_query, page_notice, paginate
from infitah.network.selectors import current_network
from infitah.territories.models import Collectivity
from infitah.territories.selectors import UnitLink, collectivity_by_slug, region_links

selectors.track_public_models()

#: Requests per page of the register.
REGISTER_PAGE_SIZE = 25
#: Members per page of the disclosure overview.
OVERVIEW_PAGE_SIZE = 30
#: Earlier (retired) items per page of a collectivity's catalogue.
RETIRED_PAGE_SIZE = 20
#: Largest register export in XLSX, in rows (a workbook is built in memory); CSV
#: exports are streamed and have no limit.
REGISTER_XLSX_MAX_ROWS = 100_000

#: The urgency filter: value -> (label, is_urgent).
URGENCY_FILTERS: dict[str, tuple[Any, bool]] = {
    "urgent": (_("urgent requests"), True),
    "ordinary": (_("ordinary requests"), False),
}
EXPORT_FORMATS = ("csv", "xlsx")


# ======================================================================= register
def _region_by_value(value: str, regions: list[UnitLink]) -> UnitLink | None:
    folded = value.lower()
    return next((r for r in regions if folded in (r.slug.lower(), r.code.lower())), None)


def _register_filters(request: HttpRequest) -> tuple[selectors.RegisterFilters, dict[str, Any]]:
    """Read the register's query parameters; unknown values are ignored with a notice.

    Returns the filters and the template context describing them (choices, selected
    values, ``unknown`` notices).
    """
    get = request.GET
    choices = selectors.register_filter_choices()
    years, regions = choices.years, choices.regions
    unknown: list[tuple[str, str]] = []

    collectivity: UnitLink | None = None
    value = clean_choice(get.get("collectivity"), max_length=220)
    if value:
        collectivity = choices.collectivity(value)
        if collectivity is None:
            unknown.append((gettext("collectivity"), value))
    region: UnitLink | None = None
    value = clean_choice(get.get("region"))
    if value:
        region = _region_by_value(value, regions)
        if region is None:
            unknown.append((gettext("region"), value))
    status = clean_choice(get.get("status"))
    if status and status not in InformationRequest.Status.values:
        unknown.append((gettext("status"), status))
        status = ""
    channel = clean_choice(get.get("channel"))
    if channel and channel not in InformationRequest.Channel.values:
        unknown.append((gettext("channel"), channel))
        channel = ""
    year: int | None = None
    value = clean_choice(get.get("year"), max_length=8)
    if value:
        if value.isdigit() and 1900 <= int(value) <= 2999:
            year = int(value)
        else:
            unknown.append((gettext("year"), value))
    urgency = clean_choice(get.get("urgency"))
    if urgency and urgency not in URGENCY_FILTERS:
        unknown.append((gettext("urgency"), urgency))
        urgency = ""
    query = clean_query(get.get("q"))
    filters = selectors.RegisterFilters(
        collectivity_id=collectivity.pk if collectivity else None,
        region_id=region.pk if region else None,
        status=status,
        channel=channel,
        year=year,
        is_urgent=URGENCY_FILTERS[urgency][1] if urgency else None,
        query=query,
    )
    context = {
        "years": years,
        "collectivity_options": choices.collectivity_options_html(collectivity),
        "regions": regions,
        "statuses": InformationRequest.Status.choices,
        "channels": InformationRequest.Channel.choices,
        "urgencies": [(key, label) for key, (label, _flag) in URGENCY_FILTERS.items()],
        "selected_collectivity": collectivity,
        "selected_region": region,
        "selected_status": status,
        "selected_channel": channel,
        "selected_year": year,
        "selected_urgency": urgency,
        "query": query,
        "unknown_filters": unknown,
        "is_filtered": filters.is_filtered,
    }
    return filters, context


def _export_query(request: HttpRequest) -> str:
    """The current query string without ``page`` and ``format`` (for export links)."""
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return query.urlencode()


@cache_public_page
@require_safe
def register(request: HttpRequest) -> HttpResponse:
    """``/<lang>/information/register/``: every request in the public register.

    Filters (all optional; unknown values are ignored with a notice, never an error):
    ``collectivity`` (slug or code), ``region`` (slug or code), ``status``,
    ``channel``, ``year`` (of receipt, local time), ``urgency`` (``urgent`` or
    ``ordinary``), ``q`` (words of the subject, reference or published answer, any
    Arabic spelling), ``page``. No personal data is read (law 09-08).
    """
    filters, context = _register_filters(request)
    queryset = selectors.register_requests(filters)
    raw_page = request.GET.get("page")
    today = timezone.localdate()
    regions = {region.pk: region for region in context["regions"]}
    page = paginate(
        queryset,
        raw_page,
        per_page=REGISTER_PAGE_SIZE,
        count=selectors.register_count(filters),
        rows=lambda bottom, top: selectors.register_rows(
            queryset[bottom:top], today=today, regions=regions
        ),
    )
    context.update(
        page=page,
        page_notice=page_notice(raw_page, page.number),
        export_query=_export_query(request),
    )
    return render(request, "access_info/register_list.html", context)


@require_safe
def register_export(request: HttpRequest) -> HttpResponseBase:
    """``/<lang>/information/register/export/?format=csv|xlsx``: the filtered register.

    Same filters as :func:`register`. CSV is streamed (any size); XLSX is limited to
    :data:`REGISTER_XLSX_MAX_ROWS` rows (beyond, the visitor is sent back with a
    message). Public columns only (:data:`exports.REGISTER_EXPORT_COLUMNS`).
    """
    filters, _context = _register_filters(request)
    queryset = selectors.register_requests(filters)
    export_format = clean_choice(request.GET.get("format")).lower() or "csv"
    if export_format not in EXPORT_FORMATS:
        export_format = "csv"
    stamp = timezone.localdate().isoformat()
    filename = f"information-register-{stamp}.{export_format}"
    absolute = request.build_absolute_uri
    response: HttpResponseBase
    if export_format == "xlsx":
        count = queryset.count()
        if count > REGISTER_XLSX_MAX_ROWS:
            messages.warning(
                request,
                gettext(
                    "The selection has %(count)s requests: too many for a spreadsheet "
                    "(at most %(limit)s). Narrow the filters or download CSV."
                )
                % {"count": count, "limit": REGISTER_XLSX_MAX_ROWS},
            )
            query = _export_query(request)
            url = reverse("access_info:register")
            return redirect(f"{url}?{query}" if query else url)
        response = HttpResponse(
            exports.register_xlsx(queryset, absolute_url=absolute),
            content_type=exports.XLSX_CONTENT_TYPE,
        )
    else:
        response = StreamingHttpResponse(
            exports.register_csv_lines(queryset, absolute_url=absolute),
            content_type=exports.CSV_CONTENT_TYPE,
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _valid_reference(reference: str) -> bool:
    max_length = InformationRequest._meta.get_field("reference").max_length or 40
    return reference.isprintable() and 0 < len(reference) <= max_length


@cache_public_page
@require_safe
def register_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """``/<lang>/information/register/<reference>/``: one request, without personal data.

    Shows the public facts, the dated steps, the complaint stages and, once staff
    published it, the (redacted) answer and its public documents. 404 for a reference
    that is not in the register.
    """
    if not _valid_reference(reference):
        raise Http404("No such request in the register.")
    detail = selectors.register_detail(reference)
    if detail is None:
        raise Http404("No such request in the register.")
    return render(request, "access_info/register_detail.html", {"detail": detail})


def _download_name(title: str, stored_name: str, fallback: str) -> str:
    """A download file name from the title (path separators and controls removed)."""
    extension = PurePath(stored_name).suffix.lower()
    base = "".join(ch for ch in title if ch.isprintable() and ch not in '/\\:*?"<>|').strip()
    return f"{(base or fallback)[:120]}{extension}"


def _file_response(file_field: Any, filename: str) -> FileResponse:
    """A disclosure file shown inline (a PDF opens in the browser), with ``nosniff``."""
    try:
        handle = file_field.open("rb")
    except (FileNotFoundError, OSError, ValueError) as exc:
        raise Http404("The file is not available.") from exc
    response = FileResponse(handle, as_attachment=False, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def register_document(request: HttpRequest, reference: str, pk: int) -> FileResponse:
    """A public (redacted) document of a published answer; 404 otherwise.

    Served under its title, never its stored file name (which may name a person), as an
    attachment with ``nosniff`` and a sandboxing policy
    (:func:`infitah.core.downloads.safe_file_response`).
    """
    if not _valid_reference(reference):
        raise Http404("No such document.")
    document: RequestDocument | None = selectors.register_public_document(reference, pk)
    if document is None or not document.file:
        raise Http404("No such document.")
    return safe_file_response(
        document.file, _download_name(document.title, document.file.name, f"document-{pk}")
    )


# ===================================================================== statistics
def _stats_year(request: HttpRequest) -> tuple[int | None, str]:
    value = clean_choice(request.GET.get("year"), max_length=8)
    if not value:
        return None, ""
    if value.isdigit() and 1900 <= int(value) <= 2999:
        return int(value), ""
    return None, value


def _stats_context(request: HttpRequest, collectivity: Collectivity | None) -> dict[str, Any]:
    year, unknown_year = _stats_year(request)
    stats = selectors.request_statistics(collectivity.pk if collectivity else None, year=year)
    if collectivity is None:
        export_url = reverse("access_info:stats-export")
    else:
        export_url = reverse(
            "access_info:stats-collectivity-export", kwargs={"slug": collectivity.slug}
        )
    chart_width, columns = selectors.chart_columns(stats.months)
    return {
        "stats": stats,
        "chart_width": chart_width,
        "chart_columns": columns,
        "collectivity": collectivity,
        "selected_year": year,
        "unknown_year": unknown_year,
        "export_url": export_url,
        "export_query": f"year={year}" if year else "",
    }


@cache_public_page
@require_safe
def stats(request: HttpRequest) -> HttpResponse:
    """``/<lang>/information/statistics/``: statistics of every request to the network.

    ``?year=`` limits them to the requests received that year. Cached aggregates only.
    """
    return render(request, "access_info/stats_page.html", _stats_context(request, None))


def _collectivity_or_404(slug: str) -> Collectivity:
    if not slug.isprintable() or len(slug) > 220:
        raise Http404("No such collectivity.")
    collectivity = collectivity_by_slug(slug)
    if collectivity is None:
        raise Http404("No such collectivity.")
    return collectivity


@cache_public_page
@require_safe
def stats_collectivity(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/information/statistics/<slug>/``: one collectivity's statistics."""
    collectivity = _collectivity_or_404(slug)
    return render(request, "access_info/stats_page.html", _stats_context(request, collectivity))


def _stats_export(request: HttpRequest, collectivity: Collectivity | None) -> HttpResponse:
    year, _unknown = _stats_year(request)
    stats_data = selectors.request_statistics(collectivity.pk if collectivity else None, year=year)
    export_format = clean_choice(request.GET.get("format")).lower() or "csv"
    if export_format not in EXPORT_FORMATS:
        export_format = "csv"
    scope = collectivity.code if collectivity else "network"
    filename = f"information-statistics-{scope}{f'-{year}' if year else ''}.{export_format}"
    if export_format == "xlsx":
        response = HttpResponse(
            exports.statistics_xlsx(stats_data), content_type=exports.XLSX_CONTENT_TYPE
        )
    else:
        response = HttpResponse(
            exports.statistics_csv(stats_data), content_type=exports.CSV_CONTENT_TYPE
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    mark_public(response)
    return response


@require_safe
def stats_export(request: HttpRequest) -> HttpResponse:
    """``/<lang>/information/statistics/export/?format=csv|xlsx&year=``: the network's."""
    return _stats_export(request, None)


@require_safe
def stats_collectivity_export(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/information/statistics/<slug>/export/?format=csv|xlsx&year=``."""
    return _stats_export(request, _collectivity_or_404(slug))


# ========================================================== proactive disclosure
@cache_public_page
@require_safe
def disclosure_overview(request: HttpRequest) -> HttpResponse:
    """``/<lang>/information/disclosure/``: the catalogue and each member's coverage.

    Coverage = categories with a current item that is not overdue / active categories.
    ``?region=`` (slug or code) and ``?page=`` as elsewhere.
    """
    network = current_network()
    regions = list(region_links().values())
    value = clean_choice(request.GET.get("region"))
    region = _region_by_value(value, regions) if value else None
    context: dict[str, Any] = {
        "network": network,
        "categories": selectors.disclosure_categories(),
        "regions": regions,
        "selected_region": region,
        "unknown_region": value if value and region is None else "",
    }
    if network is not None:
        members = selectors.disclosure_overview_members(
            network, region_id=region.pk if region else None
        )
        raw_page = request.GET.get("page")
        today = timezone.localdate()
        page = paginate(
            members,
            raw_page,
            per_page=OVERVIEW_PAGE_SIZE,
            rows=lambda bottom, top: selectors.disclosure_overview_rows(
                members[bottom:top], today=today
            ),
        )
        context.update(page=page, page_notice=page_notice(raw_page, page.number))
    return render(request, "access_info/disclosure_overview.html", context)


@cache_public_page
@require_safe
def disclosure_collectivity(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/information/disclosure/<slug>/``: one collectivity's catalogue.

    Every active category with the current items, refresh dates and overdue flags, the
    coverage, and the earlier (retired) items, paginated (``?page=``). Staff who may
    publish see the add, edit and retire actions (the page is then not cached).
    """
    collectivity = _collectivity_or_404(slug)
    today = timezone.localdate()
    catalogue, coverage = selectors.disclosure_catalogue(collectivity.pk, today=today)
    retired = selectors.disclosure_retired_items(collectivity.pk)
    raw_page = request.GET.get("page")
    page = paginate(
        retired,
        raw_page,
        per_page=RETIRED_PAGE_SIZE,
        rows=lambda bottom, top: selectors.disclosure_item_rows(retired[bottom:top], today=today),
    )
    user = request.user
    can_publish = user.is_authenticated and user.has_perm(
        "access_info.add_disclosure_item", collectivity
    )
    context = {
        "collectivity": collectivity,
        "catalogue": catalogue,
        "coverage": coverage,
        "coverage_width": f"{coverage.percent or 0:.1f}",
        "retired_page": page,
        "page_notice": page_notice(raw_page, page.number),
        "can_publish": can_publish,
        "today": today,
    }
    return render(request, "access_info/disclosure_collectivity.html", context)


@require_safe
def disclosure_item_file(request: HttpRequest, pk: int) -> FileResponse:
    """Download a published item's document (under its title)."""
    item = DisclosureItem.objects.filter(pk=pk).only("pk", "title", "file").first()
    if item is None or not item.file:
        raise Http404("No such document.")
    return _file_response(item.file, _download_name(item.title, item.file.name, f"item-{pk}"))


def _form_errors(form: DisclosureItemForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, field_errors in error.message_dict.items():
            target = name if name in form.fields else None
            for message in field_errors:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _catalogue_url(collectivity: Collectivity) -> str:
    return reverse("access_info:disclosure-collectivity", kwargs={"slug": collectivity.slug})


@login_required
@require_http_methods(["GET", "POST"])
def disclosure_item_add(request: HttpRequest, slug: str) -> HttpResponse:
    """Publish an item for the collectivity ``slug`` (admin, editor, information officer).

    ``?category=<code>`` preselects the category. 403 without
    ``access_info.add_disclosure_item`` on the collectivity.
    """
    collectivity = _collectivity_or_404(slug)
    if not request.user.has_perm("access_info.add_disclosure_item", collectivity):
        raise PermissionDenied
    initial: dict[str, Any] = {}
    code = clean_choice(request.GET.get("category"))
    if code:
        initial["category"] = (
            NewDisclosureItemForm.base_fields["category"].queryset.filter(code=code).first()  # type: ignore[attr-defined]
        )
    form = NewDisclosureItemForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services_public.disclosure_item_create(
                actor=request.user,
                collectivity=collectivity,
                category=data["category"],
                title=data["title"],
                published_on=data["published_on"],
                url=data.get("url") or "",
                file=data.get("file") or None,
                replaces_current=bool(data.get("replaces_current")),
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, gettext("The item has been published."))
            return redirect(_catalogue_url(collectivity))
    return render(
        request,
        "access_info/disclosure_item_form.html",
        {"form": form, "collectivity": collectivity, "item": None},
    )


def _item_or_404(pk: int) -> DisclosureItem:
    return get_object_or_404(
        DisclosureItem.objects.select_related("collectivity", "category"), pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def disclosure_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct an item (403 without ``access_info.change_disclosure_item`` on it)."""
    item = _item_or_404(pk)
    if not request.user.has_perm("access_info.change_disclosure_item", item):
        raise PermissionDenied
    initial = {
        "category": item.category,
        "title": item.title,
        "published_on": item.published_on,
        "url": item.url,
    }
    form = DisclosureItemForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=initial,
        has_file=bool(item.file),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services_public.disclosure_item_update(
                actor=request.user,
                item=item,
                category=data["category"],
                title=data["title"],
                published_on=data["published_on"],
                url=data.get("url") or "",
                file=data.get("file") or None,
                remove_file=bool(data.get("remove_file")),
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, gettext("The item has been saved."))
            return redirect(_catalogue_url(item.collectivity))
    return render(
        request,
        "access_info/disclosure_item_form.html",
        {"form": form, "collectivity": item.collectivity, "item": item},
    )


@login_required
@require_POST
def disclosure_item_retire(request: HttpRequest, pk: int) -> HttpResponse:
    """Retire an item (POST; 403 without ``access_info.retire_disclosure_item`` on it)."""
    item = _item_or_404(pk)
    if not request.user.has_perm("access_info.retire_disclosure_item", item):
        raise PermissionDenied
    services_public.disclosure_item_retire(actor=request.user, item=item)
    messages.success(request, gettext("The item is now listed among the earlier versions."))
    return redirect(_catalogue_url(item.collectivity))
