"""Forms of the case system's import and its proposed matches."""

from __future__ import annotations

from typing import Any

from django import forms

from homeward.web.forms import GovukForm

#: The largest upload of an extract (a ZIP of 100,000 persons' tables is about 15 MB).
MAX_EXTRACT_UPLOAD_BYTES = 200 * 1024 * 1024


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple) and data:
            return [single(item, initial) for item in data]
        if isinstance(data, list | tuple):
            data = None
        return [single(data, initial)]


class ExtractUploadForm(GovukForm):
    files = MultipleFileField(
        label="The extract",
        help_text="A ZIP of the extract's CSV files, or the nine CSV files themselves.",
        widget=MultipleFileInput,
        error_messages={
            "required": "Select the extract's ZIP file or its CSV files",
            "empty": "The selected file is empty",
            "invalid": "Select the extract's ZIP file or its CSV files",
            "missing": "Select the extract's ZIP file or its CSV files",
            "max_length": "The selected file's name is too long: rename it and try again",
        },
    )

    def clean_files(self) -> Any:
        files = self.cleaned_data["files"]
        if sum(file.size for file in files) > MAX_EXTRACT_UPLOAD_BYTES:
            raise forms.ValidationError("The selected files must be smaller than 200 MB together")
        zips = [file for file in files if file.name.lower().endswith(".zip")]
        if zips and len(files) > 1:
            raise forms.ValidationError("Select one ZIP file, or the CSV files without a ZIP")
        if not zips and not all(file.name.lower().endswith(".csv") for file in files):
            raise forms.ValidationError("The selected files must be a ZIP file or CSV files")
        return files


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Is this the same child?",
        choices=[
            ("confirm", "Yes, the same child: link the record to the case system"),
            ("reject", "No, a different child"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether this is the same child",
            "invalid_choice": "Select whether this is the same child",
        },
    )
