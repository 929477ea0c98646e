"""Signed-in users on the case-management pages: latency per page under concurrent load.

Two steps, so that the load itself runs without Django:

    # 1. With the server's own settings (same database, same secret key): sign the users
    #    in and choose the children, into a plan file.
    python benchmarks/web_load.py prepare --out PLAN.json [--users 20]

    # 2. Against the running server: USERS threads, each a person signed in, going round
    #    the four pages until DURATION seconds have passed.
    python benchmarks/web_load.py run --plan PLAN.json --url http://127.0.0.1:8100 \\
        --duration 120 --think 1-3 --label sqlite --out benchmarks/out

**Signing in.** `prepare` makes real sessions with Django's own sign-in functions on the
server's session store: `django.contrib.auth.login` (what the sign-in page calls after the
password) and `django_otp.login` with the user's confirmed authenticator (what the
two-factor page calls after a right code), then sets `last_seen` as the idle-timeout
middleware does. The server then treats each request exactly as it treats a person who
signed in with a password and a code: the authentication, second-factor, idle-timeout and
session middleware all run, and each request saves the session. The sign-in pages
themselves are not part of the load (a code can be used once per 30 seconds per user).

**The users.** Each of the USERS virtual people holds three sessions: a coordinator's or
(every other person) a manager's for the coordinator's home and the children's records, a
return-interview worker's (`worker`, `worker2`, `provider.worker` in turn) for the
caseload, and a manager's for the indicators page. Each session is their own.

**The pages.** Each person goes round the four pages in a new random order each round,
pausing THINK seconds (uniform between the two bounds) before each request: `/` (home),
`/children/<id>/` (half the time one of the children with the most episodes, otherwise one
drawn at random from all children), `/caseload/` and `/indicators/`. A request counts as an
error unless it answers 200 with the page's heading in it (a redirect to sign-in, a 403, a
500 or a time-out are errors). Latency is from sending the request to the end of the body.

**Output.** `OUT/web_LABEL.json` and `OUT/web_LABEL.txt`: per page the count, p50, p95,
p99, max and mean in milliseconds (nearest-rank percentiles) and the errors, and the
throughput over the whole run. Exits 1 if any request failed.

No third-party package: threads and `http.client` from the standard library.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

PAGES = ("home", "child", "caseload", "indicators")
#: Pages a run can add with --pages (benchmarks/big_batch_run.sh): the police
#: reconciliation, as a manager, for the default period (the last full month).
EXTRA_PAGES = ("reconciliation",)
#: What each page must contain to count as served (its heading).
MARKERS = {
    "home": b"Missing children: today",
    "child": b'<span class="govuk-caption-l">Child C-',
    "caseload": b"Your caseload",
    "indicators": b"<h1",
    "reconciliation": b"<h1",
}
LEADS = ("coordinator", "manager")
WORKERS = ("worker", "worker2", "provider.worker")


# --- prepare: sessions and children (needs Django and the server's settings) ----------------


def prepare(args: argparse.Namespace) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.site.settings")
    import django

    django.setup()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import login
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import Count
    from django.http import HttpRequest
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp import login as otp_login
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from homeward.accounts.models import User
    from homeward.cases.models import Child, Episode, ReturnInterview

    store = import_module(settings.SESSION_ENGINE).SessionStore
    backend = "django.contrib.auth.backends.ModelBackend"

    def sign_in(username: str) -> str:
        user = User.objects.get(username=username)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            raise SystemExit(f"prepare: {username} has no confirmed authenticator")
        request = HttpRequest()
        request.session = store()
        request.user = AnonymousUser()  # as the middleware leaves it before sign-in
        request.META["REMOTE_ADDR"] = "127.0.0.1"
        login(request, user, backend=backend)
        otp_login(request, device)
        if request.session.get(DEVICE_ID_SESSION_KEY) != device.persistent_id:
            raise SystemExit(f"prepare: the second factor was not recorded for {username}")
        request.session["last_seen"] = time.time()
        request.session.save()
        return str(request.session.session_key)

    users = []
    for number in range(args.users):
        users.append(
            {
                "lead": LEADS[number % len(LEADS)],
                "worker": WORKERS[number % len(WORKERS)],
                "cookies": {
                    "lead": sign_in(LEADS[number % len(LEADS)]),
                    "worker": sign_in(WORKERS[number % len(WORKERS)]),
                    "manager": sign_in("manager"),
                },
            }
        )
    heavy = list(
        Child.objects.annotate(episode_count=Count("episodes"))
        .order_by("-episode_count", "pk")
        .values_list("pk", "episode_count")[: args.heavy]
    )
    rng = random.Random(args.seed)
    every = list(Child.objects.values_list("pk", flat=True))
    drawn = rng.sample(every, min(args.random, len(every)))
    plan = {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "users": users,
        "children": {"heavy": [pk for pk, _ in heavy], "random": drawn},
        "heavy_episodes": [heavy[-1][1], heavy[0][1]] if heavy else [0, 0],
        "children_total": len(every),
        "episodes_total": Episode.objects.count(),
        "interviews_total": ReturnInterview.objects.count(),
    }
    Path(args.out).write_text(json.dumps(plan, indent=1), encoding="utf-8")
    print(
        f"prepare: {len(users)} users signed in ({3 * len(users)} sessions); children: "
        f"{len(heavy)} with the most episodes ({plan['heavy_episodes'][0]}–"
        f"{plan['heavy_episodes'][1]}), {len(drawn)} at random of {len(every):,}"
    )
    return 0


# --- run: the load (standard library only) ----------------------------------------------------


@dataclass
class Result:
    page: str
    started: float
    seconds: float
    status: int
    error: str = ""


@dataclass
class Shared:
    results: list[Result] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Person(threading.Thread):
    def __init__(
        self,
        number: int,
        user: dict[str, object],
        plan: dict[str, object],
        args: argparse.Namespace,
        shared: Shared,
        deadline: float,
    ) -> None:
        super().__init__(name=f"person-{number}", daemon=True)
        self.user = user
        self.plan = plan
        self.args = args
        self.shared = shared
        self.deadline = deadline
        self.rng = random.Random(args.seed * 1000 + number)
        parts = urlsplit(args.url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.connection: http.client.HTTPConnection | None = None

    def path_and_session(self, page: str) -> tuple[str, str]:
        cookies = self.user["cookies"]
        assert isinstance(cookies, dict)
        if page == "home":
            return "/", cookies["lead"]
        if page == "child":
            children = self.plan["children"]
            assert isinstance(children, dict)
            pool = children["heavy"] if self.rng.random() < 0.5 else children["random"]
            return f"/children/{self.rng.choice(pool)}/", cookies["lead"]
        if page == "caseload":
            return "/caseload/", cookies["worker"]
        if page == "reconciliation":
            return "/notifications/reconciliation", cookies["manager"]
        return "/indicators/", cookies["manager"]

    def stopped(self) -> bool:
        return bool(self.args.stop_file) and os.path.exists(self.args.stop_file)

    def fetch(self, path: str, session: str) -> tuple[int, bytes]:
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    self.host, self.port, timeout=self.args.timeout
                )
            try:
                self.connection.request(
                    "GET",
                    path,
                    headers={
                        "Cookie": f"{self.plan['session_cookie']}={session}",
                        "Accept": "text/html",
                        "User-Agent": "homeward-web-load/1",
                    },
                )
                response = self.connection.getresponse()
                body = response.read()
                if response.will_close:
                    self.connection.close()
                    self.connection = None
                return response.status, body
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A kept-alive connection the server had closed: retry once on a new one.
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def run(self) -> None:
        low, high = self.args.think
        done = 0
        while done < self.args.max_requests:
            order = list(self.args.pages)
            self.rng.shuffle(order)
            for page in order:
                pause = self.rng.uniform(low, high)
                if time.monotonic() + pause >= self.deadline or self.stopped():
                    return
                time.sleep(pause)
                path, session = self.path_and_session(page)
                started = time.monotonic()
                status, error = 0, ""
                try:
                    status, body = self.fetch(path, session)
                    if status != 200:
                        error = f"status {status}"
                    elif MARKERS[page] not in body:
                        error = "page without its heading"
                except (OSError, http.client.HTTPException) as problem:
                    error = f"{type(problem).__name__}: {problem}"
                    if self.connection is not None:
                        self.connection.close()
                        self.connection = None
                seconds = time.monotonic() - started
                with self.shared.lock:
                    self.shared.results.append(Result(page, started, seconds, status, error))
                done += 1
                if done >= self.args.max_requests:
                    return


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (the smallest value with at least `share` of them at or
    below it)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summarise(
    results: list[Result], elapsed: float, pages_run: tuple[str, ...] = PAGES
) -> dict[str, object]:
    pages: dict[str, object] = {}
    for page in (*pages_run, "all"):
        mine = [r for r in results if page in ("all", r.page)]
        times = [r.seconds * 1000 for r in mine]
        errors = [r for r in mine if r.error]
        kinds: dict[str, int] = {}
        for r in errors:
            kinds[r.error] = kinds.get(r.error, 0) + 1
        pages[page] = {
            "count": len(mine),
            "errors": len(errors),
            "error_kinds": kinds,
            "p50_ms": round(percentile(times, 0.50), 1) if times else None,
            "p95_ms": round(percentile(times, 0.95), 1) if times else None,
            "p99_ms": round(percentile(times, 0.99), 1) if times else None,
            "max_ms": round(max(times), 1) if times else None,
            "mean_ms": round(sum(times) / len(times), 1) if times else None,
            "per_second": round(len(mine) / elapsed, 2) if elapsed else None,
        }
    return pages


def table(label: str, summary: dict[str, object], meta: dict[str, object]) -> str:
    lines = [
        f"{label}: {meta['users']} signed-in users for {meta['elapsed_s']:.0f} s, think time "
        f"{meta['think_s'][0]}–{meta['think_s'][1]} s, {meta['url']}",
        f"{'page':<11} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} "
        f"{'mean ms':>8} {'errors':>6} {'req/s':>6} {'p95<' + str(meta['target_ms']) + ' ms':>10}",
    ]
    for page, row in summary.items():
        assert isinstance(row, dict)
        if not row["count"]:
            lines.append(f"{page:<11} {0:>6}")
            continue
        met = "yes" if row["p95_ms"] < meta["target_ms"] and not row["errors"] else "NO"
        lines.append(
            f"{page:<11} {row['count']:>6} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} "
            f"{row['p99_ms']:>8.1f} {row['max_ms']:>8.1f} {row['mean_ms']:>8.1f} "
            f"{row['errors']:>6} {row['per_second']:>6.1f} {met if page != 'all' else '':>10}"
        )
        for kind, count in row["error_kinds"].items():
            lines.append(f"{'':<11} error: {count} x {kind}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    plan = json.loads(Path(args.plan).read_text(encoding="utf-8"))
    users = plan["users"][: args.users]
    if len(users) < args.users:
        raise SystemExit(f"run: the plan has {len(users)} users, {args.users} asked for")
    shared = Shared()
    began = time.monotonic()
    deadline = began + args.duration
    people = [
        Person(number, user, plan, args, shared, deadline) for number, user in enumerate(users)
    ]
    for person in people:
        person.start()
    for person in people:
        person.join(args.duration + args.timeout + 10)
    elapsed = time.monotonic() - began
    summary = summarise(shared.results, elapsed, tuple(args.pages))
    meta = {
        "label": args.label,
        "url": args.url,
        "users": args.users,
        "duration_s": args.duration,
        "elapsed_s": round(elapsed, 1),
        "think_s": list(args.think),
        "pages": list(args.pages),
        "started_at_unix": round(time.time() - elapsed, 1),
        "target_ms": args.target_ms,
        "children": {k: len(v) for k, v in plan["children"].items()},
        "heavy_episodes": plan.get("heavy_episodes"),
        "data": {
            "children": plan.get("children_total"),
            "episodes": plan.get("episodes_total"),
            "interviews": plan.get("interviews_total"),
        },
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    text = table(args.label, summary, meta)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"web_{args.label}.json").write_text(
        json.dumps({"meta": meta, "pages": summary}, indent=1), encoding="utf-8"
    )
    (out / f"web_{args.label}.txt").write_text(text + "\n", encoding="utf-8")
    print(text)
    all_row = summary["all"]
    assert isinstance(all_row, dict)
    return 1 if all_row["errors"] else 0


def think(value: str) -> tuple[float, float]:
    low, _, high = value.partition("-")
    bounds = (float(low), float(high or low))
    if bounds[0] < 0 or bounds[1] < bounds[0]:
        raise argparse.ArgumentTypeError("think time: LOW-HIGH seconds, 0 <= LOW <= HIGH")
    return bounds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("prepare", help="sign the users in and choose the children")
    p.add_argument("--out", required=True, help="the plan file to write (JSON)")
    p.add_argument("--users", type=int, default=20)
    p.add_argument("--heavy", type=int, default=100, help="children with the most episodes")
    p.add_argument("--random", type=int, default=1000, help="children drawn at random")
    p.add_argument("--seed", type=int, default=1)
    r = commands.add_parser("run", help="the load, against a running server")
    r.add_argument("--plan", required=True)
    r.add_argument("--url", default="http://127.0.0.1:8100")
    r.add_argument("--users", type=int, default=20)
    r.add_argument("--duration", type=float, default=120.0, help="seconds (default 120)")
    r.add_argument(
        "--think", type=think, default=(1.0, 3.0), help="pause before each request, LOW-HIGH s"
    )
    r.add_argument("--max-requests", type=int, default=100_000, help="per user, a bound")
    r.add_argument("--timeout", type=float, default=30.0, help="per request, seconds")
    r.add_argument("--target-ms", type=float, default=150.0)
    r.add_argument("--label", default="web")
    r.add_argument("--out", default="benchmarks/out")
    r.add_argument("--seed", type=int, default=1)
    r.add_argument(
        "--pages",
        type=lambda v: [p for p in v.split(",") if p],
        default=list(PAGES),
        help=f"pages to go round, comma separated, from {', '.join(PAGES + EXTRA_PAGES)} "
        "(default the first four)",
    )
    r.add_argument(
        "--stop-file",
        default="",
        help="stop early (before --duration) once this file exists: each person finishes "
        "the request in flight",
    )
    args = parser.parse_args(argv)
    if args.command == "run":
        unknown = sorted(set(args.pages) - set(PAGES + EXTRA_PAGES))
        if unknown or not args.pages:
            parser.error(f"--pages: unknown {', '.join(unknown) or '(none given)'}")
    return prepare(args) if args.command == "prepare" else run(args)


if __name__ == "__main__":
    sys.exit(main())
