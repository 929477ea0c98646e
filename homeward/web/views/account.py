"""Signing in and out: password (with lockout), the second factor (TOTP), and its set-up;
changing one's password.

A local account signs in with a password (django-axes counts failures: five for the same
username and address lock it for an hour), then proves a second factor with an authenticator
app (django-otp). An account without a confirmed device sets one up right after its password,
and only then: once a device is confirmed, nobody holding only the password can add another.
The session key changes at each step (Django's `login()`, then `cycle_key()` here), so a key
known before a step is worth nothing after it. A password someone else set (a new account,
a reset) is then changed, before any other page (`homeward.accounts.middleware`).
Single sign-on (Microsoft Entra ID) is `homeward.accounts.oidc`; the identity provider applies
its own second factor.
"""

from __future__ import annotations

import re
from base64 import b32encode

import django_otp
import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.accounts import services as account_services
from homeward.accounts.models import User
from homeward.accounts.signin import fully_signed_in, password_change_due, second_factor_passed
from homeward.audit.models import AccessEvent
from homeward.audit.services import access_record
from homeward.web.forms import GovukForm

#: Where to go once fully signed in, kept in the session across the second factor.
NEXT_SESSION_KEY = "homeward_next"
DEVICE_NAME = "Authenticator app"


class SignInForm(GovukForm):
    username = forms.CharField(
        label="Username",
        max_length=150,
        error_messages={"required": "Enter your username"},
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(GovukForm):
    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code your authenticator app shows now.",
        error_messages={"required": "Enter the 6-digit security code"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError("Enter the security code as 6 digits, like 123456")
        return code


def _new_password_message(error: ValidationError) -> str:
    """The one message to show for a new password the site's validators refuse: the first
    rule broken, in this order, in words of our own (Django's own for a rule not named)."""
    errors = error.error_list
    by_code = {e.code: e for e in errors}
    if "password_too_short" in by_code:
        length = (by_code["password_too_short"].params or {}).get("min_length", 12)
        return f"Your new password must be {length} characters or more"
    if "password_too_similar" in by_code:
        return "Your new password is too like your username, name or email address"
    if "password_entirely_numeric" in by_code:
        return "Your new password must not be only numbers"
    if "password_too_common" in by_code:
        return "Your new password is too common: choose one that is harder to guess"
    return errors[0].messages[0] if errors else "Enter a different new password"


class ChangePasswordForm(GovukForm):
    """Current password, new password, and the new one again: one message for each field in
    error. The current password is checked with `authenticate`, so django-axes counts wrong
    ones as it does at sign-in."""

    current_password = forms.CharField(
        label="Current password",
        strip=False,
        error_messages={"required": "Enter your current password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label="New password",
        strip=False,
        help_text=(
            "At least 12 characters. Not a common password, not only numbers, and not like "
            "your username, name or email address. A few unrelated words make a good one."
        ),
        error_messages={"required": "Enter a new password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    confirm_password = forms.CharField(
        label="Confirm new password",
        strip=False,
        error_messages={"required": "Enter your new password again"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, request: HttpRequest, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.request = request
        self.user: User = request.user  # type: ignore[assignment]

    def clean_current_password(self) -> str:
        current = self.cleaned_data["current_password"]
        # `request` lets django-axes count a wrong password against the username and address.
        found = authenticate(self.request, username=self.user.get_username(), password=current)
        if found is None or found.pk != self.user.pk:
            raise forms.ValidationError("Your current password is not correct")
        return current

    def clean_new_password(self) -> str:
        new = self.cleaned_data["new_password"]
        try:
            validate_password(new, self.user)
        except ValidationError as error:
            raise forms.ValidationError(_new_password_message(error)) from None
        if self.user.check_password(new):
            raise forms.ValidationError(
                "Your new password must be different from your current password"
            )
        return new

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        confirm = data.get("confirm_password")
        # A mismatch is told whether or not the new password itself passed its rules.
        new = self.data.get("new_password", "")
        if confirm is not None and confirm != new:
            self.add_error("confirm_password", "The passwords do not match")
        return data


# --- helpers -------------------------------------------------------------------------------


def _safe_next(request: HttpRequest, url: str | None) -> str | None:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


def _finish(request: HttpRequest) -> HttpResponse:
    """Second factor passed: change an issued password first; then to the page asked for
    before signing in, or home."""
    if password_change_due(request):
        return redirect("web:change-password")
    wanted = _safe_next(request, request.session.pop(NEXT_SESSION_KEY, None))
    return redirect(wanted or "web:home")


def _confirmed_devices(user: object) -> list[TOTPDevice]:
    return list(TOTPDevice.objects.filter(user=user, confirmed=True))


def _throttled(device: TOTPDevice) -> bool:
    allowed, data = device.verify_is_allowed()
    return not allowed and (data or {}).get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS


_TOO_MANY = "You entered too many wrong codes. Wait a minute, then enter the code your app shows"
_WRONG_CODE = "The security code is wrong or has expired. Enter the code your app shows now"


def _check_code(request: HttpRequest, form: CodeForm, devices: list[TOTPDevice]) -> bool:
    """Verify the form's code against `devices` (django-otp throttles repeated failures) and,
    if one accepts it, mark this session as having passed the second factor."""
    if all(_throttled(device) for device in devices):
        form.add_error("code", _TOO_MANY)
        return False
    for device in devices:
        verified = django_otp.verify_token(
            request.user, device.persistent_id, form.cleaned_data["code"]
        )
        if verified is not None:
            if not verified.confirmed:
                verified.confirmed = True
                verified.save(update_fields=["confirmed"])
            django_otp.login(request, verified)
            # A new session key once the second factor is proved, as `login()` gave one at
            # the password: a key planted or seen before this step signs nobody in.
            request.session.cycle_key()
            return True
    form.add_error("code", _WRONG_CODE)
    return False


def qr_code_svg(text: str, label: str) -> SafeString:
    """`text` as a QR code in inline SVG (drawn here: no script, no external image)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=4)
    svg = image.to_string(encoding="unicode")
    svg = re.sub(r'\s(width|height)="[^"]*"', "", svg, count=2)
    opening = (
        f'<svg role="img" aria-label="{escape(label)}" focusable="false" width="220" height="220"'
    )
    return mark_safe(svg.replace("<svg", opening, 1))  # noqa: S308 - generated by qrcode


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


# --- views ---------------------------------------------------------------------------------


@login_not_required
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Username and password; then the second factor, unless single sign-on applies."""
    wanted = _safe_next(request, request.GET.get("next"))
    if fully_signed_in(request):
        return redirect(wanted or "web:home")
    form = SignInForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        # `request` lets django-axes count this attempt against the username and address.
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if user is None:
            form.add_error(None, "Enter a correct username and password")
        else:
            login(request, user)
            access_record(
                user=user,
                action=AccessEvent.Action.SIGN_IN,
                what="sign-in",
                detail="password",
                request=request,
            )
            if wanted:
                request.session[NEXT_SESSION_KEY] = wanted
            if not settings.HOMEWARD_REQUIRE_TWO_FACTOR:
                return _finish(request)
            if _confirmed_devices(user):
                return redirect("web:two-factor")
            return redirect("web:two-factor-setup")
    context = {
        "form": form,
        "expired": request.GET.get("expired") == "1",
        "sso_failed": request.GET.get("sso") == "failed",
        "idle_minutes": max(1, settings.HOMEWARD_IDLE_SECONDS // 60),
        "oidc_enabled": settings.OIDC_ENABLED,
        "next": wanted,
    }
    return render(request, "web/account/sign_in.html", context, status=400 if form.errors else 200)


@login_not_required
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, "You have signed out")
    return redirect("web:sign-in")


@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """The second factor: a code from the authenticator app set up for this account."""
    if not request.user.is_authenticated:
        return redirect("web:sign-in")
    if second_factor_passed(request):
        return _finish(request)
    devices = _confirmed_devices(request.user)
    if not devices:
        return redirect("web:two-factor-setup")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid() and _check_code(request, form, devices):
        return _finish(request)
    return render(
        request,
        "web/account/two_factor.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: only for an account with no confirmed device yet."""
    if not request.user.is_authenticated:
        return redirect("web:sign-in")
    if second_factor_passed(request):
        return _finish(request)
    if _confirmed_devices(request.user):
        return redirect("web:two-factor")
    # One unconfirmed device, kept across reloads so the code scanned stays the code checked.
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name=DEVICE_NAME, confirmed=False)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid() and _check_code(request, form, [device]):
        TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
        messages.success(request, "Your authenticator app is set up")
        return _finish(request)
    secret = b32encode(device.bin_key).decode("ascii")
    context = {
        "form": form,
        "secret": _grouped(secret),
        "qr_code": qr_code_svg(device.config_url, "QR code to scan with your authenticator app"),
        "issuer": settings.OTP_TOTP_ISSUER,
    }
    return render(
        request,
        "web/account/two_factor_setup.html",
        context,
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def change_password(request: HttpRequest) -> HttpResponse:
    """Change one's own password: everyone signed in, and anyone whose password was set by
    someone else before any other page (reached only after the second factor)."""
    user: User = request.user  # type: ignore[assignment]
    due = password_change_due(request)
    if not user.has_usable_password():
        # Single sign-on only: there is no homeward password to change.
        return render(request, "web/account/change_password.html", {"form": None, "due": due})
    form = ChangePasswordForm(request, request.POST if request.method == "POST" else None)
    if form.is_valid():
        account_services.password_change(
            user=user, new_password=form.cleaned_data["new_password"], request=request
        )
        # This session goes on (under a new key); the account's other sessions end.
        update_session_auth_hash(request, user)
        messages.success(request, "Your password has been changed")
        # On to the page asked for at sign-in (if the change was due), or home.
        return _finish(request)
    return render(
        request,
        "web/account/change_password.html",
        {"form": form, "due": due},
        status=400 if form.errors else 200,
    )
