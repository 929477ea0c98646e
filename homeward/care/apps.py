from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "homeward.care"
    label = "care"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "What the case system knows (imported from the SSD)"
