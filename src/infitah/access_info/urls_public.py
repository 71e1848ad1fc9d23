"""Public pages of access to information: register, statistics, proactive disclosure.

Included at the end of :mod:`infitah.access_info.urls` (same ``access_info`` namespace).
"""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
