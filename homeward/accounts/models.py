"""Users: each belongs to one organisation and has one role, which decides what they see."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from homeward.organisations.models import Organisation


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "Missing children coordinator"
    WORKER = "worker", "Return interview worker"
    MANAGER = "manager", "Manager"
    ANALYST = "analyst", "Performance analyst"
    POLICE_LIAISON = "police_liaison", "Police liaison"
    ADMINISTRATOR = "administrator", "Administrator"


class User(AbstractUser):
    role = models.CharField(max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="people", null=True
    )

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username
