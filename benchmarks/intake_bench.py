"""Police notification intake at an authority's scale: the pieces `benchmarks/intake_run.sh`
runs and times.

    # 1. The data, once: a migrated SQLite database with a home authority, a police force,
    #    a coordinator and CHILDREN children (from `homeward.police.quality.population`),
    #    their blocking keys, a CSV of NOTIFICATIONS notifications about them (realistic
    #    content, the slips `quality.notifications` makes, a fifth about unknown children)
    #    and the bodies the API run sends.
    python benchmarks/intake_bench.py prepare --data benchmarks/data/intake

    # 2. Where the time of `homeward intake` goes, in-process, on a copy of the database.
    python benchmarks/intake_bench.py stages --data DIR --out OUT/intake_stages.json

    # 3. The peer: the pure core alone, in memory (no database): parse, classify, build a
    #    CandidateIndex of the children, rank. Writes each report's best candidate and band.
    python benchmarks/intake_bench.py peer --data DIR --out PEER.json

    # 4. Does homeward's stored first suggestion equal the peer's, for every notification?
    python benchmarks/intake_bench.py agree --peer PEER.json --out OUT/intake_agree.json

    # 5. A force token, and the API's latency against a running server.
    python benchmarks/intake_bench.py token                        # (database of the env)
    python benchmarks/intake_bench.py api --url http://127.0.0.1:8110 --token T \\
        --bodies DIR/api_bodies.json --set single --concurrency 1 --out OUT/intake_api_1.json

`prepare`, `stages`, `agree` and `token` use Django and the database of the environment
(HOMEWARD_SQLITE_PATH: `stages` and `agree` on a copy, with the secret key and salts the
data were written with); `peer` and `api` do not import Django (`api` uses only the standard
library).
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import resource
import statistics
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HOME_GSS = "E10000099"
OTHER_GSS = ("E10000088", "E06000077", "W06000066")
FORCE = "fenmoor"
#: Share of the known children who are looked after (in a care placement).
LOOKED_AFTER_SHARE = 0.12
#: The API run: how many requests per set, and the share that resend an earlier body.
API_REQUESTS = 1000
RESEND_SHARE = 0.10
#: Requests sent before the measured ones (their own reports), so every worker has loaded
#: its code and opened its database connection.
WARMUP = 60


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.site.settings")
    import django

    django.setup()


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the data ------------------------------------------------------------------------------


def looked_after(keys: list[int], seed: int) -> dict[int, str]:
    """Which known children are looked after, and their placement type (the same for the
    database and the peer)."""
    rng = random.Random(seed * 7919 + 17)
    kinds = ["foster", "childrens_home", "semi_independent", "residential_school", "secure"]
    weights = [70, 16, 10, 3, 1]
    return {
        key: rng.choices(kinds, weights)[0] for key in keys if rng.random() < LOOKED_AFTER_SHARE
    }


_STREETS = (
    "Mill Lane",
    "Station Road",
    "Church Street",
    "Marsh Road",
    "Willow Close",
    "High Street",
    "Fen View",
    "Orchard Way",
    "Quay Street",
    "Bridge Road",
    "Meadow Drive",
    "Harbour Walk",
)
_TOWNS = ("Fenmoor", "Castleton", "Saltmarsh", "Eastwick", "Norbridge")
_PLACES = (
    "the bus station",
    "Castleton town centre",
    "a friend's house on Fen View",
    "the retail park",
    "school",
    "the skate park",
    "Saltmarsh railway station",
    "a takeaway on the High Street",
    "the seafront",
)
_FOUND_WHERE = (
    "Castleton railway station",
    "a friend's address in Eastwick",
    "the town centre",
    "returned home",
    "an address in Norbridge",
    "a park in Saltmarsh",
)
_FOUND_BY = ("Returned by themselves", "Police patrol", "British Transport Police", "Parent")
#: Circumstances in the police's words; the first group has no high-risk wording.
_PLAIN = (
    "Did not return home after school. Phone switched off.",
    "Left home after an argument with a parent about screen time.",
    "Went out to meet friends and did not come back by the agreed time.",
    "Missed the curfew at the placement; believed to be with a friend.",
    "Stayed out overnight; has done so twice this month.",
)
_RISKY = (
    "Believed to be with older males in Castleton; seen getting into a car.",
    "Concerns of county lines involvement; found with two phones last time.",
    "Has a drugs debt according to friends; messages mention threats.",
    "Known to associate with gang members; carrying a knife was reported.",
    "Previous concerns of sexual exploitation; met unknown adults online.",
    "Talked about self-harm before leaving; mental health concerns.",
    "Last seen at a hotel in Eastwick with an unidentified adult.",
)


def _notification(
    rng: random.Random,
    person: Any,
    key: int | None,
    reference: str,
    now: datetime,
    care: dict[int, str],
) -> Any:
    """One full notification about a reported person (the police's view of them)."""
    from homeward.police.format import (
        Category,
        MissingFrom,
        Notification,
        NotificationType,
        PlacementType,
        RiskFactor,
        RiskGrade,
        Sex,
    )

    born = person.date_of_birth
    child_flag: bool | None = True
    if key is None and born is not None and rng.random() < 0.12:
        # An adult: reported about a grown-up, flagged as such.
        born = born - timedelta(days=365 * rng.randint(5, 30))
        child_flag = False
    elif rng.random() < 0.03:
        child_flag = False  # a child recorded without the child flag
    elif rng.random() < 0.05:
        child_flag = None
    kind = rng.choices(
        [
            NotificationType.REPORTED_MISSING,
            NotificationType.FOUND,
            NotificationType.UPDATE,
            NotificationType.CLOSED,
        ],
        [55, 33, 8, 4],
    )[0]
    reported = now - timedelta(days=rng.uniform(3, 365))
    reported = reported.replace(second=0, microsecond=0)
    last_seen = reported - timedelta(minutes=rng.randint(30, 14 * 60))
    found = None
    if kind in (NotificationType.FOUND, NotificationType.CLOSED):
        found = reported + timedelta(minutes=rng.randint(60, 72 * 60))
    sent = (found or reported) + timedelta(minutes=rng.randint(2, 90))
    category = Category.ABSENT if rng.random() < 0.15 else Category.MISSING
    risk = rng.choices(
        [RiskGrade.NO_APPARENT_RISK, RiskGrade.LOW, RiskGrade.MEDIUM, RiskGrade.HIGH, None],
        [8, 38, 38, 10, 6],
    )[0]
    risky = rng.random() < 0.3
    circumstances = rng.choice(_RISKY if risky else _PLAIN)
    factors: tuple[Any, ...] = ()
    if risky and rng.random() < 0.6:
        factors = tuple(
            sorted(set(rng.sample(list(RiskFactor), rng.randint(1, 3))), key=lambda f: f.value)
        )
    placement = care.get(key) if key is not None else None
    if key is None and rng.random() < LOOKED_AFTER_SHARE:
        placement = "foster"
    address = f"{rng.randint(1, 140)} {rng.choice(_STREETS)}, {rng.choice(_TOWNS)}"
    placement_type = PlacementType(placement) if placement else PlacementType.HOME
    missing_from = MissingFrom.CARE if placement else MissingFrom.HOME
    placement_name = placement_address = placement_postcode = ""
    if placement:
        if rng.random() < 0.15:
            missing_from = MissingFrom.HOME  # miscoded: a child in care coded from home
        if rng.random() < 0.3:
            placement_type = None  # type: ignore[assignment]
        placement_name = (
            "Oak House children's home" if placement == "childrens_home" else "Foster carers"
        )
        placement_address = address
        placement_postcode = person.postcode
    if rng.random() < 0.1:
        missing_from = None  # type: ignore[assignment]
    responsible = rng.choices([HOME_GSS, rng.choice(OTHER_GSS), ""], [75, 10, 15])[0]
    return Notification(
        force=FORCE,
        police_reference=reference,
        notification_type=kind,
        reported_at=reported,
        category=category,
        sent_at=sent,
        given_names=person.given_names,
        family_name=person.family_name,
        aliases=person.aliases,
        date_of_birth=born,
        child_flag=child_flag,
        sex=Sex(person.sex),
        address=address,
        postcode=person.postcode,
        last_seen_at=last_seen,
        last_seen_where=rng.choice(_PLACES),
        risk_grade=risk,
        missing_from=missing_from,
        circumstances=circumstances,
        risk_factors=factors,
        found_at=found,
        found_where=rng.choice(_FOUND_WHERE) if found else "",
        found_by=rng.choice(_FOUND_BY) if found else "",
        prevention_interview_done=(rng.random() < 0.7) if found else None,
        placement_type=placement_type,
        placement_name=placement_name,
        placement_address=placement_address,
        placement_postcode=placement_postcode,
        responsible_authority=responsible,
        officer_name=f"PC {rng.randint(1000, 9999)} {rng.choice(['Reid', 'Shah', 'Novak'])}",
        officer_contact=f"0300 123 {rng.randint(1000, 9999)}",
    )


def notifications_for(
    population: list[Any],
    count: int,
    *,
    seed: int,
    prefix: str,
    now: datetime,
    care: dict[int, str],
) -> list[tuple[Any, int | None, str]]:
    """`count` full notifications (with the true child's key and the error type)."""
    from homeward.police import quality

    rng = random.Random(seed * 31 + 5)
    out = []
    for number, (person, key, error) in enumerate(
        quality.notifications(population, count, seed=seed), start=1
    ):
        reference = f"{prefix}-{number:06d}"
        out.append((_notification(rng, person, key, reference, now, care), key, error))
    return out


def prepare(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    _django()
    from django.core.management import call_command
    from django.db import transaction

    from homeward.accounts.models import Role, User
    from homeward.cases import services as case_services
    from homeward.cases.models import Child, ChildAlias
    from homeward.cases.models import Counter as RefCounter
    from homeward.organisations.models import Authority, Organisation
    from homeward.police import parse, quality

    data = Path(args.data)
    data.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0, interactive=False)
    if Child.objects.exists():
        raise SystemExit("prepare: the database of the environment is not empty")
    rng = random.Random(args.seed)
    population = quality.population(args.children, seed=args.seed)
    care = looked_after([c.key for c in population], args.seed)
    with transaction.atomic():
        home = Authority.objects.create(
            gss_code=HOME_GSS,
            name="Fenmoor County Council (fictional)",
            nation="england",
            is_home=True,
        )
        others = [
            Authority.objects.create(
                gss_code=code,
                name=f"Authority {code} (fictional)",
                nation="wales" if code[0] == "W" else "england",
            )
            for code in OTHER_GSS
        ]
        team = Organisation.objects.create(
            name="Missing Children Team", kind=Organisation.Kind.AUTHORITY_TEAM, authority=home
        )
        Organisation.objects.create(
            name="Fenmoor Police (fictional)",
            kind=Organisation.Kind.POLICE_FORCE,
            authority=home,
            code=FORCE,
        )
        User.objects.create_user(
            username="coordinator",
            password=None,
            role=Role.COORDINATOR,
            organisation=team,
            first_name="Casey",
            last_name="Coordinator",
        )
        children, aliases = [], []
        for candidate in population:
            person = candidate.person
            placement = care.get(candidate.key, "")
            hosted = placement and rng.random() < 0.2
            children.append(
                Child(
                    pk=candidate.key,
                    reference=f"C-{candidate.key:06d}",
                    first_name=person.given_names,
                    last_name=person.family_name,
                    date_of_birth=person.date_of_birth,
                    sex=person.sex,
                    address=f"{rng.randint(1, 140)} {rng.choice(_STREETS)}, {rng.choice(_TOWNS)}",
                    postcode=person.postcode,
                    legal_status="looked_after" if placement else "none",
                    placement_type=placement,
                    responsible_authority=rng.choice(others) if hosted else home,
                    host_authority=home if hosted else None,
                )
            )
            aliases.extend(ChildAlias(child_id=candidate.key, name=a) for a in person.aliases)
        Child.objects.bulk_create(children, batch_size=2000)
        ChildAlias.objects.bulk_create(aliases, batch_size=2000)
        # The looked-after children's addresses, for the peer (which has no database).
        placed: dict[str, list[str]] = {}
        for child in children:
            if child.legal_status == "looked_after":
                placed.setdefault(child.postcode.replace(" ", "").upper(), []).append(child.address)
        Path(args.data).joinpath("care_addresses.json").write_text(
            json.dumps(placed), encoding="utf-8"
        )
        RefCounter.objects.update_or_create(name="C", defaults={"value": len(children)})
    keys = case_services.child_match_keys_rebuild()
    now = datetime.now(UTC).replace(microsecond=0)
    batch = notifications_for(
        population, args.notifications, seed=args.seed + 1, prefix="FM-2026", now=now, care=care
    )
    (data / "notifications.csv").write_bytes(parse.write_csv(n for n, _, _ in batch))
    (data / "truth.json").write_text(
        json.dumps({n.police_reference: [key, error] for n, key, error in batch}),
        encoding="utf-8",
    )
    # The API run's bodies: two sets (one at a time, then 4 senders) of new reports.
    bodies: dict[str, list[dict[str, object]]] = {}
    for number, label in enumerate(("single", "concurrent", "warmup")):
        made = notifications_for(
            population,
            API_REQUESTS if label != "warmup" else WARMUP,
            seed=args.seed + 100 + number,
            prefix=f"FM-API-{label[0].upper()}",
            now=now,
            care=care,
        )
        bodies[label] = [parse.to_json_object(n) for n, _, _ in made]
    (data / "api_bodies.json").write_text(json.dumps(bodies), encoding="utf-8")
    (data / "meta.json").write_text(
        json.dumps(
            {
                "children": len(children),
                "looked_after": len(care),
                "aliases": len(aliases),
                "match_keys": keys,
                "notifications": len(batch),
                "unknown_children": sum(1 for _, key, _ in batch if key is None),
                "seed": args.seed,
                "made_at": now.isoformat(),
                "seconds": round(time.perf_counter() - started, 1),
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    print(
        f"prepare: {len(children):,} children ({len(care):,} looked after, {len(aliases):,} "
        f"aliases, {keys:,} blocking keys), {len(batch):,} notifications "
        f"({sum(1 for _, key, _ in batch if key is None):,} about unknown children) in "
        f"{time.perf_counter() - started:.0f} s"
    )
    return 0


# --- where the time goes -----------------------------------------------------------------


class _Timer:
    """Wraps a function of a module and adds up the time spent in it."""

    def __init__(self, module: Any, name: str) -> None:
        self.module, self.name, self.seconds, self.calls = module, name, 0.0, 0
        self.original = getattr(module, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return self.original(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - began
                self.calls += 1

        setattr(module, name, timed)

    def restore(self) -> None:
        setattr(self.module, self.name, self.original)


def stages(args: argparse.Namespace) -> int:
    began = time.perf_counter()
    _django()
    from homeward.intake import services
    from homeward.intake.models import IntakeBatch
    from homeward.police import classify, match, parse

    setup = time.perf_counter() - began
    data = Path(args.data).joinpath("notifications.csv").read_bytes()
    now = datetime.now(UTC)
    t0 = time.perf_counter()
    parsed = parse.parse_file("notifications.csv", data, now=now)
    t_parse = time.perf_counter() - t0
    timers = {
        "pending": _Timer(services, "_pending_reports"),
        "care": _Timer(services, "_care_addresses"),
        "classify": _Timer(classify, "classify"),
        "suggest": _Timer(services, "suggest_many"),
        "candidates": _Timer(services, "_candidates"),
        "rank": _Timer(match, "rank"),
        "query_keys": _Timer(match, "query_keys"),
    }
    t0 = time.perf_counter()
    batch = services.intake_batch(parsed=parsed, channel=IntakeBatch.Channel.FILE, now=now)
    t_batch = time.perf_counter() - t0
    for timer in timers.values():
        timer.restore()
    s = {name: timer.seconds for name, timer in timers.items()}
    classify_match = s["care"] + s["classify"] + s["suggest"]
    keys_lookup = s["suggest"] - s["candidates"] - s["rank"] - s["query_keys"]
    rows = {
        "django_setup_s": setup,
        "parse_s": t_parse,
        "batch_s": t_batch,
        "existing_reports_s": s["pending"],
        "care_addresses_s": s["care"],
        "classify_s": s["classify"],
        "match_s": s["suggest"],
        "match_query_keys_s": s["query_keys"],
        "match_key_lookup_s": keys_lookup,
        "match_load_candidates_s": s["candidates"],
        "match_rank_s": s["rank"],
        "classify_match_s": classify_match,
        "store_s": t_batch - classify_match - s["pending"],
        "total_in_process_s": setup + t_parse + t_batch,
    }
    result = {
        "seconds": {k: round(v, 3) for k, v in rows.items()},
        "accepted": batch.accepted,
        "rejected": batch.rejected,
        "peak_rss_mib": round(_rss_mib()),
    }
    Path(args.out).write_text(json.dumps(result, indent=1), encoding="utf-8")
    r = result["seconds"]
    print(
        f"stages (one in-process run): Django set-up {r['django_setup_s']:.2f} s, parse "
        f"{r['parse_s']:.2f} s, classify + match {r['classify_match_s']:.2f} s (classify "
        f"{r['classify_s']:.2f}, care addresses {r['care_addresses_s']:.2f}, match "
        f"{r['match_s']:.2f}: query keys {r['match_query_keys_s']:.2f}, key lookup "
        f"{r['match_key_lookup_s']:.2f}, load candidates {r['match_load_candidates_s']:.2f}, "
        f"rank {r['match_rank_s']:.2f}), existing reports {r['existing_reports_s']:.2f} s, "
        f"store {r['store_s']:.2f} s; {batch.accepted:,} accepted, {batch.rejected} rejected; "
        f"peak RSS {result['peak_rss_mib']} MiB"
    )
    return 0


# --- the peer: the pure core alone -------------------------------------------------------


def peer(args: argparse.Namespace) -> int:
    began = time.perf_counter()
    from homeward.police import classify, match, parse, quality

    imports = time.perf_counter() - began
    data = Path(args.data)
    meta = json.loads((data / "meta.json").read_text(encoding="utf-8"))
    # The children as the authority holds them (generation is not part of the work).
    population = quality.population(meta["children"], seed=meta["seed"])
    placed = json.loads((data / "care_addresses.json").read_text(encoding="utf-8"))
    raw = (data / "notifications.csv").read_bytes()
    now = datetime.now(UTC)
    t0 = time.perf_counter()
    parsed = parse.parse_file("notifications.csv", raw, now=now)
    notifications = [r.notification for r in parsed.records if r.notification is not None]
    t1 = time.perf_counter()
    # Each notification gets only the care addresses at its own postcodes, as homeward's
    # intake gives them (`services._own_care_addresses`).
    classified = [
        (
            n,
            classify.classify(
                n,
                home_authority=HOME_GSS,
                care_addresses=frozenset(
                    (code, address)
                    for code in (
                        classify.postcode_of(n.address, n.postcode),
                        classify.postcode_of(n.placement_address, n.placement_postcode),
                    )
                    if code
                    for address in placed.get(code, ())
                ),
            ),
        )
        for n in notifications
    ]
    t2 = time.perf_counter()
    index = match.CandidateIndex(population)
    t3 = time.perf_counter()
    best: dict[str, list[object] | None] = {}
    for n, cls in classified:
        if not (cls.for_a_person or cls.young_adult):
            best[n.police_reference] = None  # an adult's report: not matched
            continue
        person = match.person_from(n)
        ranked = match.rank(person, index.candidates(person), limit=5)
        if not cls.for_a_person and (not ranked or ranked[0].band == match.Band.NONE):
            # A young adult (18 to 24) the authority does not know: an adult's report.
            best[n.police_reference] = None
            continue
        best[n.police_reference] = (
            [ranked[0].key, ranked[0].band.value, round(ranked[0].score, 1)]
            if ranked
            else ["", "none", None]
        )
    t4 = time.perf_counter()
    seconds = {
        "imports_s": imports,
        "parse_s": t1 - t0,
        "classify_s": t2 - t1,
        "index_s": t3 - t2,
        "match_s": t4 - t3,
        "work_s": t4 - t0,
    }
    result = {
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
        "notifications": len(notifications),
        "peak_rss_mib": round(_rss_mib()),
        "best": best,
    }
    Path(args.out).write_text(json.dumps(result), encoding="utf-8")
    print(
        f"peer: {len(notifications):,} notifications, parse {seconds['parse_s']:.2f} s, "
        f"classify {seconds['classify_s']:.2f} s, index of {len(population):,} children "
        f"{seconds['index_s']:.2f} s, match {seconds['match_s']:.2f} s: work "
        f"{seconds['work_s']:.2f} s (imports {imports:.2f} s), peak RSS "
        f"{result['peak_rss_mib']} MiB"
    )
    return 0


def agree(args: argparse.Namespace) -> int:
    _django()
    from homeward.intake.models import PoliceReport

    theirs = json.loads(Path(args.peer).read_text(encoding="utf-8"))["best"]
    same = 0
    differ: list[str] = []
    states: Counter[str] = Counter()
    bands: Counter[str] = Counter()
    found = 0
    rows = PoliceReport.objects.filter(police_reference__in=list(theirs)).values_list(
        "police_reference", "state", "suggestions", "best_band"
    )
    for reference, state, suggestions, best_band in rows.iterator(chunk_size=2000):
        found += 1
        states[state] += 1
        bands[best_band or "-"] += 1
        if state == PoliceReport.State.ADULT:
            mine = None
        elif suggestions:
            first = suggestions[0]
            mine = [first["child"], first["band"], first["score"]]
        else:
            mine = ["", "none", None]
        expected = theirs[reference]
        if mine == expected:
            same += 1
        elif len(differ) < 10:
            differ.append(f"{reference}: homeward {mine}, peer {expected}")
    result = {
        "notifications": len(theirs),
        "reports_found": found,
        "agree": same,
        "states": dict(states),
        "best_bands": dict(bands),
        "first_differences": differ,
    }
    Path(args.out).write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(
        f"agreement: {same:,} of {len(theirs):,} notifications have the same best candidate, "
        f"band and score in homeward's stored suggestions as in the peer ({found:,} reports "
        f"found; states {dict(states)}; best bands {dict(bands)})"
    )
    for line in differ:
        print(f"  differs: {line}")
    return 0 if same == len(theirs) == found else 1


def token(args: argparse.Namespace) -> int:
    _django()
    from homeward.intake import services
    from homeward.organisations.models import Organisation

    force = Organisation.objects.get(kind=Organisation.Kind.POLICE_FORCE, code=FORCE)
    print(services.force_token_issue(force=force))
    return 0


# --- the API's latency (standard library only) ---------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _plan(bodies: list[dict[str, object]], seed: int) -> list[tuple[bytes, bool]]:
    """The requests in order: each new body once, and about RESEND_SHARE of the requests a
    resend of a body already sent (a duplicate)."""
    rng = random.Random(seed)
    plan: list[tuple[bytes, bool]] = []
    fresh = iter(bodies)
    sent: list[bytes] = []
    while len(plan) < len(bodies):
        if sent and rng.random() < RESEND_SHARE:
            plan.append((rng.choice(sent), True))
            continue
        body = json.dumps(next(fresh)).encode()
        sent.append(body)
        plan.append((body, False))
    return plan


def api(args: argparse.Namespace) -> int:
    bodies = json.loads(Path(args.bodies).read_text(encoding="utf-8"))[args.set]
    plan = _plan(bodies[: args.requests], args.seed)
    parts = urlsplit(args.url)
    results: list[tuple[float, int, bool]] = []
    errors: Counter[str] = Counter()
    lock = threading.Lock()
    # Each sender takes every CONCURRENCY-th request: a resend's original is sent earlier
    # by some sender, except when both land at once (then one is accepted, one duplicate).
    lanes = [plan[i :: args.concurrency] for i in range(args.concurrency)]

    def sender(lane: list[tuple[bytes, bool]]) -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        headers = {
            "Authorization": f"Bearer {args.token}",
            "Content-Type": "application/json",
            "User-Agent": "homeward-intake-bench/1",
        }
        for body, resend in lane:
            began = time.perf_counter()
            try:
                connection.request("POST", "/api/v1/notifications", body=body, headers=headers)
                response = connection.getresponse()
                answer = response.read()
                status = response.status
                if response.will_close:
                    connection.close()
                    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
            except (OSError, http.client.HTTPException) as problem:
                status, answer = 0, str(problem).encode()
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
            seconds = time.perf_counter() - began
            with lock:
                results.append((seconds, status, resend))
                if status not in (200, 201):
                    errors[f"{status}: {answer[:200]!r}"] += 1
        connection.close()

    began = time.perf_counter()
    threads = [threading.Thread(target=sender, args=(lane,)) for lane in lanes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    times = [s * 1000 for s, _, _ in results]
    statuses = Counter(str(status) for _, status, _ in results)
    summary = {
        "label": args.set,
        "concurrency": args.concurrency,
        "requests": len(results),
        "resends": sum(1 for _, _, resend in results if resend),
        "statuses": dict(sorted(statuses.items())),
        "p50_ms": round(percentile(times, 0.50), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "p99_ms": round(percentile(times, 0.99), 1),
        "max_ms": round(max(times), 1),
        "mean_ms": round(statistics.fmean(times), 1),
        "per_second": round(len(results) / elapsed, 1),
        "elapsed_s": round(elapsed, 1),
        "errors": dict(errors),
    }
    Path(args.out).write_text(json.dumps(summary, indent=1), encoding="utf-8")
    print(
        f"API, {args.concurrency} sender(s): {len(results)} requests ({summary['resends']} "
        f"resends) in {elapsed:.1f} s ({summary['per_second']}/s); p50 {summary['p50_ms']} "
        f"ms, p95 {summary['p95_ms']} ms, p99 {summary['p99_ms']} ms, max "
        f"{summary['max_ms']} ms; statuses {summary['statuses']}"
    )
    for error, count in errors.items():
        print(f"  {count} x {error}")
    return 1 if errors else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("prepare", help="the database, the CSV and the API bodies")
    p.add_argument("--data", required=True)
    p.add_argument("--children", type=int, default=50_000)
    p.add_argument("--notifications", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=1)
    s = commands.add_parser("stages", help="one in-process intake, timed by stage")
    s.add_argument("--data", required=True)
    s.add_argument("--out", required=True)
    q = commands.add_parser("peer", help="the pure core alone, in memory")
    q.add_argument("--data", required=True)
    q.add_argument("--out", required=True)
    a = commands.add_parser("agree", help="homeward's stored suggestions against the peer's")
    a.add_argument("--peer", required=True)
    a.add_argument("--out", required=True)
    commands.add_parser("token", help="issue a force token (printed)")
    r = commands.add_parser("api", help="single notifications against a running server")
    r.add_argument("--url", required=True)
    r.add_argument("--token", required=True)
    r.add_argument("--bodies", required=True)
    r.add_argument("--set", choices=("single", "concurrent", "warmup"), required=True)
    r.add_argument("--requests", type=int, default=API_REQUESTS)
    r.add_argument("--concurrency", type=int, default=1)
    r.add_argument("--seed", type=int, default=1)
    r.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    handlers = {
        "prepare": prepare,
        "stages": stages,
        "peer": peer,
        "agree": agree,
        "token": token,
        "api": api,
    }
    return handlers[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
