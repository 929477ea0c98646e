"""Writes of the exchange between authorities' instances (docs/exchange.md): this
instance's keys, the partner directory, sending through the outbox, delivering with
retries, and taking messages into the inbox exactly once.

The message format, its sealing and its checks are the pure core's
(`homeward.formats.exchange`); here they meet the database, the clock and the network.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from homeward.accounts.models import Role, User
from homeward.accounts.services import active_emails, email_on_commit
from homeward.audit.models import AccessEvent
from homeward.audit.services import access_record
from homeward.exchange.models import (
    InboxMessage,
    InstanceKey,
    OutboxMessage,
    Partner,
    PartnerKey,
)
from homeward.formats import exchange as fmt
from homeward.organisations.models import Authority, Organisation

logger = logging.getLogger(__name__)

#: How long a rotated key stays in force beside its successor, unless told otherwise.
OVERLAP = timedelta(days=7)
#: A message not delivered this long after it was written raises an alert.
ALERT_AFTER = timedelta(days=1)
#: The path of an instance's inbox, under its address.
INBOX_PATH = "/api/exchange/v1/inbox"
#: The path where an instance publishes its public keys.
KEYS_PATH = "/.well-known/homeward/keys.json"
#: What a partner's refusal with these codes means: the message will never be taken as it
#: is, so it is not tried again (a person looks at it). Any other refusal (the partner does
#: not know this instance yet, a key it has not fetched, a clock out of step) is retried.
FINAL_REFUSALS = frozenset({"schema", "too_large", "wrong_addressee", "media_type"})


def backoff(attempts: int) -> timedelta:
    """The wait before the next attempt after `attempts` failed ones: 1, 2, 4, ... minutes,
    at most an hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def own_code() -> str:
    authority = Authority.objects.filter(is_home=True).first()
    if authority is None:
        raise ValidationError("set up the home authority first (manage.py authority --home)")
    return authority.gss_code


# --- this instance's keys ----------------------------------------------------------------------


def _in_force(now: datetime) -> Any:
    return InstanceKey.objects.exclude(retire_at__lte=now)


def own_key_current() -> InstanceKey:
    """The newest key pair, made the first time it is needed."""
    current = InstanceKey.objects.first()
    if current is not None:
        return current
    with transaction.atomic():
        current = InstanceKey.objects.select_for_update().first()
        if current is None:
            current = _own_key_new()
        return current


def own_key_signing(*, now: datetime | None = None) -> InstanceKey:
    """The pair that signs: the oldest in force. After a rotation the old pair goes on
    signing until its overlap ends, so partners that have not yet taken the new keys still
    verify what this instance sends (messages and receipts); the new pair decrypts from the
    start, as it is published at once."""
    now = now or timezone.now()
    own_key_current()
    oldest = _in_force(now).order_by("created_at", "pk").first()
    return oldest if oldest is not None else own_key_current()


def _own_key_new() -> InstanceKey:
    pair = fmt.KeyPair.generate()
    return InstanceKey.objects.create(
        private_jwks=json.dumps(pair.private_jwks()),
        signing_kid=fmt.thumbprint(pair.signing),
        encryption_kid=fmt.thumbprint(pair.encryption),
    )


def own_key_rotate(*, overlap: timedelta = OVERLAP, now: datetime | None = None) -> InstanceKey:
    """A new key pair; the ones in force stay published and decrypting for `overlap`, so
    partners have time to fetch the new keys."""
    now = now or timezone.now()
    with transaction.atomic():
        _in_force(now).filter(retire_at__isnull=True).update(retire_at=now + overlap)
        return _own_key_new()


def _pair(key: InstanceKey) -> fmt.KeyPair:
    return fmt.KeyPair.from_jwks(json.loads(key.private_jwks))


