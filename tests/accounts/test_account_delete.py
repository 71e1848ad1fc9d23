"""Deleting one's own account: password confirmation, erasure hooks, sign-out."""

from __future__ import annotations

import pytest
from django.test import Client

from infitah.accounts import services
from infitah.accounts.models import User
from tests import factories

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    response = client.get("/en/accounts/profile/delete/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_wrong_password_keeps_the_account(client: Client, citizen: User) -> None:
    client.force_login(citizen)
    response = client.post("/en/accounts/profile/delete/", {"password": "not it"})
    assert response.status_code == 200
    assert "The password is not correct." in response.content.decode()
    assert User.objects.filter(pk=citizen.pk).exists()


def test_right_password_deletes_and_signs_out(client: Client, citizen: User) -> None:
    client.force_login(citizen)
    response = client.post(
        "/en/accounts/profile/delete/", {"password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk=citizen.pk).exists()
    assert "_auth_user_id" not in client.session


def test_hooks_run_before_the_row_goes_and_roll_back_together() -> None:
    user = factories.UserFactory()
    pk = user.pk
    seen: list[int] = []

    def hook(*, user: User) -> None:
        seen.append(user.pk)

    services.register_account_deletion_hook(hook)
    services.register_account_deletion_hook(hook)  # registered once only
    try:
        services.user_delete(user=user)
    finally:
        services._ACCOUNT_DELETION_HOOKS.remove(hook)
    assert seen == [pk]
    assert not User.objects.filter(pk=pk).exists()


def test_a_failing_hook_deletes_nothing() -> None:
    user = factories.UserFactory()

    def hook(*, user: User) -> None:
        raise RuntimeError("boom")

    services.register_account_deletion_hook(hook)
    try:
        with pytest.raises(RuntimeError):
            services.user_delete(user=user)
    finally:
        services._ACCOUNT_DELETION_HOOKS.remove(hook)
    assert User.objects.filter(pk=user.pk).exists()
