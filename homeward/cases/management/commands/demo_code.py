"""`manage.py demo_code USERNAME...`: the current authenticator code of demo users.

For trying the demo without an authenticator app. Refused in production: there, codes come
from the user's own device only.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Print the current six-digit authenticator code of demo users (never in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("usernames", nargs="+", metavar="USERNAME")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("demo_code is for the demo only: it never runs in production")
        for username in options["usernames"]:
            device = (
                TOTPDevice.objects.filter(user__username=username, confirmed=True)
                .order_by("pk")
                .first()
            )
            if device is None:
                raise CommandError(f"{username} has no authenticator set up")
            totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
            totp.time = time.time()
            left = device.step - int(totp.time - device.t0) % device.step
            code = f"{totp.token():0{device.digits}d}"
            self.stdout.write(f"{username}: {code} (valid for another {left} s)")