def own_public_jwks(*, now: datetime | None = None) -> dict[str, Any]:
    """What this instance publishes at `KEYS_PATH`: its authority, and the public keys of
    every pair in force (the newest first)."""
    own_key_current()
    now = now or timezone.now()
    keys: list[dict[str, Any]] = []
    for key in _in_force(now):
        keys.extend(_pair(key).public_jwks()["keys"])
    return {"authority": own_code(), "keys": keys}


# --- partners ------------------------------------------------------------------------------------


def _check_url(url: str) -> str:
    url = url.strip().rstrip("/")
    parts = urllib.parse.urlsplit(url)
    allowed = ("https", "http") if settings.HOMEWARD_EXCHANGE_ALLOW_HTTP else ("https",)
    if parts.scheme not in allowed or not parts.netloc:
        raise ValidationError(
            {
                "url": f"{url[:100]!r} is not an https:// address: messages between "
                "instances go over HTTPS only"
            }
        )
    if parts.query or parts.fragment:
        raise ValidationError({"url": "the partner's address takes no query or fragment"})
    return url


def _keys_from(jwks: Any) -> dict[str, list[Any]]:
    try:
        return fmt.read_jwks(jwks)
    except fmt.MessageError as error:
        where = f"{error.field}: " if error.field else ""
        raise ValidationError({"keys": f"the partner's keys: {where}{error.reason}"}) from None


def _add_keys(partner: Partner, keys: dict[str, list[Any]]) -> list[str]:
    """Put these keys in force for the partner (again, for a key it had before); a key
    another partner holds is refused: one partner could otherwise sign as the other."""
    added = []
    kids = {fmt.thumbprint(key) for listed in keys.values() for key in listed}
    clash = PartnerKey.objects.filter(kid__in=kids).exclude(partner=partner).first()
    if clash is not None:
        raise ValidationError(
            {"keys": f"a key of this set is {clash.partner.name}'s: each partner has its own"}
        )
    for use, listed in keys.items():
        for key in listed:
            kid = fmt.thumbprint(key)
            _, made = PartnerKey.objects.update_or_create(
                partner=partner,
                kid=kid,
                defaults={"use": use, "jwk": dict(key.as_dict(private=False)), "retire_at": None},
            )
            if made:
                added.append(kid)
    return added


def partner_check(*, code: str, url: str, jwks: Any, name: str = "") -> dict[str, Any]:
    """What `partner_add` would add, checked, without adding it: the code, address, name
    and keys (by use), for a person to check before confirming."""
    code = code.strip().upper()
    if not fmt.GSS_CODE.match(code):
        raise ValidationError(
            {"code": f"{code[:20]!r} is not a GSS code (a letter and eight digits)"}
        )
    if code == own_code():
        raise ValidationError({"code": "an instance is not its own partner"})
    if Partner.objects.filter(code=code, active=True).exists():
        raise ValidationError({"code": f"{code} is a partner already: take its new keys instead"})
    checked_url = _check_url(url)
    keys = _keys_from(jwks)
    authority = Authority.objects.filter(gss_code=code).first()
    name = name.strip() or (authority.name if authority is not None else code)
    return {"code": code, "url": checked_url, "name": name[:200], "keys": keys}


def partner_add(*, code: str, url: str, jwks: Any, name: str = "") -> Partner:
    """Add (or bring back) a partner with its public keys. The keys' thumbprints are what
    the two administrators compare, by telephone, before either trusts the other."""
    checked = partner_check(code=code, url=url, jwks=jwks, name=name)
    code, url, name, keys = checked["code"], checked["url"], checked["name"], checked["keys"]
    with transaction.atomic():
        partner, made = Partner.objects.select_for_update().get_or_create(
            code=code, defaults={"name": name[:200], "url": url}
        )
        if not made:
            if partner.active:
                raise ValidationError(f"{code} is a partner already: use rotate-key for new keys")
            partner.name, partner.url, partner.active, partner.removed_at = (
                name[:200],
                url,
                True,
                None,
            )
            partner.save()
        _add_keys(partner, keys)
    return partner


