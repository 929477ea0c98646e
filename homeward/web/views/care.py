"""The case system's import (an administrator uploads the SSD extract) and the matches it
proposes (a coordinator confirms or rejects each): docs/ssd-import.md."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from homeward.accounts import permissions
from homeward.care import selectors
from homeward.care.cli import report_lines
from homeward.care.models import ProposedMatch
from homeward.care.ssd_import import ImportReport, import_extract, proposal_confirm, proposal_reject
from homeward.cases import codes
from homeward.formats import ssd_extract
from homeward.web import care_forms as f

#: Problems listed on the page; the count says how many more there were.
SHOWN_PROBLEMS = 100


def _read(files: list[Any]) -> ssd_extract.Extract:
    if len(files) == 1 and files[0].name.lower().endswith(".zip"):
        return ssd_extract.read_zip(files[0].read(), files[0].name)
    by_table: dict[str, bytes] = {}
    for file in files:
        stem = file.name.rsplit("/", 1)[-1].lower().removesuffix(".csv")
        if stem in ssd_extract.TABLES:
            by_table[stem] = file.read(ssd_extract.MAX_TABLE_BYTES + 1)
    return ssd_extract.read_tables(by_table)


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload the extract; the page shows what the import changed, or why it was refused."""
    if not permissions.can_import_case_system(request.user):  # type: ignore[arg-type]
        raise PermissionDenied("the case system's import")
    report: ImportReport | None = None
    problems: list[ssd_extract.Problem] = []
    problem_count = 0
    posted = request.method == "POST"
    form = f.ExtractUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        files = form.cleaned_data["files"]
        try:
            extract = _read(files)
        except ssd_extract.ExtractRefused as refused:
            problems, problem_count = refused.problems, len(refused.problems)
        else:
            name = files[0].name if len(files) == 1 else f"{len(files)} files"
            report = import_extract(extract, by=request.user, source=f"upload: {name}")  # type: ignore[arg-type]
            problems, problem_count = report.problems, report.problem_count
    latest = selectors.latest_import(user=request.user)  # type: ignore[arg-type]
    refused = bool(problems) or (report is not None and not report.applied)
    status = 400 if (form.is_bound and form.errors) or refused else 200
    return render(
        request,
        "web/care/import.html",
        {
            "form": form,
            "report": report,
            "lines": report_lines(report, ids=False) if report is not None else [],
            "problems": problems[:SHOWN_PROBLEMS],
            "more_problems": max(0, problem_count - SHOWN_PROBLEMS),
            "problem_count": problem_count,
            "refused": refused,
            "latest": latest,
        },
        status=status,
    )


@login_required
@require_GET
def matches(request: HttpRequest) -> HttpResponse:
    """The persons of the extract who may be children homeward already had."""
    waiting = list(selectors.proposals_waiting(user=request.user)[:200])  # type: ignore[arg-type]
    return render(request, "web/care/matches.html", {"proposals": [_row(p) for p in waiting]})


def _row(proposal: ProposedMatch) -> dict[str, Any]:
    person = proposal.person
    sexes = {"F": "Female", "M": "Male", "U": "Not known"}
    return {
        "proposal": proposal,
        "person_name": f"{person.forename} {person.surname}".strip() or "Not known",
        "person_born": person.date_of_birth,
        "person_sex": sexes.get(person.sex, "Not known"),
        "person_ethnicity": codes.Ethnicity(person.ethnicity).label
        if person.ethnicity in codes.Ethnicity.values
        else person.ethnicity,
        "band": "Likely the same child" if proposal.band == "match" else "Possibly the same child",
        "reasons": [text for _points, text in proposal.reasons],
    }


@login_required
@require_http_methods(["GET", "POST"])
def match(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """One proposed match: the two records side by side, and the decision."""
    try:
        proposal = selectors.proposal_for(user=request.user, pk=proposal_id)  # type: ignore[arg-type]
    except ProposedMatch.DoesNotExist:
        raise Http404("No such proposed match") from None
    form = f.DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if proposal.status != ProposedMatch.Status.PROPOSED:
            raise PermissionDenied("this proposal has been decided already")
        if form.cleaned_data["decision"] == "confirm":
            child = proposal_confirm(by=request.user, proposal=proposal)  # type: ignore[arg-type]
            messages.success(request, f"{child.reference} is linked to the case system's record")
        else:
            proposal_reject(by=request.user, proposal=proposal)  # type: ignore[arg-type]
            messages.success(
                request, "Not the same child: the next import makes a record of their own"
            )
        return redirect("web:case-system-matches")
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "web/care/match.html",
        {"row": _row(proposal), "form": form, "decided": proposal.status != "proposed"},
        status=status,
    )
