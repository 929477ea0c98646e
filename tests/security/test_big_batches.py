"""Big police batches never block casework (issue 11): a batch of more than
`HOMEWARD_INTAKE_QUEUE_OVER` notifications is answered at once with 202 and queued; the
background worker (Django's tasks framework, its database backend) takes it in a chunk at a
time, each chunk its own short transaction, with the receipt showing how far it has got; a
worker stopped part way goes on without taking anything in twice; sending the batch again
stores nothing twice; and the pages can be read and written while a batch is half done
(two processes on one file database: `big_batch_scenario.py`).

The attack (a security review): 50,000 notifications posted in one request took 80 s and
711 MB, held the database's write lock throughout, and a coordinator's child page answered
500 "database is locked" after 21 s.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django_tasks_db.models import DBTaskResult

from homeward.api.openapi import document
from homeward.intake import services, tasks
from homeward.intake.models import (
    BatchLine,
    IntakeBatch,
    PoliceReport,
    QueuedBody,
    ReportNotification,
)
from tests.factories import make_world
from tests.intake.helpers import notification
from tests.police.test_schema import errors

ROOT = Path(__file__).resolve().parents[2]
URL = "/api/v1/notifications"
SURNAMES = ["Example", "Sample", "Specimen", "Placeholder", "Testcase", "Fictional"]


def notifications(count: int, *, prefix: str = "BIG", bad: tuple[int, ...] = ()) -> list[dict]:
    """`count` notifications about made-up children, each its own report; those numbered in
    `bad` (from 1) have an impossible date of birth."""
    out = []
    for number in range(1, count + 1):
        record = notification(
            police_reference=f"{prefix}-{number:06d}",
            given_names=f"Jordan{number % 97}",
            family_name=SURNAMES[number % len(SURNAMES)],
            date_of_birth=f"2011-0{1 + number % 9}-1{number % 10}",
        )
        if number in bad:
            record["date_of_birth"] = "31/02/2011"
        out.append(record)
    return out


def body(records: list[dict]) -> str:
    return json.dumps({"notifications": records})


@pytest.fixture
def world(db: None) -> Any:
    return make_world()


@pytest.fixture
def api(world: Any) -> Client:
    token = services.force_token_issue(force=world.police)
    return Client(headers={"Authorization": f"Bearer {token}"})


def post(client: Client, records: list[dict]) -> Any:
    return client.post(URL, data=body(records), content_type="application/json")


def receipt_schema() -> dict[str, Any]:
    return document("http://testserver/")["components"]["schemas"]["Receipt"]


def stored() -> dict[str, int]:
    return {
        "reports": PoliceReport.objects.count(),
        "notifications": ReportNotification.objects.count(),
        "lines": BatchLine.objects.count(),
    }


@pytest.fixture
def restore_signals():
    """The worker command sets its own SIGINT/SIGTERM handlers: put pytest's back."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for number, handler in saved.items():
        signal.signal(number, handler)


def run_worker() -> None:
    """The real worker command, once through the queue (as the service runs it)."""
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


# --- the request: 202 at once, nothing but the queued batch ----------------------------------


def test_a_big_batch_is_answered_202_at_once_and_only_queued(api, world):
    records = notifications(2500)
    assert api.get("/api/v1/openapi.json").status_code == 200  # the URLs' modules loaded
    started = time.perf_counter()
    response = post(api, records)
    elapsed = time.perf_counter() - started
    assert response.status_code == 202
    # Before: the whole batch was taken in by the request (2,500 took about 4 s here; 50,000
    # took 80 s). Now the request only reads the JSON, counts and stores it.
    assert elapsed < 2.0, f"202 took {elapsed:.2f} s"
    receipt = response.json()
    assert errors(receipt_schema(), receipt) == []
    assert receipt["status"] == "queued"
    assert receipt["progress"] == {"processed": 0, "total": 2500}
    assert receipt["counts"] == {"accepted": 0, "amended": 0, "duplicate": 0, "rejected": 0}
    assert receipt["results"] == []
    assert response["Location"] == f"/api/v1/batches/{receipt['batch']}"

    # Nothing about a child is taken in until the worker runs: the batch, its body and the
    # task only.
    assert stored() == {"reports": 0, "notifications": 0, "lines": 0}
    batch = IntakeBatch.objects.get()
    assert (batch.status, batch.total, batch.channel) == ("queued", 2500, "api")
    task = DBTaskResult.objects.get()
    assert task.status == "READY" and task.task_path == tasks.take_in_batch.module_path
    assert task.args_kwargs["kwargs"] == {"batch_id": batch.pk}
    # The body is about children: encrypted at rest, never the JSON as sent.
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM intake_queuedbody WHERE batch_id = %s", [batch.pk])
        (at_rest,) = cursor.fetchone()
    assert "Jordan" not in at_rest and "BIG-000001" not in at_rest
    assert QueuedBody.objects.get().data == body(records)

    again = api.get(response["Location"])
    assert again.status_code == 200 and again.json()["status"] == "queued"


