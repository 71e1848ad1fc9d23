from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Users, civil-society organisations, roles and permission rules."""

    name = "infitah.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
