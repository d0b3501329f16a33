"""Group commit: many requests' rows made durable by one commit (one fsync), leaders and
followers, with SQLite's writers of different processes taking fair turns at a file lock.

Used by the store (store.py) for events; it knows nothing of what the rows are.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa


class StoreError(Exception):
    """The store could not make an event durable; the caller must not acknowledge it."""


def _is_busy(error: Exception) -> bool:
    return "database is locked" in str(error) or "database is busy" in str(error)


def take_flock(fd: int) -> None:
    """Take an exclusive flock, sleeping between tries (cooperative under gevent)."""
    pause = 0.0001
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            time.sleep(pause)
            pause = min(pause * 2, 0.001)


@contextlib.contextmanager
def write_turn(lock_path: Path | None) -> Iterator[None]:
    """Hold SQLite's write turn among this store's processes, fairly: a process that just
    wrote queues behind one already waiting. Two file locks make the queue: the turnstile is
    held only while waiting for the write lock, so a waiting process keeps the others out of
    the line. (With the write lock alone, the process that just released it usually wins it
    straight back and a busy worker starves the other.) No lock without a file (PostgreSQL,
    :memory:). Waiting polls with short sleeps rather than blocking in `flock`: under gevent
    a blocked `flock` would stop every request of the worker, and a sleep lets them run."""
    if lock_path is None:
        yield
        return
    turnstile = os.open(lock_path.with_name(lock_path.name + "-turn"),
                        os.O_RDWR | os.O_CREAT, 0o600)
    lock = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        take_flock(turnstile)
        take_flock(lock)
        os.close(turnstile)  # closing releases it: the next process may queue
        turnstile = -1
        yield
    finally:
        if turnstile >= 0:
            os.close(turnstile)
        os.close(lock)


class Ticket:
    """One request's rows waiting to be committed (here, or by the writer process)."""

    __slots__ = ("rows", "wake", "lead", "finished", "error")

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        # Released when committed, or when this request must lead: a bare lock wakes its one
        # waiter directly (an Event's condition makes every woken thread queue for its lock).
        self.wake = threading.Lock()
        self.wake.acquire()
        self.lead = False
        self.finished = False
        self.error: BaseException | None = None


class GroupCommit:
    """Leader/follower group commit. The first request to arrive leads: it takes every row
    waiting, commits them in one transaction and wakes their requests; whoever arrived during
    that commit waits, and the first of them leads the next one. A lone request commits in
    its own thread (no hand-off); under load one fsync acknowledges many requests. `wait_ms`
    lets a leader wait briefly for company before it commits. `lanes` leaders may commit at
    once, each on its own connection: 1 for SQLite (one writer), more for PostgreSQL, whose
    own WAL flush then shares one fsync among the lanes' commits."""

    def __init__(self, engine: sa.Engine,
                 insert: Callable[[sa.Connection, list[dict[str, Any]]], object],
                 wait_ms: float, max_rows: int = 500,
                 lock_path: Path | None = None,
                 on_commit: Callable[[], None] | None = None, lanes: int = 1) -> None:
        self.engine = engine
        self.insert = insert  # runs INSERT ... ON CONFLICT DO NOTHING with each batch
        self.lock_path = lock_path
        self.on_commit = on_commit
        self.wait = max(wait_ms, 0.0) / 1000
        self.max_rows = max_rows
        self.lanes = max(lanes, 1)
        self.lock = threading.Lock()
        self.pending: list[Ticket] = []
        self.leaders = 0  # threads leading a commit now, or woken to lead the next one
        self.idle: list[sa.Connection] = []  # the lanes' connections, between commits

    def submit(self, rows: list[dict[str, Any]], timeout: float = 15.0) -> None:
        """Block until `rows` are committed (all of them, or none and StoreError)."""
        ticket = Ticket(rows)
        with self.lock:
            self.pending.append(ticket)
            if self.leaders < self.lanes:
                ticket.lead = True
                self.leaders += 1
        while not ticket.finished:
            if ticket.lead:
                self._lead(ticket)
            elif not ticket.wake.acquire(timeout=timeout):
                raise StoreError("the store did not commit in time")
        if ticket.error is not None:
            raise StoreError("the store could not commit") from ticket.error

    def _lead(self, own: Ticket) -> None:
        if self.wait:
            time.sleep(self.wait)
        batch: list[Ticket] = []
        error: BaseException | None = StoreError("the commit was interrupted")
        # SQLite has one writer: leaders of different processes take turns at the file lock
        # (see write_turn), and each takes its batch only once it holds the lock, so every
        # request that arrived while the other process committed shares this commit.
        with write_turn(self.lock_path):
            with self.lock:
                # Its own rows, then whatever waits (not another leader's: each leads its own).
                self.pending.remove(own)
                batch, rows, keep = [own], len(own.rows), []
                for t in self.pending:
                    if t.lead or rows + len(t.rows) > self.max_rows:
                        keep.append(t)
                    else:
                        batch.append(t)
                        rows += len(t.rows)
                self.pending = keep
            try:
                error = self._commit([row for t in batch for row in t.rows])
            finally:
                with self.lock:
                    for t in batch:
                        t.error, t.finished, t.lead = error, True, False
                    nxt = next((t for t in self.pending if not t.lead), None)
                    if nxt is not None:
                        nxt.lead = True  # hand over: the next request leads the next commit
                    else:
                        self.leaders -= 1
                for t in batch:
                    if t is not own:
                        t.wake.release()
                if nxt is not None:
                    nxt.wake.release()
        if error is None and self.on_commit is not None:
            self.on_commit()

    def _commit(self, rows: list[dict[str, Any]]) -> BaseException | None:
        """Insert the rows in one transaction; the error if it failed, else None."""
        busy_until = time.monotonic() + 10
        failures = busy = 0
        with self.lock:
            conn = self.idle.pop() if self.idle else None
        while True:
            try:
                if conn is None:
                    conn = self.engine.connect()
                with conn.begin():
                    # A retried id is skipped, so it is neither stored nor queued twice; the
                    # rows inserted are queued for the roll-ups by the table's trigger.
                    self.insert(conn, rows)
                with self.lock:
                    self.idle.append(conn)
                return None
            except Exception as e:  # every waiter must hear of any failure
                if _is_busy(e) and time.monotonic() < busy_until:
                    busy += 1  # another program is writing: its lock lasts ~1 ms
                    time.sleep(0.0003 * min(busy, 6))
                    continue
                _drop(conn)  # start afresh on a new connection
                conn = None
                failures += 1
                if failures >= 3:
                    return e
                time.sleep(0.05 * failures)

    def close(self) -> None:
        """Drop the idle connections (new ones are made on the next commits)."""
        with self.lock:
            idle, self.idle = self.idle, []
        for conn in idle:
            _drop(conn)


def _drop(conn: sa.Connection | None) -> None:
    if conn is not None:
        try:
            conn.invalidate()
            conn.close()
        except Exception:  # a broken connection may fail to close; it is dropped anyway
            pass
