from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "homeward.exchange"
    label = "exchange"
    verbose_name = "Messages between authorities' instances"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from homeward.exchange import arrangements, notices, services

        services.HANDLERS["missing.notice"] = notices.missing_notice_receive
        services.HANDLERS["placement.notice"] = notices.placement_notice_receive
        services.HANDLERS["home.notice"] = notices.home_notice_receive
        services.HANDLERS["interview.request"] = arrangements.request_receive
        services.HANDLERS["interview.answer"] = arrangements.answer_receive
        services.HANDLERS["interview.outcome"] = arrangements.outcome_receive
