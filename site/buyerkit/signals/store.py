"""The signal store: the only mutable state. Every write is validated and durable before ack.

One code path for SQLite (default, WAL, synchronous=FULL) and PostgreSQL (synchronous_commit
on), through SQLAlchemy Core. Writes go through a group commit (leader/follower, see GroupCommit):
everything that arrives while a commit is being made is committed together in the next one,
so one fsync acknowledges many requests without weakening durability. The same transaction
queues each new event's id in `unfolded` (a trigger, see migrations.py), for the reports to
fold in later (reports/folding.py): the acknowledgement waits for the event, not the roll-ups.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.dialects import sqlite

from buyerkit.errors import BuyerkitError
from buyerkit.signals.bulk import ROWS, insert_json
from buyerkit.signals.events import Event, hour_now
from buyerkit.signals.groupcommit import GroupCommit, write_turn
from buyerkit.signals.groupcommit import StoreError as StoreError  # what callers of the store catch
from buyerkit.signals.migrations import migrate
from buyerkit.signals.writer import WriterProcess

metadata = sa.MetaData()

# The documented column list (docs/signals.md): nothing that could identify a person has
# a column here. Migrations in migrations.py build exactly this table; a test compares them.
events = sa.Table(
    "events", metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("hour", sa.Integer, nullable=False),
    sa.Column("subject", sa.String(64), nullable=False),
    sa.Column("journey", sa.String(36)),
    sa.Column("grp", sa.String(36)),
    sa.Column("verdict", sa.String(16)),
    sa.Column("reasons", sa.String(400)),
    sa.Column("bucket", sa.String(16)),
    sa.Column("trigger", sa.String(16)),
    sa.Column("props", sa.String(2000)),
    sa.Column("source", sa.String(64)),
    sa.Column("medium", sa.String(64)),
    sa.Column("campaign", sa.String(64)),
    sa.Column("referrer", sa.String(64)),
    sa.Column("org", sa.String(32)),
    sa.Column("filtered", sa.String(16)),
)
COLUMNS: tuple[str, ...] = tuple(c.name for c in events.columns)
# Ids of stored events not yet folded into the report roll-ups: queued by a trigger as each
# event is inserted, and deleted in the transaction that folds it (so each is folded once).
unfolded = sa.Table("unfolded", metadata, sa.Column("id", sa.String(36), primary_key=True))
FILTER_REASONS = ("bot", "honeypot")
PG_LANES = 3  # concurrent commits per process on PostgreSQL (SQLite: one writer)
WAL_SAFETY_PAGES = 16_000  # 64 MB of WAL at SQLite's default 4 KiB pages
HOURS_PER_MONTH = 730  # 365 * 24 / 12, so "13 months" means the same on every day


def event_row(event: Event, filtered: str | None = None) -> dict[str, Any]:
    """The one row an event becomes: its allowlisted properties and nothing else."""
    props = dict(event.properties())
    row: dict[str, Any] = {
        "id": event.id, "kind": event.kind, "hour": hour_now(),
        "subject": event.subject, "journey": event.journey, "grp": event.group,
        "source": event.channel.source, "medium": event.channel.medium,
        "campaign": event.channel.campaign, "referrer": event.channel.referrer,
        "filtered": filtered if filtered in FILTER_REASONS else None,
    }
    for column in ("verdict", "reasons", "bucket", "trigger", "org"):
        row[column] = props.pop(column, None)
    row["props"] = json.dumps(props, sort_keys=True, separators=(",", ":")) if props else None
    return row


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" hook issue BEGIN, so DDL in migrations is transactional too.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def _sqlite_begin(conn: sa.Connection) -> None:
    # Straight to the driver: SQLAlchemy's statement pipeline would cost more than BEGIN.
    conn.connection.driver_connection.execute("BEGIN")


def _sqlite_writer_connect(dbapi_conn: Any, record: Any) -> None:
    _sqlite_connect(dbapi_conn, record)
    # The writer takes the write lock up front and retries briefly itself when another
    # process holds it: SQLite's own busy handler sleeps in steps of up to 100 ms.
    dbapi_conn.execute("PRAGMA busy_timeout=0")
    # Checkpoints (copying the WAL into the database, with fsyncs) are the folder's job, off
    # the acknowledgement path (Store.checkpoint); this only bounds the WAL if it never runs.
    dbapi_conn.execute(f"PRAGMA wal_autocheckpoint={WAL_SAFETY_PAGES}")


def _sqlite_writer_begin(conn: sa.Connection) -> None:
    conn.connection.driver_connection.execute("BEGIN IMMEDIATE")


def make_engine(url: str, *, writer: bool = False) -> sa.Engine:
    """An engine whose every commit is durable against power loss, on either database;
    `writer` makes the group-commit writer's own one-connection SQLite engine."""
    for scheme in ("postgres://", "postgresql://"):
        if url.startswith(scheme):  # psycopg 3 is the driver we ship, whatever the URL says
            url = "postgresql+psycopg://" + url[len(scheme):]
    if url.startswith("postgresql"):
        # synchronous_commit=on whatever the server's default: a commit waits for its WAL fsync.
        options = (sa.make_url(url).query.get("options") or "") + " -c synchronous_commit=on"
        # The group commit's rows go in one INSERT, its own transaction (autocommit): one
        # round trip instead of three (BEGIN, INSERT, COMMIT), and still all rows or none.
        return sa.create_engine(url, pool_pre_ping=True,
                                connect_args={"options": options.strip()},
                                **({"isolation_level": "AUTOCOMMIT"} if writer else {}))
    if writer:
        # One connection, held by the group commit and used by one leader thread at a time.
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool,
                                  connect_args={"check_same_thread": False})
        sa.event.listen(engine, "connect", _sqlite_writer_connect)
        sa.event.listen(engine, "begin", _sqlite_writer_begin)
        return engine
    engine = sa.create_engine(url)
    sa.event.listen(engine, "connect", _sqlite_connect)
    sa.event.listen(engine, "begin", _sqlite_begin)
    return engine


