"""Writes to authorities and organisations: setting up an instance of homeward.

Each function takes keyword-only arguments, validates everything before writing (refusals
are `ValidationError`s with a message fit to show), creates or updates by its natural key
(so running it twice changes nothing the second time) and runs in one transaction.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction

from homeward.organisations.models import Authority, Organisation
from homeward.standards.nations import Nation, nation_from_gss_code, parse_nation
from homeward.standards.rules import AuthoritySettings, NoRuleSetError

GSS_CODE = re.compile(r"[EWSN]\d{8}")


def _nation(gss_code: str, nation: Nation | str | None) -> Nation:
    if not GSS_CODE.fullmatch(gss_code):
        raise ValidationError(
            f"{gss_code!r} is not a GSS code: a letter E, W, S or N followed by 8 digits, "
            "for example E10000099"
        )
    of_code = nation_from_gss_code(gss_code)
    assert of_code is not None  # the pattern allows only the four nations' letters
    if nation is None:
        return of_code
    try:
        given = nation if isinstance(nation, Nation) else parse_nation(nation)
    except ValueError as error:
        raise ValidationError(str(error)) from None
    if given is not of_code:
        raise ValidationError(
            f"{gss_code} is a code in {of_code.title}, not {given.title}: check the code "
            "or the nation"
        )
    return given


def _settings(
    nation: Nation,
    *,
    basis: str | None,
    unit: str | None,
    length: int | None,
    bunching: str | None,
    current: AuthoritySettings | None = None,
) -> AuthoritySettings:
    """The clock from what is given; what is not given keeps the authority's current setting
    (an update) or takes the nation's rule (a new authority)."""
    given = {"basis": basis, "unit": unit, "length": length, "bunching": bunching}
    try:
        default = current if current is not None else AuthoritySettings.default_for(nation)
    except NoRuleSetError:
        missing = [name for name, value in given.items() if value is None]
        if missing:
            raise ValidationError(
                f"{nation.title} has no rule homeward can apply, so give the authority's own "
                f"clock: {', '.join(missing)} (basis return|referral, unit "
                "hours|calendar_days|working_days, length a whole number, bunching "
                "each|latest)"
            ) from None
        default = None
    chosen = {
        name: value if value is not None else getattr(default, name)
        for name, value in given.items()
    }
    try:
        return AuthoritySettings(nation=nation, **chosen)
    except (TypeError, ValueError) as error:
        raise ValidationError(f"The clock settings are not valid: {error}") from None


def authority_set_up(
    *,
    gss_code: str,
    name: str,
    nation: Nation | str | None = None,
    is_home: bool = False,
    basis: str | None = None,
    unit: str | None = None,
    length: int | None = None,
    bunching: str | None = None,
) -> Authority:
    """Create the authority with this GSS code, or update it.

    The nation comes from the code unless given (and must agree with it). Clock settings not
    given keep their current values on an update; a new authority takes the nation's rule
    (`AuthoritySettings.default_for`), and Northern Ireland, which has none, needs all four.
    There is at most one home authority.
    """
    gss_code = gss_code.strip().upper()
    name = name.strip()
    if not name:
        raise ValidationError("Give the authority's name")
    nation = _nation(gss_code, nation)
    existing = Authority.objects.filter(gss_code=gss_code, nation=nation.value).first()
    settings = _settings(
        nation,
        basis=basis,
        unit=unit,
        length=length,
        bunching=bunching,
        current=existing.settings if existing is not None else None,
    )
    with transaction.atomic():
        if is_home:
            other = (
                Authority.objects.select_for_update()
                .filter(is_home=True)
                .exclude(gss_code=gss_code)
                .first()
            )
            if other is not None:
                raise ValidationError(
                    f"{other} is already this instance's home authority; there can be only one"
                )
        authority, _ = Authority.objects.select_for_update().get_or_create(
            gss_code=gss_code, defaults={"name": name, "nation": nation.value}
        )
        authority.name = name
        authority.nation = nation.value
        authority.is_home = is_home or authority.is_home
        authority.clock_basis = settings.basis.value
        authority.clock_unit = settings.unit.value
        authority.clock_length = settings.length
        authority.clock_bunching = settings.bunching.value
        authority.full_clean()
        authority.save()
    return authority


def organisation_set_up(
    *,
    name: str,
    kind: str,
    authority_gss_code: str,
    code: str | None = None,
    leaving_care: bool | None = None,
) -> Organisation:
    """Create the organisation with this name, or update its kind and authority (and its
    code, when given: a police force's code in its notifications, a children's home's
    Ofsted URN; and whether it is the authority's leaving-care team, when given)."""
    name = name.strip()
    if not name:
        raise ValidationError("Give the organisation's name")
    if kind not in Organisation.Kind.values:
        raise ValidationError(
            f"Unknown kind {kind!r}; expected one of {', '.join(Organisation.Kind.values)}"
        )
    gss_code = authority_gss_code.strip().upper()
    with transaction.atomic():
        authority = Authority.objects.filter(gss_code=gss_code).first()
        if authority is None:
            raise ValidationError(
                f"No authority with GSS code {gss_code}: set it up first with `manage.py authority`"
            )
        organisation, _ = Organisation.objects.select_for_update().get_or_create(
            name=name, defaults={"kind": kind, "authority": authority}
        )
        organisation.kind = kind
        organisation.authority = authority
        if code is not None:
            # A force's code is matched as its notifications give it, in lower case; a
            # children's home's Ofsted URN is written in capitals (SC123456).
            code = code.strip()
            organisation.code = (
                code.upper() if kind == Organisation.Kind.CHILDRENS_HOME else code.lower()
            )
        if leaving_care is not None:
            organisation.leaving_care = leaving_care
        organisation.full_clean()
        organisation.save()
    return organisation
