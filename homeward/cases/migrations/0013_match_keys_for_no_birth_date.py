"""Children's blocking keys again: the matcher files every child under two more keys (the
family name's sound, and the given name, each in the postcode district), which a report
with no date of birth looks up (homeward.police.match). Derived data only: every child's
keys are worked out afresh from the child, as `manage.py match_keys` does."""

from django.db import migrations


def rebuild(apps, schema_editor):
    from homeward.police import match

    Child = apps.get_model("cases", "Child")
    ChildAlias = apps.get_model("cases", "ChildAlias")
    ChildMatchKey = apps.get_model("cases", "ChildMatchKey")
    aliases: dict[int, list[str]] = {}
    for child_id, name in ChildAlias.objects.values_list("child_id", "name"):
        aliases.setdefault(child_id, []).append(name)
    ChildMatchKey.objects.all().delete()
    rows = []
    for child in Child.objects.only(
        "id", "first_name", "last_name", "date_of_birth", "sex", "postcode"
    ).iterator(chunk_size=5000):
        person = match.Person(
            given_names=child.first_name,
            family_name=child.last_name,
            aliases=tuple(aliases.get(child.pk, [])),
            date_of_birth=child.date_of_birth,
            sex=child.sex,
            postcode=child.postcode,
        )
        rows.extend(
            ChildMatchKey(child_id=child.pk, key=k) for k in sorted(match.candidate_keys(person))
        )
        if len(rows) >= 20000:
            ChildMatchKey.objects.bulk_create(rows, batch_size=5000)
            rows = []
    ChildMatchKey.objects.bulk_create(rows, batch_size=5000)


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_interview_held_across")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
