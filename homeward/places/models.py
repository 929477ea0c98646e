"""Postcodes and where they are, loaded from the ONS Postcode Directory (`load_postcodes`).

Public reference data, not about anyone: a postcode's centroid and its local authority.
"""

from __future__ import annotations

from django.db import models


class Postcode(models.Model):
    """One live postcode of the directory, with its latitude and longitude (WGS84)."""

    postcode = models.CharField(
        max_length=8, unique=True, help_text="Capitals, one space before the inward code."
    )
    district = models.CharField(max_length=4, db_index=True, help_text="The outward code.")
    latitude = models.FloatField()
    longitude = models.FloatField()
    la_code = models.CharField(
        max_length=9, blank=True, db_index=True, help_text="GSS code of the local authority."
    )

    class Meta:
        ordering = ["postcode"]

    def __str__(self) -> str:
        return self.postcode
