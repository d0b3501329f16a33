"""Versioned schema migrations for the signal store: an ordered list of steps, one code path
for SQLite and PostgreSQL, each step applied once in its own transaction."""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from buyerkit.signals.events import hour_now

# Any constant shared by every buyerkit process: PostgreSQL serialises migrations on it.
_PG_LOCK = 0x6B75_7965


class MigrationError(Exception):
    """The store's schema cannot be brought up to date by this process."""


@dataclass(frozen=True)
class Migration:
    """One step of the schema's history; `apply` runs inside the step's transaction."""

    version: int
    description: str
    apply: Callable[[Connection], None] | None  # None: a later stage provides it (provide())


# Steps whose tables belong to a later stage (the reports' roll-ups): that stage hands its
# step in with provide() when it is imported, so the store never imports the reports.
_provided: dict[int, Callable[[Connection], None]] = {}


def provide(version: int, apply: Callable[[Connection], None]) -> None:
    """Supply the body of a step that the store's history names but does not own."""
    if not any(m.version == version and m.apply is None for m in MIGRATIONS):
        raise ValueError(f"schema step {version} is not one a later stage provides")
    _provided[version] = apply


def _v1(conn: Connection) -> None:
    """The foundation's events table (already present in stores made before versioning)."""
    md = sa.MetaData()
    sa.Table(
        "events", md,
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
    )
    md.create_all(conn, checkfirst=True)


def _v2(conn: Connection) -> None:
    """Filtered events (bots, honeypot) and the company hash.

    No secondary indexes: reports aggregate whole tables and purge runs daily, while every
    index would add pages to each durable commit on the hot path.
    """
    conn.exec_driver_sql("ALTER TABLE events ADD COLUMN org VARCHAR(32)")
    conn.exec_driver_sql("ALTER TABLE events ADD COLUMN filtered VARCHAR(16)")


# Every event inserted (not one skipped as a retry: ON CONFLICT DO NOTHING inserts nothing)
# queues its id for folding, inside the inserting statement: the acknowledgement path stays
# one statement, on either database.
_QUEUE_TRIGGER = {
    "sqlite": ("CREATE TRIGGER IF NOT EXISTS events_unfolded AFTER INSERT ON events "
               "BEGIN INSERT INTO unfolded (id) VALUES (NEW.id); END",),
    "postgresql": (
        "CREATE OR REPLACE FUNCTION buyerkit_queue_unfolded() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN INSERT INTO unfolded (id) VALUES (NEW.id); "
        "RETURN NULL; END $$",
        "CREATE TRIGGER events_unfolded AFTER INSERT ON events "
        "FOR EACH ROW EXECUTE FUNCTION buyerkit_queue_unfolded()"),
}


def _v4(conn: Connection) -> None:
    """The queue of events not yet folded into the roll-ups, filled by a trigger on events:
    folding moves off the acknowledgement path. Every event stored so far is already folded
    (v3 folded on ingest)."""
    md = sa.MetaData()
    sa.Table("unfolded", md, sa.Column("id", sa.String(36), primary_key=True))
    md.create_all(conn, checkfirst=True)
    for statement in _QUEUE_TRIGGER[conn.dialect.name]:
        conn.exec_driver_sql(statement)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "events table", _v1),
    Migration(2, "filtered reason, company hash", _v2),
    Migration(3, "report roll-ups, users, spend", None),  # provided by the reports
    Migration(4, "queue of events not yet folded into the roll-ups", _v4),
    Migration(5, "page language of each journey in the roll-ups", None),  # by the reports
)
LATEST = MIGRATIONS[-1].version

_version_md = sa.MetaData()
schema_version = sa.Table(
    "schema_version", _version_md,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("description", sa.String(200), nullable=False),
    sa.Column("applied_hour", sa.Integer, nullable=False),
)


@contextlib.contextmanager
def _sqlite_lock(engine: Engine) -> Iterator[None]:
    """Serialise migrations between processes opening the same SQLite file."""
    database = engine.url.database
    if not database or database == ":memory:":
        yield
        return
    lock = Path(database).with_name(Path(database).name + ".migrate-lock")
    with open(lock, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def current_version(conn: Connection) -> int:
    """The highest applied version, 0 for an empty database."""
    if not sa.inspect(conn).has_table("schema_version"):
        return 0
    return conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0


def migrate(engine: Engine) -> list[int]:
    """Apply every pending migration in order; return the versions applied now."""
    applied: list[int] = []
    lock = _sqlite_lock(engine) if engine.dialect.name == "sqlite" else contextlib.nullcontext()
    with lock:
        for step in MIGRATIONS:
            with engine.begin() as conn:
                if engine.dialect.name == "postgresql":
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
                _version_md.create_all(conn, checkfirst=True)
                if current_version(conn) >= step.version:
                    continue
                apply = step.apply or _provided.get(step.version)
                if apply is None:
                    raise MigrationError(
                        f"schema step {step.version} ({step.description}) is provided by "
                        "buyerkit.reports: import it before opening a new store")
                apply(conn)
                conn.execute(schema_version.insert().values(
                    version=step.version, description=step.description,
                    applied_hour=hour_now()))
                applied.append(step.version)
    return applied
