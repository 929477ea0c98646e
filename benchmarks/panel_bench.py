"""The multi-agency panel at the demo's size: its pages and the pack's PDF, timed.

    .venv/bin/python benchmarks/panel_bench.py                # seeds the demo once, then times
    .venv/bin/python benchmarks/panel_bench.py --repeat 10 --pdf-children 30

Seeds `make demo`'s data (seed_demo, defaults) into its own SQLite file (benchmarks/data/
panel/demo.sqlite3, reused when there), plans a meeting of every child on the panel list as
a coordinator does ("list the children on the panel list"), and a second meeting of
`--pdf-children` children for the PDF (the listed children first, then others with an
episode in the last year). Then, in-process as the signed-in coordinator: the median and
slowest of `--repeat` requests of the panel list, the meeting's summary, a child's page, the
links page and a decision recorded with JavaScript (the record's part only); and the
worker's task making the PDF (`services.pack_pdf_make`, as `manage.py db_worker` runs it),
`--pdf-repeat` times. Prints one line each; nothing is written but the SQLite file.
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: The median CPU seconds of the last `timed` (this process's, all threads).
CPU: list[float] = [0.0]


def timed(work: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Median and slowest wall seconds of `repeat` runs (after one to warm), and the last
    result; the median CPU seconds in `CPU[0]`. On a shared machine the wall time grows with
    the load (printed at the start and the end), the CPU time much less."""
    result = work()
    times, cpu = [], []
    for _ in range(repeat):
        began, began_cpu = time.perf_counter(), time.process_time()
        result = work()
        times.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    CPU[0] = statistics.median(cpu)
    return statistics.median(times), max(times), result


