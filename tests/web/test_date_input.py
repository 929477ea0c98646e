"""The one date input pattern: the GOV.UK date input (day, month, year) for every date, and a
time box beside it for a date and time; the error messages of the Design System's date input
guidance, each naming its date; one ISO value taken as well, for scripts and links."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.http import QueryDict
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from homeward.cases.models import Episode
from homeward.web.case_forms import date_field, moment_field
from homeward.web.forms import DateRangeForm, date_data, day_field
from tests.factories import make_child
from tests.web.dates import blank_boxes, day_boxes, moment_boxes

UK = ZoneInfo("Europe/London")


class ReturnForm(forms.Form):
    returned_at = moment_field(
        "When the child returned",
        past=True,
        messages={"required": "Enter the date and time the child returned"},
    )
    born_on = date_field(
        "Date of birth",
        required=False,
        past=True,
        messages={"required": "Enter the date of birth", "name": "Date of birth"},
    )
    meeting = date_field("Meeting date", required=False)


def errors(data: dict[str, str]) -> dict[str, list[str]]:
    form = ReturnForm(data)
    assert not form.is_valid()
    return {name: list(messages) for name, messages in form.errors.items()}


def boxes(day: str = "", month: str = "", year: str = "", time: str = "") -> dict[str, str]:
    return {
        "returned_at_day": day,
        "returned_at_month": month,
        "returned_at_year": year,
        "returned_at_time": time,
    }


# --- what a person types --------------------------------------------------------------------


def test_a_date_and_time_typed_in_the_boxes_is_a_moment_in_uk_time():
    form = ReturnForm(boxes("6", "12", "2025", "2:50pm"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["returned_at"] == datetime(2025, 12, 6, 14, 50, tzinfo=UK)
    summer = ReturnForm(boxes("14", "Jul", "2025", "09:05"))
    assert summer.is_valid(), summer.errors
    moment = summer.cleaned_data["returned_at"]
    assert moment == datetime(2025, 7, 14, 8, 5, tzinfo=ZoneInfo("UTC"))  # BST


def test_a_day_typed_in_the_boxes_is_a_date():
    form = ReturnForm(
        {**boxes("6", "12", "2025", "14:50"), **day_boxes("born_on", date(2012, 3, 27))}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["born_on"] == date(2012, 3, 27)


def test_nothing_entered_asks_for_the_date_in_the_fields_own_words():
    assert errors(boxes()) == {"returned_at": ["Enter the date and time the child returned"]}
    assert errors({}) == {"returned_at": ["Enter the date and time the child returned"]}


@pytest.mark.parametrize(
    ("typed", "missing"),
    [
        (boxes("", "12", "2025", "2pm"), "a day"),
        (boxes("6", "", "2025", "2pm"), "a month"),
        (boxes("6", "12", "", "2pm"), "a year"),
        (boxes("", "", "2025", "2pm"), "a day and month"),
        (boxes("6", "12", "2025", ""), "a time"),
        (boxes("6", "", "2025", ""), "a month and a time"),
    ],
)
def test_a_date_with_parts_missing_says_which(typed, missing):
    assert errors(typed) == {
        "returned_at": [f"The date and time the child returned must include {missing}"]
    }


@pytest.mark.parametrize(
    "typed",
    [
        boxes("31", "2", "2025", "2pm"),
        boxes("6", "13", "2025", "2pm"),
        boxes("32", "1", "2025", "2pm"),
        boxes("six", "12", "2025", "2pm"),
    ],
)
def test_a_date_that_cannot_be_is_not_a_real_date(typed):
    assert errors(typed) == {
        "returned_at": ["The date and time the child returned must be a real date"]
    }


def test_a_year_needs_four_numbers():
    assert errors(boxes("6", "12", "25", "2pm")) == {
        "returned_at": [
            "The date and time the child returned must include a year with 4 numbers, like 2026"
        ]
    }


@pytest.mark.parametrize("typed", ["9", "25:00", "2:70pm", "teatime"])
def test_a_time_that_cannot_be_is_not_a_real_time(typed):
    assert errors(boxes("6", "12", "2025", typed)) == {
        "returned_at": [
            "The date and time the child returned must be a real time, like 2:50pm or 14:50"
        ]
    }


def test_a_time_the_clocks_skipped_is_refused_and_one_they_repeated_is_the_first():
    skipped = errors(boxes("29", "3", "2026", "1:30am"))["returned_at"][0]
    assert skipped.endswith("must be a real time: the clocks went forward an hour at 1am that day")
    form = ReturnForm(boxes("26", "10", "2025", "1:30am"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["returned_at"].utcoffset() == timedelta(hours=1)  # still BST


def test_the_future_is_refused_where_only_the_past_makes_sense():
    tomorrow = timezone.now() + timedelta(days=1)
    assert errors(moment_boxes("returned_at", tomorrow)) == {
        "returned_at": ["The date and time the child returned must be in the past"]
    }
    later = timezone.localdate() + timedelta(days=1)
    data = {**moment_boxes("returned_at", timezone.now()), **day_boxes("born_on", later)}
    assert errors(data) == {"born_on": ["Date of birth must be today or in the past"]}
    # A meeting may be in the future.
    form = ReturnForm(
        {**moment_boxes("returned_at", timezone.now()), **day_boxes("meeting", later)}
    )
    assert form.is_valid(), form.errors


def test_one_iso_value_in_the_fields_own_name_is_taken_too():
    form = ReturnForm({"returned_at": "2025-11-05T09:30", "born_on": "2012-03-27"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["returned_at"] == datetime(2025, 11, 5, 9, 30, tzinfo=UK)
    assert form.cleaned_data["born_on"] == date(2012, 3, 27)
    assert errors({"returned_at": "5 November"}) == {
        "returned_at": ["The date and time the child returned must be a real date"]
    }
    assert errors({"returned_at": "2025-11-05"}) == {
        "returned_at": ["The date and time the child returned must include a time"]
    }


def test_without_messages_of_its_own_a_date_is_named_by_its_label():
    class Plain(forms.Form):
        seen_at = moment_field("When the child was last seen")
        due = day_field("Due", required=True)

    form = Plain({**blank_boxes("seen_at"), "due_day": "1", "due_month": "", "due_year": "2026"})
    assert not form.is_valid()
    assert form.errors["seen_at"] == ["Enter the date and time the child was last seen"]
    assert form.errors["due"] == ["The due date must include a month"]


def test_a_period_says_which_day_is_wrong():
    form = DateRangeForm(
        {**day_boxes("start", date(2026, 3, 2)), **day_boxes("end", date(2026, 3, 1))}
    )
    assert not form.is_valid()
    assert form.errors["end"] == [
        "The date the period ends must be the same as or after the date it starts"
    ]
    blank = DateRangeForm({"start_day": "1", "start_month": "3", "start_year": ""})
    assert not blank.is_valid()
    assert blank.errors["start"] == ["The date the period starts must include a year"]


# --- how it is drawn --------------------------------------------------------------------------


def test_the_date_input_is_a_fieldset_of_labelled_boxes_with_the_hint():
    html = str(ReturnForm()["returned_at"].as_field_group())
    assert (
        '<fieldset class="govuk-fieldset" role="group" aria-describedby="id_returned_at-hint">'
        in html
    )
    assert 'govuk-fieldset__legend--s">When the child returned</legend>' in html
    assert "For example, 27 3 2026 and 2:50pm (or 14:50)" in html
    for part, box_id, width in (
        ("Day", "id_returned_at", 2),
        ("Month", "id_returned_at-month", 2),
        ("Year", "id_returned_at-year", 4),
        ("Time", "id_returned_at-time", 5),
    ):
        assert (
            f'<label class="govuk-label govuk-date-input__label" for="{box_id}">{part}</label>'
            in html
        )
        assert re.search(rf'class="[^"]*govuk-input--width-{width}"\s+id="{box_id}"', html)
    assert 'name="returned_at_day"' in html and 'name="returned_at_time"' in html
    assert 'type="date' not in html and "datetime-local" not in html


def test_a_saved_moment_fills_the_boxes_in_uk_time():
    moment = datetime(2025, 7, 14, 13, 5, tzinfo=ZoneInfo("UTC"))
    html = str(ReturnForm(initial={"returned_at": moment})["returned_at"].as_field_group())
    for box_id, value in (
        ("id_returned_at", "14"),
        ("id_returned_at-month", "7"),
        ("id_returned_at-year", "2025"),
        ("id_returned_at-time", "2:05pm"),
    ):
        assert re.search(rf'id="{box_id}" name="[^"]+" type="text"[^>]* value="{value}"', html)


def test_only_the_boxes_in_error_are_marked_and_what_was_typed_is_kept():
    form = ReturnForm(boxes("6", "", "2025", "2pm"))
    assert not form.is_valid()
    html = str(form["returned_at"].as_field_group())
    marked = re.findall(r'govuk-input--error" id="([^"]+)"', html)
    assert marked == ["id_returned_at-month"]
    assert 'id="id_returned_at-error"' in html and "govuk-form-group--error" in html
    assert 'value="6"' in html and 'value="2pm"' in html
    impossible = ReturnForm(boxes("31", "2", "2025", "2pm"))
    impossible.is_valid()
    html = str(impossible["returned_at"].as_field_group())
    assert len(re.findall(r"govuk-input--error", html)) == 4


def test_the_error_summary_links_to_the_first_box_in_error():
    form = ReturnForm(boxes("6", "", "", "2pm"))
    form.is_valid()
    html = Template("{% load govuk %}{% error_summary form %}").render(Context({"form": form}))
    assert 'href="#id_returned_at-month"' in html
    assert html.count("must include a month and year") == 1
    whole = ReturnForm({})
    whole.is_valid()
    html = Template("{% load govuk %}{% error_summary form %}").render(Context({"form": whole}))
    assert 'href="#id_returned_at"' in html


def test_a_hint_loses_an_old_iso_example_and_gets_the_date_inputs():
    field = moment_field("Seen", help_text="Leave blank if unknown. For example, 2026-11-05 09:30")
    assert field.help_text == "Leave blank if unknown. For example, 27 3 2026 and 2:50pm (or 14:50)"
    assert date_field("Born").help_text == "For example, 27 3 2026"


def test_a_period_is_read_from_its_boxes_a_link_or_the_default():
    boxes_sent = QueryDict("start_day=1&start_month=2&start_year=2026")
    assert date_data(boxes_sent, "start", "2026-01-01") == {
        "start_day": "1",
        "start_month": "2",
        "start_year": "2026",
    }
    assert date_data(QueryDict("start=2026-02-01"), "start", "x") == {"start": "2026-02-01"}
    assert date_data(QueryDict(""), "start", "2026-01-01") == {"start": "2026-01-01"}
    blank = QueryDict("start_day=&start_month=&start_year=")
    assert date_data(blank, "start", "2026-01-01") == {"start": "2026-01-01"}
    assert date_data(blank, "start", "2026-01-01", blank_is_default=False) == {
        "start_day": "",
        "start_month": "",
        "start_year": "",
    }


# --- on a page ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_episode_is_recorded_from_the_boxes_and_refused_with_the_guidance_words(
    world, client_for
):
    child = make_child(world)
    client = client_for("coordinator")
    url = reverse("web:episode-new", args=[child.pk])
    started = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=5)
    bad = client.post(
        url,
        {
            "category": "missing",
            "missing_from": "home",
            **moment_boxes("started_at", started),
            "started_at_month": "",
            **moment_boxes("returned_at", started - timedelta(hours=1)),
        },
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "The date and time the child went missing must include a month" in html
    assert 'href="#id_started_at-month"' in html
    assert "This field is required." not in html
    fixed = client.post(
        url,
        {
            "category": "missing",
            "missing_from": "home",
            **moment_boxes("started_at", started),
            **moment_boxes("returned_at", started - timedelta(hours=1)),
        },
    )
    assert fixed.status_code == 400
    assert "The return must be after the child went missing" in fixed.content.decode()
    good = client.post(
        url,
        {
            "category": "missing",
            "missing_from": "home",
            **moment_boxes("started_at", started, time=f"{timezone.localtime(started):%H:%M}"),
        },
    )
    assert good.status_code == 302
    assert Episode.objects.get(child=child).started_at == started
