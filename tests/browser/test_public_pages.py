"""The public pages in a real browser: direction, language switcher, width, search, bidi.

Each test opens pages of a live server (``live_server``) in Debian's Chromium, on a
360 px wide screen unless it says otherwise, and saves full-page screenshots to
``tests/artifacts/screenshots/<name>.png``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from playwright.sync_api import Page

from infitah.territories.models import Collectivity
from tests.browser.sample import LONG_WORD_AR, LONG_WORD_FR, RLO

pytestmark = pytest.mark.browser

SiteData = dict[str, Collectivity]

DIRECTION = {"ar": "rtl", "fr": "ltr"}
OTHER_LANGUAGE = {"ar": "fr", "fr": "ar"}

# Page name -> path after the language prefix (no leading slash).
PAGES: dict[str, Callable[[SiteData], str]] = {
    "home": lambda data: "",
    "members": lambda data: "members/",
    "collectivity": lambda data: f"territories/{data['beni_mellal'].slug}/",
}

# Page name -> {language: text its <main> must show} (from the site_data fixture).
EXPECTED_TEXT: dict[str, dict[str, str]] = {
    "home": {"ar": "الشفافية", "fr": "Transparence"},
    "members": {"ar": "بني ملال", "fr": "Béni Mellal"},
    "collectivity": {"ar": "بني ملال", "fr": "Béni Mellal"},
}

# Lists the elements that stick out of the viewport, to make a failure actionable.
_OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  const culprits = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const style = getComputedStyle(el);
    const spills = style.overflowX === 'visible' && el.scrollWidth > el.clientWidth + 1;
    if (r.right > width + 0.5 || r.left < -0.5 || spills) {
      const cls = typeof el.className === 'string' && el.className.trim()
        ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
      const box = `[${Math.round(r.left)}, ${Math.round(r.right)}]`;
      culprits.push(`${el.tagName.toLowerCase()}${cls} ${box}`);
      if (culprits.length >= 8) break;
    }
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: width,
    culprits: culprits,
  };
}"""

# For every text node holding U+202E, is it isolated from the text around it? Safe when
# an inline ancestor inside its paragraph isolates it (<bdi>, dir="…", unicode-bidi:
# isolate/plaintext), or when its block (a paragraph of its own) holds nothing else.
# Blocks are isolated by the user-agent style sheet, which protects only the text
# outside the block, so a block's own unicode-bidi does not count.
_BIDI_JS = """(rlo) => {
  const isolating = new Set(['isolate', 'isolate-override', 'plaintext']);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const results = [];
  let node;
  while ((node = walker.nextNode())) {
    if (!node.data.includes(rlo)) continue;
    let el = node.parentElement;
    let ok = false;
    while (el && el !== document.body) {
      const style = getComputedStyle(el);
      if (style.display !== 'inline' && style.display !== 'contents') {
        ok = el.textContent.trim() === node.data.trim();
        break;
      }
      if (el.tagName === 'BDI' || isolating.has(style.unicodeBidi)) { ok = true; break; }
      el = el.parentElement;
    }
    const parent = node.parentElement;
    results.push({ok: ok, where: parent ? parent.outerHTML.slice(0, 160) : '?'});
  }
  return results;
}"""


@pytest.fixture
def page_problems(page: Page) -> list[str]:
    """Console errors (e.g. CSP violations), failed requests and 4xx/5xx sub-resources."""
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    page.on(
        "requestfailed", lambda req: problems.append(f"request failed: {req.url} {req.failure}")
    )
    page.on(
        "response",
        lambda res: problems.append(f"{res.status} for {res.url}") if res.status >= 400 else None,
    )
    return problems


