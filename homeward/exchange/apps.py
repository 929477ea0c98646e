from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "homeward.exchange"
    label = "exchange"
    verbose_name = "Messages between authorities' instances"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from homeward.exchange import notices, services

        services.HANDLERS["missing.notice"] = notices.missing_notice_receive
        services.HANDLERS["placement.notice"] = notices.placement_notice_receive
        services.HANDLERS["home.notice"] = notices.home_notice_receive
