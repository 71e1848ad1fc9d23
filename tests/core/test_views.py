"""The home page and what every public page shares: layout, languages, bidi, CSS, cache."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from infitah.core.selectors import MAX_QUERY_LENGTH, clean_choice, clean_query, page_notice
from infitah.core.templatetags.infitah import cohort_label, page_url, plain_isolate, web_url
from infitah.core.text import BIDI_CONTROLS
from infitah.network.models import Membership, Network
from infitah.territories.models import Collectivity
from tests import factories
from tests.sample_map import (
    bulk_communes,
    bulk_members,
    count_queries,
    make_unit,
    small_map,
)

pytestmark = pytest.mark.django_db

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE
PUBLIC_PAGES = [
    "/{lang}/",
    "/{lang}/members/",
    "/{lang}/territories/",
    "/{lang}/territories/?q=mellal",
    "/{lang}/territories/beni-mellal/",
    "/{lang}/territories/beni-mellal-province/",
    "/{lang}/network/",
]


@pytest.fixture
def site(network: Network) -> dict[str, object]:
    """A small but complete public site: principles, partners, charter, members."""
    units = small_map()
    region, other = units["region"], units["other_region"]
    province, prefecture, commune = units["province"], units["prefecture"], units["commune"]
    network.description_fr = "Un espace de dialogue entre collectivités ouvertes."
    network.description_ar = "فضاء للحوار بين الجماعات المنفتحة."
    network.save()
    for order, (code, name_fr, name_ar) in enumerate(
        [
            ("transparency", "Transparence", "الشفافية"),
            ("accountability", "Redevabilité", "المساءلة"),
            ("access", "Accès à l'information", "الحق في الحصول على المعلومات"),
            ("participation", "Participation citoyenne", "المشاركة المواطنة"),
            ("digital", "Digitalisation", "الرقمنة"),
        ]
    ):
        network.principles.create(code=code, order=order, name_fr=name_fr, name_ar=name_ar)
    factories.PartnerFactory(network=network, name_fr="Impact pour le développement", order=1)
    for unit in (region, other):
        factories.MembershipFactory(
            network=network,
            collectivity=unit,
            cohort="founding",
            is_founding_member=True,
            joined_on=datetime.date(2022, 10, 21),
        )
    factories.MembershipFactory(network=network, collectivity=prefecture)
    factories.MembershipFactory(network=network, collectivity=commune, joined_on=None)
    return {"region": region, "province": province, "commune": commune, "prefecture": prefecture}


# --------------------------------------------------------------------- home
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "has not been loaded yet"),
        ("fr", "pas encore été chargées"),
        ("ar", "لم تُحمَّل معطيات الشبكة بعد"),
    ],
)
def test_home_without_network_explains_the_empty_state(
    client: Client, db: None, lang: str, text: str
) -> None:
    response = client.get(f"/{lang}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert text in html
    assert "manage.py load_reference_data" in html


def test_home_shows_network_principles_partners(client: Client, site: dict[str, object]) -> None:
    html = client.get("/fr/").content.decode()
    assert "Le réseau" in html
    assert "Un espace de dialogue entre collectivités ouvertes." in html
    positions = [html.index(p) for p in ("Transparence", "Redevabilité", "Digitalisation")]
    assert positions == sorted(positions)
    assert "Impact pour le développement" in html
    assert "21 octobre 2022" in html
    assert "il réunissait 66 collectivités" in html  # founding composition: 12 + 4 + 50
    english = client.get("/en/").content.decode()
    assert "It started with 66 collectivities:" in english


@pytest.mark.parametrize(
    ("lang", "figures"),
    [
        (
            "en",
            [
                '<span class="stat__value">2</span> '
                '<span class="stat__label">member regions of 2</span>',
                '<span class="stat__value">1</span> '
                '<span class="stat__label">member province or prefecture of 2</span>',
                '<span class="stat__value">1</span> '
                '<span class="stat__label">member commune of 1</span>',
            ],
        ),
        (
            "fr",
            [
                '<span class="stat__value">2</span> '
                '<span class="stat__label">régions membres sur 2</span>',
                '<span class="stat__value">1</span> '
                '<span class="stat__label">province ou préfecture membre sur 2</span>',
                '<span class="stat__value">1</span> '
                '<span class="stat__label">commune membre sur 1</span>',
            ],
        ),
        (
            "ar",
            [
                '<span class="stat__value">2</span> '
                '<span class="stat__label">جهتان عضوان من أصل 2</span>',
                '<span class="stat__value">1</span> '
                '<span class="stat__label">عمالة أو إقليم عضو من أصل 2</span>',
                '<span class="stat__value">1</span> '
                '<span class="stat__label">جماعة عضو من أصل 1</span>',
            ],
        ),
    ],
)
def test_home_figures_put_each_number_inside_its_plural_string(
    client: Client, site: dict[str, object], lang: str, figures: list[str]
) -> None:
    html = client.get(f"/{lang}/").content.decode()
    for figure in figures:
        assert f'<li class="stat">{figure}</li>' in html


def test_home_figures_are_computed_from_the_data(
    client: Client, site: dict[str, object], network: Network
) -> None:
    # Not public: a withdrawn member is not counted.
    extra = make_unit(
        kind=Collectivity.Kind.COMMUNE,
        parent=site["province"],  # type: ignore[arg-type]
        code="05.091.01.03",
        slug="kasba-tadla",
        name_fr="Kasba Tadla",
        name_ar="قصبة تادلة",
        area_type=Collectivity.AreaType.URBAN,
    )
    factories.MembershipFactory(
        network=network, collectivity=extra, status=Membership.Status.WITHDRAWN
    )
    figures = client.get("/fr/").context["figures"]
    assert figures.members_by_kind == {"region": 2, "province": 1, "commune": 1}
    assert figures.units_by_kind == {"region": 2, "province": 2, "commune": 2}
    assert figures.total_members == 4
    by_region = {s.region.code: s.members for s in figures.regions}
    assert by_region == {"01": 2, "05": 2}


def test_home_in_arabic_is_rtl_with_arabic_names(client: Client, site: dict[str, object]) -> None:
    html = client.get("/ar/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "الشفافية" in html
    assert '<bdi dir="auto">بني ملال-خنيفرة</bdi>' in html


def test_root_redirects_to_arabic(client: Client, db: None) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/ar/"


def test_home_query_count_is_constant(
    client: Client, site: dict[str, object], network: Network, settings: object
) -> None:
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # type: ignore[attr-defined]
    bulk_members(network, bulk_communes(site["province"], 10))  # type: ignore[arg-type]
    small = count_queries(client, "/fr/")
    bulk_members(network, bulk_communes(site["province"], 990, prefix="C"))  # type: ignore[arg-type]
    large = count_queries(client, "/fr/")
    assert small == large
    assert large <= 10
    assert client.get("/fr/").context["figures"].members_by_kind["commune"] == 1001


# ------------------------------------------------------------- shared layout
@pytest.mark.parametrize(("lang", "direction"), [("ar", "rtl"), ("fr", "ltr"), ("en", "ltr")])
def test_every_public_page_sets_lang_and_dir(
    client: Client, site: dict[str, object], lang: str, direction: str
) -> None:
    for pattern in PUBLIC_PAGES:
        response = client.get(pattern.format(lang=lang))
        assert response.status_code == 200, pattern
        html = response.content.decode()
        assert f'<html lang="{lang}" dir="{direction}">' in html, pattern
        assert '<a class="skip-link" href="#main">' in html
        assert '<main id="main"' in html


def test_language_switcher_keeps_the_page_and_query(
    client: Client, site: dict[str, object]
) -> None:
    html = client.get("/fr/members/?kind=commune&q=mellal").content.decode()
    switcher = re.search(r'<nav class="lang-switcher".*?</nav>', html, re.S)
    assert switcher is not None
    links = dict(re.findall(r'href="([^"]+)" hreflang="(\w+)"', switcher.group(0)))
    by_lang = {lang: href for href, lang in links.items()}
    assert by_lang == {
        "ar": "/ar/members/?kind=commune&amp;q=mellal",
        "fr": "/fr/members/?kind=commune&amp;q=mellal",
        "en": "/en/members/?kind=commune&amp;q=mellal",
    }
    assert 'data-lang="fr" aria-current="true"' in switcher.group(0)
    assert 'data-lang="ar" aria-current' not in switcher.group(0)


def test_main_navigation_marks_the_current_section(client: Client, site: dict[str, object]) -> None:
    html = client.get("/fr/territories/beni-mellal/").content.decode()
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)  # type: ignore[union-attr]
    assert re.search(r'href="/fr/territories/" aria-current="page"', nav)
    assert nav.count('aria-current="page"') == 1


def test_footer_links_to_the_api_docs_and_credits_the_data(
    client: Client, site: dict[str, object]
) -> None:
    html = client.get("/fr/").content.decode()
    assert 'href="/api/docs/"' in html
    assert "HCP" in html


# ------------------------------------------------------- CSP, CSRF and cache
def test_public_pages_have_no_inline_style_or_script(
    client: Client, site: dict[str, object]
) -> None:
    for lang in ("ar", "fr"):
        for pattern in PUBLIC_PAGES:
            response = client.get(pattern.format(lang=lang))
            html = response.content.decode()
            assert " style=" not in html, pattern
            assert "<style" not in html, pattern
            assert "<script" not in html, pattern
            assert "http://" not in html and "https://" not in html.replace(
                "https://example", ""
            ), pattern
            assert "default-src 'self'" in response["Content-Security-Policy"]


def test_anonymous_pages_carry_no_csrf_token_or_cookie(
    client: Client, site: dict[str, object]
) -> None:
    for pattern in PUBLIC_PAGES:
        response = client.get(pattern.format(lang="fr"))
        assert "csrfmiddlewaretoken" not in response.content.decode(), pattern
        assert "csrftoken" not in response.cookies, pattern
        assert "sessionid" not in response.cookies, pattern


def test_signed_in_pages_have_a_logout_form(
    client: Client, site: dict[str, object], citizen: object
) -> None:
    client.force_login(citizen)  # type: ignore[arg-type]
    html = client.get("/fr/").content.decode()
    assert "csrfmiddlewaretoken" in html
    assert 'action="/fr/accounts/logout/"' in html


# Transactional: the page is stored in the cache once the request's transaction commits,
# as in production (inside a test transaction the storing would never run).
@pytest.mark.django_db(transaction=True)
def test_anonymous_pages_are_cached_and_invalidated(
    client: Client, site: dict[str, object], network: Network
) -> None:
    first = client.get("/fr/members/")
    assert "Tanger-Assilah" in first.content.decode()
    with CaptureQueriesContext(connection) as ctx:
        second = client.get("/fr/members/")
    assert len(ctx.captured_queries) == 1  # the content version, nothing else
    assert second.content == first.content
    Membership.objects.get(collectivity=site["prefecture"]).delete()
    third = client.get("/fr/members/")
    assert "Tanger-Assilah" not in third.content.decode()


@pytest.mark.django_db(transaction=True)
def test_signed_in_pages_are_never_served_from_the_cache(
    client: Client, site: dict[str, object], citizen: object
) -> None:
    client.get("/fr/")
    client.force_login(citizen)  # type: ignore[arg-type]
    with CaptureQueriesContext(connection) as ctx:
        html = client.get("/fr/").content.decode()
    assert "csrfmiddlewaretoken" in html  # the signed-in header, not the cached copy
    assert len(ctx.captured_queries) > 3


# --------------------------------------------------------------------- bidi
# A FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE pair with no control inside is
# how plain-text contexts (<title>, <option>, attributes) isolate data: it is safe.
_BALANCED_ISOLATE = re.compile("\u2068[^\u202a-\u202e\u2066-\u2069]*\u2069")


def _unsafe(text: str) -> bool:
    """True when ``text`` holds a bidi control other than a balanced FSI … PDI pair."""
    return any(ch in BIDI_CONTROLS for ch in _BALANCED_ISOLATE.sub("", text))


class _IsolationChecker(HTMLParser):
    """Records where bidi controls occur: text inside/outside a dir=auto isolate, attributes."""

    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "wbr",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []
        self.isolated: list[str] = []
        self.leaks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and _unsafe(value):
                self.leaks.append(f"attribute {name} of <{tag}>")
        if tag not in self.VOID:
            self.stack.append((tag, dict(attrs).get("dir")))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if not _unsafe(data):
            return
        # The nearest element with a dir attribute (or a bdi) decides the isolation.
        for tag, direction in reversed(self.stack):
            if direction is not None or tag == "bdi":
                if direction == "auto" or (tag == "bdi" and direction is None):
                    self.isolated.append(data)
                    return
                break
        where = " > ".join(tag for tag, _ in self.stack)
        self.leaks.append(f"text {data!r} in {where}")


def check_isolation(html: str) -> _IsolationChecker:
    checker = _IsolationChecker()
    checker.feed(html)
    checker.close()
    return checker


def test_bidi_controls_in_names_stay_inside_isolates(
    client: Client, site: dict[str, object], network: Network
) -> None:
    evil = make_unit(
        kind=Collectivity.Kind.COMMUNE,
        parent=site["province"],  # type: ignore[arg-type]
        code="05.091.09.09",
        slug="evil",
        name_fr=f"Evil{RLO} commune \u2066x",
        name_ar=f"جماعة{RLO} مقلوبة",
    )
    factories.MembershipFactory(
        network=network,
        collectivity=evil,
        focal_point_name=f"Nom{RLO} inversé",
        focal_point_title=f"Titre{RLO}",
        cohort=f"2024{RLO}",
    )
    pages = [
        "/{lang}/territories/evil/",
        "/{lang}/members/",
        "/{lang}/members/?q=evil",
        "/{lang}/territories/?q=evil",
        "/{lang}/territories/beni-mellal-province/",
        "/{lang}/members/?region=" + RLO + "x",
        "/{lang}/territories/?q=" + RLO + "evil",
    ]
    for lang in ("ar", "fr"):
        for pattern in pages:
            url = pattern.format(lang=lang)
            html = client.get(url).content.decode()
            checker = check_isolation(html)
            assert checker.leaks == [], (url, checker.leaks)
            if "/territories/evil/" in url or "members/" in url and "region" not in url:
                assert checker.isolated, url
    # The page's own text after the name is untouched: the isolate is closed before it.
    html = client.get("/fr/territories/evil/").content.decode()
    assert f'<h1><bdi dir="auto">Evil{RLO} commune \u2066x</bdi></h1>' in html
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)  # type: ignore[union-attr]
    assert RLO not in title and "\u2066x" not in title
    assert title.endswith(" · Infitah")


def test_isolation_checker_detects_a_leak() -> None:
    leaky = f"<p>Name: <span>{RLO}evil</span> and the rest</p>"
    assert check_isolation(leaky).leaks
    safe = f'<p>Name: <bdi dir="auto">{RLO}evil</bdi> and the rest</p>'
    assert check_isolation(safe).leaks == []
    assert check_isolation(f'<input value="{RLO}">').leaks
    assert check_isolation("<title>\u2068name\u2069 · Infitah</title>").leaks == []
    assert check_isolation(f"<title>\u2068{RLO}name\u2069</title>").leaks


# ----------------------------------------------------------------------- CSS
def _stylesheet() -> str:
    path = finders.find("core/infitah.css")
    assert path, "core/infitah.css not found by the static finders"
    return Path(str(path)).read_text(encoding="utf-8")


def test_stylesheet_uses_logical_properties_only() -> None:
    css = _stylesheet()
    offenders = [
        f"{number}: {line.strip()}"
        for number, line in enumerate(css.splitlines(), 1)
        if re.search(r"left|right", line, re.I)
    ]
    assert offenders == []


def test_stylesheet_prevents_horizontal_overflow_and_loads_nothing_external() -> None:
    css = _stylesheet()
    assert "overflow-wrap: anywhere" in css
    assert "min-inline-size: 0" in css
    assert "@import" not in css
    assert "url(" not in css
    assert re.search(r'"Noto (Naskh|Sans) Arabic"', css)


def test_stylesheet_has_visible_focus_styles() -> None:
    assert ":focus-visible" in _stylesheet()


# ----------------------------------------------------------- helpers of views
def test_clean_query() -> None:
    assert clean_query(None) == ""
    assert clean_query("  Béni\u00a0Mellal\x00 \u202eX\u200c\tY ") == "Béni Mellal X Y"
    assert len(clean_query("x" * 10_000)) == MAX_QUERY_LENGTH


def test_clean_choice_and_page_notice() -> None:
    assert clean_choice(" 05\x00 ") == "05"
    assert clean_choice("a" * 500) == "a" * 60
    assert page_notice(None, 1) == ""
    assert page_notice("2", 2) == ""
    assert page_notice("abc", 1) == "abc"
    assert page_notice("\x00", 1) == "?"


def test_template_filters() -> None:
    assert plain_isolate(f"a{RLO}b") == "\u2068ab\u2069"
    assert plain_isolate("") == ""
    assert web_url("https://example.org/x") == "https://example.org/x"
    assert web_url(" javascript:alert(1)") == ""
    assert web_url("ftp://example.org") == ""
    with translation.override("en"):
        assert cohort_label("founding") == "founding members"
    with translation.override("fr"):
        assert cohort_label("founding") == "membres fondateurs"
    assert cohort_label("2023") == "2023"


def test_page_url_keeps_other_parameters() -> None:
    request = RequestFactory().get("/fr/members/", {"q": "بني", "kind": "commune", "page": "3"})
    assert page_url(request, 1) == "/fr/members/?q=%D8%A8%D9%86%D9%8A&kind=commune"
    assert page_url(request, 4).endswith("&page=4")
    assert page_url(RequestFactory().get("/fr/members/"), 1) == "/fr/members/"
