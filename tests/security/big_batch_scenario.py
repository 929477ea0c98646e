"""Casework beside the background worker, on one database: the steps
`test_big_batches.test_casework_pages_are_read_and_written_while_a_batch_is_half_done` runs,
each in a process of its own (`python -m tests.security.big_batch_scenario STEP`):

- `database DIR`: prints, as JSON, the environment of a database of the scenario's own: a
  SQLite file in DIR, or, when HOMEWARD_DATABASE_URL names a PostgreSQL server, a new
  database on it;
- `prepare`: migrates it, makes the test world and a child, and posts a batch of
  3,000 notifications to the API (answered 202: queued for the worker);
- `casework`: while the worker (started by the test) takes the batch in, reads the child's
  record and flags a risk on the child again and again, as a coordinator, and prints what
  happened (statuses, how many while the batch was half done, the slowest answer);
- `drop`: removes a PostgreSQL database it made.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BATCH = 3000
STATE = "HOMEWARD_SCENARIO_STATE"


def database(directory: str) -> int:
    env = {
        "HOMEWARD_ENV": "development",
        STATE: str(Path(directory) / "state.json"),
    }
    url = os.environ.get("HOMEWARD_DATABASE_URL", "")
    if url:
        import psycopg

        name = f"homeward_bigbatch_{os.getpid()}"
        parts = urlsplit(url)
        with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        env["HOMEWARD_DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    else:
        env["HOMEWARD_DATABASE_URL"] = ""
        env["HOMEWARD_SQLITE_PATH"] = str(Path(directory) / "homeward.sqlite3")
    print(json.dumps(env))
    return 0


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.site.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def prepare() -> int:
    _django()
    from django.core.management import call_command
    from django.test import Client

    from homeward.intake import services
    from tests.factories import make_child, make_episode, make_world
    from tests.security.test_big_batches import body, notifications

    call_command("migrate", verbosity=0, interactive=False)
    world = make_world()
    child = make_child(world)
    make_episode(world, child)
    token = services.force_token_issue(force=world.police)
    api = Client(headers={"Authorization": f"Bearer {token}"})
    response = api.post(
        "/api/v1/notifications", data=body(notifications(BATCH)), content_type="application/json"
    )
    assert response.status_code == 202, response.content[:500]
    Path(os.environ[STATE]).write_text(
        json.dumps({"child": child.pk, "location": response["Location"], "token": token}),
        encoding="utf-8",
    )
    return 0


def casework() -> int:
    _django()
    from django.test import Client
    from django.utils import timezone

    from homeward.cases.models import RiskFlag
    from homeward.intake.models import IntakeBatch
    from tests.web.conftest import sign_in

    state: dict[str, Any] = json.loads(Path(os.environ[STATE]).read_text(encoding="utf-8"))
    from homeward.accounts.models import User

    client = sign_in(
        Client(raise_request_exception=False), User.objects.get(username="coordinator")
    )
    child_url = f"/children/{state['child']}/"
    risk_url = f"/children/{state['child']}/risks/new/"
    noted = (timezone.localdate() - timedelta(days=1)).isoformat()
    statuses: Counter[str] = Counter()
    during = Counter()
    progress: set[int] = set()
    slowest = 0.0
    timings: dict[str, list[float]] = {"reads": [], "writes": []}
    reads = writes = 0
    client.get(child_url)  # the first request loads the pages' code: not counted
    deadline = time.monotonic() + 480
    reference = state["location"].rsplit("/", 1)[1]
    while time.monotonic() < deadline:
        batch = IntakeBatch.objects.get(reference=reference)
        progress.add(batch.processed)
        if batch.status == IntakeBatch.Status.DONE:
            break
        half_done = 0 < batch.processed < batch.total
        for kind, send in (
            ("reads", lambda: client.get(child_url)),
            (
                "writes",
                lambda: client.post(
                    risk_url, {"kind": "cce", "noted_on": noted, "source": "Police"}
                ),
            ),
        ):
            began = time.perf_counter()
            response = send()
            took = time.perf_counter() - began
            slowest = max(slowest, took)
            statuses[str(response.status_code)] += 1
            if kind == "reads":
                reads += 1
            else:
                writes += 1
            if half_done:
                during[kind] += 1
                timings[kind].append(took)
    api = Client(headers={"Authorization": f"Bearer {state['token']}"})
    receipt = api.get(state["location"]).json()
    print(
        json.dumps(
            {
                "statuses": dict(statuses),
                "reads": reads,
                "writes": writes,
                "during": {"reads": during["reads"], "writes": during["writes"]},
                "slowest_s": round(slowest, 3),
                "during_p95_s": {k: _p95(v) for k, v in timings.items()},
                "risk_flags": RiskFlag.objects.count(),
                "progress_seen": len(progress),
                "batch": {
                    "status": receipt["status"],
                    "progress": receipt["progress"],
                    "counts": receipt["counts"],
                },
            }
        )
    )
    return 0


def _p95(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, -(-95 * len(ordered) // 100) - 1)], 3)


def drop() -> int:
    url = os.environ.get("HOMEWARD_DATABASE_URL", "")
    if url:
        import psycopg

        parts = urlsplit(url)
        name = parts.path.lstrip("/")
        with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    step = sys.argv[1]
    if step == "database":
        sys.exit(database(sys.argv[2]))
    sys.exit({"prepare": prepare, "casework": casework, "drop": drop}[step]())
