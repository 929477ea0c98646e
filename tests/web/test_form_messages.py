"""Every field of every form says what is wrong in its own words, never Django's.

The walk finds every form class in `homeward` (the form modules and the views' own forms),
makes one of each, and fails for any field whose error message, for anything a person could
get wrong, is still Django's default: "This field is required.", "Enter a valid date.",
"Select a valid choice…", "Ensure this value has at most…". A new form with a field left
without its messages fails here: give the field `error_messages=` (or the factories'
`messages=`), and subclass `homeward.web.forms.GovukForm` for the rarer ones (too long, a
choice not offered), which it writes from the field's label.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

import homeward.web
from homeward.accounts.models import User
from homeward.cases.indicator_tables import Convention
from homeward.cases.models import Episode
from homeward.panel.models import PanelTrigger
from homeward.panelrules.triggers import KINDS
from homeward.returns.exports import KINDS as EXPORT_KINDS
from homeward.web.forms import GovukForm

#: How to make the forms whose constructor needs more than the data.
SPECIAL: dict[str, Callable[..., forms.BaseForm]] = {
    "AllocateForm": lambda cls, *a: cls(*a, episodes=Episode.objects.none(), suggested=None),
    "LinkForm": lambda cls, *a: cls(*a, episodes=[]),
    "MergeConfirmForm": lambda cls, *a: cls(*a, choices=[(1, "One"), (2, "Two")]),
    "IntelligenceForm": lambda cls, *a: cls(*a, can_send=True),
    "ChangePasswordForm": lambda cls, *a: cls(_request(), *a),
    "IndicatorForm": lambda cls, *a: cls(*a, own=Convention("return", "hours", "each")),
    "AllocateManyForm": lambda cls, *a: cls(*a, waiting=Episode.objects.none()),
    "NoticeForm": lambda cls, *a: cls(*a, choices=[("1", "Jordan Example (C-000001)")]),
    "SendReturnForm": lambda cls, *a: cls(*a, periods=["2025-26"]),
    "DeadlineForm": lambda cls, *a: cls(*a, periods=["2025-26"]),
    "HomeReportLinkForm": lambda cls, *a: cls(*a, children=[("1", "Jordan Example (C-000001)")]),
    "PoliceCopyForm": lambda cls, *a: cls(*a, forces=[("1", "A force")]),
    "AnswerForm": lambda cls, *a: cls(*a, organisations=[("1", "A team")], open_here="RI-1"),
    "CaseFilterForm": lambda cls, *a: cls(*a, user=User(), episodes=True),
    "ExportForm": lambda cls, *a: (
        cls(*a, kinds=list(EXPORT_KINDS)) if cls.__module__.endswith("returns") else cls(*a)
    ),
}


def _request() -> Any:
    request = RequestFactory().get("/")
    # A password form checks the current password against a user: one of the test's, if any.
    request.user = User.objects.filter(username="worker").first() or AnonymousUser()
    return request


def _modules() -> Iterator[str]:
    yield from (
        info.name
        for info in pkgutil.walk_packages(homeward.web.__path__, prefix="homeward.web.")
        if not info.name.endswith("assets")
    )


def form_classes() -> list[type[forms.BaseForm]]:
    for name in _modules():
        importlib.import_module(name)
    found: dict[str, type[forms.BaseForm]] = {}
    pending = [forms.BaseForm]
    while pending:
        for sub in pending.pop().__subclasses__():
            pending.append(sub)
            if sub.__module__.startswith("homeward.") and sub is not GovukForm:
                found[f"{sub.__module__}.{sub.__qualname__}"] = sub
    return [found[key] for key in sorted(found)]


def _trigger_forms(data: Callable[[forms.BaseForm], Any] | None = None) -> list[forms.BaseForm]:
    from homeward.web.views.panel import _trigger_form

    made = []
    for kind in KINDS:
        trigger = PanelTrigger(kind=kind, label="A trigger", parameters={})
        form = _trigger_form(trigger)
        made.append(form if data is None else _trigger_form(trigger, data(form)))
    return made


def _default(field: forms.Field, code: str) -> str:
    for klass in type(field).__mro__:
        if code in getattr(klass, "default_error_messages", {}):
            return str(klass.default_error_messages[code])  # type: ignore[attr-defined]
    return ""


#: Django's own messages, whatever the field.
DJANGO_MESSAGES = {
    "This field is required.",
    "Enter a valid date.",
    "Enter a valid date/time.",
    "Enter a whole number.",
}


def django_messages(field: forms.Field) -> dict[str, str]:
    """The messages `field` could show that are still Django's, by code."""
    wrong = {}
    own = {code: str(message) for code, message in field.error_messages.items()}
    for code, message in own.items():
        if code == "required" and not field.required:
            continue
        if message and (message == _default(field, code) or message in DJANGO_MESSAGES):
            wrong[code] = message
    for validator in field.validators:
        code = getattr(validator, "code", "")
        if code not in own:  # the validator's own message, which is Django's
            wrong[code] = str(getattr(validator, "message", ""))
    return wrong


