"""Sign-in lockout (django-axes) on allauth's form and on the Django admin's form."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpResponse
from django.test import Client

from infitah.accounts.models import User
from tests.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT


@dataclass
class LoginForm:
    name: str
    url: str
    field: str  # allauth posts "login", the admin "username"

    def post(self, client: Client, email: str, password: str, **extra: str) -> HttpResponse:
        return client.post(self.url, {self.field: email, "password": password}, **extra)

    def signed_in(self, client: Client, user: User) -> bool:
        return client.session.get("_auth_user_id") == str(user.pk)


FORMS = [
    LoginForm("allauth", "/en/accounts/login/", "login"),
    LoginForm("admin", "/en/admin/login/", "username"),
]


@pytest.fixture(params=FORMS, ids=lambda form: form.name)
def form(request: pytest.FixtureRequest) -> LoginForm:
    return request.param


@pytest.fixture
def staff_user(staff_a: User, make_verified: Callable[[User], User]) -> User:
    """A staff account with a verified address: both forms accept it."""
    return make_verified(staff_a)


def test_the_settings_lock_after_five_failures() -> None:
    assert settings.AXES_ENABLED
    assert LIMIT == 5
    assert settings.AXES_HTTP_RESPONSE_CODE == 429


def test_locked_out_after_five_failures(client: Client, form: LoginForm, staff_user: User) -> None:
    for attempt in range(1, LIMIT):
        response = form.post(client, staff_user.email, f"wrong {attempt}")
        assert response.status_code == 200, attempt
    response = form.post(client, staff_user.email, "wrong again")
    assert response.status_code == 429
    # Even the right password is refused now, whatever the case of the address.
    response = form.post(client, staff_user.email.upper(), PASSWORD)
    assert response.status_code == 429
    assert not form.signed_in(client, staff_user)
    assert AccessAttempt.objects.filter(username=staff_user.email.lower()).exists()


def test_lockout_page_says_when_to_try_again(
    client: Client, form: LoginForm, staff_user: User
) -> None:
    for _ in range(LIMIT):
        response = form.post(client, staff_user.email, "wrong")
    assert response.status_code == 429
    assert response["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME * 3600))
    html = response.content.decode()
    assert 'class="site-header"' in html
    assert "You can try again in 60 minutes" in html
    assert "/en/accounts/password/reset/" in html


def test_lockout_is_per_account_and_address(
    client: Client, form: LoginForm, staff_user: User
) -> None:
    for _ in range(LIMIT):
        form.post(client, staff_user.email, "wrong")
    other_place = Client(REMOTE_ADDR="192.0.2.10")
    response = form.post(other_place, staff_user.email, PASSWORD, REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 302
    assert form.signed_in(other_place, staff_user)


def test_success_resets_the_failure_count(
    client: Client, form: LoginForm, staff_user: User
) -> None:
    for _ in range(LIMIT - 1):
        assert form.post(client, staff_user.email, "wrong").status_code == 200
    response = form.post(client, staff_user.email, PASSWORD)
    assert response.status_code == 302
    assert form.signed_in(client, staff_user)
    client.logout()
    for _ in range(LIMIT - 1):
        assert form.post(client, staff_user.email, "wrong").status_code == 200
    assert form.post(client, staff_user.email, "wrong").status_code == 429


def test_a_failing_lockout_page_still_answers_429(
    client: Client, staff_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> HttpResponse:
        raise RuntimeError("template trouble")

    monkeypatch.setattr("infitah.accounts.views.render", broken)
    for _ in range(LIMIT):
        response = FORMS[0].post(client, staff_user.email, "wrong")
    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/plain")
    assert "try again later" in response.content.decode()


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_lockout_page_in_each_language(client: Client, staff_user: User, language: str) -> None:
    for _ in range(LIMIT):
        response = client.post(
            f"/{language}/accounts/login/", {"login": staff_user.email, "password": "wrong"}
        )
    assert response.status_code == 429
    assert f'<html lang="{language}"' in response.content.decode()
