from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "homeward.organisations"
    label = "organisations"
    verbose_name = "Authorities and organisations"
