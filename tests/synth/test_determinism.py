"""Same seed and arguments → byte-identical files; another seed → other data."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from homeward.synth import generate, write


def _files(directory: Path, seed: int) -> dict[str, bytes]:
    write(generate(episodes=20_000, seed=seed, authorities=8), directory)
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    first = _files(tmp_path / "first", seed=42)
    second = _files(tmp_path / "second", seed=42)
    assert first.keys() == {"episodes.csv", "interviews.csv", "authorities.csv"}
    assert first == second


def test_other_seed_other_data(tmp_path: Path) -> None:
    first = _files(tmp_path / "first", seed=42)
    other = _files(tmp_path / "other", seed=43)
    assert first["episodes.csv"] != other["episodes.csv"]
    assert first["interviews.csv"] != other["interviews.csv"]
    assert first["authorities.csv"] != other["authorities.csv"]


def test_other_arguments_other_data() -> None:
    base = generate(episodes=5_000, seed=1)
    later = generate(episodes=5_000, seed=1, start=date(2019, 4, 1))
    assert not base.episodes.equals(later.episodes)
    first = later.episodes["started_at"].min()
    assert isinstance(first, datetime)
    assert first.date() >= date(2019, 4, 1)
    assert first.date() < date(2019, 4, 3)
