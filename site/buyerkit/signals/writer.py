"""The store's writer process: a worker hands its requests' rows to a process of its own,
which commits them durably and folds them into the report roll-ups, so the worker's CPU goes
to requests.

Measured (docs/benchmarks.md, "Ingest"): in a gevent worker the commit, its
hand-offs and the fold cost about 490 µs of the worker's CPU per request, while the machine's
other core sat 40 % idle. Here the worker only queues rows; one pump thread sends everything
queued as one message over a socket pair and waits for the writer's answer, which comes after
the writer's fsync'd commit, so a 2xx still means durable. Whatever queues meanwhile goes in
the next message: one commit per round trip, as in the group commit.

The writer is the worker's child (its own side is writer_main.py), started on the first
write: it exits when the worker's end of the socket closes (the worker exited or was killed),
and the worker starts a new one when the writer is gone, sending the unanswered rows again
(event ids make that idempotent).
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import socket
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from buyerkit.signals.groupcommit import StoreError

FD_VARIABLE = "BUYERKIT_WRITER_FD"
# Niceness of the writer (its folder's is higher still): when the machine's cores are all
# busy, the worker's requests run first and the writer takes what they leave. Woken after
# each commit at the worker's priority, the writer and its folder preempted the worker about
# once every three requests (docs/benchmarks.md, "Ingest"). The writer's
# latency matters only when the worker waits for it, and then the worker leaves it the CPU.
WRITER_NICENESS = 10
MAX_ROWS = 500  # rows per message, so a burst is several commits rather than one huge one
_LENGTH = struct.Struct("!I")
log = logging.getLogger("buyerkit")


def send(sock: socket.socket, message: Any) -> None:
    """One length-prefixed message (a private socket pair between a worker and its child)."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(_LENGTH.pack(len(data)) + data)


def receive(sock: socket.socket) -> Any:
    """The next message; EOFError when the other end has closed."""
    (size,) = _LENGTH.unpack(_read(sock, _LENGTH.size))
    return pickle.loads(_read(sock, size))


def _read(sock: socket.socket, size: int) -> bytes:
    buf = bytearray()
    while len(buf) < size:
        chunk = sock.recv(size - len(buf))
        if not chunk:
            raise EOFError("the other end closed the socket")
        buf += chunk
    return bytes(buf)


def lower_priority(niceness: int) -> None:
    """Run this process at `niceness` unless it already runs lower (never raises it)."""
    with contextlib.suppress(OSError):  # not permitted, or no such notion here
        current = os.getpriority(os.PRIO_PROCESS, 0)
        if niceness > current:
            os.setpriority(os.PRIO_PROCESS, 0, niceness)


class _Batch:
    """Rows of several requests that go to the writer as one message and are committed in one
    transaction. Its requests all wait on one event: a wake-up per batch, not per request."""

    __slots__ = ("rows", "done", "error")

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.done = threading.Event()
        self.error: BaseException | None = None


class WriterProcess:
    """The worker's side: `submit` blocks until the writer has committed the rows. One pump
    thread (a greenlet under gevent) keeps one message in flight; `wait_ms` lets it wait
    briefly for company before it sends."""

    def __init__(self, config: dict[str, Any], wait_ms: float = 0.0,
                 answer_timeout: float = 60.0) -> None:
        self.config = config  # what the writer opens: url, fold_delay_ms, fold_batch
        self.wait = max(wait_ms, 0.0) / 1000
        self.answer_timeout = answer_timeout
        self.lock = threading.Lock()
        self.batches: list[_Batch] = []  # waiting to be sent, oldest first
        self.wanted = threading.Event()
        self.closed = False
        self.pump: threading.Thread | None = None
        self.sock: socket.socket | None = None
        self.ready = False  # the writer has opened the store
        self.proc: subprocess.Popen[bytes] | None = None

    def submit(self, rows: list[dict[str, Any]], timeout: float = 15.0) -> None:
        """Block until `rows` are committed (all of them, or none and StoreError)."""
        with self.lock:
            if self.closed:
                raise StoreError("the store is closed")
            batch = self.batches[-1] if self.batches else None
            if batch is None or (batch.rows and len(batch.rows) + len(rows) > MAX_ROWS):
                batch = _Batch()
                self.batches.append(batch)
            batch.rows.extend(rows)
            if self.pump is None:
                self.pump = threading.Thread(target=self._run, name="buyerkit-writer-pump",
                                             daemon=True)
                self.pump.start()
        self.wanted.set()
        if not batch.done.wait(timeout):
            raise StoreError("the store did not commit in time")
        if batch.error is not None:
            raise StoreError("the store could not commit") from batch.error

    def _run(self) -> None:
        while True:
            self.wanted.wait()
            if self.wait:
                time.sleep(self.wait)
            with self.lock:
                batch = self.batches.pop(0) if self.batches else None
                if not self.batches:
                    self.wanted.clear()
                closed = self.closed
            if batch is not None:
                try:
                    batch.error = StoreError("the store is closed") if closed else \
                        self._exchange(batch.rows)
                except Exception as e:  # every waiter must hear of any failure, and the
                    batch.error = e  # pump must live on for the next requests
                batch.done.set()
            if closed and batch is None:
                return

    def _exchange(self, rows: list[dict[str, Any]]) -> BaseException | None:
        """Send the rows and wait for the writer's answer: None once they are durable. A
        writer that is gone is replaced once and sent the rows again (ids are idempotent)."""
        for attempt in (1, 2):
            try:
                sock = self._connected()
                send(sock, rows)
                answer = receive(sock)
            except (OSError, EOFError, pickle.UnpicklingError) as e:
                self._stop()
                if attempt == 2:
                    return e
                log.warning("the store's writer process is gone (%s); starting another",
                            type(e).__name__)
                continue
            return None if answer is None else StoreError(str(answer))
        return None  # not reached

    def start(self) -> None:
        """Start the writer now, so it boots while the worker does (it takes ~0.7 s to
        import and open the store); the first exchange waits for it to be ready."""
        with self.lock:
            if self.sock is None:
                self._spawn()

    def _spawn(self) -> None:
        ours, theirs = socket.socketpair()
        package_root = str(Path(__file__).resolve().parents[2])
        path = os.environ.get("PYTHONPATH")
        env = {**os.environ, FD_VARIABLE: str(theirs.fileno()),
               "PYTHONPATH": package_root + (os.pathsep + path if path else "")}
        try:
            self.proc = subprocess.Popen([sys.executable, "-m", "buyerkit.signals.writer_main"],
                                         pass_fds=(theirs.fileno(),), env=env,
                                         stdin=subprocess.DEVNULL)
        except OSError:
            ours.close()
            raise
        finally:
            theirs.close()
        ours.settimeout(self.answer_timeout)
        self.sock, self.ready = ours, False
        send(ours, self.config)

    def _connected(self) -> socket.socket:
        """The socket to a running writer, starting one and waiting until it is ready."""
        if self.sock is None:
            self._spawn()
        assert self.sock is not None
        if not self.ready:
            if receive(self.sock) != "ready":
                raise EOFError("the writer did not start")
            self.ready = True
        return self.sock

    def _stop(self) -> None:
        sock, proc, self.sock, self.proc = self.sock, self.proc, None, None
        if sock is not None:
            sock.close()  # the writer sees the end of its input and exits
        if proc is not None:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def close(self) -> None:
        """Answer whatever is queued, then let the writer finish and exit."""
        with self.lock:
            self.closed = True
            pump = self.pump
        self.wanted.set()
        if pump is not None and pump is not threading.current_thread():
            pump.join(timeout=30)
        self._stop()
