from django.urls import path

from homeward.api import exchange, views

app_name = "api"

urlpatterns = [
    path("v1/notifications", views.notifications, name="notifications"),
    path("v1/batches/<str:reference>", views.batch, name="batch"),
    path("v1/openapi.json", views.openapi, name="openapi"),
    path("exchange/v1/inbox", exchange.inbox, name="exchange-inbox"),
]
