from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "homeward.places"
    label = "places"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Places and postcodes"
