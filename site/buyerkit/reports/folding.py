"""Folding stored events into the roll-ups after their acknowledgement, in batches.

The store acknowledges an event once the event itself is durable and queues its id in
`unfolded` in the same transaction. Folding happens here, off the acknowledgement path: a
`Folder` thread per process folds the queue a batch at a time shortly after commits, and every
report folds whatever is left before it reads, so reports are never behind. Folding a batch and
deleting its ids from the queue is one transaction: a kill at any moment folds each event
exactly once. Batches are what make it cheap: `rollups.apply` runs about ten statements per
call however many rows it folds.

A writer process (signals/writer.py) folds in a `FolderProcess` of its own instead of a thread: a
fold holds the GIL for milliseconds at a time, and the writer's next commit, which requests
wait for, would queue behind it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from buyerkit.reports import rollups
from buyerkit.signals.bulk import among
from buyerkit.signals.groupcommit import take_flock
from buyerkit.signals.store import Store, events, unfolded
from buyerkit.signals.writer import lower_priority

log = logging.getLogger("buyerkit.reports")
BATCH = 200


def _queued(conn: sa.Connection, limit: int) -> tuple[list[str], list[dict[str, Any]]]:
    """Up to `limit` queued ids and their stored events (an id whose event was purged
    meanwhile has none, and is simply dequeued). PostgreSQL locks the ids, skipping those
    another folder holds."""
    ids = sorted(r[0] for r in conn.execute(
        sa.select(unfolded.c.id).limit(limit).with_for_update(skip_locked=True)))
    if not ids:
        return ids, []
    rows = [dict(r._mapping) for r in conn.execute(
        sa.select(events).where(among(conn, events.c.id, ids)).order_by(events.c.id))]
    return ids, rows


class _Raced(Exception):
    """Someone else folded or rebuilt while this fold read: do it again."""


@contextlib.contextmanager
def _fold_turn(store: Store) -> Iterator[None]:
    """One folder at a time among the processes sharing a SQLite file."""
    assert store.lock_path is not None
    fd = os.open(store.lock_path.with_name(store.lock_path.name + "-fold"),
                 os.O_RDWR | os.O_CREAT, 0o600)
    try:
        take_flock(fd)
        yield
    finally:
        os.close(fd)  # closing releases it


def fold(store: Store, limit: int = BATCH) -> int:
    """Fold up to `limit` queued events into the roll-ups and dequeue them, all in one
    transaction; return how many were dequeued.

    Not fsynced: a fold lost to a power cut is lost whole (roll-ups and queue together) and
    is simply done again; the events themselves were durable before their 2xx. On SQLite the
    events and states are read and folded before taking the write lock, which is held only
    to write the result: acknowledgements queue behind it."""
    if store.lock_path is None:  # PostgreSQL: row locks, so concurrent folders never clash
        with store.write(durable=False) as conn:
            ids, rows = _queued(conn, limit)
            rollups.apply(conn, rows)
            conn.execute(unfolded.delete().where(among(conn, unfolded.c.id, ids)))
        return len(ids)
    with _fold_turn(store):
        while True:
            with store.engine.connect() as conn:  # one read snapshot, no write lock
                ids, rows = _queued(conn, limit)
                if not ids:
                    return 0
                folded = rollups.plan(conn, rows)
            try:
                with store.write(durable=False) as conn:
                    gone = conn.execute(unfolded.delete().where(among(conn, unfolded.c.id, ids)))
                    if gone.rowcount != len(ids):
                        raise _Raced  # rolls the transaction back
                    rollups.write(conn, folded)
                return len(ids)
            except _Raced:
                continue


def catch_up(store: Store, limit: int = BATCH) -> int:
    """Fold the whole queue, a batch per transaction; return how many events were folded."""
    total = 0
    while True:
        n = fold(store, limit)
        total += n
        if n < limit:
            return total
        time.sleep(rollups.YIELD_S)  # let requests in between batches (gevent workers)


def backlog(store: Store) -> int:
    """How many stored events wait to be folded."""
    with store.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(unfolded)).scalar_one())


class Folder:
    """One thread per process that folds the queue shortly after the store commits: it waits
    `delay_ms` after a commit wakes it, so one fold takes many events, then folds until the
    queue is empty. Started on the first wake in each process (so a forked worker has its
    own); a failure is logged by name only and retried, and the events wait in the queue."""

    def __init__(self, store: Store, delay_ms: float = 200.0, batch: int = BATCH) -> None:
        self.store = store
        self.delay = max(delay_ms, 0.0) / 1000
        self.batch = max(int(batch), 1)
        self.wanted = threading.Event()
        self.stopped = False
        self.thread: threading.Thread | None = None
        self.pid = os.getpid()
        self.lock = threading.Lock()

    def wake(self) -> None:
        """Ask for a fold soon (called by the store after each commit; cheap)."""
        if self.thread is None or self.pid != os.getpid():
            with self.lock:
                if self.thread is None or self.pid != os.getpid():
                    self.pid, self.wanted = os.getpid(), threading.Event()
                    self.thread = threading.Thread(target=self._run, name="buyerkit-folder",
                                                   daemon=True)
                    self.thread.start()
        self.wanted.set()

    def _run(self) -> None:
        while not self.stopped:
            self.wanted.wait()
            if self.stopped:
                return
            time.sleep(self.delay)
            self.wanted.clear()
            try:
                catch_up(self.store, self.batch)
                self.store.checkpoint()
            except Exception as e:  # the queue is durable: log, wait, and try again
                log.warning("folding events into the report roll-ups failed (%s); retrying",
                            type(e).__name__)
                time.sleep(1.0)
                self.wanted.set()

    def close(self) -> None:
        """Stop the thread (after the fold in progress, if any)."""
        self.stopped = True
        self.wanted.set()
        thread = self.thread
        if thread is not None and thread is not threading.current_thread() \
                and self.pid == os.getpid():
            thread.join(timeout=10)


FOLLOWER = "buyerkit.reports.folding:FolderProcess"  # what a writer process starts
FOLDER_VARIABLE = "BUYERKIT_FOLDER"  # set by FolderProcess for the process it starts
# Below the writer's (WRITER_NICENESS): folding is background work, the roll-ups need only
# keep up, and reports fold whatever is left before they read.
FOLDER_NICENESS = 15


class FolderProcess:
    """Folding in a process of its own, for the store of a writer process: a byte down a pipe
    wakes it after each commit (a full pipe already holds a wake), and it exits when the pipe
    closes, whether its writer closed it or was killed. Same folds as the `Folder` thread."""

    def __init__(self, url: str, delay_ms: float = 200.0, batch: int = BATCH) -> None:
        package_root = str(Path(__file__).resolve().parents[2])
        path = os.environ.get("PYTHONPATH")
        env = {**os.environ, "PYTHONPATH": package_root + (os.pathsep + path if path else ""),
               FOLDER_VARIABLE: "1"}
        self.proc = subprocess.Popen([sys.executable, "-m", "buyerkit.reports.folding"],
                                     stdin=subprocess.PIPE, env=env)
        assert self.proc.stdin is not None
        self.fd = self.proc.stdin.fileno()
        # The settings go first, as one line on the pipe: a URL's password stays out of `ps`.
        settings = {"url": url, "delay_ms": delay_ms, "batch": batch}
        os.write(self.fd, json.dumps(settings).encode() + b"\n")
        os.set_blocking(self.fd, False)

    def wake(self) -> None:
        """Ask for a fold soon (cheap: one byte, never blocks)."""
        with contextlib.suppress(BlockingIOError, BrokenPipeError):
            os.write(self.fd, b"w")

    def close(self) -> None:
        """Close the pipe and let the folder finish the fold in progress, if any."""
        assert self.proc.stdin is not None
        with contextlib.suppress(OSError):
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def main() -> int:
    """Entry point of `python -m buyerkit.reports.folding`, started by FolderProcess only."""
    if os.environ.get(FOLDER_VARIABLE) != "1":
        print("Error: buyerkit.reports.folding is started by the store's writer, not by hand",
              file=sys.stderr)
        return 2
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # it ends with its writer, not on Ctrl-C
    lower_priority(FOLDER_NICENESS)
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    pipe = sys.stdin.buffer.raw
    line = pipe.readline()
    if not line:
        return 0
    try:
        settings = json.loads(line)
        store = Store(settings["url"])
        folder = Folder(store, float(settings["delay_ms"]), int(settings["batch"]))
    except Exception as e:  # the writer reports an unusable store; nothing to fold here
        log.warning("the folder could not open the store (%s)", type(e).__name__)
        return 1
    store.followers.append(folder)
    try:
        folder.wake()  # whatever an earlier writer left queued
        while pipe.read(4096):
            folder.wake()
    finally:
        store.dispose()  # stops the folder after the fold in progress
    return 0


def init_app(app: Flask) -> None:
    """Fold the app store's new events into the roll-ups after each commit (FOLD_DELAY_MS,
    FOLD_BATCH)."""
    store: Any = app.extensions["buyerkit.store"]
    store.followers.append(Folder(store, float(app.config.get("FOLD_DELAY_MS", 200.0)),
                                  int(app.config.get("FOLD_BATCH", BATCH))))


if __name__ == "__main__":
    sys.exit(main())
