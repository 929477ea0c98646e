"""What an authority says about its return interview service that its case records do not
hold: the answers to the ECRC FOI request's questions 1 to 3, 7 and 8 (`FoiSettings` and
one `FoiDelivery` per financial year), edited by the authority's managers."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models

from homeward.organisations.models import Authority


class FoiSettings(models.Model):
    """The authority's own answers (one row per authority)."""

    class FollowUp(models.TextChoices):
        YES = "yes", "Yes"
        SOMETIMES = "sometimes", "Sometimes"
        NO = "no", "No"

    authority = models.OneToOneField(
        Authority, on_delete=models.CASCADE, related_name="foi_settings"
    )
    follow_up_support = models.CharField(
        max_length=10, choices=FollowUp.choices, blank=True, help_text="FOI question 7a."
    )
    follow_up_details = models.TextField(blank=True, help_text="FOI question 7a, details.")
    information_use = models.TextField(
        blank=True, help_text="FOI question 7b: what happens to the information collected."
    )
    vulnerability_steps = models.TextField(
        blank=True, help_text="FOI question 7c: steps available when vulnerability is found."
    )
    service_comments = models.TextField(blank=True, help_text="FOI question 8.")
    suppress_below = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(100)],
        help_text="Counts from 1 to one less than this are given as 'Fewer than N'; 0: none.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = "FOI settings"
        verbose_name_plural = "FOI settings"

    def __str__(self) -> str:
        return f"FOI settings of {self.authority}"


period_validator = RegexValidator(r"^\d{4}-\d{2}$", "Enter a financial year written like 2017-18")


class FoiDelivery(models.Model):
    """Who delivered return interviews in one financial year (FOI questions 1 to 3)."""

    settings = models.ForeignKey(FoiSettings, on_delete=models.CASCADE, related_name="deliveries")
    period = models.CharField(max_length=7, validators=[period_validator])
    third_sector = models.BooleanField(null=True, help_text="Delivered by a third sector agency.")
    third_sector_agency = models.CharField(max_length=200, blank=True)
    in_house = models.BooleanField(null=True, help_text="Delivered by a team of the authority.")
    in_house_team = models.CharField(
        max_length=200, blank=True, help_text="Which team, and/or the role of the professional."
    )

    class Meta:
        ordering = ["-period"]
        constraints = [
            models.UniqueConstraint(
                fields=["settings", "period"], name="one_foi_delivery_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"Interview delivery {self.period}"


class NationalSubmission(models.Model):
    """This authority's annual return as sent to the national collection (docs/national-
    collection.md): the row as sent, and the message that carries it."""

    period = models.CharField(max_length=7, validators=[period_validator])
    row = models.JSONField()
    message = models.OneToOneField(
        "exchange.OutboxMessage", on_delete=models.PROTECT, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]


class ReceivedReturn(models.Model):
    """An authority's annual return as the national body's instance received it. A later
    one for the same authority and period replaces it: the earlier is kept, marked
    `replaced_at`, so the history of resubmissions is there to read."""

    partner = models.ForeignKey("exchange.Partner", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=7, validators=[period_validator])
    row = models.JSONField()
    message = models.OneToOneField(
        "exchange.InboxMessage", on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(help_text="When the authority made it.")
    received_at = models.DateTimeField(auto_now_add=True)
    replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["period", "partner", "-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "period"],
                condition=models.Q(replaced_at__isnull=True),
                name="received_return_one_current",
            )
        ]


class ReturnDeadline(models.Model):
    """The day a national body asks authorities' returns for a year by. Setting it again
    adds a row: the latest set is the deadline, the earlier kept as its history."""

    period = models.CharField(max_length=7, validators=[period_validator])
    due_on = models.DateField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["period", "-set_at", "-pk"]


class ReturnReminder(models.Model):
    """A national body's reminder to an authority that has not sent its return for a year
    (the national side: whom it asked, when, and the message)."""

    partner = models.ForeignKey("exchange.Partner", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=7, validators=[period_validator])
    due_on = models.DateField()
    message = models.OneToOneField(
        "exchange.OutboxMessage", on_delete=models.PROTECT, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]


class ReturnAsked(models.Model):
    """The national body asked this authority for its return for a year, by a day (the
    authority's side of a `ReturnReminder`)."""

    period = models.CharField(max_length=7, validators=[period_validator])
    due_on = models.DateField()
    message = models.OneToOneField(
        "exchange.InboxMessage", on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
