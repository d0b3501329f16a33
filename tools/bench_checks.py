#!/usr/bin/env python3
"""Benchmark the overview's "Every check in this period" lines (reports/checks.py) on a SQLite
store built by tools/bench_reports.py, against the overview itself in the same run: what a
site with several checks adds to its first screen.

    .venv/bin/python tools/bench_checks.py --db /tmp/buyerkit-bench/bench-1000000.sqlite3
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "site"))

from bench_report_language import median_ms  # noqa: E402  (tools/ is this script's path)
from buyerkit.content.catalog import load_catalog  # noqa: E402
from buyerkit.reports.checks import every_check  # noqa: E402
from buyerkit.reports.period import Period, date_of  # noqa: E402
from buyerkit.reports.service import build  # noqa: E402

END_HOUR = 494_000  # tools/bench_reports.py's fixed end


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, type=Path, help="a bench_reports SQLite store")
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--repeat", type=int, default=11)
    args = parser.parse_args()
    engine = sa.create_engine(f"sqlite:///{args.db}")
    catalog = load_catalog(args.content)
    end = date_of(END_HOUR // 24)
    first = sorted(catalog.diagnostics)[0]
    print(f"{len(catalog.diagnostics)} checks, median of {args.repeat}")
    for days in (7, 90):
        period = Period(first, end - timedelta(days=days - 1), end, "custom", True)
        whole = median_ms(lambda p=period: build(engine, p, catalog, {}, ["overview"]),
                          args.repeat)
        lines = median_ms(lambda p=period: every_check(engine, p, catalog, {}), args.repeat)
        print(f"{days:>3} days: overview {whole:.1f} ms, every check's line {lines:.1f} ms "
              f"({lines / whole:.0%} of the overview)")
    engine.dispose()


if __name__ == "__main__":
    main()
