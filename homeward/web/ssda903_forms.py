"""The form of the merged SSDA903 page: the case system's own 903 files, uploaded.

This year's Header and Episodes are required; last year's Header, Episodes and Missing are
optional (the validator compares the two years). Each file is checked for its size and kind
before anything reads it, then read as the 903 table it should be
(`ssda903_merge.read_case_table`), so a problem is shown on the field of the file that has
it, with the line and column.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from homeward.formats import ssda903_merge
from homeward.returns import exports
from homeward.web.forms import GovukForm, reason_field

#: The largest 903 file accepted. The Episodes file of the largest authority (about 10,000
#: rows of some 80 characters) is under 1 MB.
MAX_903_FILE_BYTES = 10 * 1024 * 1024
#: A CSV file's first bytes never hold a NUL; a ZIP (XLSX) archive starts with "PK".
SNIFF_BYTES = 8192
#: The problems listed for one file; the count says how many more there were.
SHOWN_PROBLEMS = 10

#: (field, what the file is, the 903 table it must be, required)
FILES = (
    ("header", "this year's Header file", "Header", True),
    ("episodes", "this year's Episodes file", "Episodes", True),
    ("previous_header", "last year's Header file", "Header", False),
    ("previous_episodes", "last year's Episodes file", "Episodes", False),
    ("previous_missing", "last year's Missing file", "Missing", False),
)


def _file_field(label: str, what: str, *, required: bool, help_text: str) -> forms.FileField:
    select = f"Select {what}"
    return forms.FileField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.FileInput,
        error_messages={
            "required": select,
            "empty": f"The selected file for {what} is empty",
            "invalid": select,
            "missing": select,
            "max_length": "The selected file's name is too long: rename it and try again",
        },
    )


class Ssda903MergeForm(GovukForm):
    year = forms.ChoiceField(
        label="Collection year",
        help_text="The financial year the return is for (1 April to 31 March).",
        error_messages={
            "required": "Select the collection year",
            "invalid_choice": "Select the collection year",
        },
    )
    header = _file_field(
        "This year's Header file",
        "this year's Header file",
        required=True,
        help_text="The case system's 903 Header table for the year, as a CSV file, up to 10 MB.",
    )
    episodes = _file_field(
        "This year's Episodes file",
        "this year's Episodes file",
        required=True,
        help_text="The case system's 903 Episodes table for the year, as a CSV file, up to 10 MB.",
    )
    previous_header = _file_field(
        "Last year's Header file (optional)",
        "last year's Header file",
        required=False,
        help_text="Last year's return lets the validator check this year's against it.",
    )
    previous_episodes = _file_field(
        "Last year's Episodes file (optional)",
        "last year's Episodes file",
        required=False,
        help_text="Also finds a period of care that began before this year's rows.",
    )
    previous_missing = _file_field(
        "Last year's Missing file (optional)",
        "last year's Missing file",
        required=False,
        help_text="The Missing table as it was sent last year.",
    )
    reason = reason_field(
        "Why you need this export", required_message="Enter why you need this export"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = exports.BY_NAME["ssda903"]
        years = exports.period_choices(kind, today=timezone.localdate())
        self.fields["year"].choices = [("", "Choose a year"), *years]
        self.tables: dict[str, ssda903_merge.CaseTable] = {}
        for name, what, table, _required in FILES:
            setattr(self, f"clean_{name}", self._cleaner(name, what, table))

    def _cleaner(self, name: str, what: str, table: str) -> Any:
        def clean() -> Any:
            file = self.cleaned_data.get(name)
            if not file:
                return None
            data = read_csv_upload(file, what)
            try:
                self.tables[name] = ssda903_merge.read_case_table(file.name, data, table)
            except ssda903_merge.CaseFilesError as error:
                raise forms.ValidationError(problem_messages(what, error.problems)) from error
            return file

        return clean

    def case_files(self) -> tuple[tuple[str, bytes], tuple[str, bytes], dict[str, bytes]]:
        """This year's Header and Episodes as (name, bytes), and last year's files by the
        names the merge expects, from a valid form."""
        header, episodes = self.tables["header"], self.tables["episodes"]
        previous = {
            f"{table.table.lower()}.csv": table.data
            for name, table in self.tables.items()
            if name.startswith("previous_")
        }
        return (header.name, header.data), (episodes.name, episodes.data), previous


def read_csv_upload(file: UploadedFile, what: str) -> bytes:
    """The bytes of an uploaded CSV file, refused before they are read whole when the file
    is too big, not named .csv, or plainly not text (a spreadsheet, a ZIP, a program)."""
    if file.size is not None and file.size > MAX_903_FILE_BYTES:
        raise forms.ValidationError(f"The selected file for {what} must be smaller than 10 MB")
    if not (file.name or "").lower().endswith(".csv"):
        raise forms.ValidationError(f"The selected file for {what} must be a CSV file")
    file.seek(0)
    start = file.read(SNIFF_BYTES)
    if start.startswith(b"PK\x03\x04") or b"\x00" in start:
        raise forms.ValidationError(
            f"The selected file for {what} is not a CSV file: save it from the case system "
            "or the spreadsheet as CSV and try again"
        )
    rest = file.read(MAX_903_FILE_BYTES + 1 - len(start))
    data = bytes(start + rest)
    if len(data) > MAX_903_FILE_BYTES:
        raise forms.ValidationError(f"The selected file for {what} must be smaller than 10 MB")
    return data


def problem_messages(what: str, problems: list[str]) -> list[str]:
    """The problems of one file as error messages: the first few and how many more."""
    what = what[:1].upper() + what[1:]
    shown = [f"{what}: {problem}" for problem in problems[:SHOWN_PROBLEMS]]
    more = len(problems) - SHOWN_PROBLEMS
    if more > 0:
        shown.append(f"{what}: {more} more problem{'s' if more > 1 else ''}")
    return shown
