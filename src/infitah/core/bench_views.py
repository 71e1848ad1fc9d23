"""The benchmark's reference view (routed only when settings.INFITAH_BENCH is true)."""

from django.http import HttpRequest, HttpResponse


def bare(request: HttpRequest) -> HttpResponse:
    """A minimal Django view: public pages are measured as a ratio to this one."""
    return HttpResponse("ok", content_type="text/plain")