class Follower(Protocol):
    """Work that follows the store's commits (the reports' roll-up folding)."""

    def wake(self) -> None: ...

    def close(self) -> None: ...


WRITERS = ("thread", "process")


class Store:
    """Writes and reads events through SQLAlchemy Core, on SQLite or PostgreSQL. Commits are
    made in the writing process (`writer_process=None`), or handed to a writer process of
    its own (writer.py) that opens this store with `writer_process`'s fold settings."""

    def __init__(self, url: str, *, group_commit_ms: float = 0.0,
                 writer_process: dict[str, Any] | None = None) -> None:
        self.url = url
        self.group_commit_ms = group_commit_ms
        self.writer_process = writer_process
        self.engine = make_engine(url)
        migrate(self.engine)
        self.write_engine = make_engine(url, writer=True)
        database = self.engine.url.database
        self.lock_path = Path(database + ".write-lock") if self.dialect == "sqlite" and \
            database and database != ":memory:" else None
        self.followers: list[Follower] = []
        self._lock = threading.Lock()
        self._writer: GroupCommit | WriterProcess | None = None
        self._pid = os.getpid()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def _group_commit(self) -> GroupCommit | WriterProcess:
        with self._lock:
            if self._pid != os.getpid():
                # A forked worker: the parent's pooled connections and thread are not ours.
                self.engine.dispose(close=False)
                self.write_engine.dispose(close=False)
                self._writer, self._pid = None, os.getpid()
            if self._writer is None and self.writer_process is not None:
                self._writer = WriterProcess({"url": self.url, **self.writer_process},
                                             self.group_commit_ms)
            elif self._writer is None:
                self._writer = GroupCommit(self.write_engine, self._insert(),
                                           self.group_commit_ms,
                                           lock_path=self.lock_path, on_commit=self._committed,
                                           lanes=1 if self.dialect == "sqlite" else PG_LANES)
            return self._writer

    def _insert(self) -> Callable[[sa.Connection, list[dict[str, Any]]], object]:
        """How the group commit inserts its rows, a retried id skipped: on SQLite the
        driver's executemany; on PostgreSQL one statement, its own transaction on the
        writer's autocommit connection (all rows or none), the rows as JSON (bulk.py)."""
        if self.dialect == "postgresql":
            pg = insert_json(events).on_conflict_do_nothing(index_elements=["id"])
            return lambda conn, rows: conn.execute(pg, {ROWS: rows})
        lite = sqlite.insert(events).on_conflict_do_nothing(index_elements=["id"])
        return lambda conn, rows: conn.execute(lite, rows)

    def start(self) -> None:
        """Start the writer process now, if commits go to one (else nothing to start)."""
        writer = self._group_commit()
        if isinstance(writer, WriterProcess):
            writer.start()

    def _committed(self) -> None:
        for follower in self.followers:
            follower.wake()

    @contextlib.contextmanager
    def write(self, *, durable: bool = True) -> Iterator[sa.Connection]:
        """One write transaction beside the group commit (roll-up folding, maintenance),
        queued with its leaders: on SQLite behind the same file lock, on the writer's terms.
        `durable=False` skips the fsync, for work that is lost whole or not at all and can
        simply be done again (folding: the roll-ups and the queue move together)."""
        if self.dialect != "sqlite":
            with self.engine.begin() as conn:
                if not durable:
                    conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
                yield conn
            return
        with self.write_engine.connect() as conn, write_turn(self.lock_path):
            raw = conn.connection.dbapi_connection
            raw.execute("PRAGMA busy_timeout=10000")  # only programs other than ours
            if not durable:  # WAL + NORMAL: consistent, and durable at the next fsync
                raw.execute("PRAGMA synchronous=NORMAL")
            with conn.begin():
                yield conn

    def record(self, event: Event, filtered: str | None = None) -> None:
        """Store one event durably (a retried id is kept once); raise StoreError if not."""
        self.record_many([event], filtered)

    def record_many(self, batch: Iterable[Event], filtered: str | None = None) -> None:
        """Store events durably in one transaction, all or none; raise StoreError if not."""
        self.commit_rows([event_row(e, filtered) for e in batch])

    def commit_rows(self, rows: list[dict[str, Any]]) -> None:
        """Store event rows durably in one transaction, all or none; raise StoreError if not."""
        if rows:
            self._group_commit().submit(rows)

    def checkpoint(self) -> None:
        """Copy SQLite's WAL into the database without blocking writers (PASSIVE); called
        by the roll-up folder, so acknowledgements never wait for it. Nothing on PostgreSQL."""
        if self.dialect == "sqlite":
            with self.engine.connect() as conn:
                conn.connection.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def rows(self, **where: Any) -> list[dict[str, Any]]:
        """Stored rows (optionally where column == value), ordered by id; for reports, tests."""
        query = events.select().order_by(events.c.id)
        for column, value in where.items():
            query = query.where(events.c[column] == value)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def counts(self) -> dict[str, int]:
        """received = counted + filtered, over every stored event."""
        with self.engine.connect() as conn:
            received, filtered = conn.execute(sa.select(
                sa.func.count(), sa.func.count(events.c.filtered))).one()
        return {"received": received, "counted": received - filtered, "filtered": filtered}

    def purge(self, older_than_hours: int) -> int:
        """Delete events older than the given age; return how many were deleted."""
        cutoff = hour_now() - older_than_hours
        with self.engine.begin() as conn:
            return conn.execute(events.delete().where(events.c.hour < cutoff)).rowcount

    def dispose(self) -> None:
        for follower in self.followers:
            follower.close()
        with self._lock:
            if self._writer is not None and self._pid == os.getpid():
                self._writer.close()
            self._writer = None
        self.write_engine.dispose()
        self.engine.dispose()


def default_url(instance_path: str) -> str:
    return f"sqlite:///{Path(instance_path) / 'buyerkit.sqlite3'}"


def init_app(app: Flask, follower: str | None = None) -> None:
    """Open the store named by DATABASE_URL (default: SQLite in the instance folder), its
    commits made in the request's process or a writer process (STORE_WRITER). `follower`
    names (`module:Class`) what a writer process starts to follow its commits."""
    url = app.config.get("DATABASE_URL") or default_url(app.instance_path)
    writer = app.config.get("STORE_WRITER", "thread")
    if writer not in WRITERS:
        raise BuyerkitError(f"STORE_WRITER must be thread or process, not {writer!r}")
    fold = {"fold_delay_ms": float(app.config.get("FOLD_DELAY_MS", 200.0)),
            "fold_batch": int(app.config.get("FOLD_BATCH", 200)), "follower": follower}
    app.extensions["buyerkit.store"] = Store(url, group_commit_ms=float(
        app.config.get("GROUP_COMMIT_MS", 0.0)),
        writer_process=fold if writer == "process" else None)
    if writer == "process":
        app.extensions["buyerkit.store"].start()


def get_store() -> Store:
    return current_app.extensions["buyerkit.store"]
