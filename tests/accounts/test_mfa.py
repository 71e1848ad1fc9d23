"""Two-factor sign-in with an authenticator app (TOTP, django-allauth's mfa)."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.test import Client

from infitah.accounts.models import User
from tests.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def current_code(secret: str) -> str:
    """The code an authenticator app shows now (30-second steps, like allauth)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def staff_user(staff_a: User, make_verified: Callable[[User], User]) -> User:
    return make_verified(staff_a)


def _password_step(client: Client, user: User, language: str = "en") -> None:
    response = client.post(
        f"/{language}/accounts/login/", {"login": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/{language}/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session  # not signed in yet


def test_staff_can_activate_totp_with_a_real_code(client: Client, staff_user: User) -> None:
    response = client.post("/en/accounts/login/", {"login": staff_user.email, "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(staff_user.pk)

    # allauth asks for the password again before changing sign-in methods.
    response = client.get("/en/accounts/2fa/totp/activate/")
    assert response.status_code == 302
    reauthenticate = response["Location"]
    assert reauthenticate.startswith("/en/accounts/reauthenticate/")
    assert client.get(reauthenticate).status_code == 200
    response = client.post(reauthenticate, {"password": PASSWORD})
    assert response.status_code == 302

    response = client.get("/en/accounts/2fa/totp/activate/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="site-header"' in html
    assert "data:image/svg+xml" in html  # the QR code is an image, no script
    secret = client.session["mfa.totp.secret"]

    response = client.post("/en/accounts/2fa/totp/activate/", {"code": "000000"})
    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=staff_user).exists()

    response = client.post("/en/accounts/2fa/totp/activate/", {"code": current_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=staff_user, type=Authenticator.Type.TOTP).exists()

    # From now on, signing in asks for the code.
    client.post("/en/accounts/logout/")
    _password_step(client, staff_user)


def test_login_requires_the_code_once_totp_is_active(client: Client, staff_user: User) -> None:
    secret = generate_totp_secret()
    TOTP.activate(staff_user, secret)

    _password_step(client, staff_user, language="fr")
    response = client.get("/fr/accounts/2fa/authenticate/")
    assert response.status_code == 200
    assert 'class="site-header"' in response.content.decode()

    response = client.post("/fr/accounts/2fa/authenticate/", {"code": "123456"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session

    response = client.post("/fr/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff_user.pk)
    # The preferred language still applies after the second step.
    assert response["Location"] == "/ar/"


def test_admin_login_form_cannot_skip_the_second_factor(client: Client, staff_user: User) -> None:
    TOTP.activate(staff_user, generate_totp_secret())
    response = client.post("/en/admin/login/", {"username": staff_user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    html = response.content.decode()
    assert "two-factor authentication" in html
    assert "/en/accounts/login/?next=/en/admin/" in html


def test_admin_login_still_works_without_totp(client: Client, staff_user: User) -> None:
    response = client.post("/en/admin/login/", {"username": staff_user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff_user.pk)


def test_two_factor_index_renders_in_arabic(client: Client, staff_user: User) -> None:
    client.force_login(staff_user)
    response = client.get("/ar/accounts/2fa/")
    assert response.status_code == 200
    assert 'dir="rtl"' in response.content.decode()
