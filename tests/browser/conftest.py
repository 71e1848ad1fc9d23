"""Browser tests (Playwright on Debian's Chromium): launch options, skip/fail rules, data.

* Playwright cannot download browsers on our machines, so the tests drive the system
  Chromium (``/usr/bin/chromium`` or ``chromium`` on ``PATH``; ``INFITAH_CHROMIUM`` may
  name another executable).
* Without Chromium the browser tests are skipped with a reason that ``pytest -ra`` (and
  so ``make test``) prints, and the rest of the suite runs. With ``CI=true`` a missing
  browser is a failure, never a skip.
* Playwright's sync API runs an asyncio loop in the main thread, which makes Django
  refuse ORM calls from that thread; ``DJANGO_ALLOW_ASYNC_UNSAFE`` lifts that guard for
  the whole run (the browser tests and every test collected after them).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, cast

import pytest

# Must be set before any test touches the ORM once Playwright has started.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Imported after the environment is set, for clarity (Django reads it at call time).
from infitah.network.models import Membership, Network, Principle  # noqa: E402
from infitah.territories.models import Collectivity  # noqa: E402
from tests import factories  # noqa: E402
from tests.browser.sample import LONG_WORD_AR, LONG_WORD_FR, RLO  # noqa: E402

CHROMIUM_DEFAULT = "/usr/bin/chromium"
MISSING_CHROMIUM = (
    "Chromium not found: install Debian's chromium (make browser-deps) "
    "or set INFITAH_CHROMIUM to its path"
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
SCREENSHOT_DIR = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"


def find_chromium() -> str | None:
    """Return the path of a Chromium executable, or ``None`` when there is none.

    Looks at ``$INFITAH_CHROMIUM``, then ``/usr/bin/chromium``, then ``chromium`` and
    ``chromium-browser`` on ``PATH``.
    """
    override = os.environ.get("INFITAH_CHROMIUM", "").strip()
    if override:
        return override if os.access(override, os.X_OK) else None
    if os.access(CHROMIUM_DEFAULT, os.X_OK):
        return CHROMIUM_DEFAULT
    return shutil.which("chromium") or shutil.which("chromium-browser")


def running_in_ci() -> bool:
    """True when ``CI`` is set to a true value (``true``, ``1``, ``yes``)."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def _is_browser_test(item: pytest.Item) -> bool:
    return item.get_closest_marker("browser") is not None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the browser tests when Chromium is missing (outside CI).

    Skipping at collection time means no database or live server is set up for them.
    Under ``CI=true`` nothing is skipped here: the ``chromium_executable`` fixture fails
    each browser test instead.
    """
    if find_chromium() is not None or running_in_ci():
        return
    skip = pytest.mark.skip(reason=MISSING_CHROMIUM)
    for item in items:
        if _is_browser_test(item):
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Say plainly, at the end of the run, that the browser tests did not run."""
    if find_chromium() is not None:
        return
    if running_in_ci():
        terminalreporter.write_line(
            f"BROWSER TESTS FAILED: {MISSING_CHROMIUM} (CI=true: a missing browser is a failure)",
            red=True,
            bold=True,
        )
    else:
        terminalreporter.write_line(
            f"Browser tests SKIPPED: {MISSING_CHROMIUM}", yellow=True, bold=True
        )


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Path of the Chromium to drive; skips (or fails under ``CI=true``) when missing."""
    path = find_chromium()
    if path is None:
        if running_in_ci():
            pytest.fail(
                f"{MISSING_CHROMIUM} (CI=true: a missing browser is a failure)", pytrace=False
            )
        pytest.skip(MISSING_CHROMIUM)
    return path


@pytest.fixture(autouse=True)
def _require_chromium(request: pytest.FixtureRequest) -> None:
    """Check for Chromium before any other fixture of a browser test does work."""
    if _is_browser_test(request.node):
        request.getfixturevalue("chromium_executable")


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any], chromium_executable: str
) -> dict[str, Any]:
    """pytest-playwright launch options: Debian's Chromium, headless, no network chatter."""
    return {
        **browser_type_launch_args,
        "executable_path": chromium_executable,
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """Every page starts on a phone-sized screen (360 px wide), in a fixed locale."""
    return {
        **browser_context_args,
        "viewport": {"width": 360, "height": 760},
        "locale": "fr-FR",
    }


@pytest.fixture
def screenshot_dir() -> Path:
    """``tests/artifacts/screenshots`` (git-ignored), created on demand."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR


@pytest.fixture
def site_data(transactional_db: None) -> dict[str, Collectivity]:
    """A small but complete site: network with principles, region, province, members.

    Returns ``{"region", "province", "beni_mellal", "long_name", "bidi_name"}``.
    ``long_name``'s French name is one 200-character unbroken word (the column's
    maximum); ``bidi_name``'s names hold U+202E RIGHT-TO-LEFT OVERRIDE.
    """
    network = cast(Network, factories.NetworkFactory())
    for order, (code, ar, fr, en) in enumerate(
        [
            ("transparency", "الشفافية", "Transparence", "Transparency"),
            ("participation", "المشاركة", "Participation", "Participation"),
            ("accountability", "المساءلة", "Redevabilité", "Accountability"),
            ("integrity", "النزاهة", "Intégrité", "Integrity"),
            ("innovation", "الابتكار", "Innovation", "Innovation"),
        ]
    ):
        Principle.objects.create(
            network=network, code=code, order=order, name_ar=ar, name_fr=fr, name_en=en
        )
    region = cast(
        Collectivity,
        factories.RegionFactory(
            code="05",
            slug="beni-mellal-khenifra",
            name_ar="جهة بني ملال خنيفرة",
            name_fr="Région Béni Mellal-Khénifra",
        ),
    )
    province = cast(
        Collectivity,
        factories.ProvinceFactory(
            parent=region,
            code="05.091",
            slug="province-beni-mellal",
            name_ar="إقليم بني ملال",
            name_fr="Province de Béni Mellal",
        ),
    )
    beni_mellal = cast(
        Collectivity,
        factories.CommuneFactory(
            parent=province,
            code="05.091.01.01",
            slug="beni-mellal",
            name_ar="بني ملال",
            name_fr="Béni Mellal",
            population_2024=200_000,
            area_type=Collectivity.AreaType.URBAN,
        ),
    )
    long_name = cast(
        Collectivity,
        factories.CommuneFactory(
            parent=province,
            code="05.091.01.02",
            slug="long-name-commune",
            name_ar=f"جماعة {LONG_WORD_AR}"[:200],
            name_fr=LONG_WORD_FR,
        ),
    )
    bidi_name = cast(
        Collectivity,
        factories.CommuneFactory(
            parent=province,
            code="05.091.01.03",
            slug="bidi-name-commune",
            name_ar=f"جماعة {RLO}أولاد التجربة",
            name_fr=f"Commune {RLO}Ouled Essai",
        ),
    )
    factories.MembershipFactory(
        network=network, collectivity=region, cohort="founding", is_founding_member=True
    )
    factories.MembershipFactory(network=network, collectivity=beni_mellal, cohort="2023")
    factories.MembershipFactory(network=network, collectivity=long_name, cohort="2024")
    factories.MembershipFactory(network=network, collectivity=bidi_name, cohort="2024")
    assert Membership.objects.count() == 4
    return {
        "region": region,
        "province": province,
        "beni_mellal": beni_mellal,
        "long_name": long_name,
        "bidi_name": bidi_name,
    }
