"""Malformed input on the account and admin pages never causes a 500.

NUL bytes (``%00``) in any parameter: PostgreSQL refuses NUL in text, so a NUL reaching
a query would be a server error there. Object keys that are not numbers (``abc``,
``²``, 20 digits) in admin addresses and in posted autocomplete fields.
"""

from __future__ import annotations

import pytest
from django.test import Client

from infitah.accounts.models import User
from infitah.network.models import Membership

pytestmark = pytest.mark.django_db

NUL = "a\x00b"

SITE_GETS = [
    "/ar/accounts/login/?next=/ar/\x00",
    "/fr/accounts/signup/?next=\x00",
    "/ar/accounts/password/reset/?email=\x00",
    "/ar/accounts/confirm-email/a\x00b/",
    "/ar/accounts/password/reset/key/1-a\x00b/",
]
SITE_POSTS = [
    ("/ar/accounts/login/", {"login": NUL, "password": NUL}),
    ("/ar/accounts/login/", {"login": "someone@example.org", "password": NUL}),
    ("/ar/accounts/signup/", {"email": NUL, "password1": NUL, "password2": NUL}),
    ("/fr/accounts/password/reset/", {"email": NUL}),
    ("/ar/admin/login/", {"username": NUL, "password": NUL}),
    ("/ar/admin/login/", {"username": "someone@example.org", "password": NUL}),
]


@pytest.mark.parametrize("path", SITE_GETS)
def test_account_pages_get(client: Client, path: str) -> None:
    assert client.get(path).status_code < 500


@pytest.mark.parametrize(("path", "data"), SITE_POSTS)
def test_account_pages_post(client: Client, path: str, data: dict[str, str]) -> None:
    assert client.post(path, data).status_code < 500


def test_profile_post(client: Client, citizen: User) -> None:
    client.force_login(citizen)
    for data in (
        {"display_name": NUL, "preferred_language": "fr"},
        {"display_name": "x", "preferred_language": NUL},
    ):
        response = client.post("/ar/accounts/profile/", data)
        assert response.status_code == 200
        assert response.context["form"].errors


LISTS = [
    "territories/collectivity",
    "territories/areatypeoverride",
    "network/membership",
    "network/network",
    "network/principle",
    "network/partner",
    "network/charterversion",
    "accounts/user",
    "accounts/collectivityrole",
    "accounts/networkrole",
    "accounts/organisation",
    "accounts/organisationrepresentative",
    "axes/accessattempt",
]
# Every list filter and the search, sorting and paging parameters.
LIST_PARAMS = {
    "q": NUL,
    "o": NUL,
    "p": NUL,
    "kind": NUL,
    "area_type": NUL,
    "region": NUL,
    "status": NUL,
    "is_founding_member": NUL,
    "collectivity__kind": NUL,
    "network__id__exact": NUL,
    "role": NUL,
    "is_staff__exact": NUL,
    "preferred_language__exact": NUL,
    "is_verified__exact": NUL,
}
# Object addresses with a key that is not a number.
OBJECT_PAGES = [
    "territories/collectivity/{bad}/change/",
    "territories/collectivity/{bad}/history/",
    "territories/collectivity/{bad}/history/{bad}/",
    "territories/collectivity/1/history/{bad}/",
    "network/membership/{bad}/history/",
    "network/membership/{bad}/history/{bad}/",
    "accounts/collectivityrole/{bad}/history/",
    "network/network/{bad}/history/",
]
AUTOCOMPLETES = [
    {"app_label": "territories", "model_name": "collectivity", "field_name": "parent"},
    {"app_label": "network", "model_name": "membership", "field_name": "focal_point_user"},
    {"app_label": "accounts", "model_name": "collectivityrole", "field_name": "collectivity"},
]


def _admin_gets(client: Client) -> list[tuple[str, int]]:
    answers = []
    for name in LISTS:
        path = f"/en/admin/{name}/"
        answers.append((path, client.get(path, LIST_PARAMS).status_code))
        for key in LIST_PARAMS:
            answers.append((f"{path}?{key}", client.get(path, {key: NUL}).status_code))
    for page in OBJECT_PAGES:
        for bad in ("abc", "1\x00", "²", "-1", "٣", "9" * 20):
            path = "/en/admin/" + page.format(bad=bad)
            answers.append((path, client.get(path).status_code))
    for params in AUTOCOMPLETES:
        response = client.get("/en/admin/autocomplete/", {**params, "term": NUL})
        answers.append((str(params), response.status_code))
    return answers


@pytest.mark.parametrize("persona", ["coordinator", "staff_a"])
def test_admin_pages_get(
    request: pytest.FixtureRequest, client: Client, membership_a: Membership, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    failures = [(path, status) for path, status in _admin_gets(client) if status >= 500]
    assert failures == []


def test_history_page_with_a_bad_key_says_the_object_is_missing(
    client: Client, coordinator: User
) -> None:
    client.force_login(coordinator)
    response = client.get("/en/admin/territories/collectivity/abc/history/")
    assert response.status_code == 302
    assert response["Location"] == "/en/admin/"


@pytest.mark.parametrize("bad", [NUL, "abc", "1\x00", "99999999999999999999"])
def test_admin_role_form_post(
    client: Client, staff_a: User, membership_a: Membership, bad: str
) -> None:
    """A value that is not a key in an autocomplete field is a form error, not a 500."""
    client.force_login(staff_a)
    response = client.post(
        "/en/admin/accounts/collectivityrole/add/",
        {"user_email": bad, "collectivity": bad, "role": bad},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["collectivity"]


def test_admin_membership_change_post(
    client: Client, coordinator: User, membership_a: Membership
) -> None:
    client.force_login(coordinator)
    response = client.post(
        f"/en/admin/network/membership/{membership_a.pk}/change/",
        {
            "focal_point_name": NUL,
            "status": NUL,
            "joined_on": NUL,
            "network": NUL,
            "collectivity": "abc",
            "focal_point_user": "1\x00",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["collectivity"]