def _instances(
    data: Callable[[forms.BaseForm], Any] | None = None,
) -> list[tuple[str, forms.BaseForm]]:
    """One of each form: unbound, or bound to what `data` makes of the unbound form."""
    made = []
    for cls in form_classes():
        make = SPECIAL.get(cls.__name__, lambda c, *a: c(*a))
        form = make(cls)
        if data is not None:
            form = make(cls, data(form))
        made.append((f"{cls.__module__}.{cls.__qualname__}", form))
    made += [(f"panel trigger {f.prefix}", f) for f in _trigger_forms(data)]
    return made


@pytest.mark.django_db
def test_the_walk_finds_the_forms():
    names = {name for name, _form in _instances()}
    assert "homeward.web.case_forms.WriteUpForm" in names
    assert "homeward.web.intake_forms.NewChildForm" in names
    assert "homeward.web.views.account.ChangePasswordForm" in names
    assert "homeward.web.views.panel.ActionForm" in names
    assert len(names) > 50


@pytest.mark.django_db
def test_no_field_of_any_form_shows_djangos_own_messages():
    wrong: dict[str, Any] = {}
    for name, form in _instances():
        if isinstance(form, GovukForm):
            form.name_messages()
        for field_name, field in form.fields.items():
            if isinstance(field.widget, forms.HiddenInput) and not field.required:
                continue
            found = django_messages(field)
            if found:
                wrong[f"{name}.{field_name}"] = found
    assert not wrong, "\n".join(f"{k}: {v}" for k, v in wrong.items())


def test_the_check_catches_a_field_left_with_djangos_messages():
    class Careless(forms.Form):
        when = forms.DateField(label="When")
        note = forms.CharField(label="Note", max_length=10, required=False)

    form = Careless()
    assert django_messages(form.fields["when"]) == {
        "required": "This field is required.",
        "invalid": "Enter a valid date.",
    }
    assert set(django_messages(form.fields["note"])) == {
        "max_length",
        "null_characters_not_allowed",
    }


def _junk(form: forms.BaseForm) -> dict[str, Any]:
    """Something wrong in every field: words where a number, a date or a choice is asked for,
    and far too much text."""
    sent: dict[str, Any] = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if isinstance(field.widget, forms.MultiWidget):
            for part in ("day", "month", "year", "time"):
                sent[f"{key}_{part}"] = "soon"
        else:
            sent[key] = "not an answer " * 2000
    return sent


def _shown_errors(form: forms.BaseForm) -> dict[str, list[str]]:
    """Each field's errors, as the page would show them (a hidden field's errors too)."""
    return {name: [str(m) for m in errors] for name, errors in form.errors.items()}


#: Django's own texts, whole (a message written for its field may begin the same way).
GENERIC = re.compile(
    r"^(?:This field is required\.|Enter a valid [\w/ ]+\.|Select a valid choice\..*|"
    r"Ensure this value .*|Enter a whole number\.|Enter a number\.|"
    r"Enter a list of values\.)$"
)


def submitted_problems(made: list[tuple[str, forms.BaseForm]]) -> dict[str, Any]:
    """For bound forms: the fields whose errors are Django's own, and the messages given for
    two different fields of one form (a person cannot tell which is meant)."""
    found: dict[str, Any] = {}
    for name, form in made:
        form.is_valid()
        seen: dict[str, str] = {}
        for field_name, messages in _shown_errors(form).items():
            bad = [m for m in messages if GENERIC.search(m)]
            if bad:
                found[f"{name}.{field_name}"] = bad
            if field_name == "__all__":
                continue
            for message in messages:
                if message in seen and seen[message] != field_name:
                    found[f"{name}: {message}"] = (seen[message], field_name)
                seen.setdefault(message, field_name)
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("data", [lambda form: {}, _junk], ids=["empty", "wrong"])
def test_every_form_sent_empty_or_wrong_says_what_is_wrong_in_its_own_words(world, data):
    found = submitted_problems(_instances(data))
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())


def test_the_submitted_check_catches_djangos_messages_and_repeats():
    class Careless(forms.Form):
        when = forms.DateField(label="When")
        first = forms.CharField(label="First", error_messages={"required": "Enter it"})
        second = forms.CharField(label="Second", error_messages={"required": "Enter it"})

    found = submitted_problems([("Careless", Careless({}))])
    assert found == {
        "Careless.when": ["This field is required."],
        "Careless: Enter it": ("first", "second"),
    }