def partner_rotate_key(
    *, code: str, jwks: Any, overlap: timedelta = OVERLAP, now: datetime | None = None
) -> list[str]:
    """Take a partner's new keys; its keys in force stay in force for `overlap` (messages
    it signed before it rotated still verify). Returns the new keys' ids."""
    now = now or timezone.now()
    keys = _keys_from(jwks)
    with transaction.atomic():
        partner = _partner(code, for_update=True)
        new = {fmt.thumbprint(key) for listed in keys.values() for key in listed}
        partner.keys.exclude(kid__in=new).filter(retire_at__isnull=True).update(
            retire_at=now + overlap
        )
        partner.keys.filter(kid__in=new).update(retire_at=None)
        return _add_keys(partner, keys)


def partner_remove(*, code: str, now: datetime | None = None) -> Partner:
    """Stop exchanging with a partner: its keys no longer verify or encrypt, nothing more
    is taken from it or delivered to it. Kept, with its messages; messages still waiting
    for it stay in the outbox (never dropped) and are listed as undeliverable."""
    now = now or timezone.now()
    with transaction.atomic():
        partner = _partner(code, for_update=True)
        partner.active, partner.removed_at = False, now
        partner.save(update_fields=["active", "removed_at"])
        partner.keys.filter(retire_at__isnull=True).update(retire_at=now)
    return partner


def _partner(code: str, *, for_update: bool = False) -> Partner:
    partners = Partner.objects.select_for_update() if for_update else Partner.objects
    partner = partners.filter(code=code.strip().upper()).first()
    if partner is None:
        raise ValidationError(f"{code[:20]!r} is not a partner of this instance")
    return partner


def _partner_keys(partner: Partner, use: str, now: datetime) -> list[Any]:
    rows = partner.keys.filter(use=use).exclude(retire_at__lte=now)
    return [fmt.read_jwks_key(row.jwk) for row in rows]


# --- sending -------------------------------------------------------------------------------------


def message_send(
    *,
    partner_code: str,
    kind: str,
    payload: dict[str, Any],
    reason: str,
    by: User | None = None,
    child_id: int | None = None,
) -> OutboxMessage:
    """Put a message in the outbox, in the caller's transaction (so it is sent if and only
    if the change that causes it is kept), and queue its delivery once that transaction
    commits. Checked first, as the partner will check it; the sending is in the access log
    with its reason."""
    partner = _partner(partner_code)
    if not partner.active:
        raise ValidationError(f"{partner} is no longer a partner")
    envelope = fmt.Envelope(
        message_id=fmt.new_message_id(),
        kind=kind,
        sender=own_code(),
        addressee=partner.code,
        reason=reason.strip(),
        payload=payload,
    )
    try:
        fmt.check_envelope(envelope)
    except fmt.MessageError as error:
        raise ValidationError(f"{error.field or 'message'}: {error.reason}") from None
    message = OutboxMessage.objects.create(
        message_id=uuid.UUID(envelope.message_id),
        partner=partner,
        kind=kind,
        reason=envelope.reason,
        payload=json.dumps(payload, ensure_ascii=False),
        child_id=child_id,
        created_by=by,
        next_attempt_at=timezone.now(),
    )
    access_record(
        user=by,
        action=AccessEvent.Action.SHARE,
        what=f"message {kind} to {partner.name} ({partner.code})",
        child_id=child_id,
        detail=f"outbox {message.message_id}",
        reason=envelope.reason,
    )
    transaction.on_commit(lambda: queue_delivery(message.pk))
    return message


def queue_delivery(pk: int, when: datetime | None = None) -> None:
    from homeward.exchange import tasks

    task = tasks.deliver_message if when is None else tasks.deliver_message.using(run_after=when)
    task.enqueue(pk)


Post = Callable[[str, bytes], tuple[int, bytes]]


