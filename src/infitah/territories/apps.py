from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoriesConfig(AppConfig):
    """Collectivities (regions, provinces/prefectures, communes) and their loader."""

    name = "infitah.territories"
    label = "territories"
    verbose_name = _("Territories")

    def ready(self) -> None:
        from infitah.core.cache import track_public_model
        from infitah.territories.models import Collectivity

        track_public_model(Collectivity)
