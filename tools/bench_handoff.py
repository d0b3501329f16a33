#!/usr/bin/env python3
"""Benchmark: hand-off delivery throughput to a local webhook receiver that takes 50 ms a
request, with at most N deliveries in flight, against N=1 in the same run.

    .venv/bin/python tools/bench_handoff.py                 # N=8, 400 deliveries
    .venv/bin/python tools/bench_handoff.py --concurrency 16 --count 800

Every delivery is a real signed webhook POST (http.server on 127.0.0.1 in this process) and
a real durable outbox row (SQLite, synchronous=FULL), claimed and recorded as in production.
Target (issue 19): >= 50 deliveries/s with at most N concurrent.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "site"))

from buyerkit.content.catalog import load_catalog  # noqa: E402
from buyerkit.handoff.delivery import Deliverer, Policy  # noqa: E402
from buyerkit.handoff.outbox import Outbox  # noqa: E402
from buyerkit.handoff.requests import Submission, make_request  # noqa: E402
from buyerkit.handoff.targets import Webhook, new_secret  # noqa: E402


def receiver(delay: float) -> tuple[ThreadingHTTPServer, list[str]]:
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            time.sleep(delay)
            seen.append(self.headers["webhook-id"])
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, seen


def run(concurrency: int, count: int, delay: float, folder: Path) -> tuple[float, int]:
    """Deliveries per second for `count` requests at `concurrency`, and how many arrived."""
    catalog = load_catalog(ROOT / "content")
    d = next(iter(catalog.diagnostics.values()))
    from buyerkit.api.openapi import example_answers

    answers = example_answers(d)
    server, seen = receiver(delay)
    url = f"http://127.0.0.1:{server.server_port}/hook"
    outbox = Outbox(f"sqlite:///{folder / f'handoff-{concurrency}.sqlite3'}")
    try:
        for _ in range(count):
            req = make_request(catalog, Submission(d.slug, answers, "bench@example.com",
                                                   consent=True), 30)
            outbox.add(req, ["hook"], None)
        target = Webhook("hook", url, new_secret(), 10.0)
        deliverer = Deliverer(outbox, {"hook": target}, Policy(concurrency=concurrency))
        start = time.perf_counter()
        while deliverer.run_once():
            pass
        seconds = time.perf_counter() - start
        deliverer.close()
        assert outbox.counts()["delivered"] == count, outbox.counts()
        return count / seconds, len(set(seen))
    finally:
        outbox.dispose()
        server.shutdown()
        server.server_close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--count", type=int, default=400)
    ap.add_argument("--delay", type=float, default=0.05, help="receiver's seconds per request")
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-handoff-"))
    try:
        base, _ = run(1, max(20, args.count // 8), args.delay, folder)
        rate, arrived = run(args.concurrency, args.count, args.delay, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"receiver delay {args.delay * 1000:.0f} ms; {args.count} deliveries")
    print(f"N=1 (baseline):  {base:7.1f} deliveries/s")
    print(f"N={args.concurrency:<2} concurrent: {rate:7.1f} deliveries/s ({rate / base:.1f}x the "
          f"baseline), {arrived} distinct webhook-ids arrived")
    target_met = rate >= 50
    print(f"target >= 50 deliveries/s: {'met' if target_met else 'NOT met'}")
    return 0 if target_met else 1


if __name__ == "__main__":
    sys.exit(main())
