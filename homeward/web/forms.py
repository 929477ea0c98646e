"""Django forms drawn as GOV.UK Design System fields (labels, hints, error messages)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils import timezone

from homeward.formats.dates import parse_month, parse_time, time_text


class GovukFormRenderer(TemplatesSetting):
    """Every form and field is drawn with the templates in `templates/govuk_forms/`."""

    form_template_name = "govuk_forms/form.html"
    field_template_name = "govuk_forms/field.html"


# --- the GOV.UK date input: one pattern for every date, and every date and time --------------
#
# Every date is typed in the GOV.UK Design System's date input: day, month and year boxes in a
# fieldset. A date and time adds one more box, for the time ("14:50" or "2:50pm"): the Design
# System has no time input, and one forgiving box asks one question in the words people use
# (docs/case-management.md, "Dates and times"). The fields' error messages follow the date
# input's guidance ("… must include a month", "… must be a real date", "… must be in the
# past"), each naming the date it is about. A single ISO 8601 value in the field's own name
# ("2026-11-05", "2026-11-05T09:30") is taken too, for scripts, tests and links.

DATE_PARTS = ("day", "month", "year")
MOMENT_PARTS = ("day", "month", "year", "time")
_BOX_WIDTHS = {"day": 2, "month": 2, "year": 4, "time": 5}
#: The attribute by which the field template tells the widget which boxes to mark in error.
_ERROR_PARTS = "data-error-parts"
#: What the hint adds, unless it gives an example of its own.
DATE_EXAMPLE = "For example, 27 3 2026"
MOMENT_EXAMPLE = "For example, 27 3 2026 and 2:50pm (or 14:50)"
_ISO_EXAMPLE = re.compile(r"\s*For example, \d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2})?\.?")


def _box() -> forms.TextInput:
    return forms.TextInput()


class DateInput(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes (`name_day`, `name_month`,
    `name_year`), and with `time=True` a box for the time (`name_time`). The day box has the
    field's own id, so an error summary's link to the field lands on it; the others are
    `id-month`, `id-year` and `id-time`. A form posting one ISO value under the field's own
    name is read too (`value_from_datadict`)."""

    template_name = "govuk_forms/date_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None, *, time: bool = False) -> None:
        self.parts = MOMENT_PARTS if time else DATE_PARTS
        super().__init__({part: _box() for part in self.parts}, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, str) and value.strip():
            value = _parse_iso(value.strip(), with_time=self.parts is MOMENT_PARTS)
        if isinstance(value, datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            return [local.day, local.month, local.year, _box_time(local.hour, local.minute)]
        if isinstance(value, date):
            return [value.day, value.month, value.year, ""]
        return [None] * len(self.parts)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        keys = [f"{name}_{part}" for part in self.parts]
        if any(key in data for key in keys):
            return [data.get(key) for key in keys]
        if name in data:
            return data.get(name)  # one ISO value (scripts, tests, links)
        return [None] * len(self.parts)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and not any(f"{name}_{part}" in data for part in self.parts)

    def id_for_label(self, id_: str) -> str:
        return id_

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        # The fieldset around the boxes carries the hint and the error message; the boxes
        # need only their ids and whether each shows the error state.
        attrs = dict(attrs or {})
        wrong = set(str(attrs.pop(_ERROR_PARTS, "")).split())
        for drop in ("aria-describedby", "class", "required"):
            attrs.pop(drop, None)
        context = super().get_context(name, value, attrs)
        base = context["widget"]["attrs"].get("id", name)
        for part, sub in zip(self.parts, context["widget"]["subwidgets"], strict=True):
            sub["attrs"] = {"id": base if part == "day" else f"{base}-{part}"}
            sub["label"] = part.title()
            sub["width"] = _BOX_WIDTHS[part]
            sub["numeric"] = part != "time"
            sub["error"] = part in wrong
        return context


def _box_time(hour: int, minute: int) -> str:
    """A time as the box shows it: as the pages write it, but "12am" and "12pm" for the
    words, which are too long for the box."""
    if minute == 0 and hour in (0, 12):
        return "12am" if hour == 0 else "12pm"
    return time_text(hour, minute)


def _parse_iso(text: str, *, with_time: bool) -> date | datetime | None:
    try:
        if with_time and len(text) > len("2026-11-05"):
            moment = datetime.fromisoformat(text)
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            return moment
        return date.fromisoformat(text)
    except ValueError:
        return None


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def date_name(label: str, *, time: bool, required: str = "") -> str:
    """How the error messages name a date: from its "required" message ("Enter the date the
    child went missing" names it "the date the child went missing"), else from its label
    ("When the child went missing" gives "the date and time the child went missing", "Date
    of birth" gives "the date of birth")."""
    if required.startswith("Enter ") and not required.endswith("."):
        return required.removeprefix("Enter ")
    label = label.replace("(optional)", "").strip()
    if label.lower().startswith("when "):
        kind = "date and time" if time else "date"
        return f"the {kind} {label[5:]}"
    lowered = label[:1].lower() + label[1:]
    return lowered if lowered.startswith("the ") else f"the {lowered}"


def date_hint(help_text: str, example: str) -> str:
    """The field's hint with the date input's example (an old ISO example taken out)."""
    text = _ISO_EXAMPLE.sub("", str(help_text or "")).strip()
    if "For example" in text:
        return text
    return f"{text} {example}".strip()


class GovukDateField(forms.Field):
    """A day typed in the GOV.UK date input; cleaned to a `date`.

    Error messages (`error_messages`, each overridable): "required", "incomplete" (with
    `%(missing)s`: "month", "day and year", "time"…), "invalid" (not a real date), "year" (not
    4 digits), "past" (in the future when `past`), and for a moment "time" (not a real time)
    and "gap" (a time the clocks skipped). The defaults name the date as `date_name` does;
    "name" in `error_messages` names it for them ("Date of birth")."""

    widget = DateInput
    parts = DATE_PARTS
    with_time = False

    def __init__(self, *, past: bool = False, **kwargs: Any) -> None:
        self.past = past
        kwargs.setdefault("widget", DateInput(time=self.with_time))
        given = dict(kwargs.pop("error_messages", None) or {})
        super().__init__(**kwargs)
        name = given.pop("name", "") or date_name(
            str(self.label or ""), time=self.with_time, required=given.get("required", "")
        )
        self.error_messages.update(self._messages(name[:1].lower() + name[1:]))
        self.error_messages.update(given)

    def _messages(self, date_name: str) -> dict[str, str]:
        """The messages naming the date (`date_name`, as it reads after "Enter")."""
        name = _capital(date_name)
        return {
            "required": f"Enter {date_name}",
            "incomplete": f"{name} must include a %(missing)s",
            "invalid": f"{name} must be a real date",
            "year": f"{name} must include a year with 4 numbers, like 2026",
            "past": f"{name} must be today or in the past",
            "time": f"{name} must be a real time, like 2:50pm or 14:50",
            "gap": f"{name} must be a real time: the clocks went forward an hour at 1am that day",
        }

    def _error(self, code: str, parts: tuple[str, ...] = (), **params: str) -> ValidationError:
        """An error, with the boxes it is about (all of them when `parts` is empty)."""
        return ValidationError(
            self.error_messages[code],
            code=code,
            params={**params, "parts": parts or self.parts},
        )

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return self._from_value(value)
        if isinstance(value, str):
            parsed = _parse_iso(value.strip(), with_time=self.with_time)
            if parsed is None:
                raise self._error("invalid")
            return self._from_value(parsed)
        texts = [str(v).strip() if v is not None else "" for v in value]
        texts += [""] * (len(self.parts) - len(texts))
        if not any(texts):
            return None
        typed = dict(zip(self.parts, texts, strict=False))
        missing = [part for part in self.parts if not typed[part]]
        if missing:
            dates = " and ".join(p for p in missing if p != "time")
            words = f"{dates} and a time" if dates and "time" in missing else dates or "time"
            raise self._error("incomplete", tuple(missing), missing=words)
        day = int(typed["day"]) if typed["day"].isdigit() else None
        month = parse_month(typed["month"])
        year = int(typed["year"]) if typed["year"].isdigit() else None
        wrong = [
            part
            for part, ok in (
                ("day", day is not None and 1 <= day <= 31),
                ("month", month is not None),
                ("year", year is not None),
            )
            if not ok
        ]
        if wrong:
            raise self._error("invalid", tuple(wrong) if len(wrong) == 1 else ())
        assert day is not None and month is not None and year is not None
        if len(typed["year"]) != 4 or year < 1900:
            raise self._error("year", ("year",))
        try:
            day_ = date(year, month, day)
        except ValueError:
            raise self._error("invalid") from None
        return self._with_time(day_, typed.get("time", ""))

    def _with_time(self, day: date, typed_time: str) -> Any:
        return day

    def _from_value(self, value: date) -> Any:
        return value.date() if isinstance(value, datetime) else value

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and self.past and self._in_future(value):
            raise self._error("past")

    def _in_future(self, value: Any) -> bool:
        return bool(value > timezone.localdate())

    def prepare_value(self, value: Any) -> Any:
        if isinstance(self.widget, DateInput):
            return value
        # Another widget (a hidden input carrying a period): one ISO value.
        if isinstance(value, list | tuple):
            try:
                value = self.to_python(value)
            except ValidationError:
                return ""
        if isinstance(value, datetime):
            return timezone.localtime(value).isoformat(timespec="minutes")
        if isinstance(value, date):
            return value.isoformat()
        return value

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            before = self.to_python(initial)
            after = self.to_python(data)
        except ValidationError:
            return True
        return bool(before != after)


class GovukMomentField(GovukDateField):
    """A date and a time of day typed in the GOV.UK date input and a time box; cleaned to an
    aware datetime in the site's time zone (Europe/London). A time the clocks went back over
    (it happens twice) is taken as the first; one they skipped is refused."""

    parts = MOMENT_PARTS
    with_time = True

    def _messages(self, date_name: str) -> dict[str, str]:
        messages = super()._messages(date_name)
        messages["past"] = f"{_capital(date_name)} must be in the past"
        return messages

    def _with_time(self, day: date, typed_time: str) -> Any:
        at = parse_time(typed_time)
        if at is None:
            raise self._error("time", ("time",))
        zone = timezone.get_current_timezone()
        moment = datetime.combine(day, at, tzinfo=zone)
        # A time the clocks skipped does not survive the round trip through UTC.
        if moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != moment.replace(
            tzinfo=None
        ):
            raise self._error("gap", ("time",))
        return moment

    def _from_value(self, value: date) -> Any:
        if not isinstance(value, datetime):
            raise self._error("incomplete", ("time",), missing="time")
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return timezone.localtime(value).replace(second=0, microsecond=0)

    def _in_future(self, value: Any) -> bool:
        return bool(value > timezone.now())


def date_data(
    source: Any, name: str, default: str = "", *, blank_is_default: bool = True
) -> dict[str, Any]:
    """What a date field `name` was sent in `source` (a query string or a POST), ready to
    bind a form to: its boxes (`name_day`…), or one ISO value (`name`, from a link or a
    script), or `default` (an ISO value) when it was not sent, or (`blank_is_default`) was
    sent blank."""
    keys = [key for key in source if key.startswith(f"{name}_")]
    boxes = {key: str(source.get(key, "")) for key in keys if key[len(name) + 1 :] in MOMENT_PARTS}
    sent = bool(boxes) or name in source
    if boxes and (any(v.strip() for v in boxes.values()) or not blank_is_default):
        return boxes
    single = str(source.get(name, "")).strip()
    if single or (sent and not blank_is_default):
        return {name: single}
    return {name: default}


def date_error_parts(field: BoundField) -> tuple[str, ...]:
    """The boxes of a date input (`field`, bound) that its errors are about, in order: those
    an error names, or all of them for an error that names none (a service's, say)."""
    if not field.errors:
        return ()
    widget = field.field.widget
    parts = getattr(widget, "parts", DATE_PARTS)
    wrong: set[str] = set()
    for error in field.form.errors.as_data().get(field.name, []):
        named = (error.params or {}).get("parts") if hasattr(error, "params") else None
        wrong.update(named or parts)
    return tuple(part for part in parts if part in wrong)


def day_field(
    label: str,
    *,
    required: bool = False,
    help_text: str = "",
    messages: Mapping[str, str] | None = None,
) -> GovukDateField:
    """One day of a period (a GOV.UK date input). `messages` as for
    `case_forms.date_field`; without them the messages name it by its label ("Enter the
    meeting date", "The meeting date must include a month")."""
    own = dict(messages or {})
    if "required" not in own:
        own.setdefault("name", f"the {label.lower()} date")
    return GovukDateField(
        label=label,
        required=required,
        help_text=date_hint(help_text, DATE_EXAMPLE),
        error_messages=own,
    )


# --- every field's error messages ------------------------------------------------------------


def _named(field: forms.Field) -> str:
    label = str(field.label or "this answer").replace("(optional)", "").strip()
    return f"‘{label}’"


def govuk_messages(field: forms.Field) -> None:
    """Write the rarer error messages of `field` from its label, where it has none of its
    own: what is too long, a choice that is not one of those offered (only a changed page
    sends one), a number out of range. Its "required" and "invalid" messages are written for
    each field where it is declared: "Enter the …", "Select …"."""
    name = _named(field)
    own = field.error_messages
    for validator in field.validators:
        code, limit = getattr(validator, "code", ""), getattr(validator, "limit_value", None)
        if code in own:
            continue
        if code == "max_length":
            own[code] = f"{name} must be {limit} characters or fewer"
        elif code == "min_length":
            own[code] = f"{name} must be {limit} characters or more"
        elif code == "max_value":
            own[code] = f"{name} must be {limit} or less"
        elif code == "min_value":
            own[code] = f"{name} must be {limit} or more"
        elif code == "null_characters_not_allowed":
            own[code] = f"{name} must not contain null characters"
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        for code in ("invalid_choice", "invalid_list", "invalid_pk_value"):
            if code in own and str(own[code]) == _django_default(field, code):
                own[code] = f"Select one of the choices given for {name}"
    if isinstance(field, forms.FileField):
        for code in ("missing", "contradiction", "max_length"):
            if str(own.get(code, "")) == _django_default(field, code):
                own[code] = f"Select a file for {name}"


def _django_default(field: forms.Field, code: str) -> str:
    """Django's own message for `code` on this kind of field."""
    for klass in type(field).__mro__:
        messages = getattr(klass, "default_error_messages", {})
        if code in messages:
            return str(messages[code])
    return ""


class GovukForm(forms.Form):
    """A form whose fields' rarer error messages are written from their labels
    (`govuk_messages`), fields added after `__init__` included."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.name_messages()

    def name_messages(self) -> None:
        for field in self.fields.values():
            govuk_messages(field)

    def full_clean(self) -> None:
        self.name_messages()
        super().full_clean()


#: The messages of a period's two days ("Enter the date the period starts", "The date the
#: period ends must be a real date"…), for forms that declare them again.
PERIOD_FROM = {"required": "Enter the date the period starts"}
PERIOD_TO = {"required": "Enter the date the period ends"}


class DateRangeForm(GovukForm):
    """From one day to another, both included; the 'to' day may not come first."""

    start = day_field("From", messages=PERIOD_FROM)
    end = day_field("To", messages=PERIOD_TO)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error(
                "end", "The date the period ends must be the same as or after the date it starts"
            )
        return data


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal as errors on the form: on the field it names, else on the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            for message in errors:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


#: What a reason's box says below it, unless the form says more.
REASON_HELP = "The file leaves homeward: say what it is for. The reason is kept in the audit log."


def why_field(
    label: str, *, required_message: str, most: int = 500, help_text: str = ""
) -> forms.CharField:
    """Why a record is corrected, withdrawn or given back: a box of up to `most` characters,
    with its own message when left empty (spaces alone are empty)."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=most,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": required_message,
            "max_length": f"The reason must be {most:,} characters or fewer",
        },
    )


