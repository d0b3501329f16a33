"""The durable outbox: contact requests and their deliveries, in tables of their own.

Never in the signal store's tables and never joined to them: by default a SQLite file of its
own in the instance folder (`handoff.sqlite3`); with HANDOFF_DATABASE_URL (or DATABASE_URL) the
same PostgreSQL database, in the tables below, created if missing. A request and one delivery
row per target are committed in one transaction before the prospect is answered; a delivery is
claimed for a lease, so a delivery loop killed mid-send leaves it to be claimed again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from buyerkit.handoff.requests import ContactRequest

metadata = sa.MetaData()

contact_requests = sa.Table(
    "handoff_requests", metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("created", sa.Float, nullable=False),
    sa.Column("diagnostic", sa.String(64), nullable=False),
    sa.Column("verdict", sa.String(16), nullable=False),
    sa.Column("body", sa.Text, nullable=False),  # the JSON `data`, the prospect's e-mail in it
    # The form's one-time token or the API's request id: a replay finds it taken.
    sa.Column("nonce", sa.String(64), unique=True),
)
deliveries = sa.Table(
    "handoff_deliveries", metadata,
    sa.Column("id", sa.String(120), primary_key=True),  # the webhook-id, the same on a resend
    sa.Column("request", sa.String(36), sa.ForeignKey("handoff_requests.id", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("target", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # pending | delivered | failed
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("due", sa.Float, nullable=False),  # next attempt, or the end of a claim's lease
    sa.Column("error", sa.String(300)),
    sa.Column("finished", sa.Float),
    sa.Index("handoff_due", "status", "due"),
)
STATUSES = ("pending", "delivered", "failed")


class Replayed(Exception):
    """The request's one-time token or request id was used before."""


@dataclass(frozen=True)
class Claim:
    """One delivery taken for sending: its webhook-id, target, attempt number and body."""

    id: str
    request: str
    target: str
    attempt: int
    created: float
    data: dict[str, Any]


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=10000",
                   "foreign_keys=ON"):
        dbapi_conn.execute(f"PRAGMA {pragma}")


def _sqlite_begin(conn: sa.Connection) -> None:
    conn.connection.driver_connection.execute("BEGIN IMMEDIATE")


def make_engine(url: str) -> sa.Engine:
    """An engine whose commits are durable: SQLite WAL with synchronous=FULL, or PostgreSQL."""
    for scheme in ("postgres://", "postgresql://"):
        if url.startswith(scheme):
            url = "postgresql+psycopg://" + url[len(scheme):]
    if url.startswith("postgresql"):
        # No pool: hand-offs are rare, and an idle pooled connection per worker (or one left
        # behind by a report's count) would hold a PostgreSQL slot for nothing.
        return sa.create_engine(url, poolclass=sa.pool.NullPool)
    engine = sa.create_engine(url, connect_args={"check_same_thread": False})
    sa.event.listen(engine, "connect", _sqlite_connect)
    sa.event.listen(engine, "begin", _sqlite_begin)
    return engine


def default_url(instance_path: str) -> str:
    return f"sqlite:///{Path(instance_path) / 'handoff.sqlite3'}"


def message_id(request_id: str, target: str) -> str:
    """The delivery's webhook-id: one per request and target, kept across every retry."""
    return f"msg_{request_id.replace('-', '')}_{target}"


