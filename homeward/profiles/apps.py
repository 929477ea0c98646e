from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "homeward.profiles"
    label = "profiles"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Philomena Protocol profiles (Child Information Forms)"