def test_a_small_batch_and_one_notification_are_still_taken_in_at_once(api):
    one = api.post(URL, data=json.dumps(notifications(1)[0]), content_type="application/json")
    assert one.status_code == 201 and one.json()["status"] == "done"
    assert one.json()["progress"] == {"processed": 1, "total": 1}
    small = post(api, notifications(1000, prefix="SMALL"))
    assert small.status_code == 200
    assert small.json()["counts"]["accepted"] == 1000 and small.json()["status"] == "done"
    assert errors(receipt_schema(), small.json()) == []
    assert DBTaskResult.objects.count() == 0


def test_the_record_cap_per_request_is_the_parsers(api, settings):
    settings.HOMEWARD_INTAKE_QUEUE_OVER = 10
    too_many = [{"force": "fictional"}] * 50_001
    response = post(api, too_many)
    assert response.status_code == 400
    assert "more than 50,000 records" in response.json()["problems"][0]["reason"]
    assert IntakeBatch.objects.get().status == "done" and QueuedBody.objects.count() == 0


def test_a_big_batch_the_parser_refuses_whole_is_answered_400_not_queued(api, settings):
    settings.HOMEWARD_INTAKE_QUEUE_OVER = 10
    deep: object = "x"
    for _ in range(40):
        deep = [deep]
    records: list[object] = [*notifications(30), deep]
    response = api.post(
        URL, data=json.dumps({"notifications": records}), content_type="application/json"
    )
    assert response.status_code == 400
    assert "nested more than 32 levels" in response.json()["problems"][0]["reason"]
    assert QueuedBody.objects.count() == 0 and DBTaskResult.objects.count() == 0


# --- the worker: chunks, progress, resuming, resending ----------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_takes_a_posted_batch_in_end_to_end(settings, restore_signals):
    settings.HOMEWARD_INTAKE_QUEUE_OVER = 20
    settings.HOMEWARD_INTAKE_CHUNK = 10
    world = make_world()
    client = Client(
        headers={"Authorization": f"Bearer {services.force_token_issue(force=world.police)}"}
    )
    response = post(client, notifications(35, bad=(7, 30)))
    assert response.status_code == 202
    run_worker()
    task = DBTaskResult.objects.get()
    assert task.status == "SUCCESSFUL", task.traceback
    receipt = client.get(response["Location"]).json()
    assert errors(receipt_schema(), receipt) == []
    assert receipt["status"] == "done"
    assert receipt["progress"] == {"processed": 35, "total": 35}
    assert receipt["counts"] == {"accepted": 33, "amended": 0, "duplicate": 0, "rejected": 2}
    assert [r["line"] for r in receipt["results"]] == list(range(1, 36))
    rejected = [r for r in receipt["results"] if r["status"] == "rejected"]
    assert [r["line"] for r in rejected] == [7, 30]
    assert rejected[0]["problems"][0]["field"] == "date_of_birth"
    assert stored() == {"reports": 33, "notifications": 33, "lines": 35}
    # The body as received is gone once taken in; the report keeps what is needed.
    assert QueuedBody.objects.count() == 0
    assert PoliceReport.objects.filter(state="waiting").count() == 33


