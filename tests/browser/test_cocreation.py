"""The co-creation process in a real browser, in Arabic.

Loads the real Béni Mellal 2023 process (``load_plan_reference_data``), then: browses
the plan and its 11 July 2023 workshop, opens the agenda (reception, opening, two
parallel groups), and registers a verified citizen for an upcoming workshop of the
same plan, then cancels. Plain form posts only, on a 360 px wide screen; screenshots
go to ``tests/artifacts/screenshots/cocreation-*.png``.
"""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page

from infitah.meetings.models import Meeting, Registration
from infitah.network.services import network_load_seed
from infitah.plans.models import ActionPlan
from infitah.territories.services import territories_load
from tests import factories

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"  # noqa: S105 - the factories' test password
WORKSHOP = "beni-mellal-2023-07-11-co-creation-workshop-2"


@pytest.fixture
def cocreation_site(transactional_db: None) -> dict[str, Any]:
    """Real territories, the network seed, the real 2023 process, an upcoming meeting."""
    territories_load()  # every real collectivity (well under a second)
    network_load_seed()
    call_command("load_plan_reference_data", stdout=StringIO())
    plan = ActionPlan.objects.get(slug="05-091-01-01-2023")
    upcoming = factories.MeetingFactory(
        plan=plan,
        network=Meeting.objects.get(slug=WORKSHOP).network,
        slug="beni-mellal-upcoming-consultation",
        kind=Meeting.Kind.CONSULTATION,
        title_ar="لقاء تشاوري حول مشروع البرنامج",
        registration_enabled=True,
        capacity=30,
        starts_at=timezone.now() + datetime.timedelta(days=10),
        ends_at=timezone.now() + datetime.timedelta(days=10, hours=2),
    )
    citizen = factories.UserFactory(email="mouwatina@example.org", display_name="مواطنة")
    EmailAddress.objects.create(user=citizen, email=citizen.email, verified=True, primary=True)
    return {"plan": plan, "upcoming": upcoming, "citizen": citizen}


def _shot(page: Page, directory: Path, name: str) -> None:
    page.screenshot(path=str(directory / f"cocreation-{name}.png"), full_page=True)


def _no_overflow(page: Page) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"horizontal overflow: {width}"


def test_browse_the_beni_mellal_plan_and_its_july_workshop_in_arabic(
    page: Page, live_server: Any, cocreation_site: dict[str, Any], screenshot_dir: Path
) -> None:
    base = live_server.url
    page.goto(f"{base}/ar/plans/")
    assert page.evaluate("() => document.documentElement.dir") == "rtl"
    page.locator('a[href="/ar/plans/05-091-01-01-2023/"]').first.click()
    page.wait_for_url("**/ar/plans/05-091-01-01-2023/")
    main = page.locator("main")
    assert "بني ملال" in main.inner_text()
    _no_overflow(page)
    _shot(page, screenshot_dir, "plan")

    # From the plan to its second workshop, then to the agenda.
    page.locator(f'main a[href="/ar/meetings/{WORKSHOP}/"]').first.click()
    page.wait_for_url(f"**/ar/meetings/{WORKSHOP}/")
    text = page.locator("main").inner_text()
    assert "مغيلة" in text
    assert "10:00" in text  # local time in Casablanca, whatever the server's zone
    agenda = page.locator("#agenda")
    agenda.scroll_into_view_if_needed()
    agenda_text = agenda.inner_text()
    for slot in ("09:30", "10:00", "10:30", "10:55"):
        assert slot in agenda_text, slot
    # Two parallel groups in the same slot.
    assert agenda_text.count("1") >= 1 and agenda_text.count("2") >= 1
    _no_overflow(page)
    _shot(page, screenshot_dir, "workshop-agenda")


def test_register_for_an_upcoming_meeting_and_cancel(
    page: Page, live_server: Any, cocreation_site: dict[str, Any], screenshot_dir: Path
) -> None:
    upcoming = cocreation_site["upcoming"]
    citizen = cocreation_site["citizen"]
    base = live_server.url
    page.goto(f"{base}/ar/accounts/login/?next=/ar/meetings/{upcoming.slug}/")
    page.fill('input[name="login"]', citizen.email)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form[method="post"] [type="submit"]').last.click()
    page.wait_for_url(f"**/ar/meetings/{upcoming.slug}/")

    box = page.locator("#registration")
    box.locator('form[action$="/register/"] button[type="submit"]').click()
    page.wait_for_load_state()
    assert Registration.objects.get(meeting=upcoming, user=citizen).status == "confirmed"
    assert page.locator("#registration .notice--success").count() == 1
    _shot(page, screenshot_dir, "registered")

    page.locator('#registration form[action*="cancel"] button[type="submit"]').click()
    page.wait_for_load_state()
    assert Registration.objects.get(meeting=upcoming, user=citizen).status == "cancelled"
    assert page.locator('#registration form[action$="/register/"]').count() == 1
    _no_overflow(page)
    _shot(page, screenshot_dir, "cancelled")
