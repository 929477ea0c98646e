from django.urls import path

from homeward.api import views

app_name = "api"

urlpatterns = [
    path("v1/notifications", views.notifications, name="notifications"),
    path("v1/batches/<str:reference>", views.batch, name="batch"),
    path("v1/openapi.json", views.openapi, name="openapi"),
]
