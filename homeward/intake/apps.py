from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "homeward.intake"
    label = "intake"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Police notifications"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from homeward.intake import models as m

        for model in (m.PoliceReport, m.ForceToken):
            if not auditlog.contains(model):
                auditlog.register(model, exclude_fields=["suggestions", "digest"])
