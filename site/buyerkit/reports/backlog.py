"""Folding stored events into the roll-ups after their acknowledgement, in batches.

The store acknowledges an event once the event itself is durable and queues its id in
`unfolded` in the same transaction. Folding happens here, off the acknowledgement path: a
`Folder` thread per process folds the queue a batch at a time shortly after commits, and every
report folds whatever is left before it reads, so reports are never behind. Folding a batch and
deleting its ids from the queue is one transaction: a kill at any moment folds each event
exactly once. Batches are what make it cheap: `rollups.apply` runs about ten statements per
call however many rows it folds.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from flask import Flask

from ..groupcommit import take_flock
from ..store import Store, events, unfolded
from . import rollups

log = logging.getLogger("buyerkit.reports")
BATCH = 200


def _queued(conn: sa.Connection, limit: int) -> tuple[list[str], list[dict[str, Any]]]:
    """Up to `limit` queued ids and their stored events (an id whose event was purged
    meanwhile has none, and is simply dequeued). PostgreSQL locks the ids, skipping those
    another folder holds."""
    ids = sorted(r[0] for r in conn.execute(
        sa.select(unfolded.c.id).limit(limit).with_for_update(skip_locked=True)))
    rows = [dict(r._mapping) for r in conn.execute(
        sa.select(events).where(events.c.id.in_(ids)).order_by(events.c.id))] if ids else []
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
            conn.execute(unfolded.delete().where(unfolded.c.id.in_(ids)))
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
                    gone = conn.execute(unfolded.delete().where(unfolded.c.id.in_(ids)))
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


def init_app(app: Flask) -> None:
    """Fold the app store's new events into the roll-ups after each commit (FOLD_DELAY_MS,
    FOLD_BATCH)."""
    store: Any = app.extensions["buyerkit.store"]
    store.followers.append(Folder(store, float(app.config.get("FOLD_DELAY_MS", 200.0)),
                                  int(app.config.get("FOLD_BATCH", BATCH))))
