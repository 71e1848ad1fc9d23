"""Pages of access to information: requesters, information officers, then public pages."""

from infitah.access_info.urls_public import urlpatterns as public_urlpatterns

app_name = "access_info"

urlpatterns: list = []
urlpatterns += public_urlpatterns
