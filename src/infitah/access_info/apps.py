from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessInfoConfig(AppConfig):
    """Access to information (law 31-13): requests, legal deadlines, register, disclosure."""

    name = "infitah.access_info"
    label = "access_info"
    verbose_name = _("Access to information")
