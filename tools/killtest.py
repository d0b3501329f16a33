#!/usr/bin/env python3
"""Kill test: drive POST /api/v1/events under gunicorn with load, kill -9 the server's whole
process group at random moments, restart, and check that every event that got a 2xx is
stored, none twice, the database is intact, and the report roll-ups (folded after the
acknowledgements) equal a rebuild from the events: every event folded exactly once.

    .venv/bin/python tools/killtest.py                      # 20 kills, SQLite in a temp dir
    .venv/bin/python tools/killtest.py --kills 3 --database-url postgresql+psycopg://...

Exit status 0 when every check holds; the last line is a JSON summary.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "site"))
from endpoint import Client, Endpoint, fresh_schema, kit_event  # noqa: E402

INTEGRITY_NA = "n/a (PostgreSQL recovers from its WAL; no file-level check)"


JOURNEYS = [str(uuid.uuid4()) for _ in range(200)]  # shared by every run: states fold across kills


def step_event() -> dict:
    """A diagnostic step of one of a few hundred journeys, so the roll-ups have work to do."""
    return {"id": str(uuid.uuid4()), "kind": "step_reached", "subject": "renewal-risk-check",
            "journey": random.choice(JOURNEYS), "group": None,
            "props": {"step": random.randint(1, 4)}}


def drive(port: int, stop: threading.Event, acked: list[str], lock: threading.Lock) -> None:
    """One client: batches of 1 to 5 events, sometimes re-sending an acknowledged one."""
    client = Client(port, timeout=5)
    while not stop.is_set():
        batch = [random.choice((kit_event, step_event))()
                 for _ in range(random.randint(1, 5))]
        with lock:
            if acked and random.random() < 0.2:
                batch.append(kit_event(random.choice(acked)))  # a retry: stored once
        body = batch[0] if len(batch) == 1 else {"events": batch}
        try:
            status, answer = client.post("/api/v1/events", body)
        except (OSError, http.client.HTTPException):
            break  # the server is gone: the answer never came, so nothing was promised
        if 200 <= status < 300 and answer.get("recorded") is True:
            with lock:
                acked.extend(e["id"] for e in batch)
    client.close()


def check(url: str, acked: set[str]) -> dict:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            ids = [r[0] for r in conn.exec_driver_sql("SELECT id FROM events")]
            integrity = INTEGRITY_NA
            if engine.dialect.name == "sqlite":
                integrity = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
    finally:
        engine.dispose()
    stored = set(ids)
    return {"acknowledged": len(acked), "stored": len(ids),
            "missing": len(acked - stored), "duplicates": len(ids) - len(stored),
            "integrity_check": integrity, **rollups_check(url)}


def rollups_check(url: str) -> dict:
    """Fold what the crashes left queued, then compare the roll-ups with a rebuild from the
    events: each event folded exactly once, whatever moment the kills hit."""
    from buyerkit.reports import folding as backlog
    from buyerkit.reports import rollups
    from buyerkit.reports.schema import COUNT_TABLES, ru_group_state, ru_journeys
    from buyerkit.signals.store import Store, events

    def snapshot(conn: sa.Connection) -> list[tuple]:
        out: list[tuple] = []
        for table in COUNT_TABLES.values():
            out += [(table.name, *r) for r in conn.execute(
                sa.select(table).where(table.c.n != 0).order_by(*table.primary_key.columns))]
        for table in (ru_journeys, ru_group_state):
            out += [(table.name, *r) for r in conn.execute(
                sa.select(table).where(table.c.hour.is_not(None))
                .order_by(*table.primary_key.columns))]
        return out

    store = Store(url)
    try:
        stored = int(store.counts()["received"])
        left = backlog.catch_up(store)
        with store.engine.connect() as conn:  # rolled back: the check changes nothing
            kept = snapshot(conn)
            rollups.rebuild(conn, events)
            rebuilt = snapshot(conn)
            conn.rollback()
    finally:
        store.dispose()
    return {"left_queued_after_kills": left, "folded_before_kills": stored - left,
            "rollups_match_rebuild": kept == rebuilt,
            "rollup_rows": len(kept)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--kills", type=int, default=20, help="how many kill -9 (default 20)")
    p.add_argument("--database-url", help="store URL (default: SQLite in a temporary folder)")
    p.add_argument("--clients", type=int, default=8, help="concurrent connections (8)")
    p.add_argument("--min-run", type=float, default=0.3, help="shortest run before a kill, s")
    # Up to 4 s: a server's folder starts folding about 1.5 s after the server starts (the
    # writer boots, then its folder), and with runs of at most 2 s no kill on SQLite hit a fold.
    p.add_argument("--max-run", type=float, default=4.0, help="longest run before a kill, s")
    p.add_argument("--max-seconds", type=float, default=900, help="give up after this long")
    p.add_argument("--seed", type=int, default=None)
    args = p.parse_args(argv)
    random.seed(args.seed)
    started = time.monotonic()

    with tempfile.TemporaryDirectory(prefix="buyerkit-killtest-") as tmp, \
            fresh_schema(args.database_url) as database_url:
        instance = Path(tmp) / "instance"
        url = database_url or f"sqlite:///{instance / 'buyerkit.sqlite3'}"
        acked: list[str] = []
        lock = threading.Lock()
        for n in range(1, args.kills + 1):
            if time.monotonic() - started > args.max_seconds:
                print(f"gave up after {n - 1} kills: over {args.max_seconds} s", file=sys.stderr)
                return 2
            server = Endpoint(instance, database_url=database_url,
                              max_seconds=args.max_seconds)
            server.start()
            stop = threading.Event()
            threads = [threading.Thread(target=drive, args=(server.port, stop, acked, lock))
                       for _ in range(args.clients)]
            for t in threads:
                t.start()
            time.sleep(random.uniform(args.min_run, args.max_run))
            server.kill()  # mid-flight: some requests are answered, some never will be
            stop.set()
            for t in threads:
                t.join(timeout=15)
            print(f"kill {n}/{args.kills}: {len(acked)} acknowledged so far", file=sys.stderr)
        # Restart once more: the store must open cleanly after the last crash.
        with Endpoint(instance, database_url=database_url) as server:
            status, _ = Client(server.port).post("/api/v1/events", kit_event(str(uuid.uuid4())))
            restarted = status == 200
        result = {"kills": args.kills, "restart_ok": restarted,
                  **check(url, set(acked)), "seconds": round(time.monotonic() - started, 1)}
    ok = (restarted and result["missing"] == 0 and result["duplicates"] == 0
          and result["integrity_check"] in ("ok", INTEGRITY_NA) and result["acknowledged"] > 0
          and result["rollups_match_rebuild"])
    print(json.dumps({"ok": ok, **result}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