def _post(url: str, body: bytes) -> tuple[int, bytes]:
    """POST a sealed message: (HTTP status, the first 100 kB of the answer). A network
    failure raises OSError (urllib's URLError is one)."""
    request = urllib.request.Request(  # noqa: S310 (the scheme was checked in _check_url)
        url,
        data=body,
        headers={"Content-Type": fmt.MESSAGE_TYPE, "Accept": "application/json"},
        method="POST",
    )
    timeout = float(settings.HOMEWARD_EXCHANGE_TIMEOUT)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return int(response.status), response.read(100_000)
    except urllib.error.HTTPError as error:
        return int(error.code), error.read(100_000)


def outbox_deliver(
    *, pk: int, now: datetime | None = None, post: Post | None = None
) -> OutboxMessage:
    """One delivery attempt of a pending message: sealed afresh (signed now, so a retry is
    never stale; the same message id, so the partner takes it once), POSTed to the
    partner's inbox, and delivered when the partner's signed receipt verifies. A failure
    is kept with its reason and the next attempt's time (`backoff`); a final refusal
    (`FINAL_REFUSALS`) is not tried again. No lock is held over the network."""
    now = now or timezone.now()
    post = post or _post
    message = OutboxMessage.objects.select_related("partner").get(pk=pk)
    if message.state != OutboxMessage.State.PENDING:
        return message
    partner = message.partner
    error, final, receipt = "", False, ""
    if not partner.active:
        error = "the partner was removed: deliver it another way, or add the partner again"
    else:
        encryption = _partner_keys(partner, "enc", now)
        if not encryption:
            error = "no encryption key of the partner's is in force"
    if not error:
        try:
            error, final, receipt = _attempt(message, encryption[0], now, post)
        except OSError as failure:  # not reached: down, refused, timed out
            error = f"not reached: {failure}"[:500]
        except Exception as failure:
            # Any other failure is a failed attempt like the rest: kept, and tried again.
            logger.exception("delivering message %s failed", message.message_id)
            # The kind of failure only: its text could hold anything, and alerts show it.
            error = f"failed: {type(failure).__name__}"
    return _record_attempt(message, now, error=error, final=final, receipt=receipt)


def _attempt(
    message: OutboxMessage, recipient_key: Any, now: datetime, post: Post
) -> tuple[str, bool, str]:
    partner = message.partner
    envelope = fmt.Envelope(
        message_id=str(message.message_id),
        kind=message.kind,
        sender=own_code(),
        addressee=partner.code,
        reason=message.reason,
        payload=json.loads(message.payload),
    )
    signing = _pair(own_key_signing(now=now)).signing
    try:
        token = fmt.seal(envelope, signing_key=signing, recipient_key=recipient_key, now=now)
    except fmt.MessageError as failure:  # it cannot be sealed as it is: it never will be
        return f"not sent: {failure.field}: {failure.reason}"[:500], True, ""
    status, body = post(partner.url + INBOX_PATH, token.encode())
    try:
        answer = json.loads(body or b"{}")
    except (ValueError, RecursionError):  # not JSON, or nested deeper than Python reads
        answer = {}
    if not isinstance(answer, dict):
        answer = {}
    if status == 200 and isinstance(answer.get("receipt"), str):
        try:
            fmt.read_receipt(
                answer["receipt"],
                receiver_keys=_partner_keys(partner, "sig", now),
                message_id=envelope.message_id,
                sender=envelope.sender,
            )
        except fmt.MessageError as error:
            return f"the receipt was refused: {error.reason}", False, ""
        return "", False, answer["receipt"]
    problems = answer.get("problems")
    first = problems[0] if isinstance(problems, list) and problems else {}
    code = str(first.get("code", "")) if isinstance(first, dict) else ""
    reason = str(first.get("reason", "")) if isinstance(first, dict) else ""
    text = f"HTTP {status}" + (f", {code}" if code else "") + (f": {reason}" if reason else "")
    return text[:500], status in (400, 413, 415) and code in FINAL_REFUSALS, ""


