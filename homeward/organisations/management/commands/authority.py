"""`manage.py authority GSS_CODE NAME [--home] [clock options]`: create or update an authority.

Run once with `--home` for the authority this instance belongs to, and again for each
neighbouring authority it deals with. Running it again with the same GSS code updates the
authority; nothing is duplicated. See docs/operations.md, "Setting up an authority".
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from homeward.organisations.models import Authority
from homeward.organisations.services import authority_set_up
from homeward.standards.clock import Basis, Bunching, Unit
from homeward.standards.nations import Nation


def message_of(error: ValidationError) -> str:
    return "; ".join(error.messages)


class Command(BaseCommand):
    help = "Create or update an authority by its GSS code, with its clock settings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("gss_code", help="The ONS GSS code, e.g. E10000099.")
        parser.add_argument("name", help='The name, e.g. "Fenmoor County Council".')
        parser.add_argument(
            "--home", action="store_true", help="The authority this instance belongs to."
        )
        parser.add_argument(
            "--nation",
            choices=[n.value for n in Nation],
            help="Checked against the GSS code (which decides it when left out).",
        )
        parser.add_argument(
            "--basis", choices=[b.value for b in Basis], help="Where the clock starts."
        )
        parser.add_argument("--unit", choices=[u.value for u in Unit], help="How it counts.")
        parser.add_argument("--length", type=int, help="How many units.")
        parser.add_argument(
            "--bunching",
            choices=[b.value for b in Bunching],
            help="Episodes sharing an interview: each from its own start, or from the latest.",
        )

    def handle(self, *args: object, **options: object) -> None:
        gss_code = str(options["gss_code"]).strip().upper()
        existed = Authority.objects.filter(gss_code=gss_code).exists()
        try:
            authority = authority_set_up(
                gss_code=gss_code,
                name=str(options["name"]),
                nation=options["nation"],  # type: ignore[arg-type]
                is_home=bool(options["home"]),
                basis=options["basis"],  # type: ignore[arg-type]
                unit=options["unit"],  # type: ignore[arg-type]
                length=options["length"],  # type: ignore[arg-type]
                bunching=options["bunching"],  # type: ignore[arg-type]
            )
        except ValidationError as error:
            raise CommandError(message_of(error)) from None
        verb = "Updated" if existed else "Created"
        home = " (the home authority)" if authority.is_home else ""
        self.stdout.write(
            self.style.SUCCESS(f"{verb} {authority}{home}, {Nation(authority.nation).title}.")
        )
        self.stdout.write(f"Return interviews are due {authority.settings.description}.")
