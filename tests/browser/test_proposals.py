"""Proposals in a real browser, in Arabic: propose, support, withdraw the support, comment.

A verified citizen signs in on the site's sign-in page, makes a proposal to a plan in
co-creation, supports it, withdraws the support and comments on it, each with plain
form posts (no script needed), on a 360 px wide screen. Screenshots go to
``tests/artifacts/screenshots/proposal-*.png``.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import Page

from infitah.comments.models import Comment
from infitah.network.models import Principle
from infitah.proposals.models import Proposal, Support
from tests import factories

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"  # noqa: S105 - the factories' test password


@pytest.fixture
def proposal_site(transactional_db: None) -> dict[str, Any]:
    """A network with two principles, a commune's plan in co-creation, a verified citizen."""
    network = factories.NetworkFactory()
    for order, (code, ar, fr) in enumerate(
        [
            ("transparency", "الشفافية", "Transparence"),
            ("participation", "المشاركة", "Participation"),
        ]
    ):
        Principle.objects.create(network=network, code=code, order=order, name_ar=ar, name_fr=fr)
    commune = factories.CommuneFactory(
        slug="beni-mellal", name_ar="بني ملال", name_fr="Béni Mellal"
    )
    plan = factories.ActionPlanFactory(
        collectivity=commune,
        slug="beni-mellal-2026",
        title_ar="برنامج عمل الانفتاح لبني ملال",
        start_month=datetime.date(2026, 1, 1),
        end_month=datetime.date(2027, 12, 1),
    )
    citizen = factories.UserFactory(email="mouwatin@example.org", display_name="مواطن")
    EmailAddress.objects.create(user=citizen, email=citizen.email, verified=True, primary=True)
    return {"plan": plan, "citizen": citizen}


def _shot(page: Page, directory: Path, name: str) -> None:
    page.screenshot(path=str(directory / f"proposal-{name}.png"), full_page=True)


def _no_overflow(page: Page) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"horizontal overflow: {width}"


def test_propose_support_unsupport_and_comment_in_arabic(
    page: Page, live_server: Any, proposal_site: dict[str, Any], screenshot_dir: Path
) -> None:
    plan = proposal_site["plan"]
    base = live_server.url

    # The plan's proposals page: anonymous visitors are invited to sign in.
    page.goto(f"{base}/ar/proposals/plan/{plan.slug}/")
    assert page.evaluate("() => document.documentElement.dir") == "rtl"
    page.locator(f'a[href*="/ar/accounts/login/?next="][href*="{plan.slug}"]').first.click()

    # Sign in (the sign-in page sends the citizen back to the proposal form).
    page.fill('input[name="login"]', "mouwatin@example.org")
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form[method="post"] [type="submit"]').last.click()
    page.wait_for_url(f"**/ar/proposals/plan/{plan.slug}/new/")
    _no_overflow(page)

    # Make a proposal.
    page.fill('input[name="title"]', "نشر ميزانية الجماعة بصيغة مفتوحة")
    page.fill('textarea[name="body"]', "نقترح نشر الميزانية وتقارير تنفيذها كل سنة على البوابة.")
    page.locator('input[name="principles"]').first.check()
    _shot(page, screenshot_dir, "form-ar-360")
    page.locator("form.proposal-form button[type=submit]").first.click()
    page.wait_for_url("**/ar/proposals/*/")
    proposal = Proposal.objects.get()
    assert urlsplit(page.url).path == f"/ar/proposals/{proposal.slug}/"
    assert proposal.author == proposal_site["citizen"]
    assert page.locator("h1").inner_text() == "نشر ميزانية الجماعة بصيغة مفتوحة"
    assert "الشفافية" in page.locator("main").inner_text()

    # Support it, then withdraw the support.
    page.locator('form[action$="/support/"] button').click()
    page.wait_for_load_state()
    assert page.locator('form[action$="/unsupport/"] button').is_visible()
    assert Support.objects.filter(proposal=proposal).count() == 1
    assert Proposal.objects.get(pk=proposal.pk).support_count == 1
    assert "1" in page.locator(".proposal-support__count").inner_text()
    _shot(page, screenshot_dir, "supported-ar-360")
    page.locator('form[action$="/unsupport/"] button').click()
    page.wait_for_load_state()
    assert page.locator('form[action$="/support/"] button').is_visible()
    assert not Support.objects.filter(proposal=proposal).exists()
    assert Proposal.objects.get(pk=proposal.pk).support_count == 0

    # Comment on it.
    page.fill("textarea#comment-body", "فكرة جيدة، يجب أن تشمل الصفقات العمومية أيضا.")
    page.locator("form.comment-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "الصفقات العمومية" in page.locator(".comment-list").inner_text()
    assert Comment.objects.count() == 1
    assert Proposal.objects.get(pk=proposal.pk).comment_count == 1
    _no_overflow(page)
    _shot(page, screenshot_dir, "commented-ar-360")

    # The list shows it, with its figures, right to left.
    page.goto(f"{base}/ar/proposals/")
    assert "نشر ميزانية الجماعة" in page.locator(".proposal-list").inner_text()
    _no_overflow(page)
    _shot(page, screenshot_dir, "list-ar-360")
