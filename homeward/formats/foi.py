"""The answer to the ECRC Freedom of Information request on return interviews (questions 1
to 8, December 2018), from an authority's records and its own settings.

- Questions 1 to 3 (who delivers interviews) come from the authority's settings: now
  (question 1), and one and four years before the year asked about (2 and 3; the request
  asked about 2017-18, then 2016-17 and 2013-14).
- Questions 4 to 6 are counts of the records for the chosen financial year, made by the
  indicator engine: incidents, individual children, offered, accepted, declined, completed,
  and completed within 72 hours as the authority counts it; 6c explains that counting in
  words generated from the authority's clock settings.
- Questions 7 and 8 (follow-up support, what happens to the information, steps when a
  vulnerability is found, and comments) come from the settings.

Counts are exact (authorities answer FOI requests with counts) unless the settings ask for
counts below a threshold to be withheld (`suppress_below`). Rendered as plain text and as a
CSV of question, part and answer.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from homeward.formats.safe import safe_text
from homeward.indicators.engine import financial_year_label

CSV_COLUMNS = ("question", "part", "answer")

NOT_RECORDED = "Not recorded"


@dataclass(frozen=True)
class Delivery:
    """Who delivered return interviews in one financial year (None: not recorded)."""

    period: str
    third_sector: bool | None = None
    third_sector_agency: str = ""
    in_house: bool | None = None
    in_house_team: str = ""

    @property
    def provider(self) -> str:
        """The returns contract's `provider` code: in_house, independent, mixed, not_known."""
        if self.third_sector and self.in_house:
            return "mixed"
        if self.third_sector:
            return "independent"
        if self.in_house:
            return "in_house"
        return "not_known"


@dataclass(frozen=True)
class FoiSettings:
    """The authority's answers that are not in the records."""

    deliveries: dict[str, Delivery] = field(default_factory=dict)
    follow_up_support: str = ""  # "yes", "sometimes", "no" or "" (not answered)
    follow_up_details: str = ""
    information_use: str = ""
    vulnerability_steps: str = ""
    service_comments: str = ""
    suppress_below: int = 0


@dataclass(frozen=True)
class Counts:
    """Questions 4 to 6 for one period, counted from the records."""

    incidents: int
    individuals: int
    offered: int
    accepted: int
    declined: int
    completed: int
    completed_within: int | None  # None: the authority's convention is not recorded


@dataclass(frozen=True)
class Clock:
    """The authority's counting convention (its clock settings)."""

    basis: str  # "return" or "referral"
    unit: str  # "hours", "calendar_days" or "working_days"
    length: int
    bunching: str  # "each" or "latest"
    nation: str = "england"


@dataclass(frozen=True)
class Part:
    question: str
    part: str
    answer: str


def period_first_year(period: str) -> int:
    return int(period[:4])


def _yes_no(value: bool | None) -> str:
    return NOT_RECORDED if value is None else ("Yes" if value else "No")


def count_text(value: int | None, suppress_below: int) -> str:
    """A count as the answer gives it: exact, or "Fewer than N" for 1 to N−1 when asked."""
    if value is None:
        return NOT_RECORDED
    if suppress_below > 1 and 0 < value < suppress_below:
        return f"Fewer than {suppress_below}"
    return str(value)


NATION_NAMES = {
    "england": "England",
    "wales": "Wales",
    "scotland": "Scotland",
    "northern_ireland": "Northern Ireland",
}
SEVENTY_TWO = {"hours": 72, "calendar_days": 3, "working_days": 3}


def clock_basis_text(clock: Clock) -> str:
    if clock.basis == "referral":
        return (
            "We calculate from the police referral: the date and time the police notified us "
            "that the child had returned or been found, not the time of the return itself."
        )
    return (
        "We calculate from the child's return: the date and time the child came back or was "
        "found, as recorded, not from when we were told of it."
    )


def clock_unit_text(clock: Clock) -> str:
    nation = NATION_NAMES.get(clock.nation, clock.nation)
    if clock.unit == "hours":
        text = (
            "We count in hours: an interview is within 72 hours when it takes place no more "
            "than 72 hours after the clock starts."
        )
    elif clock.unit == "calendar_days":
        text = (
            "We count in calendar days, not hours: an interview is within the timescale when "
            "it takes place on or before the third calendar day after the day the clock "
            "starts, whatever the time of day."
        )
    else:
        text = (
            "We count in working days, not hours: an interview is within the timescale when "
            "it takes place on or before the third working day after the day the clock "
            f"starts. Working days are Monday to Friday except bank holidays in {nation}; a "
            "return on a Saturday is due by the Wednesday."
        )
    if clock.length != SEVENTY_TWO.get(clock.unit, clock.length):
        unit = "hours" if clock.unit == "hours" else clock.unit.replace("_", " ")
        text += (
            f" Our own timescale is {clock.length} {unit}; the figure in 6b is counted over "
            f"72 hours (3 days), as the request asks."
        )
    return text


def clock_bunching_text(clock: Clock) -> str:
    if clock.bunching == "latest":
        return (
            "When a child goes missing again before an interview can be held, one interview "
            "covers all those incidents and each of them is measured from the most recent "
            "return only. No incidents are excluded."
        )
    return (
        "We make no adjustment: when a child goes missing again before an interview can be "
        "held, each incident is still measured from its own return, so the earlier "
        "incidents are usually counted as late. No incidents are excluded."
    )


