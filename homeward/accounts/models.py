"""Users: each belongs to one organisation and has one role, which decides what they see.

A password set for someone (by `manage.py user add`, `manage.py user reset-password`, Django's
`changepassword`, the shell: anything through `set_password`) must be changed by its holder
at their next sign-in (`must_change_password`); only the person's own change on the
change-password page (`services.password_change`) clears the mark.
"""

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
    HOME_STAFF = "home_staff", "Children's home staff"
    NATIONAL_ANALYST = "national_analyst", "National collection analyst"


class User(AbstractUser):
    role = models.CharField(max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="people", null=True
    )
    must_change_password = models.BooleanField(
        default=False,
        help_text="The password was set by someone else: its holder must change it at sign-in.",
    )

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def set_password(self, raw_password: str | None) -> None:
        """Set a password chosen by someone other than its holder, who must change it.

        Secure by default: every way of setting a password (Django's `changepassword`
        command included) goes through here. The person's own change clears the mark
        afterwards (`homeward.accounts.services.password_change`).
        """
        super().set_password(raw_password)
        self.must_change_password = True

    def check_password(self, raw_password: str) -> bool:
        # A correct password stored under an older hasher is re-hashed here (through
        # `set_password`): that is not a new password, so the mark stays as it was.
        must_change = self.must_change_password
        try:
            return super().check_password(raw_password)
        finally:
            self.must_change_password = must_change

    async def acheck_password(self, raw_password: str) -> bool:
        must_change = self.must_change_password
        try:
            return await super().acheck_password(raw_password)
        finally:
            self.must_change_password = must_change
