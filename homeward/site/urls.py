"""The site's URLs: the web application, and the OpenID Connect callbacks when configured."""

from django.conf import settings
from django.urls import include, path

urlpatterns = [path("", include("homeward.web.urls"))]
if settings.OIDC_ENABLED:
    from homeward.accounts.oidc import public_urlpatterns

    urlpatterns.append(path("oidc/", include(public_urlpatterns())))
