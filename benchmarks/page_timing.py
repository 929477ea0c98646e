"""One page, in-process, as a signed-in user: the median and the slowest of N requests and
the queries each made. For a page's own cost without a network or other users.

    .venv/bin/python benchmarks/page_timing.py --db benchmarks/data/web/big_batch.sqlite3 \\
        --user manager --path /notifications/reconciliation --repeat 6

The database is used as it is (`HOMEWARD_SQLITE_PATH`, development settings); the secret key
is the benchmark data's own (`benchmarks/data/web/secret_key`), so its encrypted fields read.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="the SQLite file")
    parser.add_argument("--user", required=True, help="a username with a confirmed TOTP device")
    parser.add_argument("--path", required=True, help="the page, e.g. /caseload/")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--secret", type=Path, default=Path("benchmarks/data/web/secret_key"))
    args = parser.parse_args()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="homeward.site.settings",
        HOMEWARD_SQLITE_PATH=str(args.db),
        HOMEWARD_ENV="development",
        HOMEWARD_DATABASE_URL="",
        HOMEWARD_SECRET_KEY=args.secret.read_text().strip(),
    )
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from homeward.accounts.models import User

    user = User.objects.get(username=args.user)
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        raise SystemExit(f"{args.user} has no confirmed authenticator")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    client.get(args.path)  # warm: templates, caches
    times, queries = [], []
    for _ in range(args.repeat):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.get(args.path)
            times.append((time.perf_counter() - began) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{args.path}: {response.status_code}")
        queries.append(len(captured.captured_queries))
    print(
        f"{args.path}: median {statistics.median(times):.0f} ms, slowest {max(times):.0f} ms, "
        f"{statistics.median(queries):.0f} queries "
        f"({args.repeat} requests, {len(response.content):,} bytes)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
