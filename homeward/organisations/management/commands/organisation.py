"""`manage.py organisation NAME --kind KIND --authority GSS_CODE`: create or update an
organisation (a team of the authority, a commissioned provider, a police force, or a
children's home in its area).

Running it again with the same name updates the organisation; nothing is duplicated. See
docs/operations.md, "Setting up an authority".
"""

from __future__ import annotations

import argparse

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from homeward.organisations.models import Organisation
from homeward.organisations.services import organisation_set_up


class Command(BaseCommand):
    help = "Create or update an organisation by its name."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help='The name, e.g. "Missing Children Team".')
        parser.add_argument("--kind", required=True, choices=Organisation.Kind.values)
        parser.add_argument(
            "--authority",
            required=True,
            help="GSS code of the authority the team belongs to, or that commissions it.",
        )
        parser.add_argument(
            "--code",
            default=None,
            help="A police force's code, as its notifications give it (e.g. fenmoor); a "
            "children's home's Ofsted URN (e.g. SC123456).",
        )
        parser.add_argument(
            "--leaving-care",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="A team of the authority: it is (or, with --no-leaving-care, is no longer) "
            "the leaving-care team, told of each police report about one of its care leavers.",
        )

    def handle(self, *args: object, **options: object) -> None:
        name = str(options["name"]).strip()
        existed = Organisation.objects.filter(name=name).exists()
        try:
            organisation = organisation_set_up(
                name=name,
                kind=str(options["kind"]),
                authority_gss_code=str(options["authority"]),
                code=None if options["code"] is None else str(options["code"]),
                leaving_care=None
                if options["leaving_care"] is None
                else bool(options["leaving_care"]),
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        verb = "Updated" if existed else "Created"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {organisation}: {organisation.get_kind_display().lower()} of "
                f"{organisation.authority}"
                f"{' (its leaving-care team)' if organisation.leaving_care else ''}."
            )
        )