@pytest.mark.django_db(transaction=True)
def test_the_worker_commits_chunk_by_chunk_and_the_receipt_shows_progress(settings):
    settings.HOMEWARD_INTAKE_QUEUE_OVER = 20
    settings.HOMEWARD_INTAKE_CHUNK = 10
    world = make_world()
    client = Client(
        headers={"Authorization": f"Bearer {services.force_token_issue(force=world.police)}"}
    )
    location = post(client, notifications(35))["Location"]
    batch_id = IntakeBatch.objects.get().pk
    seen = []
    for _ in range(6):
        # One chunk, then stop: each chunk is committed on its own (another connection, the
        # API's reader, sees it at once).
        services.intake_continue(batch_id=batch_id, stop_after=1)
        receipt = client.get(location).json()
        seen.append(
            (
                receipt["status"],
                receipt["progress"]["processed"],
                receipt["counts"]["accepted"],
                len(receipt["results"]),
                ReportNotification.objects.count(),
            )
        )
    assert seen == [
        ("in_progress", 10, 10, 10, 10),
        ("in_progress", 20, 20, 20, 20),
        ("in_progress", 30, 30, 30, 30),
        ("done", 35, 35, 35, 35),
        ("done", 35, 35, 35, 35),
        ("done", 35, 35, 35, 35),
    ]


