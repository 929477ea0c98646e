"""Authorities (with their nation's rule and their own clock settings) and organisations."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from homeward.standards.clock import Basis, Bunching, Unit
from homeward.standards.nations import Nation, nation_from_gss_code
from homeward.standards.rules import AuthoritySettings


class Authority(models.Model):
    """A local authority: this instance's own (`is_home`) and those it deals with."""

    gss_code = models.CharField("GSS code", max_length=9, unique=True)
    name = models.CharField(max_length=200)
    nation = models.CharField(max_length=20, choices=[(n.value, n.title) for n in Nation])
    is_home = models.BooleanField(
        default=False, help_text="The authority this instance of homeward belongs to."
    )
    clock_basis = models.CharField(
        max_length=10, choices=[(b.value, b.value) for b in Basis], default=Basis.RETURN.value
    )
    clock_unit = models.CharField(
        max_length=20, choices=[(u.value, u.value) for u in Unit], default=Unit.HOURS.value
    )
    clock_length = models.PositiveSmallIntegerField(default=72)
    clock_bunching = models.CharField(
        max_length=10,
        choices=[(b.value, b.value) for b in Bunching],
        default=Bunching.EACH.value,
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "authorities"
        constraints = [
            models.UniqueConstraint(
                fields=["is_home"],
                condition=models.Q(is_home=True),
                name="one_home_authority",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.gss_code})"

    def clean(self) -> None:
        nation = nation_from_gss_code(self.gss_code)
        if nation is None:
            raise ValidationError({"gss_code": "Enter a GSS code that starts E, W, S or N"})
        if nation.value != self.nation:
            raise ValidationError({"nation": f"A {self.gss_code[0]} code is in {nation.title}"})

    @property
    def settings(self) -> AuthoritySettings:
        """The authority's own timescale on top of its nation's rule."""
        return AuthoritySettings(
            nation=Nation(self.nation),
            basis=Basis(self.clock_basis),
            unit=Unit(self.clock_unit),
            bunching=Bunching(self.clock_bunching),
            length=self.clock_length,
        )


class Organisation(models.Model):
    """Where users work: an authority's team, a commissioned provider, a police force, or a
    children's home in the authority's area (whose staff record its admissions and
    discharges, and see nothing else)."""

    class Kind(models.TextChoices):
        AUTHORITY_TEAM = "authority_team", "Authority team"
        PROVIDER = "provider", "Commissioned provider"
        POLICE_FORCE = "police_force", "Police force"
        CHILDRENS_HOME = "childrens_home", "Children's home"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    code = models.CharField(
        max_length=50,
        blank=True,
        help_text="A police force's code, as its notifications give it (e.g. fenmoor); a "
        "children's home's Ofsted URN (e.g. SC123456).",
    )
    authority = models.ForeignKey(
        Authority,
        on_delete=models.PROTECT,
        related_name="organisations",
        help_text="The authority the team belongs to, that commissions the provider, or in "
        "whose area the children's home is.",
    )
    leaving_care = models.BooleanField(
        default=False,
        help_text="The authority's leaving-care team (personal advisers): told of each police "
        "report about one of its care leavers (18 to 24).",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~models.Q(code=""), name="organisation_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.leaving_care and self.kind != self.Kind.AUTHORITY_TEAM:
            raise ValidationError(
                {"leaving_care": "Only a team of the authority can be its leaving-care team"}
            )
