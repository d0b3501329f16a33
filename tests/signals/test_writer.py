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
from buyerkit.reports.folding import FOLDER_NICENESS, FOLLOWER, backlog
from buyerkit.signals.events import KitOpened
from buyerkit.signals.store import Store, StoreError, event_row
from buyerkit.signals.writer import WRITER_NICENESS, WriterProcess
from tests.conftest import make_app
from tests.signals.test_events_api import BROWSER_UA, SCORE

FOLD = {"fold_delay_ms": 20.0, "fold_batch": 200, "follower": FOLLOWER}


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
    done = subprocess.run([sys.executable, "-m", "buyerkit.signals.writer_main"],
                          capture_output=True,
                          text=True, timeout=30,
                          env={k: v for k, v in os.environ.items()
                               if k != "BUYERKIT_WRITER_FD"})
    assert done.returncode == 2
    assert done.stderr == (
        "Error: buyerkit.signals.writer_main is started by the store, not by hand\n")


def test_the_folder_is_not_started_by_hand():
    done = subprocess.run([sys.executable, "-m", "buyerkit.reports.folding"],
                          capture_output=True, text=True, timeout=30,
                          env={k: v for k, v in os.environ.items() if k != "BUYERKIT_FOLDER"})
    assert done.returncode == 2
    assert done.stderr == \
        "Error: buyerkit.reports.folding is started by the store's writer, not by hand\n"


def test_the_writer_folds_in_a_process_that_ends_with_it(store: Store):
    """Folding holds the GIL for milliseconds: it runs beside the writer, not in it, at a
    lower priority, and a killed writer takes its folder with it (the pipe closes)."""
    store.record(kit())
    writer = writer_of(store)
    (folder,) = folders(writer.pid)
    # Both yield the CPU to the worker's requests, the folder most.
    assert os.getpriority(os.PRIO_PROCESS, writer.pid) == max(WRITER_NICENESS, os.nice(0))
    wait_for(lambda: os.getpriority(os.PRIO_PROCESS, folder) ==
             max(FOLDER_NICENESS, os.nice(0)))  # its first act, once Python has started
    wait_for(lambda: backlog(store) == 0)
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=10)
    wait_for(lambda: not _alive(folder))


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


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1]
                                            .split()[1]) == pid:
                found.append(int(entry.name))
        except (OSError, ValueError):
            pass  # gone meanwhile
    return found


def _cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def folders(writer: int) -> list[int]:
    return [p for p in _children(writer) if "buyerkit.reports.folding" in _cmdline(p)]


def test_under_gunicorn_each_worker_has_a_writer_that_ends_with_it(tmp_path: Path):
    """A killed worker's writer and its folder exit and its replacement starts its own; a
    stopped server leaves no writer or folder behind."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
    from endpoint import Client, Endpoint

    server = Endpoint(tmp_path / "instance", workers=1, max_seconds=120)
    server.start()
    try:
        assert server.proc is not None
        master = next(p for p in _children(server.proc.pid) if "gunicorn" in _cmdline(p))

        def writers() -> dict[int, int]:  # writer pid -> its worker's pid
            return {w: worker for worker in _children(master) for w in _children(worker)
                    if "buyerkit.signals.writer" in _cmdline(w)}

        client = Client(server.port)
        status, answer = client.post("/api/v1/score", {
            "diagnostic": "renewal-risk-check", "answers": SCORE["answers"],
            "event_id": str(uuid.uuid4())})
        assert (status, answer["recorded"]) == (200, True)
        ((writer, worker),) = writers().items()
        (folder,) = folders(writer)
        os.kill(worker, signal.SIGKILL)
        wait_for(lambda: not _alive(writer))  # its worker's end closed: the writer left
        wait_for(lambda: not _alive(folder))  # and its pipe to the folder closed with it
        client.close()
        wait_for(lambda: len(writers()) == 1, seconds=30)  # gunicorn's new worker, its writer
        client = Client(server.port)
        status, answer = client.post("/api/v1/score", {
            "diagnostic": "renewal-risk-check", "answers": SCORE["answers"],
            "event_id": str(uuid.uuid4())})
        client.close()
        assert (status, answer["recorded"]) == (200, True)
        (writer,) = writers()
        (folder,) = folders(writer)
        os.kill(master, signal.SIGTERM)  # a graceful stop
        wait_for(lambda: not _alive(writer), seconds=30)
        wait_for(lambda: not _alive(folder), seconds=30)
        store = Store(f"sqlite:///{tmp_path / 'instance' / 'buyerkit.sqlite3'}")
        assert store.counts()["received"] == 2
        store.dispose()
    finally:
        server.kill()
