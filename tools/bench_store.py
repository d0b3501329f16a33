#!/usr/bin/env python3
"""Where the ingest time goes, without HTTP: durable events/s from threads calling the store
directly, and the CPU one `POST /api/v1/score` costs in-process with the store on and off.

    .venv/bin/python tools/bench_store.py [--database-url URL] [--threads 8] [--seconds 4]

The first figure is what the store can take; the second is the work each request adds to a
worker (minimum of 5 alternating runs of 1,000 requests; process CPU time, so other jobs
on the machine barely move it), and what folding into the roll-ups costs per event.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "site"))
sys.path.insert(0, str(ROOT / "tools"))

from bench_ingest import ANSWERS  # noqa: E402
from buyerkit import create_app  # noqa: E402
from buyerkit.reports import folding  # noqa: E402
from buyerkit.signals.events import Channel, DiagnosticCompleted  # noqa: E402
from buyerkit.signals.store import Store  # noqa: E402


def completed() -> DiagnosticCompleted:
    return DiagnosticCompleted(id=str(uuid.uuid4()), subject="renewal-risk-check",
                               verdict="fit", reasons=("problem_fits",), bucket=None,
                               trigger="mandate", journey=str(uuid.uuid4()),
                               channel=Channel("linkedin"))


def store_only(url: str, threads: int, seconds: float) -> dict:
    """Durable events/s with `threads` threads each recording one event at a time."""
    store = Store(url)
    latencies: list[float] = []
    end = time.perf_counter() + seconds

    def loop() -> None:
        while time.perf_counter() < end:
            t = time.perf_counter()
            store.record(completed())
            latencies.append(time.perf_counter() - t)

    ts = [threading.Thread(target=loop) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    store.dispose()
    latencies.sort()
    n = len(latencies)
    return {"events_per_s": round(n / seconds), "p50_ms": round(latencies[n // 2] * 1e3, 2),
            "p99_ms": round(latencies[int(n * 0.99)] * 1e3, 2)}


def request_cpu(url: str | None, tmp: Path) -> dict:
    """CPU µs per scoring request in-process, store off and on, and per event folded."""
    def app(events: bool, name: str):
        return create_app({
            "INSTANCE_PATH": str(tmp / name), "CONTENT_DIR": str(ROOT / "content"),
            "BUILD_DIR": str(tmp / "build"), "SECRET_KEY": "bench", "EVENTS_ENABLED": events,
            "RATELIMIT_ENABLED": False, "FOLD_DELAY_MS": 3_600_000,
            "DATABASE_URL": url or f"sqlite:///{tmp / name / 'store.sqlite3'}"})

    def run(a, n: int) -> float:
        client = a.test_client()
        start = time.process_time()
        for i in range(n):
            r = client.post("/api/v1/score", json={
                "diagnostic": "renewal-risk-check", "answers": ANSWERS[i % len(ANSWERS)],
                "journey": str(uuid.uuid4()), "channel": {"source": "newsletter"}})
            assert r.status_code == 200, r.data
        return (time.process_time() - start) / n * 1e6

    off, on = app(False, "off"), app(True, "on")
    run(off, 200), run(on, 200)
    offs, ons = [], []
    for _ in range(5):
        offs.append(run(off, 1000))
        ons.append(run(on, 1000))
    store = on.extensions["buyerkit.store"]
    queued = folding.backlog(store)
    start = time.process_time()
    folding.catch_up(store)
    fold = (time.process_time() - start) / max(queued, 1) * 1e6
    for a in (off, on):
        a.extensions["buyerkit.store"].dispose()
    return {"off_cpu_us": round(min(offs)), "on_cpu_us": round(min(ons)),
            "fold_cpu_us_per_event": round(fold), "folded": queued}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", help="store URL (default: SQLite in a temporary folder)")
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--seconds", type=float, default=4)
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="buyerkit-bench-store-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'store.sqlite3'}"
        result = {"store_only": store_only(url, args.threads, args.seconds),
                  "request": request_cpu(args.database_url, Path(tmp))}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
