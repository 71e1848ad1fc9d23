from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    """The network: charter versions, principles, partners and member collectivities."""

    name = "infitah.network"
    label = "network"
    verbose_name = _("Network")

    def ready(self) -> None:
        from infitah.core.cache import track_public_model
        from infitah.network import models

        for model in (
            models.Network,
            models.Principle,
            models.Partner,
            models.CharterVersion,
            models.CharterSection,
            models.Membership,
        ):
            track_public_model(model)
