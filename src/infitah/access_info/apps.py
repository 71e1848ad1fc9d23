from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessInfoConfig(AppConfig):
    """Access to information (law 31-13): requests, legal deadlines, register, disclosure."""

    name = "infitah.access_info"
    label = "access_info"
    verbose_name = _("Access to information")

    def ready(self) -> None:
        from infitah.access_info.selectors import track_public_models
        from infitah.access_info.services import requester_identities_remove_for_user
        from infitah.accounts.services import register_account_deletion_hook

        track_public_models()
        # Deleting an account erases the identity given on requests (law 09-08).
        register_account_deletion_hook(requester_identities_remove_for_user)
