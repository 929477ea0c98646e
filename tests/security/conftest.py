"""The signed-in clients and the world of the web tests, for the attacks here."""

from tests.web.conftest import client_for, world

__all__ = ["client_for", "world"]