def _delivery_parts(question: str, delivery: Delivery | None) -> list[Part]:
    found = delivery or Delivery(period="")
    agency = found.third_sector_agency.strip() if found.third_sector else ""
    team = found.in_house_team.strip() if found.in_house else ""
    return [
        Part(question, "a", _yes_no(found.third_sector)),
        Part(question, "a(i)", agency or ("Not recorded" if found.third_sector else "")),
        Part(question, "b", _yes_no(found.in_house)),
        Part(question, "b(i)", team or ("Not recorded" if found.in_house else "")),
    ]


FOLLOW_UP = {"yes": "Yes", "sometimes": "Sometimes", "no": "No"}


def foi_answer(
    *,
    period: str,
    current_period: str,
    settings: FoiSettings,
    counts: Counts,
    clock: Clock,
) -> list[Part]:
    """Every part of questions 1 to 8, in the request's order.

    `period` is the financial year asked about in questions 4 to 6 (`2017-18`);
    `current_period` the financial year the answer is written in (question 1).
    """
    first = period_first_year(period)
    one_before, four_before = financial_year_label(first - 1), financial_year_label(first - 4)
    suppress = settings.suppress_below
    parts: list[Part] = []
    for question, year in (("1", current_period), ("2", one_before), ("3", four_before)):
        parts.extend(_delivery_parts(question, settings.deliveries.get(year)))
    parts += [
        Part("4", "a", count_text(counts.incidents, suppress)),
        Part("4", "b", count_text(counts.individuals, suppress)),
        Part("5", "a", count_text(counts.offered, suppress)),
        Part("5", "b", count_text(counts.accepted, suppress)),
        Part("5", "c", count_text(counts.declined, suppress)),
        Part("6", "a", count_text(counts.completed, suppress)),
        Part("6", "b", count_text(counts.completed_within, suppress)),
        Part("6", "c(i)", clock_basis_text(clock)),
        Part("6", "c(ii)", clock_unit_text(clock)),
        Part("6", "c(iii)", clock_bunching_text(clock)),
    ]
    follow_up = FOLLOW_UP.get(settings.follow_up_support, "Not answered")
    details = settings.follow_up_details.strip()
    parts += [
        Part("7", "a", f"{follow_up}. {details}" if details else follow_up),
        Part("7", "b", settings.information_use.strip() or "Not answered"),
        Part("7", "c", settings.vulnerability_steps.strip() or "Not answered"),
        Part("8", "", settings.service_comments.strip() or "Not answered"),
    ]
    return parts


#: Each question as the request asked it (shortened), for the text answer's headings.
QUESTIONS = {
    "1": "Are return home interviews currently delivered by:",
    "2": "In the year {one_before} were return home interviews delivered by:",
    "3": "In the year {four_before} were return home interviews delivered by:",
    "4": "Missing incidents reported between {first_day} and {last_day}",
    "5": "Offers of a return home interview for those incidents",
    "6": "Return home interviews carried out for those incidents",
    "7": "Follow-up support and what happens after an interview",
    "8": "More about the return interview service",
}
PART_LABELS = {
    ("1", "a"): "a) A third sector agency?",
    ("1", "a(i)"): "i) Which agency:",
    ("1", "b"): "b) A team based within the local authority?",
    ("1", "b(i)"): "i) Which team and/or the role of the professional:",
    ("4", "a"): "a) Incidents of children going missing from home or care:",
    ("4", "b"): "b) Individual missing children these incidents relate to:",
    ("5", "a"): "a) Incidents for which an interview was offered to the child or a parent/carer:",
    ("5", "b"): "b) Offers accepted by the child/young person:",
    ("5", "c"): "c) Incidents for which the offer was declined by the young person or a "
    "parent/carer:",
    ("6", "a"): "a) Incidents for which an interview was carried out:",
    ("6", "b"): "b) Incidents addressed in an interview within 72 hours of the child returning:",
    ("6", "c(i)"): "c) i) Return or police referral date:",
    ("6", "c(ii)"): "c) ii) Hours or days (calendar or working):",
    ("6", "c(iii)"): "c) iii) When the child goes missing again before an interview:",
    ("7", "a"): "a) Follow-up support for children and young people after an interview:",
    ("7", "b"): "b) What happens to the information collected during an interview:",
    ("7", "c"): "c) Steps available when vulnerability has been identified:",
    ("8", ""): "",
}


def _label(part: Part) -> str:
    question = part.question if part.question not in ("2", "3") else "1"
    return PART_LABELS.get((question, part.part), part.part)


def render_text(parts: Sequence[Part], *, authority_name: str, period: str) -> str:
    """The answer as plain text: a heading per question, a line per part."""
    first = period_first_year(period)
    fill = {
        "one_before": financial_year_label(first - 1),
        "four_before": financial_year_label(first - 4),
        "first_day": f"1 April {first}",
        "last_day": f"31 March {first + 1}",
    }
    lines = [
        f"Freedom of Information request: return home interviews — {authority_name}",
        f"Figures for the financial year {period} (1 April {first} to 31 March {first + 1}).",
        "",
    ]
    current = None
    for part in parts:
        if part.question != current:
            if current is not None:
                lines.append("")
            current = part.question
            lines.append(f"{part.question}) {QUESTIONS[part.question].format(**fill)}")
        label = _label(part)
        if part.part.endswith("(i)") and not part.answer:
            continue
        lines.append(f"   {label} {part.answer}".rstrip() if label else f"   {part.answer}")
    return "\n".join(lines) + "\n"


def render_csv(parts: Sequence[Part]) -> bytes:
    """The answer as UTF-8 CSV: question, part, answer (text never runs as a formula)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for part in parts:
        writer.writerow([part.question, part.part, safe_text(part.answer)])
    return buffer.getvalue().encode("utf-8")
