"""Django forms drawn as GOV.UK Design System fields (labels, hints, error messages)."""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    """Every form and field is drawn with the templates in `templates/govuk_forms/`."""

    form_template_name = "govuk_forms/form.html"
    field_template_name = "govuk_forms/field.html"