def reason_field(
    label: str, *, required_message: str, help_text: str = REASON_HELP
) -> forms.CharField:
    """Why something leaves homeward (an export, a download, a share): up to 1,000
    characters, kept in the audit log. The field strips spaces, so spaces alone are no
    reason and get `required_message`."""
    return forms.CharField(
        label=label,
        max_length=1000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": required_message},
    )


def carried_answers(form: forms.BaseForm) -> list[tuple[str, str]]:
    """A bound form's answers as (name, value) pairs, as they were typed, to carry through a
    check-your-answers page in hidden inputs: a date input's boxes each under its own name
    (`held_at_day`, … `held_at_time`), every other field's value (or values) under its name.
    `field.as_hidden` cannot do this: a date input's value is its boxes, not one value."""
    pairs: list[tuple[str, str]] = []
    for bound in form:
        data = bound.data
        widget = bound.field.widget
        if isinstance(widget, DateInput) and isinstance(data, list | tuple):
            pairs += [
                (f"{bound.html_name}_{part}", "" if value is None else str(value))
                for part, value in zip(widget.parts, data, strict=False)
            ]
        elif isinstance(data, list | tuple):
            pairs += [(bound.html_name, str(value)) for value in data]
        elif data is not None and data is not False:
            pairs.append((bound.html_name, "on" if data is True else str(data)))
    return pairs
