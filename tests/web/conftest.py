"""Signed-in test clients: password and second factor passed, as a real sign-in leaves them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.accounts.models import User
from tests.factories import World, make_world


def sign_in(client: Client, user: User) -> Client:
    """Sign `user` in on `client` with a confirmed TOTP device marked as verified."""
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def world(db: None) -> World:
    return make_world()


@pytest.fixture
def client_for(world: World) -> Callable[[str], Client]:
    """`client_for("worker")`: a fresh client signed in as that user of the world."""

    def make(name: str) -> Client:
        return sign_in(Client(), world.user(name))

    return make
