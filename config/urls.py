from django.urls import include, path

from .api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("audit/", include("tether.audit.urls")),
    path("", include("tether.casework.urls")),
    path("", include("tether.management.urls")),
    path("statistics/", include("tether.reports.urls")),
    path("", include("tether.tracing.urls")),
    path("", include("tether.access.urls")),
    path("", include("tether.identity.urls")),
    path("", include("tether.register.urls")),
    path("", include("tether.home.urls")),
]
