"""`manage.py seed_demo`: the fictional demo authority with years of generated records.

Refuses a database that already holds data unless `--flush` is given, which first deletes
every case record, user, organisation and authority. Refused outright in production.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from homeward.cases import demo_data


class Command(BaseCommand):
    help = (
        "Fill an empty database with the demo: a fictional authority, its teams, one user per "
        "role (passwords and authenticator keys printed) and years of generated children, "
        "episodes and return interviews. No real person appears."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--children", type=int, default=450, help="children to generate (default 450)"
        )
        parser.add_argument(
            "--years", type=int, default=3, help="years of records up to today (default 3)"
        )
        parser.add_argument(
            "--episodes",
            type=int,
            default=None,
            help="top the episodes up to about this many (default: as the children give, "
            "about 3.2 each over ten years)",
        )
        parser.add_argument(
            "--flush",
            action="store_true",
            help="first delete all case records, users, organisations and authorities",
        )
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000/",
            help="where the demo is served, for the sign-in instructions",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("seed_demo writes demo accounts: it never runs in production")
        if options["children"] < 1 or options["years"] < 1:
            raise CommandError("--children and --years must be at least 1")
        if options["episodes"] is not None and options["episodes"] < 1:
            raise CommandError("--episodes must be at least 1")
        if demo_data.has_case_data():
            if not options["flush"]:
                raise CommandError(
                    "This database already holds children, users or authorities. Use --flush "
                    "to delete them all and seed the demo afresh."
                )
            demo_data.flush()
            self.stdout.write("Deleted the existing records, users and organisations.")
        began = time.monotonic()
        summary = demo_data.seed_demo(
            seed=options["seed"],
            years=options["years"],
            children=options["children"],
            episodes=options["episodes"],
        )
        from homeward.intake.demo_data import seed_notifications

        batch = seed_notifications(seed=options["seed"])
        from homeward.cases.indicator_tables import home_authority
        from homeward.places.demo_data import seed_postcodes
        from homeward.returns.demo_data import seed_foi_settings

        directory = seed_postcodes(seed=options["seed"], la_code=home_authority().gss_code)
        seed_foi_settings(home_authority(), today=timezone.localdate())
        from homeward.accounts.models import User
        from homeward.panel.demo_data import seed_meeting

        meeting = seed_meeting(
            by=User.objects.get(username="coordinator"), today=timezone.localdate()
        )
        from homeward.intelligence.demo_data import seed_submissions

        intelligence = seed_submissions(by=User.objects.get(username="coordinator"))
        from homeward.exchange.demo_data import seed_exchange

        exchange = seed_exchange(by=User.objects.get(username="coordinator"))
        from homeward.profiles.demo_data import seed_profiles

        profiles = seed_profiles(by=User.objects.get(username="coordinator"))
        returned = demo_data.seed_returned_for_changes()
        seconds = time.monotonic() - began
        self.stdout.write(describe(summary, options["url"], seconds, code_command()))
        self.stdout.write(
            f"Police notifications: batch {batch.reference} taken in ({batch.accepted} "
            f"reports, {batch.amended} amended): see Police notifications when signed in "
            "as the coordinator."
        )
        self.stdout.write(
            f"Postcodes: a made-up directory of the demo's "
            f"{directory.loaded + directory.updated + directory.unchanged} postcodes "
            "loaded, for the hotspot map (Places)."
        )
        self.stdout.write(
            f"Panel: {meeting} planned with {meeting.listings.count()} children (Panel)."
        )
        self.stdout.write(
            f"Police intelligence: {intelligence.shared} submissions shared, "
            f"{intelligence.awaiting} awaiting the police's acknowledgement (Intelligence, "
            "when signed in as police)."
        )
        if exchange.partner is not None:
            self.stdout.write(
                f"Other authorities: {exchange.partner.name} is a partner (a made-up one: what "
                f"is sent to it waits, listed as not delivered); {exchange.sent} placement "
                f"notices sent to it and {exchange.waiting} notices from it waiting (Across "
                "the boundary, Notices from other authorities)."
            )
        self.stdout.write(
            f"Philomena profiles: {profiles} children in care have one (their record, "
            "Philomena Protocol profile), with its grab pack."
        )
        if returned is not None:
            self.stdout.write(
                f"Sign-off: interview {returned.reference} returned to the worker with comments "
                "(their caseload); the rest wait in the manager's Sign-off queue."
            )


def code_command() -> str:
    """How to run `demo_code` against this database."""
    database = settings.DATABASES["default"]
    command = ".venv/bin/python manage.py demo_code USERNAME"
    if not str(database["ENGINE"]).endswith("sqlite3"):
        return command
    path = Path(database["NAME"]).resolve()
    try:
        shown = str(path.relative_to(settings.BASE_DIR))
    except ValueError:
        shown = str(path)
    return f"HOMEWARD_SQLITE_PATH={shown} {command}"


def describe(summary: demo_data.DemoSummary, url: str, seconds: float, code_command: str) -> str:
    outcomes = ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in summary.outcomes.items())
    sign_in = url.rstrip("/") + "/sign-in/"
    lines = [
        f"Seeded {summary.authority} in {seconds:.0f} s: {summary.children:,} children, "
        f"{summary.episodes:,} episodes, {summary.interviews:,} return interviews "
        f"from {summary.start:%d %b %Y} to today.",
        f"  interviews: {outcomes}",
        f"  today: {summary.still_missing} still missing, {summary.awaiting_allocation} "
        f"awaiting allocation (overdue or not), interviews: {summary.due_soon} due within "
        f"24 hours, {summary.overdue} overdue",
        "",
        f"Sign in at {sign_in} as any of these demo users (generated names, new passwords",
        "on every seeding). Each has an authenticator (TOTP) already set up: add its key to",
        "an authenticator app, or print the current code with",
        f"  {code_command}",
        "",
        f"  {'username':<16} {'role':<30} {'password':<20} authenticator key",
    ]
    for user in summary.users:
        key = " ".join(user.totp_key[i : i + 4] for i in range(0, len(user.totp_key), 4))
        lines.append(f"  {user.username:<16} {user.role_label:<30} {user.password:<20} {key}")
    lines += ["", "Authenticator set-up links (otpauth://, for apps that take a link):"]
    lines += [f"  {user.otpauth_uri}" for user in summary.users]
    return "\n".join(lines)
