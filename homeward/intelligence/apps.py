from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    name = "homeward.intelligence"
    label = "intelligence"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Police intelligence"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from homeward.intelligence.models import IntelligenceSubmission

        if not auditlog.contains(IntelligenceSubmission):
            # The change history notes that the summary and payload changed, never their text.
            auditlog.register(IntelligenceSubmission, mask_fields=["summary", "payload"])
