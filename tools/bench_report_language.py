#!/usr/bin/env python3
"""Benchmark the segments report's split by page language (reports/languages.py) on a copy
of a SQLite store built by tools/bench_reports.py: the one-time upgrade (store step 5 adds the
journeys' language and rebuilds the roll-ups), then the split (a roll-up segment, dim "lang")
against the whole segments report and against a raw scan of the period's completions (how
the split was first read), in the same run.

    cp /tmp/buyerkit-bench/bench-1000000.sqlite3 /tmp/bench-lang.sqlite3
    .venv/bin/python tools/bench_report_language.py --db /tmp/bench-lang.sqlite3
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "site"))

from buyerkit.reports import language_migration, languages  # noqa: E402
from buyerkit.reports.context import VERDICTS, Context  # noqa: E402
from buyerkit.reports.period import Period, date_of  # noqa: E402
from buyerkit.reports.service import REPORTS  # noqa: E402
from buyerkit.signals.store import events  # noqa: E402

SUBJECT = "renewal-risk-check"
END_HOUR = 494_000  # tools/bench_reports.py's fixed end


def raw_scan(conn: sa.Connection, period: Period) -> int:
    """Every completion of the period read from the events, its `lang` parsed (the first
    version of the split)."""
    query = (sa.select(events.c.verdict, events.c.props)
             .where(events.c.kind == "diagnostic_completed", events.c.filtered.is_(None),
                    events.c.subject == period.diagnostic,
                    events.c.hour.between(period.first_day * 24, period.last_day * 24 + 23)))
    n = 0
    for _verdict, props in conn.execute(query):
        json.loads(props or "{}").get("lang")
        n += 1
    return n


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a SQLite store from bench_reports.py")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    engine = sa.create_engine(f"sqlite:///{args.db}")
    start = time.perf_counter()
    with engine.begin() as conn:  # store step 5 (bench stores keep no schema_version)
        language_migration(conn)
    print(f"store step 5 (add the language, rebuild the roll-ups): "
          f"{time.perf_counter() - start:.1f} s")
    end = date_of(END_HOUR // 24)
    with engine.connect() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(events)).scalar_one()
        print(f"{total:,} events in {args.db}")
        print("days | segments report (with the split) | the split | raw scan of completions |"
              " raw scan ÷ split")
        for days in (7, 30, 90):
            period = Period(SUBJECT, end - timedelta(days=days - 1), end)
            base = median_ms(lambda p=period: REPORTS["segments"](conn, p, Context()),
                             args.repeat)
            split = median_ms(lambda p=period: languages.completions_by_language(conn, p),
                              args.repeat)
            raw = median_ms(lambda p=period: raw_scan(conn, p), args.repeat)
            print(f"{days:4d} | {base:8.1f} ms | {split:8.1f} ms | {raw:8.1f} ms | "
                  f"{raw / split:5.0f}x")
        assert set(VERDICTS) == {"fit", "not_now", "not_a_fit"}


if __name__ == "__main__":
    main()