def _record_attempt(
    message: OutboxMessage, now: datetime, *, error: str, final: bool, receipt: str
) -> OutboxMessage:
    message.attempts += 1
    message.last_attempt_at = now
    if receipt:
        message.state, message.delivered_at, message.receipt = (
            OutboxMessage.State.DELIVERED,
            now,
            receipt,
        )
        message.last_error = ""
    else:
        message.last_error = error
        if final:
            message.state = OutboxMessage.State.REFUSED
        message.next_attempt_at = now + backoff(message.attempts)
    # Only a message still pending is changed (two workers may have tried it at once; the
    # partner took it once whatever happened).
    OutboxMessage.objects.filter(pk=message.pk, state=OutboxMessage.State.PENDING).update(
        attempts=message.attempts,
        last_attempt_at=now,
        last_error=message.last_error,
        state=message.state,
        delivered_at=message.delivered_at,
        receipt=message.receipt,
        next_attempt_at=message.next_attempt_at,
    )
    if message.state == OutboxMessage.State.REFUSED:
        outbox_alert(message=message, now=now)
    elif message.state == OutboxMessage.State.PENDING:
        logger.warning(
            "message %s to %s not delivered: %s", message.message_id, message.partner.code, error
        )
    return message


def outbox_deliver_due(*, now: datetime | None = None, post: Post | None = None) -> dict[str, int]:
    """Try every pending message whose next attempt is due, then alert on those that have
    waited too long: what the task worker and the scheduled `manage.py exchange deliver`
    run. Returns counts: tried, delivered, alerted."""
    now = now or timezone.now()
    due = list(
        OutboxMessage.objects.filter(
            state=OutboxMessage.State.PENDING, next_attempt_at__lte=now
        ).values_list("pk", flat=True)
    )
    delivered = sum(
        outbox_deliver(pk=pk, now=now, post=post).state == OutboxMessage.State.DELIVERED
        for pk in due
    )
    return {"tried": len(due), "delivered": delivered, "alerted": outbox_alert_overdue(now=now)}


def outbox_alert_overdue(*, now: datetime | None = None) -> int:
    """Alert the coordinators once for each message still not delivered `ALERT_AFTER`
    after it was written."""
    now = now or timezone.now()
    late = OutboxMessage.objects.filter(
        state=OutboxMessage.State.PENDING,
        created_at__lte=now - ALERT_AFTER,
        alerted_at__isnull=True,
    ).select_related("partner")
    return sum(outbox_alert(message=message, now=now) for message in late)


def coordinator_emails() -> list[str]:
    """The email addresses of the home authority's coordinators and managers."""
    teams = Organisation.objects.filter(
        kind=Organisation.Kind.AUTHORITY_TEAM, authority__is_home=True
    )
    return active_emails(
        User.objects.filter(role__in=(Role.COORDINATOR, Role.MANAGER), organisation__in=teams)
    )


def tell_coordinators(subject: str, lines: list[str]) -> None:
    """Email the home authority's coordinators and managers once the transaction commits
    (at once outside one): references only, never a child's name or what a child said."""
    email_on_commit(coordinator_emails(), subject, lines)


def notice_payload(notice: Any) -> dict[str, Any]:
    """The payload of the message a partner's notice came in."""
    return dict(json.loads(notice.message.payload))


def outbox_alert(*, message: OutboxMessage, now: datetime) -> bool:
    """Email the home authority's coordinators (and managers) that a message is not
    delivered: its id, partner, kind and the last error, never what it says. Claimed by
    `alerted_at` so it goes once."""
    claimed = OutboxMessage.objects.filter(pk=message.pk, alerted_at__isnull=True).update(
        alerted_at=now
    )
    if not claimed:
        return False
    recipients = coordinator_emails()
    waited = now - message.created_at
    state = "was refused by" if message.state == OutboxMessage.State.REFUSED else "has not reached"
    body = (
        f"A message to {message.partner.name} ({message.partner.code}) {state} the partner.\n\n"
        f"Message: {message.message_id}\nKind: {message.kind}\n"
        f"Written: {message.created_at:%Y-%m-%d %H:%M} UTC ({waited.days} days, "
        f"{waited.seconds // 3600} hours ago)\nAttempts: {message.attempts}\n"
        f"Last error: {message.last_error or 'none recorded'}\n\n"
        "It is kept and, unless refused, still tried. See the exchange page in homeward, "
        "and tell the partner authority by another route if it is urgent."
    )
    if recipients:
        try:
            send_mail(
                f"homeward: a message to {message.partner.name} is not delivered",
                body,
                None,
                recipients,
            )
        except OSError:
            logger.exception("could not send the alert for message %s", message.message_id)
            OutboxMessage.objects.filter(pk=message.pk).update(alerted_at=None)
            return False
    logger.error(
        "message %s to %s not delivered: alert sent to %d",
        message.message_id,
        message.partner.code,
        len(recipients),
    )
    return True


