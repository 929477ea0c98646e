from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "homeward.cases"
    label = "cases"
    verbose_name = "Children, episodes and return interviews"

    def ready(self) -> None:
        from homeward.cases import history

        history.register_models()