@pytest.mark.django_db(transaction=True)
def test_a_worker_that_dies_mid_batch_resumes_without_duplicating_anything(
    settings, monkeypatch, restore_signals
):
    settings.HOMEWARD_INTAKE_QUEUE_OVER = 20
    settings.HOMEWARD_INTAKE_CHUNK = 10
    world = make_world()
    client = Client(
        headers={"Authorization": f"Bearer {services.force_token_issue(force=world.police)}"}
    )
    # A batch with a report amended within it (the 41st notification is the 5th's report,
    # found): the resumed worker must still see the report stored by the first run.
    records = notifications(40)
    records.append(
        notification(
            **{**records[4], "notification_type": "found", "sent_at": "2026-03-03T10:00:00+00:00"},
            found_at="2026-03-03T09:00:00+00:00",
        )
    )
    location = post(client, records)["Location"]

    # The worker dies in the middle of its third chunk (after matching, while storing).
    real = services._store_reports
    calls = {"n": 0}

    def dies(*args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt("the worker is killed")
        real(*args, **kwargs)

    monkeypatch.setattr(services, "_store_reports", dies)
    run_worker()
    task = DBTaskResult.objects.get()
    assert task.status == "FAILED"
    receipt = client.get(location).json()
    # The third chunk's transaction kept nothing: two chunks are in, and say so.
    assert receipt["status"] == "in_progress"
    assert receipt["progress"] == {"processed": 20, "total": 41}
    assert stored() == {"reports": 20, "notifications": 20, "lines": 20}

    # Restarted: `intake_resume` (run before the worker starts) queues it again, once.
    monkeypatch.setattr(services, "_store_reports", real)
    call_command("intake_resume", verbosity=0)
    call_command("intake_resume", verbosity=0)
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    run_worker()
    receipt = client.get(location).json()
    assert receipt["status"] == "done"
    assert receipt["progress"] == {"processed": 41, "total": 41}
    assert receipt["counts"] == {"accepted": 40, "amended": 1, "duplicate": 0, "rejected": 0}
    assert [r["line"] for r in receipt["results"]] == list(range(1, 42))
    # Every notification once; the amended report has its two.
    assert stored() == {"reports": 40, "notifications": 41, "lines": 41}
    report = PoliceReport.objects.get(police_reference="BIG-000005")
    assert report.notifications.count() == 2 and report.found_at is not None


@pytest.mark.django_db(transaction=True)
def test_sending_a_big_batch_again_stores_nothing_twice(settings, restore_signals):
    settings.HOMEWARD_INTAKE_QUEUE_OVER = 20
    settings.HOMEWARD_INTAKE_CHUNK = 25
    world = make_world()
    client = Client(
        headers={"Authorization": f"Bearer {services.force_token_issue(force=world.police)}"}
    )
    records = notifications(60)
    first = post(client, records)
    second = post(client, records)  # a retry before the first was taken in
    assert first.status_code == second.status_code == 202
    run_worker()
    third = post(client, records)  # and again once it was
    run_worker()
    counts = [client.get(r["Location"]).json()["counts"] for r in (first, second, third)]
    assert counts[0] == {"accepted": 60, "amended": 0, "duplicate": 0, "rejected": 0}
    assert counts[1] == counts[2] == {"accepted": 0, "amended": 0, "duplicate": 60, "rejected": 0}
    assert stored() == {"reports": 60, "notifications": 60, "lines": 180}
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 3


# --- the upload page: a big file, its progress, then the receipt ------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_big_upload_shows_its_progress_then_the_full_receipt(settings):
    from tests.web.conftest import sign_in

    settings.HOMEWARD_INTAKE_QUEUE_OVER = 20
    settings.HOMEWARD_INTAKE_CHUNK = 100
    world = make_world()
    client = sign_in(Client(), world.user("coordinator"))
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = body(notifications(250, bad=(3,))).encode()
    response = client.post(
        "/notifications/upload",
        {"file": SimpleUploadedFile("drop.json", data, content_type="application/json")},
    )
    assert response.status_code == 302
    batch = IntakeBatch.objects.get()
    assert (batch.status, batch.total, batch.source) == ("queued", 250, "drop.json")
    assert stored()["reports"] == 0
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "250 notifications are being taken in" in html
    assert "waiting to be taken in" in html
    assert f'href="{response["Location"]}">Refresh this page</a>' in html
    assert "http-equiv" not in html  # no automatic reload: the person refreshes

    services.intake_continue(batch_id=batch.pk, stop_after=1)
    html = client.get(response["Location"]).content.decode()
    assert "100 of 250 notifications taken in so far" in html
    assert "Refresh this page" in html

    services.intake_continue(batch_id=batch.pk)
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Refresh this page" not in html and "taken in so far" not in html
    assert page.context["batch"].accepted == 249 and page.context["batch"].rejected == 1
    # The receipt's lines a page at a time.
    assert len(page.context["lines"]) == 100
    assert "Lines 1 to 100 of 250" in html
    assert [item["line"].line for item in page.context["lines"] if item["rejected"]] == [3]
    last = client.get(response["Location"] + "?page=3")
    assert [item["line"].line for item in last.context["lines"]][-1] == 250


# --- casework while a batch is half done: two processes, one file database --------------------


def test_casework_pages_are_read_and_written_while_a_batch_is_half_done(tmp_path):
    """The web side (Django's test client, in one process) reads a child's record (which
    writes the access log) and flags a risk on the child, again and again, while the real
    worker (`manage.py db_worker`, another process) takes a 3,000-notification batch in, on
    the same database: SQLite in a file (WAL, IMMEDIATE transactions), or a database of
    its own on the PostgreSQL server the suite runs on."""
    scenario = [sys.executable, "-m", "tests.security.big_batch_scenario"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.update(
        json.loads(
            subprocess.run(
                [*scenario, "database", str(tmp_path)],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
                timeout=120,
            ).stdout
        )
    )
    try:
        subprocess.run([*scenario, "prepare"], cwd=ROOT, env=env, check=True, timeout=300)
        worker = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--no-startup-delay",
                "--no-reload",
                "--interval",
                "0.2",
                "--verbosity",
                "0",
            ],
            cwd=ROOT,
            env=env,
        )
        try:
            done = subprocess.run(
                [*scenario, "casework"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
                timeout=600,
            )
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=60)
        result = json.loads(done.stdout)
    finally:
        subprocess.run([*scenario, "drop"], cwd=ROOT, env=env, timeout=120)
    # Every page answered, none with a server error, while the batch was half done.
    assert result["statuses"] == {"200": result["reads"], "302": result["writes"]}, result
    assert result["during"]["reads"] >= 5 and result["during"]["writes"] >= 5, result
    assert result["risk_flags"] == result["writes"]
    # A chunk's transaction is short: no read or write waited for long on the lock.
    assert result["slowest_s"] < 5, result
    assert result["batch"]["status"] == "done", result
    assert result["batch"]["counts"]["accepted"] == 3000
    assert result["progress_seen"] >= 3, result  # the progress moved on chunk by chunk


