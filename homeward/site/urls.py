"""The site's URLs: the web application, the REST API (`api/`), and the OpenID Connect
callbacks when configured."""

from django.conf import settings
from django.urls import include, path

from homeward.api import exchange

urlpatterns = [
    path("", include("homeward.web.urls")),
    path("api/", include("homeward.api.urls")),
    # The instance's public keys, where partners fetch them (docs/exchange.md).
    path(".well-known/homeward/keys.json", exchange.keys, name="exchange-keys"),
]
if settings.OIDC_ENABLED:
    from homeward.accounts.oidc import public_urlpatterns

    urlpatterns.append(path("oidc/", include(public_urlpatterns())))
