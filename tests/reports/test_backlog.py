"""Folding off the acknowledgement path: every acknowledged event is queued once, folded once
(by the background folder, by concurrent folders, or by a report that reads before them), and
the roll-ups always end equal to a rebuild from the events."""

from __future__ import annotations

import threading
import time
import uuid

import sqlalchemy as sa

from buyerkit.reports import folding as backlog
from buyerkit.reports import rollups
from buyerkit.signals.events import Channel, DiagnosticCompleted, StepReached
from buyerkit.signals.groupcommit import write_turn
from buyerkit.signals.store import Store, events, unfolded
from tests.reports.test_rollups import snapshot


def completed(journey: str | None = None, verdict: str = "fit") -> DiagnosticCompleted:
    return DiagnosticCompleted(id=str(uuid.uuid4()), subject="renewal-risk-check",
                               verdict=verdict, reasons=("problem_fits",), bucket=None,
                               trigger="mandate", journey=journey or str(uuid.uuid4()),
                               channel=Channel("linkedin"))


def queued(store: Store) -> set[str]:
    with store.engine.connect() as conn:
        return {r[0] for r in conn.execute(sa.select(unfolded.c.id))}


def agrees_with_rebuild(store: Store) -> bool:
    with store.engine.connect() as conn:  # one transaction, rolled back: nothing changes
        incremental = snapshot(conn)
        rollups.rebuild(conn, events)
        rebuilt = snapshot(conn)
        conn.rollback()
    return incremental == rebuilt


def test_each_new_event_is_queued_once_and_a_retry_not_at_all(store_url):
    store = Store(store_url)
    try:
        a, b = completed(), completed()
        store.record_many([a, b])
        store.record(a)  # a retry: already stored, so neither stored nor queued again
        assert queued(store) == {a.id, b.id}
        assert backlog.catch_up(store) == 2
        assert queued(store) == set()
        store.record(b)  # retried after it was folded
        assert queued(store) == set()
        assert agrees_with_rebuild(store)
    finally:
        store.dispose()


def test_the_folder_folds_soon_after_commits_without_being_asked(rapp):
    store = rapp.extensions["buyerkit.store"]
    journey = str(uuid.uuid4())
    store.record(StepReached(id=str(uuid.uuid4()), subject="renewal-risk-check",
                             journey=journey, step=2))
    store.record(completed(journey))
    deadline = time.monotonic() + 10
    while backlog.backlog(store) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert backlog.backlog(store) == 0
    assert agrees_with_rebuild(store)


def test_a_report_is_never_behind_the_store(tmp_path, content_dir, store_url, runner,
                                            monkeypatch):
    from tests.conftest import make_app

    # A folder that would wait an hour: the report must fold what is queued itself.
    app = make_app(tmp_path, content_dir, DATABASE_URL=store_url, FOLD_DELAY_MS=3_600_000)
    store = app.extensions["buyerkit.store"]
    try:
        client = app.test_client()
        for _ in range(6):
            assert client.post("/api/v1/score", json={
                "diagnostic": "renewal-risk-check", "answers": {
                    "symptom": "surprise_churn", "visibility": ["usage_unread"],
                    "trigger": "new_leader", "size": "50_199", "billing": "annual",
                    "crm": "hubspot", "hosting": "cloud_ok", "role": "cs_leader",
                    "group": ["cfo"]}}).json["recorded"] is True
        assert backlog.backlog(store) == 6
        monkeypatch.setenv("BUYERKIT_DATABASE_URL", store_url)
        monkeypatch.setenv("BUYERKIT_INSTANCE_PATH", app.instance_path)
        monkeypatch.setenv("BUYERKIT_CONTENT_DIR", str(content_dir))
        result = runner.invoke(["report", "overview", "--table", "outcomes", "--format", "csv"])
        assert result.exit_code == 0, result.stderr
        assert backlog.backlog(store) == 0
        assert "Completed,6,1.0000" in result.stdout.splitlines()
    finally:
        store.dispose()


def test_concurrent_folders_fold_every_event_exactly_once(store_url):
    store, other = Store(store_url), Store(store_url)  # two "processes" on one store
    try:
        journeys = [str(uuid.uuid4()) for _ in range(40)]
        for i in range(8):
            store.record_many([completed(journeys[(i * 7 + k) % 40],
                                         ("fit", "not_now", "not_a_fit")[k % 3])
                               for k in range(50)])
        folded: list[int] = []
        threads = [threading.Thread(target=lambda s=s: folded.append(backlog.catch_up(s, 37)))
                   for s in (store, other, store, other)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sum(folded) == 400
        assert backlog.backlog(store) == 0
        assert agrees_with_rebuild(store)
    finally:
        other.dispose()
        store.dispose()


def test_a_rebuild_leaves_nothing_to_fold_twice(store_url):
    store = Store(store_url)
    try:
        store.record_many([completed() for _ in range(3)])
        with store.engine.begin() as conn:
            rollups.rebuild(conn, events)
        assert backlog.backlog(store) == 0
        assert backlog.catch_up(store) == 0
        with store.engine.connect() as conn:
            total = conn.execute(sa.text(
                "SELECT sum(n) FROM ru_outcomes WHERE status = 'fit'")).scalar_one()
        assert total == 3
    finally:
        store.dispose()


def test_processes_take_turns_at_the_sqlite_write_lock(tmp_path):
    """A process that keeps writing cannot starve one that waits (the turnstile)."""
    lock = tmp_path / "db.sqlite3.write-lock"
    order: list[str] = []
    inside = threading.Event()

    def hog() -> None:
        for _ in range(30):
            with write_turn(lock):
                order.append("hog")
                inside.set()
                time.sleep(0.002)

    t = threading.Thread(target=hog)
    t.start()
    inside.wait(5)
    with write_turn(lock):
        order.append("waiter")
    t.join()
    # The waiter got in after at most the turn in progress and one more, not after all 30.
    assert order.index("waiter") <= 3, order


def test_acknowledgements_leave_checkpoints_to_the_folder(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 's.sqlite3'}")
    try:
        store.record(completed())
        with store.write() as conn:  # the writer's connection, as the group commit opens it
            pages = conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one()
        assert pages == 16_000  # only a safety net; the folder checkpoints after each fold
        store.checkpoint()
        with store.engine.connect() as conn:
            busy, log, done = conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
        assert (busy, log) == (0, done)
    finally:
        store.dispose()


def test_the_gunicorn_settings_use_gevent_workers_without_an_access_log():
    from buyerkit import gunicorn_conf

    assert (gunicorn_conf.worker_class, gunicorn_conf.workers) == ("gevent", 1)
    assert gunicorn_conf.accesslog is None


def test_waiting_for_the_write_turn_sleeps_instead_of_blocking(tmp_path, monkeypatch):
    """A blocked flock would stop a gevent worker's every request; the wait sleeps instead
    (time.sleep is gevent's under its workers), and takes the turn once it is free."""
    lock = tmp_path / "db.sqlite3.write-lock"
    sleeps: list[float] = []
    real_sleep = time.sleep
    holder = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with write_turn(lock):
            holder.set()
            release.wait(5)

    t = threading.Thread(target=hold)
    t.start()
    holder.wait(5)

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 3:
            release.set()
        real_sleep(seconds)

    monkeypatch.setattr("buyerkit.signals.groupcommit.time.sleep", sleep)
    with write_turn(lock):
        pass
    t.join()
    assert len(sleeps) >= 3 and max(sleeps) <= 0.001
