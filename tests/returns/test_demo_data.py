"""The demo's FOI answers: every question of the answer answered, seeding twice the same."""

from __future__ import annotations

from datetime import date

import pytest

from homeward.returns.demo_data import seed_foi_settings
from homeward.returns.foi import build_foi_answer
from homeward.returns.models import FoiDelivery

pytestmark = pytest.mark.django_db


def test_the_demo_answers_every_question(world):
    for _ in range(2):
        seed_foi_settings(world.authority, today=date(2026, 12, 5))
    assert FoiDelivery.objects.count() == 6
    made = build_foi_answer(start=date(2025, 4, 1), end=date(2026, 3, 31), degrade=False)
    (text,) = [f for f in made.files if f.name.endswith(".txt")]
    answer = text.data.decode()
    assert "Not answered" not in answer and "Not recorded" not in answer
    assert "Safe Harbour" in answer
