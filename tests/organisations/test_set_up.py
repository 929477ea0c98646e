"""Setting up an authority and its organisations: the services and `manage.py authority`,
`manage.py organisation`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from homeward.organisations.models import Authority, Organisation
from homeward.organisations.services import authority_set_up, organisation_set_up

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_home_authority_takes_its_nations_rule_and_is_idempotent():
    first = run("authority", "E10000099", "Fenmoor County Council", "--home")
    assert "Created Fenmoor County Council (E10000099) (the home authority), England" in first
    assert "within 72 hours of the return, each episode from its own start" in first
    second = run("authority", "e10000099", "Fenmoor Council", "--home")
    assert "Updated Fenmoor Council (E10000099)" in second
    authority = Authority.objects.get()
    assert (authority.name, authority.nation, authority.is_home) == (
        "Fenmoor Council",
        "england",
        True,
    )
    assert (authority.clock_basis, authority.clock_unit, authority.clock_length) == (
        "return",
        "hours",
        72,
    )


def test_wales_defaults_to_three_working_days_and_options_override():
    wales = authority_set_up(gss_code="W06000099", name="Cwm Fictional")
    assert (wales.nation, wales.clock_unit, wales.clock_length) == ("wales", "working_days", 3)
    out = run("authority", "W06000099", "Cwm Fictional", "--basis", "referral", "--length", "5")
    assert "within 5 working days" in out and "of the police referral" in out
    wales.refresh_from_db()
    assert (wales.clock_basis, wales.clock_length, wales.clock_unit) == (
        "referral",
        5,
        "working_days",
    )


def test_northern_ireland_needs_its_own_clock():
    with pytest.raises(CommandError, match=r"Northern Ireland has no rule.*basis, unit"):
        run("authority", "N09000099", "Fictional Borough", "--length", "72")
    assert not Authority.objects.exists()
    out = run(
        "authority",
        "N09000099",
        "Fictional Borough",
        *("--basis", "return", "--unit", "hours", "--length", "72", "--bunching", "each"),
    )
    assert "within 72 hours of the return" in out
    assert Authority.objects.get().nation == "northern_ireland"


def test_a_second_home_authority_is_refused():
    authority_set_up(gss_code="E10000099", name="Fenmoor County Council", is_home=True)
    with pytest.raises(CommandError, match="already this instance's home authority"):
        run("authority", "E10000098", "Elsewhere Council", "--home")
    assert Authority.objects.count() == 1
    # Without --home the neighbour is fine, and the home authority stays home.
    authority_set_up(gss_code="E10000098", name="Elsewhere Council")
    authority_set_up(gss_code="E10000099", name="Fenmoor County Council")
    assert list(Authority.objects.filter(is_home=True).values_list("gss_code", flat=True)) == [
        "E10000099"
    ]


@pytest.mark.parametrize("code", ["X10000099", "E100", "E1000009A", ""])
def test_a_bad_gss_code_is_refused(code):
    with pytest.raises(ValidationError, match="not a GSS code"):
        authority_set_up(gss_code=code, name="Fenmoor County Council")
    assert not Authority.objects.exists()


def test_a_nation_that_disagrees_with_the_code_is_refused():
    with pytest.raises(CommandError, match="E10000099 is a code in England, not Wales"):
        run("authority", "E10000099", "Fenmoor County Council", "--nation", "wales")
    assert authority_set_up(gss_code="S12000099", name="Glen", nation="Scotland").nation == (
        "scotland"
    )


def test_an_invalid_clock_is_refused():
    with pytest.raises(ValidationError, match="length must be positive"):
        authority_set_up(gss_code="E10000099", name="Fenmoor", length=0)


def test_organisations_are_created_once_and_updated_by_name():
    authority_set_up(gss_code="E10000099", name="Fenmoor County Council", is_home=True)
    other = authority_set_up(gss_code="E10000098", name="Elsewhere Council")
    out = run(
        "organisation",
        "Missing Children Team",
        *("--kind", "authority_team", "--authority", "E10000099"),
    )
    assert "Created Missing Children Team: authority team of Fenmoor County Council" in out
    team = organisation_set_up(
        name="Missing Children Team", kind="provider", authority_gss_code="e10000098"
    )
    assert Organisation.objects.count() == 1
    assert (team.kind, team.authority) == ("provider", other)


def test_an_organisation_needs_a_known_authority_and_kind():
    with pytest.raises(CommandError, match="No authority with GSS code E10000099"):
        run("organisation", "Team", "--kind", "provider", "--authority", "E10000099")
    authority_set_up(gss_code="E10000099", name="Fenmoor County Council")
    with pytest.raises(ValidationError, match="Unknown kind 'charity'"):
        organisation_set_up(name="Team", kind="charity", authority_gss_code="E10000099")
    assert not Organisation.objects.exists()


def test_an_update_keeps_the_clock_settings_not_given():
    authority_set_up(gss_code="E10000098", name="Fenmoor", unit="working_days", length=3)
    updated = authority_set_up(gss_code="E10000098", name="Fenmoor County", bunching="latest")
    assert (updated.clock_unit, updated.clock_length, updated.clock_bunching) == (
        "working_days",
        3,
        "latest",
    )


def test_a_team_is_made_the_leaving_care_team_and_only_a_team_can_be():
    run("authority", "E10000099", "Fenmoor County Council", "--home")
    out = run(
        "organisation", "Leaving Care Team", "--kind", "authority_team",
        "--authority", "E10000099", "--leaving-care",
    )  # fmt: skip
    assert "Created Leaving Care Team: authority team of" in out
    assert "(its leaving-care team)" in out
    assert Organisation.objects.get(name="Leaving Care Team").leaving_care is True
    # Run again without the flag: unchanged; with --no-leaving-care: no longer.
    run("organisation", "Leaving Care Team", "--kind", "authority_team", "--authority", "E10000099")
    assert Organisation.objects.get(name="Leaving Care Team").leaving_care is True
    out = run(
        "organisation", "Leaving Care Team", "--kind", "authority_team",
        "--authority", "E10000099", "--no-leaving-care",
    )  # fmt: skip
    assert "leaving-care" not in out
    assert Organisation.objects.get(name="Leaving Care Team").leaving_care is False
    with pytest.raises(CommandError, match="Only a team of the authority"):
        run(
            "organisation", "Fenmoor Police", "--kind", "police_force",
            "--authority", "E10000099", "--code", "fenmoor", "--leaving-care",
        )  # fmt: skip
    assert not Organisation.objects.filter(name="Fenmoor Police").exists()
