"""`manage.py reencrypt`: re-encrypt every encrypted field under the newest key and salt.

Encrypted fields (django-fernet-encrypted-fields) encrypt with the first of
`SECRET_KEY` × `SALT_KEY` and decrypt with any of `SECRET_KEY`, `SECRET_KEY_FALLBACKS` ×
`SALT_KEY`. To rotate: put the new salt first in `HOMEWARD_FIELD_SALTS` (or the new secret in
`HOMEWARD_SECRET_KEY`, the old one moving to `HOMEWARD_SECRET_KEY_FALLBACKS`), restart, run
this command, check with `reencrypt --check` that nothing is left under an old key, then drop
the old salt or key. See docs/security.md.

Each stored token is rotated as it is (Fernet's `MultiFernet.rotate`: decrypted with whichever
key opens it, encrypted again with the newest), so no value passes through a model's `save()`:
`updated_at`, versions and the change history are untouched, and a value no key opens is
reported and left alone rather than encrypted a second time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.db.models.functions import Cast
from encrypted_fields.fields import EncryptedFieldMixin

Field = models.Field


def encrypted_fields() -> Iterator[tuple[type[models.Model], list[Field]]]:
    """Every model with encrypted columns (the case records), and those columns."""
    for model in apps.get_models():
        found = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedFieldMixin)]
        if found:
            yield model, found


def forget_keys() -> None:
    """Make every encrypted field derive its keys again from the current settings (the field
    caches them the first time it is used)."""
    for _model, fields in encrypted_fields():
        for column in fields:
            column.__dict__.pop("keys", None)
            column.__dict__.pop("f", None)


@dataclass
class Outcome:
    rotated: int = 0
    current: int = 0
    unreadable: list[tuple[str, object, str]] = field(default_factory=list)


def _raw(name: str) -> str:
    return f"_raw_{name}"


def reencrypt(*, batch_size: int = 500, check: bool = False) -> dict[str, Outcome]:
    """Rotate every stored token to the newest key, batch by batch, each batch in one
    transaction with its rows locked. With `check`, count only: nothing is written."""
    forget_keys()
    outcomes: dict[str, Outcome] = {}
    for model, fields in encrypted_fields():
        outcome = outcomes.setdefault(model._meta.label, Outcome())
        # All encrypted fields derive the same keys from the same settings.
        every = MultiFernet([Fernet(key) for key in fields[0].keys])
        newest = Fernet(fields[0].keys[0])
        pks = list(model._base_manager.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), batch_size):
            batch = pks[start : start + batch_size]
            with transaction.atomic():
                rows = (
                    model._base_manager.select_for_update()
                    .filter(pk__in=batch)
                    .annotate(**{_raw(f.name): Cast(f.name, models.TextField()) for f in fields})
                    .values_list("pk", *(_raw(f.name) for f in fields))
                )
                for pk, *tokens in rows:
                    changes: dict[str, models.Value] = {}
                    for column, token in zip(fields, tokens, strict=True):
                        if not token:
                            continue
                        data = token.encode("utf-8")
                        try:
                            newest.decrypt(data)
                        except InvalidToken:
                            pass
                        else:
                            outcome.current += 1
                            continue
                        try:
                            rotated = every.rotate(data).decode("utf-8")
                        except InvalidToken:
                            outcome.unreadable.append((model._meta.label, pk, column.name))
                            continue
                        outcome.rotated += 1
                        changes[column.name] = models.Value(rotated, models.TextField())
                    if changes and not check:
                        # `update`, not `save`: no auto_now, no version, no history entry.
                        model._base_manager.filter(pk=pk).update(**changes)
    return outcomes


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the newest secret key and salt."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=500, help="Rows per transaction (500)."
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Count values still under an old key or salt; change nothing. Fails if any.",
        )

    def handle(self, *args: object, **options: object) -> None:
        check = bool(options["check"])
        outcomes = reencrypt(batch_size=int(options["batch_size"]), check=check)  # type: ignore[arg-type]
        verb = "to re-encrypt" if check else "re-encrypted"
        for label, outcome in outcomes.items():
            self.stdout.write(
                f"{label}: {outcome.rotated} {verb}, {outcome.current} already under the "
                f"newest key, {len(outcome.unreadable)} unreadable"
            )
        unreadable = [item for outcome in outcomes.values() for item in outcome.unreadable]
        if unreadable:
            shown = ", ".join(f"{label} {pk} {name}" for label, pk, name in unreadable[:20])
            raise CommandError(
                f"{len(unreadable)} values could not be decrypted with any configured key "
                f"(left as they are): {shown}. Do not drop an old key or salt until they are "
                "explained."
            )
        if check and any(outcome.rotated for outcome in outcomes.values()):
            raise CommandError("values remain under an old key or salt: run reencrypt")
        self.stdout.write(self.style.SUCCESS("Every encrypted value is under the newest key."))
