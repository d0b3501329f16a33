"""The signal store on both engines: documented columns, migrations, retries, group commit."""

from __future__ import annotations

import re
import threading
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from buyerkit.signals.events import Channel, DiagnosticCompleted, GuideShared, KitOpened
from buyerkit.signals.migrations import LATEST, MIGRATIONS
from buyerkit.signals.store import COLUMNS, HOURS_PER_MONTH, Store, StoreError, event_row, events

SIGNALS_DOC = Path(__file__).resolve().parents[2] / "docs" / "signals.md"


def documented_columns() -> list[str]:
    """The first cell of each row of docs/signals.md's "What is stored" table."""
    text = SIGNALS_DOC.read_text()
    section = text.split("## What is stored", 1)[1].split("\n#", 1)[0]
    return re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE)


def kit(**kw) -> KitOpened:
    return KitOpened(id=str(uuid.uuid4()), subject="kit", **kw)


@pytest.fixture
def store(store_url: str):
    s = Store(store_url, group_commit_ms=2)
    yield s
    s.dispose()


def test_columns_equal_the_documented_list(store: Store):
    in_db = [c["name"] for c in sa.inspect(store.engine).get_columns("events")]
    assert in_db == documented_columns()
    assert list(COLUMNS) == in_db
    forbidden = {"ip", "ip_address", "user_agent", "ua", "cookie", "email", "name", "text"}
    assert forbidden.isdisjoint(in_db)


def test_migrations_are_versioned_and_run_once(store: Store, store_url: str):
    with store.engine.connect() as conn:
        versions = [r[0] for r in conn.exec_driver_sql(
            "SELECT version FROM schema_version ORDER BY version")]
    assert versions == [m.version for m in MIGRATIONS] and versions[-1] == LATEST
    again = Store(store_url)  # a second process opening the same store changes nothing
    again.dispose()
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM schema_version").scalar() == LATEST


def test_a_foundation_store_is_migrated_in_place(store_url: str):
    """A store made before versioning (the foundation's table, rows in it) is upgraded."""
    engine = sa.create_engine(_driver(store_url))
    with engine.begin() as conn:
        MIGRATIONS[0].apply(conn)
        conn.execute(sa.text("INSERT INTO events (id, kind, hour, subject) "
                             "VALUES ('00000000-0000-4000-8000-000000000001', 'kit_opened', 1, "
                             "'kit')"))
    engine.dispose()
    s = Store(store_url)
    try:
        assert [r["id"] for r in s.rows()] == ["00000000-0000-4000-8000-000000000001"]
        assert [c["name"] for c in sa.inspect(s.engine).get_columns("events")] == list(COLUMNS)
    finally:
        s.dispose()


def _driver(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def test_a_retried_event_is_stored_once(store: Store):
    event = kit()
    store.record(event)
    store.record(event)
    store.record_many([event, event])
    threads = [threading.Thread(target=store.record, args=(event,)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r["id"] for r in store.rows()] == [event.id]


def test_rows_hold_only_the_allowlisted_properties(store: Store):
    e = DiagnosticCompleted(
        id=str(uuid.uuid4()), subject="renewal-risk-check", verdict="fit",
        reasons=("problem_fits",), bucket="retain_expand", trigger="mandate",
        bands={"size": "50_199", "not_a_band": "x"},
        channel=Channel.from_values("Newsletter", "email", "jane@example.com",
                                    "https://news.example.org/a?b=c"))
    store.record(e)
    (row,) = store.rows()
    assert row["props"] == '{"bands":{"size":"50_199"}}'
    assert (row["source"], row["medium"], row["campaign"], row["referrer"]) == \
        ("newsletter", "email", None, "news.example.org")


def test_group_commit_shares_transactions(store_url: str):
    """Concurrent writers are acknowledged by fewer commits than writes, each one durable."""
    s = Store(store_url, group_commit_ms=20)
    commits: list[int] = []
    sa.event.listen(s.write_engine, "commit", lambda conn: commits.append(1))
    ids = [kit() for _ in range(40)]
    barrier = threading.Barrier(len(ids))

    def write(e):
        barrier.wait()
        s.record(e)

    threads = [threading.Thread(target=write, args=(e,)) for e in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert sorted(r["id"] for r in s.rows()) == sorted(e.id for e in ids)
        assert 1 <= len(commits) < len(ids) / 2
    finally:
        s.dispose()


def test_a_batch_keeps_every_value_as_given(store: Store):
    """A group commit's rows travel as one document on PostgreSQL (bulk.py): nulls, numbers,
    quotes, backslashes and non-ASCII text come back exactly, and an id twice is kept once."""
    first, second = event_row(kit()), event_row(kit(journey=str(uuid.uuid4())))
    second.update(props='{"k":"a \\"quoted\\" \\\\ Zürich ☂"}', org="3f" * 16,
                  reasons="x," * 10, hour=2 ** 31 - 1)
    store.commit_rows([first, second, dict(first)])
    assert sorted(store.rows(), key=lambda r: r["id"]) == \
        sorted([first, second], key=lambda r: r["id"])


def test_a_batch_is_all_or_nothing(store: Store):
    """One bad row fails its whole transaction: no event of the request is half-stored."""
    good, bad = event_row(kit()), event_row(kit())
    bad["hour"] = None  # violates NOT NULL on both engines
    with pytest.raises(StoreError, match="could not commit"):
        store._group_commit().submit([good, bad])
    assert store.rows() == []
    store.record(kit())  # the writer goes on after a failed transaction
    assert len(store.rows()) == 1


def test_counts_say_received_counted_filtered(store: Store):
    store.record(kit())
    store.record(kit(), filtered="bot")
    store.record(kit(), filtered="honeypot")
    store.record_many([GuideShared(id=str(uuid.uuid4()), subject="cfo", means="copy")])
    assert store.counts() == {"received": 4, "counted": 2, "filtered": 2}


def test_purge_deletes_only_older_events(store: Store):
    old, recent = kit(), kit()
    store.record(old)
    store.record(recent)
    with store.engine.begin() as conn:
        conn.execute(events.update().where(events.c.id == old.id)
                     .values(hour=events.c.hour - 14 * HOURS_PER_MONTH))
    assert store.purge(13 * HOURS_PER_MONTH) == 1
    assert [r["id"] for r in store.rows()] == [recent.id]