# --- receiving -----------------------------------------------------------------------------------


#: What is done with a message of each kind once it is taken (in the same transaction); a
#: handler that raises `fmt.MessageError` refuses the message (nothing is kept). The
#: notices' handlers are added by the app (`ExchangeConfig.ready`). A handler returns the id
#: of the child the message is about when it knows them here (for the access log), or None.
HANDLERS: dict[str, Callable[[InboxMessage, fmt.Envelope], int | None]] = {
    "exchange.test": lambda message, envelope: None,
}


def inbox_receive(*, token: bytes, now: datetime | None = None) -> tuple[str, str]:
    """Take a sealed message: checked (`fmt.open_message`), stored once by its message id,
    handled, logged with its reason, and answered with a signed receipt: ("accepted",
    receipt). The same message again is not taken again: the first receipt is given back
    ("duplicate", receipt). Raises `fmt.MessageError` for a message refused."""
    now = now or timezone.now()
    code = own_code()
    own = own_key_signing(now=now)
    decrypting = [_pair(key).encryption for key in _in_force(now)]

    def sender_keys(sender: str) -> list[Any] | None:
        partner = Partner.objects.filter(code=sender, active=True).first()
        return _partner_keys(partner, "sig", now) if partner is not None else None

    envelope = fmt.open_message(
        token, own_code=code, own_keys=decrypting, sender_keys=sender_keys, now=now
    )
    partner = Partner.objects.get(code=envelope.sender)
    existing = InboxMessage.objects.filter(message_id=envelope.message_id).first()
    if existing is not None:
        return _repeat(existing, partner)
    receipt = fmt.sign_receipt(
        fmt.Receipt(envelope.message_id, envelope.sender, code, now, "accepted"),
        signing_key=_pair(own).signing,
    )
    try:
        with transaction.atomic():
            message = InboxMessage.objects.create(
                message_id=uuid.UUID(envelope.message_id),
                partner=partner,
                kind=envelope.kind,
                reason=envelope.reason,
                payload=json.dumps(envelope.payload, ensure_ascii=False),
                signed_at=envelope.signed_at or now,
                receipt=receipt,
            )
            # A handler gives the child the message is about, when it knows them here.
            child_id = HANDLERS[envelope.kind](message, envelope)
            access_record(
                user=None,
                action=AccessEvent.Action.RECEIVE,
                what=f"message {envelope.kind} from {partner.name} ({partner.code})",
                child_id=child_id if isinstance(child_id, int) else None,
                detail=f"inbox {envelope.message_id}",
                reason=envelope.reason,
            )
    except IntegrityError:  # the same message, taken at the same moment by another request
        same = InboxMessage.objects.filter(message_id=envelope.message_id).first()
        if same is None:  # not that: a handler's own error, which is a bug to see
            raise
        return _repeat(same, partner)
    return "accepted", receipt


def _repeat(message: InboxMessage, partner: Partner) -> tuple[str, str]:
    if message.partner_id != partner.pk:
        raise fmt.MessageError(
            "duplicate_id", "a message with this id came from another partner", "jti"
        )
    InboxMessage.objects.filter(pk=message.pk).update(repeats=message.repeats + 1)
    return "duplicate", message.receipt