def test_the_openapi_document_gives_the_202_the_cap_and_the_progress():
    doc = document("http://testserver/")
    post_ = doc["paths"]["/api/v1/notifications"]["post"]
    assert "Location" in post_["responses"]["202"]["headers"]
    assert "50,000" in post_["description"] and "1,000" in post_["description"]
    receipt = doc["components"]["schemas"]["Receipt"]["properties"]
    assert receipt["status"]["enum"] == ["queued", "in_progress", "done"]
    assert receipt["progress"]["required"] == ["processed", "total"]


@pytest.mark.django_db(transaction=True)
def test_a_queued_api_batch_is_read_with_the_apis_size_limit_not_a_files(settings, monkeypatch):
    """The API's body limit is its own (HOMEWARD_API_MAX_BYTES); the worker reads a queued
    API batch as the request would have, not with the limit of an uploaded file."""
    from homeward.police import limits

    settings.HOMEWARD_INTAKE_QUEUE_OVER = 20
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 2_000)
    world = make_world()
    client = Client(
        headers={"Authorization": f"Bearer {services.force_token_issue(force=world.police)}"}
    )
    location = post(client, notifications(30))["Location"]
    services.intake_continue(batch_id=IntakeBatch.objects.get().pk)
    receipt = client.get(location).json()
    assert receipt["problems"] == []
    assert receipt["counts"]["accepted"] == 30 and receipt["status"] == "done"


@pytest.mark.django_db(transaction=True)
def test_a_batch_matched_ahead_in_forked_processes_stores_what_one_process_does(
    settings, monkeypatch
):
    """`intake_continue` with workers matches the next stretch of the batch in forked
    processes while it stores this one. The suggestions stored are the same as one process
    works out, including for a report amended in a later stretch (folded otherwise than the
    look ahead saw it, so matched in its chunk's transaction)."""
    from tests.factories import make_child

    settings.HOMEWARD_INTAKE_QUEUE_OVER = 5
    settings.HOMEWARD_INTAKE_CHUNK = 4
    monkeypatch.setattr(services, "IN_MEMORY_FROM", 1)
    monkeypatch.setattr(services, "LOOK_AHEAD", 6)
    world = make_world()
    for number in range(1, 25, 3):
        make_child(
            world,
            first_name=f"Jordan{number % 97}",
            last_name=SURNAMES[number % len(SURNAMES)],
            date_of_birth=date(2011, 1 + number % 9, 10 + number % 10),
        )
    client = Client(
        headers={"Authorization": f"Bearer {services.force_token_issue(force=world.police)}"}
    )

    def batch(prefix: str) -> list[dict]:
        records = notifications(24, prefix=prefix)
        # The 4th report (a known child's) with a wrong family name, sent again found and
        # corrected in a later stretch.
        records[3]["family_name"] = "Quite-Otherwise"
        records.append(
            notification(
                **{
                    **records[3],
                    "family_name": SURNAMES[4],
                    "notification_type": "found",
                    "sent_at": "2026-03-03T10:00:00+00:00",
                },
                found_at="2026-03-03T09:00:00+00:00",
            )
        )
        return records

    stored_by: dict[int, dict[str, list]] = {}
    for workers, prefix in ((1, "ONE"), (2, "TWO")):
        post(client, batch(prefix))
        pk = IntakeBatch.objects.order_by("-pk").values_list("pk", flat=True)[0]
        services.intake_continue(batch_id=pk, workers=workers)
        stored_by[workers] = {
            ref.split("-", 1)[1]: suggestions
            for ref, suggestions in PoliceReport.objects.filter(
                police_reference__startswith=prefix
            ).values_list("police_reference", "suggestions")
        }
    assert stored_by[1] == stored_by[2]
    assert len(stored_by[2]) == 24
    bands = [s[0]["band"] for s in stored_by[2].values() if s]
    assert bands.count("match") >= 8
    # The amended report's suggestions are those of its corrected family name.
    amended = stored_by[2]["000004"]
    assert amended and amended[0]["band"] == "match"
