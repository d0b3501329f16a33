"""`buyerkit purge`: retention by age, with the configured default and one-line errors."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from buyerkit.signals.events import KitOpened
from buyerkit.signals.store import HOURS_PER_MONTH, Store, events


@pytest.fixture
def aged_store(tmp_path: Path, monkeypatch, content_dir: Path):
    """A store in an instance folder with events 1, 10, 12.5, 14 and 30 months old."""
    instance = tmp_path / "instance"
    instance.mkdir()
    monkeypatch.setenv("BUYERKIT_INSTANCE_PATH", str(instance))
    monkeypatch.setenv("BUYERKIT_CONTENT_DIR", str(content_dir))
    store = Store(f"sqlite:///{instance / 'buyerkit.sqlite3'}")
    for months in (1, 10, 12.5, 14, 30):
        e = KitOpened(id=str(uuid.uuid4()), subject="kit")
        store.record(e)
        with store.engine.begin() as conn:
            conn.execute(events.update().where(events.c.id == e.id)
                         .values(hour=events.c.hour - int(months * HOURS_PER_MONTH)))
    yield store
    store.dispose()


@pytest.mark.parametrize("args,left,said", [
    ([], 3, "Purged 2 events older than 13m."),
    (["--older-than", "11m"], 2, "Purged 3 events older than 11m."),
    (["--older-than", "400d"], 3, "Purged 2 events older than 400d."),
    (["--older-than", "100m"], 5, "Purged 0 events older than 100m."),
], ids=["default-13m", "11m", "400d", "none"])
def test_purge_deletes_events_older_than_the_age(runner, aged_store, args, left, said):
    result = runner.invoke(["purge", *args])
    assert (result.exit_code, result.stdout.strip()) == (0, said), result.stderr
    assert len(aged_store.rows()) == left


def test_retention_months_comes_from_config(runner, aged_store, monkeypatch):
    monkeypatch.setenv("BUYERKIT_RETENTION_MONTHS", "6")
    result = runner.invoke(["purge"])
    assert result.stdout.strip() == "Purged 4 events older than 6m."


@pytest.mark.parametrize("age", ["13", "13y", "-1m", "0m", "lots"])
def test_a_bad_age_is_one_line(runner, aged_store, age):
    result = runner.invoke(["purge", "--older-than", age])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"Error: Invalid value for '--older-than': '{age}' is not an age like 13m, 8w or 30d "
        "(see 'buyerkit purge --help')"]
    assert len(aged_store.rows()) == 5
