"""`manage.py force_token issue|revoke|list FORCE_CODE`: a police force's API tokens.

A token is printed once, when issued, and only its SHA-256 digest is kept. See
docs/police-notifications.md.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from homeward.intake import services
from homeward.intake.models import ForceToken
from homeward.organisations.models import Organisation


class Command(BaseCommand):
    help = "Issue, revoke or list a police force's API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["issue", "revoke", "list"])
        parser.add_argument("force", help="The force's code (manage.py organisation --code).")

    def handle(self, *args: object, **options: object) -> None:
        code = str(options["force"]).strip().lower()
        force = Organisation.objects.filter(kind=Organisation.Kind.POLICE_FORCE, code=code).first()
        if force is None:
            raise CommandError(
                f"No police force with code {code!r}: set it up with "
                "`manage.py organisation NAME --kind police_force --authority GSS --code CODE`"
            )
        action = options["action"]
        if action == "issue":
            try:
                token = services.force_token_issue(force=force)
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from None
            self.stdout.write(f"Token for {force} (shown once; keep it secret):")
            self.stdout.write(token)
        elif action == "revoke":
            count = services.force_token_revoke(force=force)
            self.stdout.write(self.style.SUCCESS(f"Revoked {count} token(s) of {force}."))
        else:
            for token in ForceToken.objects.filter(force=force):
                state = "revoked" if token.revoked_at else "live"
                used = token.last_used_at.isoformat() if token.last_used_at else "never used"
                self.stdout.write(
                    f"{token.prefix}…  {state}  issued {token.created_at:%Y-%m-%d}  {used}"
                )
