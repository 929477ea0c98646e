"""The indicators page and its download: the CLI's indicator engine on the case records.

The figures come from `homeward.cases.indicator_tables` (which runs `homeward.indicators`);
this module only reads the choice from the query string and lays the figures out: cells
as text, and the bar chart's geometry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from homeward.accounts import permissions
from homeward.cases import indicator_tables
from homeward.cases.indicator_tables import (
    BASIS_LABELS,
    BUNCHING_LABELS,
    DOWNLOAD_FORMATS,
    UNIT_LABELS,
    Convention,
    IndicatorChoice,
    IndicatorsPage,
    all_conventions,
    default_choice,
)
from homeward.indicators.engine import IMPORTED_BASES
from homeward.indicators.inputs import InputError
from homeward.web.forms import GovukForm

PERIOD_LABELS = {
    "year": "Financial year (April to March)",
    "quarter": "Financial quarter (Q1 is April to June)",
    "month": "Calendar month",
}
PERIOD_NOUNS = {"year": "financial years", "quarter": "financial quarters", "month": "months"}
GROUP_LABELS = {
    "authority": "The whole authority",
    "organisation": "By team or provider the interview is allocated to",
}
OWN = " (your authority's setting)"

#: GOV.UK colours: brand blue bars (5.2:1 on white), text, and mid-grey grid lines.
BAR_COLOUR = "#1d70b8"
TEXT_COLOUR = "#0b0c0c"
GRID_COLOUR = "#b1b4b6"


class IndicatorForm(GovukForm):
    """The page's choice. Every field falls back to the default when left out of the URL."""

    by = forms.ChoiceField(
        label="Period",
        choices=list(PERIOD_LABELS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Select the period to count by"},
    )
    group = forms.ChoiceField(
        label="Breakdown",
        choices=list(GROUP_LABELS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Select the breakdown"},
    )
    basis = forms.ChoiceField(
        label="Where the clock starts",
        choices=list(BASIS_LABELS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Select where the clock starts"},
    )
    unit = forms.ChoiceField(
        label="How the timescale is counted",
        choices=list(UNIT_LABELS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the timescale is counted"},
    )
    bunching = forms.ChoiceField(
        label="Episodes that share one interview",
        choices=list(BUNCHING_LABELS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Select how to count episodes that share one interview"},
    )
    suppress = forms.BooleanField(
        label="Hide small numbers",
        required=False,
        help_text="Counts from 1 to 4, and the percentages formed from them, are shown as [c].",
    )

    CONVENTION_FIELDS = ("basis", "unit", "bunching")

    def __init__(self, *args: Any, own: Convention, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.CONVENTION_FIELDS:
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            mine = getattr(own, name)
            field.choices = [
                (value, f"{label}{OWN}" if value == mine else label)
                for value, label in field.choices  # type: ignore[misc]
            ]

    def choice(self) -> IndicatorChoice:
        data = self.cleaned_data
        return IndicatorChoice(
            by=data["by"],
            group=data["group"],
            convention=Convention(data["basis"], data["unit"], data["bunching"]),
            suppress=data["suppress"],
        )


def _choice_form(request: HttpRequest) -> IndicatorForm:
    """The form bound to the query string over the defaults: the authority's own convention
    and, until the form is sent, small numbers hidden for analysts only."""
    authority = indicator_tables.home_authority()
    default = default_choice(user=request.user, authority=authority)  # type: ignore[arg-type]
    data = {
        "by": default.by,
        "group": default.group,
        "basis": default.convention.basis,
        "unit": default.convention.unit,
        "bunching": default.convention.bunching,
    }
    sent = any(name in request.GET for name in IndicatorForm.base_fields)
    for name in data:
        if request.GET.get(name):
            data[name] = request.GET[name]
    suppress = request.GET.get("suppress") if sent else default.suppress
    if suppress:
        data["suppress"] = "on"
    return IndicatorForm(data, own=Convention.of_authority(authority))


def _query(choice: IndicatorChoice) -> str:
    """The choice as a query string (for the download links)."""
    params = {
        "by": choice.by,
        "group": choice.group,
        "basis": choice.convention.basis,
        "unit": choice.convention.unit,
        "bunching": choice.convention.bunching,
    }
    if choice.suppress:
        params["suppress"] = "on"
    return urlencode(params)


def _require(request: HttpRequest) -> None:
    if not permissions.can_view_indicators(request.user):  # type: ignore[arg-type]
        raise PermissionDenied("the indicators")


# --- cells ------------------------------------------------------------------------------------

SUPPRESSED = "[c]"
NO_DENOMINATOR = "–"


def count_text(value: object) -> str:
    return SUPPRESSED if value is None else f"{value:,}"


def percent_text(value: object, denominator: object) -> str:
    """A rate as `45%`; `–` when there is nothing to divide by, `[c]` when suppressed."""
    if value is not None:
        return f"{value}%"
    return NO_DENOMINATOR if denominator == 0 else SUPPRESSED


def base(row: dict[str, Any], name: str) -> str:
    """The column a count's rate divides by: `incidents`, or with imported history counted
    the episodes for which the fact is known (docs/indicators.md, "Imported history")."""
    if "recorded_here" in row:
        return IMPORTED_BASES.get(name, "incidents")
    return "incidents"


def has_imported(page: IndicatorsPage) -> bool:
    """Whether the records hold imported history (the tables then say how much)."""
    return "imported" in page.table.columns


@dataclass(frozen=True)
class Table:
    caption: str
    headers: list[tuple[str, bool]]  # (text, numeric)
    rows: list[list[tuple[str, bool]]]  # first cell of a row is its header


def _row_heading(row: dict[str, Any], by_organisation: bool) -> list[tuple[str, bool]]:
    if by_organisation:
        return [(str(row["organisation"]), False), (str(row["period"]), False)]
    return [(str(row["period"]), False)]


def count_table(page: IndicatorsPage) -> Table:
    column = page.choice.convention.column
    by_organisation = page.choice.group == "organisation"
    names = [
        ("incidents", "Episodes"),
        ("individuals", "Children"),
        ("absent", "Absent"),
        ("offered", "Offered"),
        ("accepted", "Accepted"),
        ("declined", "Declined"),
        ("completed", "Completed"),
        (column, "Within the timescale"),
    ]
    if has_imported(page):
        names[1:1] = [("imported", "Imported from the case system")]
        names[4:4] = [("imported_offered", "Offered, from the case system's records")]
        names[6:6] = [("imported_accepted", "Accepted, from the case system's records")]
    headers = [("Organisation", False)] if by_organisation else []
    headers += [("Period", False)] + [(label, True) for _name, label in names]
    rows = [
        _row_heading(row, by_organisation) + [(count_text(row[name]), True) for name, _ in names]
        for row in page.table.iter_rows(named=True)
    ]
    return Table("Counts of episodes", headers, rows)


def rate_table(page: IndicatorsPage) -> Table:
    column = page.choice.convention.column
    by_organisation = page.choice.group == "organisation"
    names = [
        ("repeat_percent", "incidents", "Repeat"),
        ("absent_percent", "absent", "Absent"),
        ("offered_percent", "offered", "Offered"),
        ("accepted_percent", "accepted", "Accepted"),
        ("declined_percent", "declined", "Declined"),
        ("completed_percent", "completed", "Completed"),
        (f"{column}_percent", column, "Within, of episodes"),
        (f"{column}_percent_of_completed", "", "Within, of completed"),
    ]
    headers = [("Organisation", False)] if by_organisation else []
    headers += [("Period", False)] + [(label, True) for _n, _c, label in names]

    def denominator(row: dict[str, Any], count: str) -> object:
        if count == "":
            return row["completed"]
        return row["incidents"] if count == "incidents" else row[base(row, count)]

    rows = [
        _row_heading(row, by_organisation)
        + [(percent_text(row[name], denominator(row, count)), True) for name, count, _ in names]
        for row in page.table.iter_rows(named=True)
    ]
    return Table("Rates, as whole percentages", headers, rows)


@dataclass(frozen=True)
class SensitivityRow:
    convention: Convention
    basis: str
    unit: str
    bunching: str
    within: str
    of_episodes: str
    of_completed: str
    notes: list[str]


def sensitivity_rows(page: IndicatorsPage) -> list[SensitivityRow]:
    row = page.sensitivity
    if row is None:
        return []
    rows = []
    for convention in all_conventions():
        column = convention.column
        notes = []
        if convention == page.choice.convention:
            notes.append("Chosen above")
        if convention == page.own:
            notes.append("Your authority's setting")
        rows.append(
            SensitivityRow(
                convention,
                BASIS_LABELS[convention.basis],
                UNIT_LABELS[convention.unit],
                BUNCHING_LABELS[convention.bunching],
                count_text(row[column]),
                percent_text(row[f"{column}_percent"], row[base(row, column)]),
                percent_text(row[f"{column}_percent_of_completed"], row["completed"]),
                notes,
            )
        )
    return rows


# --- the chart --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    y: int
    width: int
    text_y: int
    value_x: int


@dataclass(frozen=True)
class Tick:
    x: int
    label: str


@dataclass(frozen=True)
class Chart:
    title: str
    desc: str
    width: int
    height: int
    label_width: int
    plot_top: int
    plot_bottom: int
    bar_height: int
    bars: list[Bar]
    ticks: list[Tick]
    bar_colour: str = BAR_COLOUR
    text_colour: str = TEXT_COLOUR
    grid_colour: str = GRID_COLOUR


def within_chart(page: IndicatorsPage) -> Chart:
    """A horizontal bar per period: % of episodes completed within the timescale (0–100%)."""
    column = f"{page.choice.convention.column}_percent"
    label_width, plot_width, right, top, row, bar_height = 110, 400, 110, 28, 32, 22
    bars = []
    for index, period in enumerate(page.authority_table.iter_rows(named=True)):
        value = period[column]
        y = top + 6 + index * row
        width = round(plot_width * int(value) / 100) if value is not None else 0
        bars.append(
            Bar(
                label=str(period["period"]),
                value_text=percent_text(value, period[base(period, page.choice.convention.column)]),
                y=y,
                width=width,
                text_y=y + bar_height // 2 + 5,
                value_x=label_width + width + 6,
            )
        )
    bottom = top + 6 + row * len(bars)
    ticks = [Tick(label_width + plot_width * p // 100, f"{p}%") for p in (0, 25, 50, 75, 100)]
    values = "; ".join(f"{bar.label}: {bar.value_text}" for bar in bars)
    return Chart(
        title=(
            f"Bar chart: percentage of episodes with an interview completed within "
            f"{page.choice.convention.description}, by period"
        ),
        desc=f"{values}. [c] means the figure is hidden because it is small.",
        width=label_width + plot_width + right,
        height=bottom + 4,
        label_width=label_width,
        plot_top=top,
        plot_bottom=bottom,
        bar_height=bar_height,
        bars=bars,
        ticks=ticks,
    )


def chart_table(page: IndicatorsPage) -> Table:
    column = page.choice.convention.column
    headers = [
        ("Period", False),
        ("Episodes", True),
        ("Completed", True),
        ("Completed within the timescale", True),
        ("% of episodes", True),
        ("% of completed", True),
    ]
    rows = [
        [
            (str(row["period"]), False),
            (count_text(row["incidents"]), True),
            (count_text(row["completed"]), True),
            (count_text(row[column]), True),
            (percent_text(row[f"{column}_percent"], row[base(row, column)]), True),
            (percent_text(row[f"{column}_percent_of_completed"], row["completed"]), True),
        ]
        for row in page.authority_table.iter_rows(named=True)
    ]
    return Table("The chart's figures, whole authority", headers, rows)


def latest_summary(page: IndicatorsPage) -> list[tuple[str, str]]:
    """The latest period's figures; with imported history, beside each figure it touched,
    how many came from the case system and which were left out of the percentage."""
    row = page.latest
    if row is None:
        return []
    column = page.choice.convention.column
    incidents = row["incidents"]
    imported = "imported" in row

    def share(name: str) -> str:
        """`name`'s rate, as a percentage of its denominator."""
        return percent_text(row[f"{name}_percent"], row[base(row, name)])

    def with_share(name: str) -> str:
        text = f"{count_text(row[name])} ({share(name)}"
        if imported and base(row, name) != "incidents":
            text += f" of {count_text(row[base(row, name)])} episodes"
        return text + ")"

    offered = with_share("offered")
    accepted = with_share("accepted")
    declined = with_share("declined")
    completed = with_share("completed")
    of_completed = percent_text(row[f"{column}_percent_of_completed"], row["completed"])
    within = (
        f"{count_text(row[column])} ({share(column)} of episodes, "
        f"{of_completed} of completed interviews)"
    )
    rows = [("Missing episodes", count_text(incidents))]
    if imported:
        rows.append(
            (
                "Imported from the case system",
                f"{count_text(row['imported'])} of the {count_text(incidents)} episodes",
            )
        )
        left_out = []
        if row["imported_not_due"] != 0:
            left_out.append(f"{count_text(row['imported_not_due'])} with no interview due")
        if row["imported_offer_not_recorded"] != 0:
            left_out.append(
                f"{count_text(row['imported_offer_not_recorded'])} with no answer recorded"
            )
        offered += f". {count_text(row['imported_offered'])} from the case system's records"
        if left_out:
            offered += f"; imported episodes left out: {' and '.join(left_out)}"
        accepted += f". {count_text(row['imported_accepted'])} from the case system's records"
        if row["imported_acceptance_not_recorded"] != 0:
            accepted += (
                f"; left out: {count_text(row['imported_acceptance_not_recorded'])} offered "
                "with no answer recorded"
            )
        if row["imported"] != 0:
            note = ". Imported episodes left out: the case system does not say"
            declined += f"{note} whether the child declined"
            completed += f"{note} whether the interview was held"
            within += f"{note} when the interview was held"
    rows += [("Children", count_text(row["individuals"])), ("Interviews offered", offered)]
    if imported:
        rows.append(("Interviews accepted", accepted))
    rows += [
        ("Interviews declined", declined),
        ("Interviews completed", completed),
        ("Completed within the timescale", within),
    ]
    return rows


# --- views ------------------------------------------------------------------------------------


@login_required
def indicators(request: HttpRequest) -> HttpResponse:
    _require(request)
    form = _choice_form(request)
    if not form.is_valid():
        return render(request, "web/indicators/page.html", {"form": form}, status=400)
    choice = form.choice()
    page = indicator_tables.indicators_page(user=request.user, choice=choice)  # type: ignore[arg-type]
    context: dict[str, Any] = {"form": form, "page": page, "query": _query(choice)}
    if page.own_length_differs:
        context["own_length"] = page.authority.settings.unit.describe(page.authority.clock_length)
    if page.latest is not None:
        context.update(
            summary=latest_summary(page),
            chart=within_chart(page),
            chart_table=chart_table(page),
            count_table=count_table(page),
            rate_table=rate_table(page),
            sensitivity=sensitivity_rows(page),
            periods=PERIOD_NOUNS[choice.by],
            imported=has_imported(page),
            across=indicator_tables.across_the_boundary(),
        )
    return render(request, "web/indicators/page.html", context)


@login_required
def download(request: HttpRequest, fmt: str) -> HttpResponse:
    _require(request)
    if fmt not in DOWNLOAD_FORMATS:
        raise Http404("no such format")
    form = _choice_form(request)
    if not form.is_valid():
        return render(request, "web/indicators/page.html", {"form": form}, status=400)
    choice = form.choice()
    try:
        file = indicator_tables.indicators_export(
            user=request.user,  # type: ignore[arg-type]
            choice=choice,
            fmt=fmt,
            request=request,
        )
    except InputError:
        # The page lists the records' problems.
        return redirect(f"{reverse('web:indicators')}?{_query(choice)}")
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    return response
