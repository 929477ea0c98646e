"""The default panel triggers: three episodes in 30 days, any high-risk episode, an
exploitation flag, a first episode from care. Editable on the triggers page."""

from django.db import migrations

DEFAULTS = [
    ("episodes_in_days", {"episodes": 3, "days": 30}, "3 episodes in 30 days"),
    ("high_risk_episode", {"days": 90, "grades": ["high"]}, "A high-risk episode in 90 days"),
    (
        "exploitation_flag",
        {"kinds": ["cse", "cce", "trafficking"]},
        "An exploitation or trafficking risk flag",
    ),
    ("first_episode_from_care", {"days": 30}, "A first episode from care in 30 days"),
]


def seed(apps, schema_editor):
    PanelTrigger = apps.get_model("panel", "PanelTrigger")
    for kind, parameters, label in DEFAULTS:
        if not PanelTrigger.objects.filter(kind=kind).exists():
            PanelTrigger.objects.create(kind=kind, parameters=parameters, label=label)


def unseed(apps, schema_editor):
    PanelTrigger = apps.get_model("panel", "PanelTrigger")
    for kind, parameters, _label in DEFAULTS:
        PanelTrigger.objects.filter(kind=kind, parameters=parameters).delete()


class Migration(migrations.Migration):
    dependencies = [("panel", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