def load() -> str:
    return "load average " + " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("benchmarks/data/panel/demo.sqlite3"))
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--pdf-children", type=int, default=30)
    parser.add_argument("--pdf-repeat", type=int, default=3)
    args = parser.parse_args()
    fresh = not args.db.exists()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="homeward.site.settings",
        HOMEWARD_SQLITE_PATH=str(args.db),
        HOMEWARD_ENV="development",
        HOMEWARD_DATABASE_URL="",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    if fresh:
        began = time.perf_counter()
        call_command("seed_demo", "--flush", stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(f"seeded the demo in {time.perf_counter() - began:.0f} s")

    from datetime import timedelta

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from pypdf import PdfReader

    from homeward.accounts.models import User
    from homeward.cases.models import Child, Episode
    from homeward.panel import selectors, services
    from homeward.panel.models import PanelDecision, PanelMeeting

    user = User.objects.get(username="coordinator")
    today = timezone.localdate()
    listed = selectors.panel_list(user=user, as_of=today)
    print(f"children on the panel list today: {len(listed)}; {load()}; nproc {os.cpu_count()}")

    # The meeting of everyone listed, planned as the page plans it.
    title = "Benchmark: everyone listed"
    meeting = PanelMeeting.objects.filter(title=title).first()
    if meeting is None:
        meeting = services.meeting_create(by=user, date=today, title=title)
        for entry in listed:
            services.meeting_add_child(
                by=user, meeting=meeting, child=entry.child, reasons=[r.text for r in entry.reasons]
            )
    listings = list(meeting.listings.order_by("pk"))

    # The meeting of --pdf-children children for the PDF.
    big = f"Benchmark: {args.pdf_children} children"
    pdf_meeting = PanelMeeting.objects.filter(title=big).first()
    if pdf_meeting is None:
        pdf_meeting = services.meeting_create(by=user, date=today + timedelta(days=1), title=big)
        chosen = [e.child.pk for e in listed][: args.pdf_children]
        recent = (
            Episode.objects.filter(started_at__gte=timezone.now() - timedelta(days=365))
            .exclude(child_id__in=chosen)
            .values_list("child_id", flat=True)
            .distinct()
            .order_by("child_id")
        )
        chosen += list(recent[: args.pdf_children - len(chosen)])
        for child in Child.objects.filter(pk__in=chosen).order_by("pk"):
            services.meeting_add_child(by=user, meeting=pdf_meeting, child=child)

    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        raise SystemExit("the coordinator has no confirmed authenticator")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()

    def page(path: str, **extra: Any) -> Callable[[], tuple[int, int, int]]:
        def get() -> tuple[int, int, int]:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path, **extra)
            assert response.status_code == 200, (path, response.status_code)
            return len(captured), len(response.content), response.content.count(b"<form")

        return get

    middle = listings[len(listings) // 2]
    try:
        reverse("web:panel-meeting-child", args=[middle.pk])
    except NoReverseMatch:
        return before(args, client, page, meeting, pdf_meeting, middle)
    pages = [
        ("panel list", "/panel/"),
        (f"meeting summary ({len(listings)} children)", f"/panel/meetings/{meeting.pk}/"),
        (
            f"meeting summary ({pdf_meeting.listings.count()} children)",
            f"/panel/meetings/{pdf_meeting.pk}/",
        ),
        ("a child's page", f"/panel/listings/{middle.pk}/"),
        (f"what links the {len(listings)} children", f"/panel/meetings/{meeting.pk}/links/"),
    ]
    for label, path in pages:
        median, slowest, (queries, size, forms) = timed(page(path), args.repeat)
        print(
            f"{label}: median {median * 1000:.0f} ms, slowest {slowest * 1000:.0f} ms, "
            f"CPU {CPU[0] * 1000:.0f} ms; "
            f"{queries} queries, {size / 1024:.0f} KiB, {forms} forms"
        )

    def decide() -> int:
        response = client.post(
            f"/panel/listings/{middle.pk}/",
            {"intent": "decision", f"decision-{middle.pk}-text": f"Decision {time.time_ns()}"},
            headers={"X-Homeward-Fragment": "panel-record"},
        )
        assert response.status_code == 200, response.status_code
        return len(response.content)

    began_deciding = timezone.now()
    median, slowest, size = timed(decide, args.repeat)
    PanelDecision.objects.filter(listing=middle, decided_at__gte=began_deciding).delete()
    print(
        f"a decision with JavaScript (the record's part back): median {median * 1000:.0f} ms, "
        f"slowest {slowest * 1000:.0f} ms, CPU {CPU[0] * 1000:.0f} ms; {size / 1024:.0f} KiB"
    )

    from homeward.panel.models import PanelPackPdf  # not in the code before

    def make_pdf() -> PanelPackPdf:
        record = services.pack_pdf_request(
            by=user, meeting=pdf_meeting, reason=f"Benchmark {time.time_ns()}"
        )
        return services.pack_pdf_make(pdf_id=record.pk)

    median, slowest, record = timed(make_pdf, args.pdf_repeat)
    assert record.status == PanelPackPdf.Status.READY
    pages_count = len(PdfReader(io.BytesIO(base64.b64decode(record.data))).pages)
    print(
        f"the pack's PDF ({len(record.child_ids)} children, {pages_count} pages, "
        f"{record.size / 1024:.0f} KiB), made by the worker's task: median {median:.2f} s, "
        f"slowest {slowest:.2f} s, CPU {CPU[0]:.2f} s"
    )
    PanelPackPdf.objects.filter(reason__startswith="Benchmark ").delete()
    print(load())
    return 0


def before(args: Any, client: Any, page: Any, meeting: Any, pdf_meeting: Any, middle: Any) -> int:
    """The same measures of the code before the meeting was split (main at 4dd1926): the
    meeting page was the whole pack, a decision reloaded it, and the PDF was made in the
    request. Run with that code on PYTHONPATH, after a run of this code (same meetings)."""
    from homeward.panel.models import PanelDecision

    count = meeting.listings.count()
    for label, path in [
        ("panel list", "/panel/"),
        (f"meeting page, the whole pack ({count} children)", f"/panel/meetings/{meeting.pk}/"),
        (
            f"meeting page, the whole pack ({pdf_meeting.listings.count()} children)",
            f"/panel/meetings/{pdf_meeting.pk}/",
        ),
    ]:
        median, slowest, (queries, size, forms) = timed(page(path), args.repeat)
        print(
            f"{label}: median {median * 1000:.0f} ms, slowest {slowest * 1000:.0f} ms, "
            f"CPU {CPU[0] * 1000:.0f} ms; "
            f"{queries} queries, {size / 1024:.0f} KiB, {forms} forms"
        )
    url = f"/panel/meetings/{meeting.pk}/"

    def decide() -> int:
        sent = {
            "intent": "decision",
            "listing": middle.pk,
            f"decision-{middle.pk}-text": f"Decision {time.time_ns()}",
        }
        response = client.post(url, sent, follow=True)  # the page reloaded whole
        assert response.status_code == 200, response.status_code
        return len(response.content)

    from django.utils import timezone

    began_deciding = timezone.now()
    median, slowest, _size = timed(decide, max(1, args.repeat // 2))
    PanelDecision.objects.filter(listing=middle, decided_at__gte=began_deciding).delete()
    print(
        f"a decision (POST, then the whole page again): median {median * 1000:.0f} ms, "
        f"slowest {slowest * 1000:.0f} ms, CPU {CPU[0] * 1000:.0f} ms"
    )

    def make_pdf() -> int:
        response = client.post(
            f"/panel/meetings/{pdf_meeting.pk}/pdf/", {"reason": f"Benchmark {time.time_ns()}"}
        )
        assert response["Content-Type"] == "application/pdf", response.status_code
        return len(response.content)

    median, slowest, size = timed(make_pdf, args.pdf_repeat)
    print(
        f"the pack's PDF ({pdf_meeting.listings.count()} children, {size / 1024:.0f} KiB), "
        f"made in the request: median {median:.2f} s, slowest {slowest:.2f} s, CPU {CPU[0]:.2f} s"
    )
    print(load())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
