"""Run the buyerkit endpoint under gunicorn on 127.0.0.1 for a tool, in its own process group,
and talk to it over keep-alive HTTP. Shared by killtest.py and bench_ingest.py."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
BROWSER_UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/131.0.0.0 Safari/537.36")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def fresh_schema(url: str | None) -> Iterator[str | None]:
    """PostgreSQL: a new, empty schema for this run, dropped afterwards, so what an earlier
    run left in the database (tables of any size, dead rows) cannot skew this one."""
    if not url or not url.startswith("postgres"):
        yield url
        return
    url = "postgresql+psycopg://" + url.split("://", 1)[1] if "+" not in url.split("://")[0] \
        else url
    schema = f"buyerkit_run_{os.getpid()}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        yield sa.make_url(url).update_query_dict(
            {"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


class Endpoint:
    """gunicorn with buyerkit.gunicorn_conf (gevent workers) serving buyerkit; every process
    in one group, so kill -9 of the group is a whole-server crash. Stops itself after
    `max_seconds` whatever happens."""

    def __init__(self, instance: Path, *, database_url: str | None = None,
                 events: bool = True, workers: int = 2, worker_class: str = "gevent",
                 max_seconds: float = 600, log: Path | None = None,
                 config: dict[str, str] | None = None) -> None:
        self.instance, self.database_url, self.events = instance, database_url, events
        self.workers, self.max_seconds = workers, max_seconds
        self.worker_class = worker_class
        self.log = log or instance / "gunicorn.log"
        self.config = {f"BUYERKIT_{k}": v for k, v in (config or {}).items()}
        self.port = 0
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> None:
        self.instance.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        env = {**os.environ, "BUYERKIT_INSTANCE_PATH": str(self.instance),
               "BUYERKIT_CONTENT_DIR": str(ROOT / "content"),
               "BUYERKIT_EVENTS_ENABLED": "true" if self.events else "false",
               "BUYERKIT_RATELIMIT_ENABLED": "false", **self.config}
        if self.database_url:
            env["BUYERKIT_DATABASE_URL"] = self.database_url
        # `timeout` bounds the whole server: it is killed after max_seconds by the shell.
        cmd = ["timeout", "-s", "KILL", str(int(self.max_seconds)),
               sys.executable, "-m", "gunicorn", "--config", "python:buyerkit.gunicorn_conf",
               "--bind", f"127.0.0.1:{self.port}",
               "--worker-class", self.worker_class, "--workers", str(self.workers),
               "--keep-alive", "30",
               "--graceful-timeout", "2", "--log-level", "warning",
               "buyerkit:create_app()"]
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log,
                                         start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited early; see {self.log}")
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            try:
                conn.request("GET", "/api/v1/health")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            finally:
                conn.close()  # also when the worker was not ready: no socket left open
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"gunicorn did not answer within {timeout} s; see {self.log}")

    def kill(self) -> None:
        """kill -9 of the whole process group: master, workers, their writer threads."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)
        self.proc = None

    def __enter__(self) -> Endpoint:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()


class Client:
    """One keep-alive connection, as one browser tab would hold."""

    def __init__(self, port: int, timeout: float = 10) -> None:
        self.port, self.timeout = port, timeout
        self.conn: http.client.HTTPConnection | None = None

    def post(self, path: str, body: Any) -> tuple[int, dict]:
        data = json.dumps(body).encode()
        headers = {"Content-Type": "application/json", "User-Agent": BROWSER_UA}
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                                       timeout=self.timeout)
            try:
                self.conn.request("POST", path, body=data, headers=headers)
                resp = self.conn.getresponse()
                payload = resp.read()
                return resp.status, json.loads(payload or b"{}")
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def kit_event(event_id: str | None = None) -> dict:
    """A valid page event with a fresh id."""
    return {"id": event_id or str(uuid.uuid4()), "kind": "kit_opened", "subject": "kit",
            "journey": None, "group": None, "props": {}}
