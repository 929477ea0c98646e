"""A 50,000-notification police batch beside the casework pages: the pieces
`benchmarks/big_batch_run.sh` runs.

    # 1. The batch (database of the environment: the seeded web data): NOTIFICATIONS full
    #    notifications from the police force `fenmoor`, about the authority's own children
    #    (with the slips `quality.notifications` makes) and a fifth about children it does
    #    not know, reported in the past year; new police references.
    python benchmarks/big_batch.py body --out DIR/big_batch.json [--count 50000]

    # 2. A force token (database of the environment).
    python benchmarks/big_batch.py token

    # 3. Against the running server: POST the batch, then read its receipt every POLL
    #    seconds until it is done, as a force's system would; touch STOP when done.
    python benchmarks/big_batch.py post --url http://127.0.0.1:8100 --token T \\
        --body DIR/big_batch.json --out OUT/big_batch_post_sqlite.json --stop-file STOP

    # 4. The batch as stored (database of the environment): when it was received and
    #    finished, its counts.
    python benchmarks/big_batch.py stored --reference B-000123

`body`, `token` and `stored` use Django; `post` only the standard library.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

FORCE = "fenmoor"


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.site.settings")
    import django

    django.setup()


def body(args: argparse.Namespace) -> int:
    _django()
    from intake_bench import notifications_for

    from homeward.cases.models import Child, ChildAlias
    from homeward.police import parse
    from homeward.police.match import Candidate, Person

    aliases: dict[int, list[str]] = {}
    for child_id, name in ChildAlias.objects.values_list("child_id", "name"):
        aliases.setdefault(child_id, []).append(name)
    population, care = [], {}
    for pk, first, last, born, sex, postcode, status, placement in Child.objects.values_list(
        "pk",
        "first_name",
        "last_name",
        "date_of_birth",
        "sex",
        "postcode",
        "legal_status",
        "placement_type",
    ):
        population.append(
            Candidate(
                key=pk,
                person=Person(
                    given_names=first,
                    family_name=last,
                    aliases=tuple(aliases.get(pk, ())),
                    date_of_birth=born,
                    sex=sex or "unknown",
                    postcode=postcode,
                ),
            )
        )
        if status == "looked_after" and placement:
            care[pk] = placement
    now = datetime.now(UTC).replace(microsecond=0)
    made = notifications_for(
        population, args.count, seed=args.seed, prefix=args.prefix, now=now, care=care
    )
    records = [parse.to_json_object(n) for n, _, _ in made]
    rng = random.Random(args.seed)
    rng.shuffle(records)
    data = json.dumps({"notifications": records}, separators=(",", ":")).encode()
    Path(args.out).write_bytes(data)
    print(
        f"body: {len(records):,} notifications about {len(population):,} children "
        f"({sum(1 for _, key, _ in made if key is None):,} about unknown children), "
        f"{len(data) / 1e6:.1f} MB ({len(data) / len(records):.0f} bytes each)"
    )
    return 0


def token(args: argparse.Namespace) -> int:
    _django()
    from homeward.intake import services
    from homeward.organisations.models import Organisation

    force = Organisation.objects.get(kind=Organisation.Kind.POLICE_FORCE, code=FORCE)
    print(services.force_token_issue(force=force))
    return 0


def _request(
    url: str, method: str, path: str, token: str, data: bytes | None, timeout: float
) -> tuple[int, dict[str, str], bytes, float]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    headers = {"Authorization": f"Bearer {token}", "User-Agent": "homeward-big-batch/1"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    began = time.monotonic()
    try:
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        content = response.read()
        return response.status, dict(response.getheaders()), content, time.monotonic() - began
    finally:
        connection.close()


def post(args: argparse.Namespace) -> int:
    data = Path(args.body).read_bytes()
    sent_at = time.time()
    status, headers, content, seconds = _request(
        args.url, "POST", "/api/v1/notifications", args.token, data, args.timeout
    )
    result: dict[str, object] = {
        "bytes": len(data),
        "sent_at_unix": round(sent_at, 1),
        "answer_status": status,
        "answer_s": round(seconds, 2),
    }
    print(f"post: {status} in {seconds:.2f} s ({len(data) / 1e6:.1f} MB)", flush=True)
    polls: list[dict[str, object]] = []
    receipt: dict[str, object] = {}
    if status in (200, 201, 202):
        receipt = json.loads(content)
        result["batch"] = receipt.get("batch")
    if status == 202:
        location = headers.get("Location", "")
        result["location"] = location
        deadline = time.monotonic() + args.max_wait
        while time.monotonic() < deadline:
            time.sleep(args.poll)
            code, _, content, seconds = _request(
                args.url, "GET", location, args.token, None, args.timeout
            )
            if code != 200:
                polls.append({"at_s": round(time.time() - sent_at, 1), "status": code})
                continue
            receipt = json.loads(content)
            progress = receipt["progress"]
            assert isinstance(progress, dict)
            polls.append(
                {
                    "at_s": round(time.time() - sent_at, 1),
                    "status": receipt["status"],
                    "processed": progress["processed"],
                    "get_s": round(seconds, 2),
                    "bytes": len(content),
                }
            )
            print(
                f"post: {time.time() - sent_at:6.1f} s {receipt['status']} "
                f"{progress['processed']:,} of {progress['total']:,} (receipt read in "
                f"{seconds:.2f} s, {len(content) / 1e6:.1f} MB)",
                flush=True,
            )
            if receipt["status"] == "done":
                break
    result["done_seen_after_s"] = round(time.time() - sent_at, 1)
    result["counts"] = receipt.get("counts")
    result["receipt_status"] = receipt.get("status")
    result["polls"] = polls
    if args.stop_file:
        Path(args.stop_file).touch()
    Path(args.out).write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0 if receipt.get("status") == "done" else 1


def stored(args: argparse.Namespace) -> int:
    _django()
    from homeward.intake.models import IntakeBatch

    batch = IntakeBatch.objects.get(reference=args.reference)
    finished = batch.finished_at
    print(
        json.dumps(
            {
                "batch": batch.reference,
                "status": batch.status,
                "processed": batch.processed,
                "total": batch.total,
                "received_at": batch.received_at.isoformat(),
                "finished_at": finished.isoformat() if finished else None,
                "taken_in_s": round((finished - batch.received_at).total_seconds(), 1)
                if finished
                else None,
                "counts": {
                    "accepted": batch.accepted,
                    "amended": batch.amended,
                    "duplicate": batch.duplicate,
                    "rejected": batch.rejected,
                },
            }
        )
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    b = commands.add_parser("body", help="write the batch")
    b.add_argument("--out", required=True)
    b.add_argument("--count", type=int, default=50_000)
    b.add_argument("--seed", type=int, default=11)
    b.add_argument("--prefix", default="FM-BIG")
    commands.add_parser("token", help="a new force token for fenmoor")
    p = commands.add_parser("post", help="send the batch and follow its receipt")
    p.add_argument("--url", default="http://127.0.0.1:8100")
    p.add_argument("--token", required=True)
    p.add_argument("--body", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--poll", type=float, default=15.0, help="seconds between receipt reads")
    p.add_argument("--max-wait", type=float, default=1800.0)
    p.add_argument("--timeout", type=float, default=900.0, help="per request, seconds")
    p.add_argument("--stop-file", default="")
    s = commands.add_parser("stored", help="the batch as stored")
    s.add_argument("--reference", required=True)
    args = parser.parse_args(argv)
    return {"body": body, "token": token, "post": post, "stored": stored}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
