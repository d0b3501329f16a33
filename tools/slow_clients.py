"""How many slow clients the documented deployment holds while still serving everyone else.

Starts the endpoint exactly as documented (gunicorn -c python:buyerkit.gunicorn_conf: one
gevent worker, worker_connections 1000) on 127.0.0.1, then in steps opens slow connections
that send a request's headers one line every few seconds and never finish (slowloris), and
at each step times fresh clients asking GET /api/v1/health and POST /api/v1/score. It also
sends an oversized request line, an oversized header and too many headers, and prints what
gunicorn answers. Everything talks to 127.0.0.1 only and the whole run is bounded in time.

    .venv/bin/python tools/slow_clients.py                 # steps 0 250 500 900 990 1010
    .venv/bin/python tools/slow_clients.py --steps 0 100 --max-seconds 60
"""

from __future__ import annotations

import argparse
import http.client
import json
import resource
import socket
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from endpoint import Endpoint  # noqa: E402

HARD_CAP = 3000  # slow connections at most, whatever --steps says
FIT = {"symptom": "surprise_churn", "visibility": ["usage_unread"], "trigger": "new_leader",
       "size": "50_199", "billing": "annual", "crm": "hubspot", "hosting": "cloud_ok",
       "role": "cs_leader", "group": ["cfo", "security"]}


class Slowloris:
    """Slow connections to 127.0.0.1:port, each a request whose headers never end."""

    def __init__(self, port: int, interval: float = 5.0) -> None:
        self.port, self.interval = port, interval
        self.socks: list[socket.socket] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._trickle, daemon=True)
        self.thread.start()

    def open(self, n: int) -> None:
        while len(self.socks) < min(n, HARD_CAP):
            s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            s.sendall(b"POST /api/v1/score HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            self.socks.append(s)

    def _trickle(self) -> None:
        while not self.stop.wait(self.interval):
            for s in list(self.socks):
                try:
                    s.sendall(b"X-Slow: 1\r\n")
                except OSError:
                    self.socks.remove(s)
                    s.close()

    def alive(self) -> int:
        """Slow connections the server still holds open (a closed one reads as EOF)."""
        n = 0
        for s in list(self.socks):
            s.setblocking(False)
            try:
                n += s.recv(1) != b""
            except BlockingIOError:
                n += 1
            except OSError:
                pass
            finally:
                s.setblocking(True)
        return n

    def close(self) -> None:
        self.stop.set()
        for s in self.socks:
            s.close()


def others(port: int, n: int = 20, timeout: float = 3.0) -> tuple[int, float]:
    """n fresh clients, one request each (health and score alternately): (served, worst s)."""
    served, worst = 0, 0.0
    for i in range(n):
        t0 = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        try:
            if i % 2:
                body = json.dumps({"diagnostic": "renewal-risk-check", "answers": FIT,
                                   "event_id": str(uuid.uuid4())})
                conn.request("POST", "/api/v1/score", body=body,
                             headers={"Content-Type": "application/json"})
            else:
                conn.request("GET", "/api/v1/health")
            ok = conn.getresponse().status == 200
        except OSError:
            ok = False
        finally:
            conn.close()
        worst = max(worst, time.monotonic() - t0)
        served += ok
    return served, worst


def raw(port: int, data: bytes) -> str:
    """Send raw bytes; the status line gunicorn answers (or what happened)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(data)
            return s.recv(200).split(b"\r\n", 1)[0].decode("latin-1") or "(closed)"
    except OSError as e:
        return f"({type(e).__name__})"


def oversized(port: int) -> dict[str, str]:
    host = b"Host: 127.0.0.1\r\n"
    return {
        "request line of 10,000 bytes": raw(port, b"GET /api/v1/health?" + b"a" * 10_000
                                           + b" HTTP/1.1\r\n" + host + b"\r\n"),
        "one header of 10,000 bytes": raw(port, b"GET /api/v1/health HTTP/1.1\r\n" + host
                                          + b"X-Big: " + b"a" * 10_000 + b"\r\n\r\n"),
        "200 headers": raw(port, b"GET /api/v1/health HTTP/1.1\r\n" + host
                           + b"".join(b"X-%d: 1\r\n" % i for i in range(200)) + b"\r\n"),
        "Content-Length 1 GB": raw(port, b"POST /api/v1/score HTTP/1.1\r\n" + host
                                   + b"Content-Type: application/json\r\n"
                                   + b"Content-Length: 1000000000\r\n\r\n{"),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, nargs="+", default=[0, 250, 500, 900, 990, 1010])
    ap.add_argument("--max-seconds", type=float, default=180)
    ap.add_argument("--log", type=Path, help="keep gunicorn's log here")
    args = ap.parse_args(argv)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = max(args.steps) + 200
    if soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(need, hard), hard))
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp, \
            Endpoint(Path(tmp), workers=1, worker_class="gevent",
                     max_seconds=args.max_seconds + 30, log=args.log) as ep:
        print("gunicorn -c python:buyerkit.gunicorn_conf (1 gevent worker, "
              "worker_connections 1000) on 127.0.0.1")
        for what, answer in oversized(ep.port).items():
            print(f"  {what:32} -> {answer}")
        slow = Slowloris(ep.port)
        print(f"{'slow connections':>17} {'held':>6} {'others served':>14} {'worst s':>8}")
        try:
            for n in sorted(args.steps):
                if time.monotonic() - started > args.max_seconds:
                    print("(stopped: --max-seconds reached)")
                    break
                slow.open(n)
                time.sleep(1.0)
                served, worst = others(ep.port)
                print(f"{n:>17} {slow.alive():>6} {served:>11}/20 {worst:>8.2f}")
        finally:
            slow.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
