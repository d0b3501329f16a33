"""The signal store: the only mutable state. Every write is validated and durable before ack."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app

from . import reports
from .events import Event, hour_now

metadata = sa.MetaData()

# The documented column list: nothing that could identify a person has a column here.
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
)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


class Store:
    """Writes and reads events through SQLAlchemy Core (SQLite by default)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = sa.create_engine(url)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        metadata.create_all(self.engine)
        reports.install(self.engine)

    def record(self, event: Event) -> bool:
        """Store one event and commit; False when an event with that id is already stored."""
        props = dict(event.properties())
        row = {
            "id": event.id, "kind": event.kind, "hour": hour_now(),
            "subject": event.subject, "journey": event.journey, "grp": event.group,
            "source": event.channel.source, "medium": event.channel.medium,
            "campaign": event.channel.campaign, "referrer": event.channel.referrer,
        }
        for column in ("verdict", "reasons", "bucket", "trigger"):
            row[column] = props.pop(column, None)
        row["props"] = json.dumps(props, sort_keys=True, separators=(",", ":")) if props else None
        try:
            with self.engine.begin() as conn:
                conn.execute(events.insert().values(**row))
                reports.rollups.apply(conn, [row])
        except sa.exc.IntegrityError:
            return False
        return True

    def rows(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(events.select().order_by("id"))]

    def dispose(self) -> None:
        self.engine.dispose()


def default_url(instance_path: str) -> str:
    return f"sqlite:///{Path(instance_path) / 'buyerkit.sqlite3'}"


def init_app(app: Flask) -> None:
    """Open the store named by DATABASE_URL (default: SQLite in the instance folder)."""
    url = app.config.get("DATABASE_URL") or default_url(app.instance_path)
    app.extensions["buyerkit.store"] = Store(url)


def get_store() -> Store:
    return current_app.extensions["buyerkit.store"]
