#!/usr/bin/env python3
"""Benchmark the reports: every report for a 30-day and a 1-year range at 1M (and 10M) events
on SQLite and PostgreSQL, against a raw scan of the events in the same run; and the cost of
keeping the roll-ups current on ingest (events/s with and without `rollups.apply`).

    PG=postgresql+psycopg://buyerkit:...@127.0.0.1:5432/buyerkit_bench_reports
    # build the stores once (slow, niced, outside the lock others time under) ...
    nice -n 15 .venv/bin/python tools/bench_reports.py --events 10000000 \
        --engines sqlite,postgres --pg-url $PG --load-only
    # ... then time the reports on them (minutes, under the shared benchmark lock)
    flock /tmp/buyerkit-bench.lock .venv/bin/python tools/bench_reports.py \
        --events 10000000 --engines sqlite,postgres --pg-url $PG --ingest 0

Data is generated with buyerkit.demo_data (400 days up to a fixed hour), bulk-loaded with the
driver's fastest path (executemany on SQLite, COPY on PostgreSQL), then the roll-ups are
rebuilt. A store whose load finished for the same size is reused (--fresh to regenerate).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "site"))

from buyerkit.content.catalog import load_catalog  # noqa: E402
from buyerkit.reports import demo as demo_data  # noqa: E402
from buyerkit.reports import (  # noqa: E402
    digest,  # noqa: E402
    migration,
    overview,  # noqa: E402
    rollups,
)
from buyerkit.reports.context import Context  # noqa: E402
from buyerkit.reports.period import Period, date_of  # noqa: E402
from buyerkit.reports.pipeline import Plan  # noqa: E402
from buyerkit.reports.service import NAMES, build  # noqa: E402
from buyerkit.signals.store import events, metadata  # noqa: E402

SUBJECT = "renewal-risk-check"
END_HOUR = 494_000  # 2026-05-10, fixed so every run measures the same data
DAYS = 400
INDEXES = ("CREATE INDEX IF NOT EXISTS ix_events_hour ON events (hour)",
           "CREATE INDEX IF NOT EXISTS ix_events_grp ON events (grp)",
           "CREATE INDEX IF NOT EXISTS ix_events_journey ON events (journey)")
PLAN = Plan(revenue=3_000_000, price=30_000, close_rate=0.25, market=2_000)


def sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def engine_for(kind: str, n: int, args: argparse.Namespace) -> sa.Engine:
    if kind == "sqlite":
        path = Path(args.dir) / f"bench-{n}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(f"sqlite:///{path}")
        sa.event.listen(engine, "connect", sqlite_pragmas)
        return engine
    schema = f"bench_{n}"
    admin = sa.create_engine(args.pg_url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    admin.dispose()
    url = sa.make_url(args.pg_url).update_query_dict({"options": f"-csearch_path={schema}"})
    return sa.create_engine(url)


LOADED = sa.Table("bench_loaded", sa.MetaData(), sa.Column("events", sa.Integer))


def stored(engine: sa.Engine) -> int:
    """Events loaded by an earlier run that finished its rebuild (0 when none, or it broke off:
    the marker is written in the rebuild's own transaction)."""
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table(LOADED.name):
            return 0
        return conn.execute(sa.select(sa.func.max(LOADED.c.events))).scalar() or 0


def _copy_rows(engine: sa.Engine, rows: Any, cols: list[str], commit_every: int) -> None:
    """Bulk-load rows with the driver's fastest path, committing every `commit_every` rows
    (SQLite's WAL would otherwise hold the whole load until one huge checkpoint)."""
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        if engine.dialect.name == "postgresql":
            with cur.copy(f"COPY events ({', '.join(cols)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row.get(c) for c in cols])
        else:
            cur.execute("PRAGMA cache_size=-1000000")  # 1 GB: the id index is built at random
            sql = f"INSERT INTO events ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            batch: list[tuple] = []
            done = 0
            for row in rows:
                batch.append(tuple(row.get(c) for c in cols))
                if len(batch) == 100_000:
                    cur.executemany(sql, batch)
                    done += len(batch)
                    batch = []
                    if done % commit_every == 0:
                        raw.commit()
            cur.executemany(sql, batch)
        raw.commit()
    finally:
        raw.close()


def load(engine: sa.Engine, n: int) -> dict[str, float]:
    """Generate n events, bulk-load them, index, rebuild the roll-ups; return the timings."""
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP TABLE IF EXISTS {LOADED.name}"))
        for table in reversed(metadata.sorted_tables):
            table.drop(conn, checkfirst=True)
        from buyerkit.reports.schema import metadata as reports_md
        reports_md.drop_all(conn, checkfirst=True)
        metadata.create_all(conn)
        migration(conn)  # the reports' tables, filled from no events yet
    cols = [c.name for c in events.c]
    rows = demo_data.generate(n, DAYS, 11, SUBJECT, end_hour=END_HOUR, orgs=[])
    t0 = time.perf_counter()
    _copy_rows(engine, rows, cols, commit_every=1_000_000)
    t1 = time.perf_counter()
    with engine.begin() as conn:
        for ddl in INDEXES:
            conn.exec_driver_sql(ddl)
    t2 = time.perf_counter()
    with engine.begin() as conn:
        rollups.rebuild(conn, events)
        LOADED.create(conn)
        conn.execute(LOADED.insert(), {"events": n})
    t3 = time.perf_counter()
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    t4 = time.perf_counter()
    return {"generate_and_load_s": t1 - t0, "index_s": t2 - t1, "rebuild_s": t3 - t2,
            "vacuum_analyze_s": t4 - t3, "load_average": list(os.getloadavg())}


class Catalog:
    """What the reports read from the content: the demo diagnostic, guides, site, no targets."""

    def __init__(self) -> None:
        catalog = load_catalog(ROOT / "content")
        self.diagnostics = catalog.diagnostics
        self.guides, self.site, self.pricing = catalog.guides, catalog.site, catalog.pricing
        self.targets = ()


def first_screen(engine: sa.Engine, period: Period, catalog: Catalog) -> None:
    """The overview's headline figures, their change and the 12-week trend: what the first
    screen needs before the top channels and reasons (overview.first_screen)."""
    with engine.connect() as conn:
        overview.first_screen(conn, period, Context(catalog=catalog))


def time_first_screen(engine: sa.Engine, repeat: int) -> dict[str, dict[str, float]]:
    """Median ms of the first screen's figures and of the whole overview and digest, for the
    last 7 days and the last 90 (each compared with the period before)."""
    catalog = Catalog()
    last = date_of(END_HOUR // 24)
    out: dict[str, dict[str, float]] = {}
    jobs = {"headline + change + trend": lambda p: first_screen(engine, p, catalog),
            "whole overview": lambda p: build(engine, p, catalog, {}, ["overview"]),
            "digest (composed once)": lambda p: digest.compose(engine, p, catalog, {},
                                                               "https://example.com")}
    for label, days in (("7d", 7), ("90d", 90)):
        period = Period(SUBJECT, last - timedelta(days=days - 1), last)
        for name, job in jobs.items():
            job(period)
            samples = []
            for _ in range(repeat):
                t = time.perf_counter()
                job(period)
                samples.append((time.perf_counter() - t) * 1000)
            out.setdefault(name, {})[label] = statistics.median(samples)
    return out


def time_digest(engine: sa.Engine, users: int = 10) -> float:
    """Seconds to compose last week's digest and send it to `users` opted-in report users
    through a local SMTP receiver (aiosmtpd on 127.0.0.1), as `report digest --send` does."""
    import socket

    from aiosmtpd.controller import Controller

    from buyerkit.reports import settings

    class Sink:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        for i in range(users):
            settings.put(engine, f"{settings.DIGEST}bench{i}", f"bench{i}@example.com")
        last = date_of(END_HOUR // 24)
        monday = last - timedelta(days=last.weekday())
        period = Period(SUBJECT, monday - timedelta(days=7), monday - timedelta(days=1))
        config = {digest.SMTP_KEY: {"host": "127.0.0.1", "port": port, "security": "none",
                                    "from": "reports@example.com"}}
        catalog = Catalog()  # loaded once at start-up, as by the command
        t = time.perf_counter()
        mail = digest.compose(engine, period, catalog, config, "https://example.com")
        sent = digest.send(engine, mail, config)
        elapsed = time.perf_counter() - t
        assert len(sent) >= users
        return elapsed
    finally:
        controller.stop()
        for i in range(users):
            settings.put(engine, f"{settings.DIGEST}bench{i}", None)


def time_reports(engine: sa.Engine, repeat: int) -> dict[str, dict[str, float]]:
    catalog = Catalog()
    last = date_of(END_HOUR // 24)
    out: dict[str, dict[str, float]] = {}
    for label, days in (("30d", 30), ("1y", 365)):
        period = Period(SUBJECT, last - timedelta(days=days - 1), last)
        for name in NAMES:
            build(engine, period, catalog, {}, [name], PLAN)  # warm the cache once
            samples = []
            for _ in range(repeat):
                t = time.perf_counter()
                build(engine, period, catalog, {}, [name], PLAN)
                samples.append((time.perf_counter() - t) * 1000)
            out.setdefault(name, {})[label] = statistics.median(samples)
    return out


def raw_scan(engine: sa.Engine, days: int) -> float:
    """The overview counted straight from the events (what the roll-ups replace), in ms."""
    last_hour = END_HOUR
    first_hour = last_hour - days * 24
    query = sa.text(
        "SELECT kind, verdict, COUNT(DISTINCT journey) FROM events WHERE subject = :s AND "
        "hour >= :a AND hour < :b AND kind IN ('diagnostic_completed', "
        "'diagnostic_abandoned', 'diagnostic_started') GROUP BY kind, verdict")
    with engine.connect() as conn:
        t = time.perf_counter()
        conn.execute(query, {"s": SUBJECT, "a": first_hour, "b": last_hour}).all()
        return (time.perf_counter() - t) * 1000


def ingest(engine: sa.Engine, with_rollups: bool, total: int, batch: int, seed: int) -> float:
    """Events per second inserted in transactions of `batch` rows (as the group commit does),
    with or without folding them into the roll-ups in the same transaction."""
    rows = list(demo_data.generate(total, 30, seed, SUBJECT, end_hour=END_HOUR, orgs=[]))
    columns = set(events.c.keys())
    insert = events.insert()
    t = time.perf_counter()
    for i in range(0, len(rows), batch):
        chunk = rows[i:i + batch]
        with engine.begin() as conn:
            conn.execute(insert, [{k: v for k, v in r.items() if k in columns} for r in chunk])
            if with_rollups:
                rollups.apply(conn, chunk)
    return len(rows) / (time.perf_counter() - t)


def ingest_ab(engine: sa.Engine, total: int, batch: int, rounds: int = 5) -> dict[str, float]:
    """Median events/s without and with roll-ups, alternating rounds so that the noise of a
    shared machine falls on both alike."""
    seed = time.time_ns() % 1_000_000_007
    runs: dict[str, list[float]] = {"without": [], "with": []}
    for _ in range(rounds):
        for label in ("without", "with"):
            seed += 1
            runs[label].append(ingest(engine, label == "with", max(total // rounds, batch),
                                      batch, seed))
    return {k: statistics.median(v) for k, v in runs.items()}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--events", default="1000000", help="comma-separated sizes")
    p.add_argument("--engines", default="sqlite", help="sqlite,postgres")
    p.add_argument("--pg-url", default="", help="SQLAlchemy URL of a database to use")
    p.add_argument("--dir", default="/tmp/buyerkit-bench", help="folder for the SQLite files")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--ingest", type=int, default=5000,
                   help="events per ingest measurement (0: skip it; it adds to the store)")
    p.add_argument("--fresh", action="store_true", help="regenerate even if present")
    p.add_argument("--load-only", action="store_true",
                   help="only build the stores (run it niced, outside the timing lock)")
    p.add_argument("--raw-scan", default="30,365",
                   help="days of the raw-scan baseline to time (empty: skip)")
    p.add_argument("--json", help="also write the results to this file")
    args = p.parse_args()
    results = []
    for kind in args.engines.split(","):
        for n in (int(x) for x in args.events.split(",")):
            engine = engine_for(kind, n, args)
            res: dict[str, Any] = {"engine": kind, "events": n}
            if args.fresh or stored(engine) < n:
                res["load"] = load(engine, n)
                print(f"{kind} {n:,}: loaded {res['load']}", flush=True)
            if args.load_only:
                engine.dispose()
                results.append(res)
                continue
            res["load_average_before"] = list(os.getloadavg())
            res["first_screen_ms"] = time_first_screen(engine, args.repeat)
            res["digest_10_users_s"] = time_digest(engine)
            res["reports_ms"] = time_reports(engine, args.repeat)
            res["raw_scan_ms"] = {f"{d}d": raw_scan(engine, int(d))
                                  for d in args.raw_scan.split(",") if d}
            if args.ingest:
                res["ingest_events_per_s"] = {
                    f"batch {b}": ingest_ab(engine, args.ingest // d, b)
                    for b, d in ((1, 10), (50, 1))}
            res["load_average_after"] = list(os.getloadavg())
            engine.dispose()
            results.append(res)
            report(res)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


def report(res: dict[str, Any]) -> None:
    print(f"\n## {res['engine']}, {res['events']:,} events")
    print("| overview's first screen | last 7 days (ms) | last 90 days (ms) |\n"
          "| --- | ---: | ---: |")
    for name, t in res["first_screen_ms"].items():
        print(f"| {name} | {t['7d']:.1f} | {t['90d']:.1f} |")
    print(f"\ndigest of last week composed and sent to 10 users by SMTP: "
          f"{res['digest_10_users_s']:.2f} s\n")
    print("| report | 30 days (ms) | 1 year (ms) |\n| --- | ---: | ---: |")
    for name, t in res["reports_ms"].items():
        print(f"| {name} | {t['30d']:.1f} | {t['1y']:.1f} |")
    worst = max(max(t.values()) for t in res["reports_ms"].values())
    raw = res["raw_scan_ms"]
    if raw:
        print("| raw scan of the events (overview only) | "
              + " | ".join(f"{raw.get(k, float('nan')):.0f}" for k in ("30d", "365d")) + " |")
    print(f"\nslowest report {worst:.1f} ms", end="")
    if "365d" in raw:
        print(f"; raw 1-year scan / slowest report = {raw['365d'] / worst:.0f}x", end="")
    print()
    for b, r in res.get("ingest_events_per_s", {}).items():
        print(f"ingest, {b} per transaction: {r['without']:,.0f} events/s without roll-ups, "
              f"{r['with']:,.0f} with ({r['with'] / r['without']:.2f}x)")
    print("load average before/after: "
          f"{' '.join(f'{x:.2f}' for x in res['load_average_before'])} / "
          f"{' '.join(f'{x:.2f}' for x in res['load_average_after'])}")
    print(flush=True)


if __name__ == "__main__":
    main()
