"""Writes to user accounts: an administrator adding, deactivating and resetting people; a
person changing their own password.

Keyword-only arguments, everything validated before writing (refusals are `ValidationError`s
with a message fit to show), one transaction each.

A password issued to someone (a new account, a reset) is marked to be changed at their next
sign-in (`User.must_change_password`); only `password_change`, the person choosing their
own, clears the mark. Changing the password ends the account's other sessions: Django keeps a
digest of the password hash in each session and signs out any whose digest no longer matches.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction

from homeward.accounts.models import Role, User
from homeward.audit.models import AccessEvent
from homeward.audit.services import access_record
from homeward.organisations.models import Organisation

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest


def one_time_password(user: User) -> str:
    """A strong random password that passes the site's password validators."""
    for _ in range(20):
        password = secrets.token_urlsafe(12)
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password
    raise RuntimeError("could not make a password the validators accept")  # pragma: no cover


def user_create(
    *,
    username: str,
    role: str,
    organisation_name: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> tuple[User, str]:
    """Create an active user with a one-time password, returned so it can be handed over.

    The user sets up their authenticator app at first sign-in (the sign-in sends anyone
    without a device to two-factor set-up), then must change the password.
    """
    username = username.strip()
    if not username:
        raise ValidationError("Give a username")
    if role not in Role.values:
        raise ValidationError(f"Unknown role {role!r}; expected one of {', '.join(Role.values)}")
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(f"{email!r} is not an email address") from None
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(f"There is already a user called {username}")
        organisation = Organisation.objects.filter(name=organisation_name.strip()).first()
        if organisation is None:
            raise ValidationError(
                f"No organisation called {organisation_name!r}: set it up first with "
                "`manage.py organisation`"
            )
        if (role == Role.HOME_STAFF) != (organisation.kind == Organisation.Kind.CHILDRENS_HOME):
            raise ValidationError(
                "A children's home's people have the role home_staff, and only they do: "
                f"{organisation.name} is {organisation.get_kind_display().lower()}"
            )
        user = User(
            username=username,
            role=role,
            organisation=organisation,
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            is_active=True,
        )
        password = one_time_password(user)
        user.set_password(password)
        user.must_change_password = True
        user.full_clean()
        user.save()
    return user, password


def user_deactivate(*, username: str) -> User:
    """Stop the user signing in. Their records and the access log keep their name."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username.strip()).first()
        if user is None:
            raise ValidationError(f"No user called {username}")
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
    return user


def password_reset(*, username: str) -> tuple[User, str]:
    """Give the account a new one-time password, returned so it can be handed over, to be
    changed at the next sign-in. Its sessions end (the old password's digest no longer
    matches); its authenticator app is kept. Written to the access log, without the
    password."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username.strip()).first()
        if user is None:
            raise ValidationError(f"No user called {username}")
        if not user.is_active:
            raise ValidationError(f"{user.username} is deactivated: their password was not reset")
        password = one_time_password(user)
        user.set_password(password)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        access_record(
            user=user,
            action=AccessEvent.Action.PASSWORD,
            what="password reset",
            detail=(
                "reset by an administrator at the server; a new one-time "
                "password, to be changed at the next sign-in; the account's sessions ended"
            ),
        )
    return user, password


def password_change(*, user: User, new_password: str, request: HttpRequest | None = None) -> None:
    """The person sets their own password (the caller has checked their current one). The
    site's password validators apply. Their other sessions end; keep the one making the
    change with `django.contrib.auth.update_session_auth_hash`."""
    validate_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        access_record(
            user=user,
            action=AccessEvent.Action.PASSWORD,
            what="password changed",
            detail="changed by its holder; the account's other sessions ended",
            request=request,
        )


logger = logging.getLogger(__name__)


def active_emails(users: QuerySet[User]) -> list[str]:
    """The email addresses of those of `users` still active who have one, each once."""
    return sorted(
        set(users.filter(is_active=True).exclude(email="").values_list("email", flat=True))
    )


def email_on_commit(recipients: Iterable[str], subject: str, lines: list[str]) -> None:
    """Email these addresses once the transaction commits (at once outside one); a mail
    server that is down is logged, never fails the work that sent it. Callers send
    references only, never a child's name or what a child said."""
    to = sorted(set(recipients))
    if not to:
        return

    def send() -> None:
        try:
            send_mail(f"homeward: {subject}", "\n".join(lines), None, to)
        except OSError:
            logger.exception("could not send an email: %s", subject)

    transaction.on_commit(send)