def _open(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None, f"no response for {url}"
    assert response.status == 200, f"{url} answered {response.status}"


def _html_lang_and_dir(page: Page) -> tuple[str, str]:
    lang, direction = page.evaluate(
        "() => [document.documentElement.lang, document.documentElement.dir]"
    )
    return str(lang), str(direction)


def _assert_no_horizontal_overflow(page: Page, what: str) -> None:
    info: dict[str, Any] = page.evaluate(_OVERFLOW_JS)
    assert info["scrollWidth"] <= info["innerWidth"], (
        f"{what}: horizontal overflow at {info['innerWidth']} px "
        f"(scrollWidth {info['scrollWidth']}); elements sticking out: {info['culprits']}"
    )


def _screenshot(page: Page, directory: Path, name: str) -> None:
    path = directory / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 0


def _main_text(page: Page) -> str:
    return page.locator("main").inner_text()


@pytest.mark.parametrize("lang", ["ar", "fr"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_direction_width_and_language_switcher(
    page: Page,
    live_server: Any,
    site_data: SiteData,
    screenshot_dir: Path,
    page_problems: list[str],
    name: str,
    lang: str,
) -> None:
    rest = PAGES[name](site_data)
    _open(page, f"{live_server.url}/{lang}/{rest}")
    page.wait_for_load_state("networkidle")
    assert not page_problems, f"/{lang}/{rest}: {page_problems}"
    assert EXPECTED_TEXT[name][lang] in _main_text(page)

    assert _html_lang_and_dir(page) == (lang, DIRECTION[lang])
    current = page.locator(f'nav.lang-switcher a[data-lang="{lang}"]')
    assert current.get_attribute("aria-current") is not None

    # Phone width (the context's default viewport) then desktop width.
    _assert_no_horizontal_overflow(page, f"/{lang}/{rest}")
    _screenshot(page, screenshot_dir, f"{name}-{lang}-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    _assert_no_horizontal_overflow(page, f"/{lang}/{rest} (desktop)")
    _screenshot(page, screenshot_dir, f"{name}-{lang}")

    other = OTHER_LANGUAGE[lang]
    link = page.locator(f'nav.lang-switcher a[data-lang="{other}"]')
    assert link.get_attribute("hreflang") == other
    link.click()
    page.wait_for_url(f"**/{other}/**")
    assert urlsplit(page.url).path == f"/{other}/{rest}"
    assert _html_lang_and_dir(page) == (other, DIRECTION[other])
    assert EXPECTED_TEXT[name][other] in _main_text(page)
    page.wait_for_load_state("networkidle")
    assert not page_problems, f"/{other}/{rest}: {page_problems}"
    assert (
        page.locator(f'nav.lang-switcher a[data-lang="{other}"]').get_attribute("aria-current")
        is not None
    )


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_language_switcher_keeps_path_and_query(
    page: Page, live_server: Any, site_data: SiteData, lang: str
) -> None:
    query = f"q={quote('ملال')}&kind=commune"
    _open(page, f"{live_server.url}/{lang}/members/?{query}")
    other = OTHER_LANGUAGE[lang]
    page.locator(f'nav.lang-switcher a[data-lang="{other}"]').click()
    page.wait_for_url(f"**/{other}/members/**")
    after = urlsplit(page.url)
    assert after.path == f"/{other}/members/"
    assert parse_qs(after.query) == parse_qs(query)
    assert _html_lang_and_dir(page) == (other, DIRECTION[other])


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_two_hundred_character_word_does_not_overflow(
    page: Page, live_server: Any, site_data: SiteData, screenshot_dir: Path, lang: str
) -> None:
    commune = site_data["long_name"]
    word = LONG_WORD_AR if lang == "ar" else LONG_WORD_FR

    _open(page, f"{live_server.url}/{lang}/territories/{commune.slug}/")
    assert word[:40] in _main_text(page), "the long name is not shown on its page"
    _assert_no_horizontal_overflow(page, f"/{lang}/territories/{commune.slug}/")
    _screenshot(page, screenshot_dir, f"collectivity-long-name-{lang}-360")

    _open(page, f"{live_server.url}/{lang}/members/")
    assert word[:40] in _main_text(page), "the long name is not listed in the directory"
    _assert_no_horizontal_overflow(page, f"/{lang}/members/ (with a 200-character name)")
    _screenshot(page, screenshot_dir, f"members-long-name-{lang}-360")


@pytest.mark.parametrize(
    ("lang", "query"),
    [("ar", "بنى ملال"), ("fr", "بنى ملال"), ("fr", "beni mellal"), ("ar", "Béni Mellal")],
)
def test_directory_search_finds_beni_mellal(
    page: Page,
    live_server: Any,
    site_data: SiteData,
    screenshot_dir: Path,
    lang: str,
    query: str,
) -> None:
    _open(page, f"{live_server.url}/{lang}/members/")
    search = page.locator("main input[name='q']")
    search.fill(query)
    search.press("Enter")
    page.wait_for_url("**/members/?*q=*")
    assert parse_qs(urlsplit(page.url).query).get("q") == [query]
    assert page.locator("main input[name='q']").input_value() == query

    target = site_data["beni_mellal"].slug
    assert page.locator(f"main a[href$='/territories/{target}/']").count() >= 1, (
        f"searching {query!r} did not list Béni Mellal"
    )
    for other in ("long_name", "bidi_name"):
        slug = site_data[other].slug
        assert page.locator(f"main a[href$='/territories/{slug}/']").count() == 0, (
            f"searching {query!r} also listed {slug}"
        )
    _assert_no_horizontal_overflow(page, f"/{lang}/members/?q=…")
    if query == "بنى ملال":
        _screenshot(page, screenshot_dir, f"members-search-{lang}-360")


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_bidi_override_in_a_name_is_isolated(
    page: Page, live_server: Any, site_data: SiteData, lang: str
) -> None:
    commune = site_data["bidi_name"]
    visible = "أولاد التجربة" if lang == "ar" else "Ouled Essai"
    for path in (f"/{lang}/territories/{commune.slug}/", f"/{lang}/members/"):
        _open(page, f"{live_server.url}{path}")
        assert visible in _main_text(page).replace(RLO, ""), f"{path}: name not shown"
        leaks = [r["where"] for r in page.evaluate(_BIDI_JS, RLO) if not r["ok"]]
        assert not leaks, f"{path}: U+202E can reorder the text around it in {leaks}"
