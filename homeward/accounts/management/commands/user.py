"""`manage.py user add USERNAME --role ROLE --organisation NAME` and
`manage.py user deactivate USERNAME`: an administrator managing people from the command line.

`add` prints a one-time password to hand to the person; at first sign-in they set up their
authenticator app. See docs/operations.md, "Setting up an authority".
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from homeward.accounts.models import Role
from homeward.accounts.services import user_create, user_deactivate


class Command(BaseCommand):
    help = "Add a user (with a one-time password) or deactivate one."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Add a user with a one-time password.")
        add.add_argument("username")
        add.add_argument("--role", required=True, help=f"One of {', '.join(Role.values)}.")
        add.add_argument("--organisation", required=True, help="The organisation's name.")
        add.add_argument("--email", default="")
        add.add_argument("--first-name", dest="first_name", default="")
        add.add_argument("--last-name", dest="last_name", default="")
        deactivate = actions.add_parser("deactivate", help="Stop a user signing in.")
        deactivate.add_argument("username")

    def handle(self, *args: object, **options: object) -> None:
        try:
            if options["action"] == "add":
                self._add(options)
            else:
                user = user_deactivate(username=str(options["username"]))
                self.stdout.write(
                    self.style.SUCCESS(f"Deactivated {user.username}: they can no longer sign in.")
                )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None

    def _add(self, options: dict[str, object]) -> None:
        user, password = user_create(
            username=str(options["username"]),
            role=str(options["role"]),
            organisation_name=str(options["organisation"]),
            email=str(options["email"]),
            first_name=str(options["first_name"]),
            last_name=str(options["last_name"]),
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {user.username}, {user.get_role_display().lower()} in "
                f"{user.organisation}."
            )
        )
        self.stdout.write(f"One-time password: {password}")
        self.stdout.write(
            "Give it to them privately. At first sign-in they set up their authenticator app "
            "(two-factor) before they can see anything."
        )
