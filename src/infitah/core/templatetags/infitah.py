"""Template tags and filters of the public pages: ``{% load infitah %}``.

- ``{% pagination page %}`` renders ``includes/pagination.html`` with links that keep
  the other query parameters (filters, search).
- ``{{ value|plain_isolate }}`` makes data text safe for places where no ``<bdi>`` can
  go (``<title>``, ``<option>``, attributes): bidi controls removed, the whole wrapped
  in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE.
- ``{{ membership.cohort|cohort_label }}`` translates the ``founding`` cohort.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.core.paginator import Page
from django.http import HttpRequest
from django.utils.translation import gettext

from infitah.core.text import strip_bidi_controls

register = template.Library()

FSI = "\u2068"  # FIRST STRONG ISOLATE
PDI = "\u2069"  # POP DIRECTIONAL ISOLATE


@dataclass(frozen=True)
class PageLink:
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


@register.inclusion_tag("includes/pagination.html", takes_context=True)
def pagination(context: dict[str, Any], page: Page[Any], param: str = "page") -> dict[str, Any]:
    """Context of the pagination bar for ``page`` (nothing is shown for a single page).

    Returns ``{"page", "links", "previous_url", "next_url"}``: ``links`` is the elided
    range (first, last and two pages either side of the current one, gaps between).
    """
    request: HttpRequest = context["request"]
    paginator = page.paginator
    links: list[PageLink] = []
    if paginator.num_pages > 1:
        for item in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
            if isinstance(item, int):
                links.append(
                    PageLink(
                        label=str(item),
                        url=page_url(request, item, param),
                        is_current=item == page.number,
                    )
                )
            else:
                links.append(PageLink(label=str(item), is_gap=True))
    return {
        "page": page,
        "links": links,
        "previous_url": (
            page_url(request, page.previous_page_number(), param) if page.has_previous() else ""
        ),
        "next_url": page_url(request, page.next_page_number(), param) if page.has_next() else "",
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
