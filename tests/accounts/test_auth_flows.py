"""Sign-up with e-mail verification, sign-in, sign-out and password reset (allauth)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from infitah.accounts.models import User
from tests.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another long passphrase 42"


def _link(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", body)
    assert match, body
    return match.group(1)


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_account_pages_render_in_the_site_layout(client: Client, language: str) -> None:
    for page in ("login", "signup", "password/reset"):
        response = client.get(f"/{language}/accounts/{page}/")
        assert response.status_code == 200, page
        html = response.content.decode()
        assert f'<html lang="{language}"' in html
        assert 'class="site-header"' in html  # our base.html, not allauth's bare layout
        assert "csrfmiddlewaretoken" in html
        assert "<script" not in html  # works without JavaScript
        assert 'style="' not in html  # nothing the strict CSP would block
    assert 'dir="rtl"' in client.get("/ar/accounts/login/").content.decode()


def test_sign_up_sends_a_verification_email_and_login_waits_for_it(client: Client) -> None:
    response = client.post(
        "/fr/accounts/signup/",
        {"email": "Nouvelle@Example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    user = User.objects.get(email__iexact="nouvelle@example.org")
    assert user.preferred_language == "fr"  # the language the person signed up in
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle@example.org"]
    assert message.subject.startswith("[Infitah]")
    confirm_path = _link(message.body)
    assert "/accounts/confirm-email/" in confirm_path

    # Not signed in until the address is verified, even with the right password.
    other = Client()
    response = other.post(
        "/fr/accounts/login/", {"login": "nouvelle@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "confirm-email" in response["Location"]
    assert "_auth_user_id" not in other.session
    assert len(mail.outbox) == 2  # the verification e-mail is sent again

    # Confirming the address (a POST on the link's page) allows signing in.
    assert other.get(confirm_path).status_code == 200
    response = other.post(confirm_path)
    assert response.status_code == 302
    assert user.emailaddress_set.get().verified
    other.post("/fr/accounts/logout/")
    response = other.post(
        "/fr/accounts/login/", {"login": "nouvelle@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert other.session["_auth_user_id"] == str(user.pk)


def test_sign_up_refuses_a_weak_password_with_a_message(client: Client) -> None:
    response = client.post(
        "/en/accounts/signup/",
        {"email": "weak@example.org", "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="weak@example.org").exists()
    assert "errorlist" in response.content.decode()
    assert mail.outbox == []


def test_login_and_logout(client: Client, verified_user: User) -> None:
    response = client.post(
        "/en/accounts/login/", {"login": "VERIFIED@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(verified_user.pk)

    response = client.post("/en/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_login_with_a_wrong_password_shows_an_error(client: Client, verified_user: User) -> None:
    response = client.post(
        "/en/accounts/login/", {"login": verified_user.email, "password": "wrong password"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "errorlist" in response.content.decode()


def test_password_reset_flow(client: Client, verified_user: User) -> None:
    response = client.post("/en/accounts/password/reset/", {"email": verified_user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    reset_path = _link(mail.outbox[0].body)
    assert "/accounts/password/reset/key/" in reset_path

    # allauth moves the key into the session and redirects to a key-less address.
    response = client.get(reset_path)
    assert response.status_code == 302
    form_path = response["Location"]
    response = client.get(form_path)
    assert response.status_code == 200
    response = client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302

    verified_user.refresh_from_db()
    assert verified_user.check_password(NEW_PASSWORD)
    fresh = Client()
    response = fresh.post(
        "/en/accounts/login/", {"login": verified_user.email, "password": NEW_PASSWORD}
    )
    assert fresh.session["_auth_user_id"] == str(verified_user.pk)


def test_password_reset_for_an_unknown_address_sends_nothing_and_does_not_fail(
    client: Client,
) -> None:
    response = client.post("/en/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code in (200, 302)
    assert all("/password/reset/key/" not in m.body for m in mail.outbox)


def test_email_management_page(client: Client, verified_user: User) -> None:
    client.force_login(verified_user)
    response = client.get("/ar/accounts/email/")
    assert response.status_code == 200
    assert verified_user.email in response.content.decode()
    response = client.post("/ar/accounts/email/", {"action_add": "", "email": "second@example.org"})
    assert response.status_code == 302
    assert verified_user.emailaddress_set.filter(email="second@example.org").exists()
    assert any("second@example.org" in m.to for m in mail.outbox)


@pytest.mark.parametrize(
    "page", ["email/", "password/change/", "2fa/", "profile/", "reauthenticate/"]
)
def test_account_management_pages_need_no_script(
    client: Client, verified_user: User, page: str
) -> None:
    client.force_login(verified_user)
    response = client.get(f"/fr/accounts/{page}")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert "<script" not in html
    assert 'style="' not in html


def test_emails_name_the_site_not_example_com(client: Client) -> None:
    """The verification e-mail names Infitah and the address the links point to."""
    client.post(
        "/ar/accounts/signup/",
        {"email": "site-name@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "example.com" not in body
    assert "انفتاح" in body  # the site's name in the language of the e-mail
    assert "testserver" in body


def test_emails_use_a_configured_site(client: Client) -> None:
    from django.contrib.sites.models import Site

    Site.objects.filter(pk=1).update(name="Open Network", domain="open.example.net")
    client.post(
        "/en/accounts/signup/",
        {"email": "configured@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    body = mail.outbox[0].body
    assert "Open Network" in body and "open.example.net" in body


def test_admin_sign_in_refuses_an_unconfirmed_address(client: Client) -> None:
    """Whoever signs up with an address need not own it; the admin must not let them in.

    (Here the account even holds a role, e.g. given by mistake before this was checked.)
    """
    client.post(
        "/en/accounts/signup/",
        {"email": "colleague@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    user = User.objects.get(email="colleague@example.org")
    user.is_staff = True
    user.save()
    response = client.post(
        "/en/admin/login/", {"username": "colleague@example.org", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    html = response.content.decode()
    assert "has not been confirmed yet" in html
    assert 'href="/en/accounts/login/"' in html

    # Once the address is confirmed, the same sign-in works.
    user.emailaddress_set.update(verified=True)
    response = client.post(
        "/en/admin/login/", {"username": "colleague@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_admin_sign_in_of_accounts_made_without_sign_up(client: Client) -> None:
    """``createsuperuser`` and the admin record no address: those accounts still sign in."""
    User.objects.create_superuser(email="root@example.org", password=PASSWORD)
    response = client.post(
        "/en/admin/login/", {"username": "root@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
