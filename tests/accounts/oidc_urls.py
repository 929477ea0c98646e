"""The site's URLs with single sign-on switched on (settings.py adds them only when the
HOMEWARD_OIDC_* variables are set at start-up)."""

from django.urls import include, path

from homeward.accounts.oidc import public_urlpatterns

urlpatterns = [
    path("", include("homeward.web.urls")),
    path("oidc/", include(public_urlpatterns())),
]
