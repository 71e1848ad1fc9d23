from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The public REST API (/api/v1/) and its OpenAPI schema."""

    name = "infitah.api"
    label = "api"
    verbose_name = _("API")