class Outbox:
    """Contact requests and their deliveries, on an engine of their own."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        metadata.create_all(self.engine)

    def add(self, req: ContactRequest, targets: Iterable[str], nonce: str | None) -> None:
        """Commit the request and one pending delivery per target, or raise Replayed."""
        now = req.created.timestamp()
        try:
            with self.engine.begin() as conn:
                conn.execute(contact_requests.insert().values(
                    id=req.id, created=now, diagnostic=req.data["diagnostic"]["slug"],
                    verdict=req.data["verdict"], nonce=nonce,
                    body=json.dumps(req.data, separators=(",", ":"), ensure_ascii=False)))
                rows = [{"id": message_id(req.id, t), "request": req.id, "target": t,
                         "status": "pending", "attempts": 0, "due": 0.0} for t in targets]
                if rows:
                    conn.execute(deliveries.insert(), rows)
        except sa.exc.IntegrityError as e:
            raise Replayed() from e

    def claim(self, limit: int, lease: float, now: float | None = None) -> list[Claim]:
        """Take up to `limit` due deliveries for `lease` seconds (another loop skips them)."""
        now = time.time() if now is None else now
        d, r = deliveries, contact_requests
        with self.engine.begin() as conn:
            due = conn.execute(
                sa.select(d.c.id, d.c.request, d.c.target, d.c.attempts, d.c.due,
                          r.c.created, r.c.body)
                .join(r, r.c.id == d.c.request)
                .where(d.c.status == "pending", d.c.due <= now)
                .order_by(d.c.due).limit(limit)).all()
            out = []
            for row in due:
                taken = conn.execute(
                    d.update().where(d.c.id == row.id, d.c.status == "pending",
                                     d.c.due == row.due)
                    .values(due=now + lease, attempts=row.attempts + 1)).rowcount
                if taken == 1:
                    out.append(Claim(row.id, row.request, row.target, row.attempts + 1,
                                     row.created, json.loads(row.body)))
        return out

    def delivered(self, msg: str, now: float | None = None) -> None:
        now = time.time() if now is None else now
        with self.engine.begin() as conn:
            conn.execute(deliveries.update().where(deliveries.c.id == msg)
                         .values(status="delivered", error=None, finished=now))

    def failed(self, msg: str, error: str, retry_at: float | None,
               now: float | None = None) -> None:
        """Record a failed attempt: retried at `retry_at`, or given up (None) with the reason."""
        now = time.time() if now is None else now
        values: dict[str, Any] = {"error": error[:300]}
        if retry_at is None:
            values.update(status="failed", finished=now)
        else:
            values.update(due=retry_at)
        with self.engine.begin() as conn:
            conn.execute(deliveries.update().where(deliveries.c.id == msg).values(**values))

    def rows(self, status: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        """Deliveries for the operator, newest first: ids, target, state; never the body."""
        d, r = deliveries, contact_requests
        q = (sa.select(d.c.id, d.c.request, d.c.target, d.c.status, d.c.attempts, d.c.due,
                       d.c.error, d.c.finished, r.c.created, r.c.diagnostic, r.c.verdict)
             .join(r, r.c.id == d.c.request).order_by(r.c.created.desc(), d.c.id).limit(limit))
        if status is not None:
            q = q.where(d.c.status == status)
        with self.engine.begin() as conn:
            return [dict(row._mapping) for row in conn.execute(q)]

    def retry(self, ids: Iterable[str] = (), *, all_failed: bool = False,
              now: float | None = None) -> int:
        """Put failed deliveries (by webhook-id or request id) back in the queue, due now."""
        now = time.time() if now is None else now
        d = deliveries
        q = d.update().where(d.c.status == "failed")
        if not all_failed:
            ids = list(ids)
            q = q.where(sa.or_(d.c.id.in_(ids), d.c.request.in_(ids)))
        with self.engine.begin() as conn:
            return conn.execute(q.values(status="pending", due=now, attempts=0,
                                         finished=None)).rowcount

    def counts(self) -> dict[str, int]:
        """Deliveries by status: the only thing about contact requests a report may show."""
        with self.engine.begin() as conn:
            got = dict(conn.execute(sa.select(deliveries.c.status, sa.func.count())
                                    .group_by(deliveries.c.status)).all())
        return {s: int(got.get(s, 0)) for s in STATUSES}

    def purge(self, older_than_days: float, now: float | None = None) -> int:
        """Delete requests whose every delivery finished (delivered or given up) more than
        `older_than_days` ago; a request still pending is kept whatever its age."""
        now = time.time() if now is None else now
        cutoff = now - older_than_days * 86400
        d, r = deliveries, contact_requests
        open_or_recent = sa.select(d.c.request).where(
            sa.or_(d.c.status == "pending", d.c.finished > cutoff))
        done = sa.select(r.c.id).where(r.c.id.not_in(open_or_recent),
                                       r.c.id.in_(sa.select(d.c.request)))
        with self.engine.begin() as conn:
            ids = list(conn.execute(done).scalars())
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                conn.execute(d.delete().where(d.c.request.in_(chunk)))
                conn.execute(r.delete().where(r.c.id.in_(chunk)))
        return len(ids)

    def bodies(self) -> list[str]:
        """Every stored request body (tests and `handoff list --show` read them)."""
        with self.engine.begin() as conn:
            return list(conn.execute(sa.select(contact_requests.c.body)).scalars())

    def dispose(self) -> None:
        self.engine.dispose()
