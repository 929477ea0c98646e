from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "homeward.returns"
    verbose_name = "Returns and exports"

    def ready(self) -> None:
        from homeward.exchange import services
        from homeward.returns import national

        services.HANDLERS["return.annual"] = national.annual_return_receive
        services.HANDLERS["return.reminder"] = national.reminder_receive
