"""The writer process (STORE_WRITER=process) on both engines: durable before the answer,
retries stored once, folding done by the writer, a writer that dies replaced, none left over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from buyerkit.errors import BuyerkitError
from buyerkit.events import KitOpened
from buyerkit.reports.backlog import backlog
from buyerkit.store import Store, StoreError, event_row
from buyerkit.writer import WriterProcess

from ..conftest import make_app
from .test_events_api import BROWSER_UA, SCORE

FOLD = {"fold_delay_ms": 20.0, "fold_batch": 200}


def kit() -> KitOpened:
    return KitOpened(id=str(uuid.uuid4()), subject="kit")


@pytest.fixture
def store(store_url: str):
    s = Store(store_url, writer_process=FOLD)
    yield s
    s.dispose()


def writer_of(store: Store) -> subprocess.Popen:
    writer = store._group_commit()
    assert isinstance(writer, WriterProcess) and writer.proc is not None
    return writer.proc


def wait_for(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_events_are_stored_once_and_folded_by_the_writer(store: Store):
    events = [kit() for _ in range(30)]
    threads = [threading.Thread(target=store.record, args=(e,)) for e in events]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    store.record_many(events[:5])  # retried: acknowledged again, stored once
    assert sorted(r["id"] for r in store.rows()) == sorted(e.id for e in events)
    assert writer_of(store).pid != os.getpid()
    wait_for(lambda: backlog(store) == 0)  # the writer's own folder followed the commits


def test_a_failed_transaction_is_reported_and_the_writer_goes_on(store: Store):
    good, bad = event_row(kit()), event_row(kit())
    bad["hour"] = None  # violates NOT NULL on both engines
    with pytest.raises(StoreError, match="^the store could not commit$"):
        store.commit_rows([good, bad])
    assert store.rows() == []
    store.record(kit())
    assert len(store.rows()) == 1


def test_a_killed_writer_is_replaced_and_the_rows_sent_again(store: Store):
    first = kit()
    store.record(first)
    old = writer_of(store)
    old.send_signal(signal.SIGKILL)
    old.wait(timeout=10)
    second = kit()
    store.record(second)  # the pump finds the writer gone, starts another, sends again
    assert writer_of(store).pid != old.pid
    assert sorted(r["id"] for r in store.rows()) == sorted([first.id, second.id])


def test_the_writer_exits_with_its_store(store_url: str):
    s = Store(store_url, writer_process=FOLD)
    s.record(kit())
    proc = writer_of(s)
    s.dispose()
    assert proc.wait(timeout=15) == 0


def test_a_writer_that_cannot_open_the_store_fails_the_request_in_one_line(
        tmp_path: Path, capfd: pytest.CaptureFixture[str]):
    s = Store(f"sqlite:///{tmp_path / 'store.sqlite3'}", writer_process=FOLD)
    (tmp_path / "store.sqlite3").unlink()  # the writer's own open now makes an empty file...
    (tmp_path / "store.sqlite3").mkdir()  # ...unless a folder stands in its way
    try:
        with pytest.raises(StoreError, match="^the store could not commit$"):
            s.record(kit())
    finally:
        s.dispose()
    err = capfd.readouterr().err
    assert "Traceback" not in err
    assert "buyerkit: the store's writer could not open the store (OperationalError)" in err


def test_the_writer_is_not_started_by_hand():
    done = subprocess.run([sys.executable, "-m", "buyerkit.writer"], capture_output=True,
                          text=True, timeout=30,
                          env={k: v for k, v in os.environ.items()
                               if k != "BUYERKIT_WRITER_FD"})
    assert done.returncode == 2
    assert done.stderr == "Error: buyerkit.writer is started by the store, not by hand\n"


@pytest.mark.parametrize("value", ["threads", "", "PROCESS"], ids=["typo", "empty", "case"])
def test_store_writer_is_checked(tmp_path: Path, content_dir: Path, value: str):
    with pytest.raises(BuyerkitError,
                       match=f"^STORE_WRITER must be thread or process, not {value!r}$"):
        make_app(tmp_path, content_dir, STORE_WRITER=value)


def test_the_app_hands_its_events_to_a_writer(tmp_path: Path, content_dir: Path):
    app = make_app(tmp_path, content_dir, STORE_WRITER="process")
    store = app.extensions["buyerkit.store"]
    try:
        response = app.test_client().post("/api/v1/score", json=SCORE,
                                          headers={"User-Agent": BROWSER_UA})
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["recorded"] is True
        assert len(store.rows()) == 1
        assert isinstance(store._group_commit(), WriterProcess)
    finally:
        store.dispose()
