"""gunicorn settings for the endpoint, so production runs it the way it was measured:

    gunicorn -c python:buyerkit.gunicorn_conf -b 127.0.0.1:5001 'buyerkit:create_app()'

Request threads wait for the group commit's fsync and then need the GIL back; with Python's
default 5 ms switch interval every hand-back can queue behind a busy request thread for that
long, so the workers switch every 0.5 ms instead (tools/bench_ingest.py measures both).
"""

from __future__ import annotations

import sys
from typing import Any

worker_class = "gthread"
workers = 1  # SQLite: one process batches every request into one commit; more for PostgreSQL
threads = 8
keepalive = 30
accesslog = None  # no access log: it would hold client addresses (README "Privacy")
SWITCH_INTERVAL = 0.0005


def post_worker_init(worker: Any) -> None:
    """Hand the GIL back promptly to threads woken by a commit."""
    sys.setswitchinterval(SWITCH_INTERVAL)
