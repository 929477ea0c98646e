"""`manage.py user add USERNAME --role ROLE --organisation NAME`,
`manage.py user reset-password USERNAME` and `manage.py user deactivate USERNAME`: an
administrator managing people from the command line.

`add` and `reset-password` print a one-time password to hand to the person; at their next
sign-in they set up their authenticator app (if they have none yet), then must choose a
password of their own. See docs/operations.md, "Setting up an authority".
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from homeward.accounts.models import Role
from homeward.accounts.services import password_reset, user_create, user_deactivate


class Command(BaseCommand):
    help = "Add a user (with a one-time password), reset a user's password, or deactivate one."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Add a user with a one-time password.")
        add.add_argument("username")
        add.add_argument("--role", required=True, help=f"One of {', '.join(Role.values)}.")
        add.add_argument("--organisation", required=True, help="The organisation's name.")
        add.add_argument("--email", default="")
        add.add_argument("--first-name", dest="first_name", default="")
        add.add_argument("--last-name", dest="last_name", default="")
        reset = actions.add_parser(
            "reset-password",
            help="Give a user a new one-time password, to be changed at their next sign-in.",
        )
        reset.add_argument("username")
        deactivate = actions.add_parser("deactivate", help="Stop a user signing in.")
        deactivate.add_argument("username")

    def handle(self, *args: object, **options: object) -> None:
        try:
            if options["action"] == "add":
                self._add(options)
            elif options["action"] == "reset-password":
                self._reset(str(options["username"]))
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
            "(two-factor), then they must change the password, before they can see anything."
        )

    def _reset(self, username: str) -> None:
        user, password = password_reset(username=username)
        self.stdout.write(
            self.style.SUCCESS(f"Reset the password of {user.username}: their sessions have ended.")
        )
        self.stdout.write(f"One-time password: {password}")
        self.stdout.write(
            "Give it to them privately. At their next sign-in they enter the code from their "
            "authenticator app (kept; or set one up if they have none), then they must "
            "change it."
        )
