"""gunicorn settings for the endpoint, so production runs it the way it was measured:

    gunicorn -c python:buyerkit.gunicorn_conf -b 127.0.0.1:5001 'buyerkit:create_app()'

gevent workers: a request that waits for the group commit's fsync yields to the others
instead of parking an OS thread that must then win the GIL back. With threaded workers
(gthread, 8 threads) each wait cost the worker about 0.5 ms of CPU in GIL hand-offs, as much
as a 2 ms `time.sleep` did; gevent served 1.5x (store on) to 1.8x (store off) the requests
(tools/bench_ingest.py --worker-class gthread measures the old way).
"""

from __future__ import annotations

import logging
import os
import re
from typing import Any

worker_class = "gevent"
workers = 1  # SQLite: one process batches every request into one commit; more for PostgreSQL
worker_connections = 1000
keepalive = 30
accesslog = None  # no access log: it would hold client addresses (docs/signals.md)
# gunicorn's own limits on what reaches the app (docs/security.md): its defaults, stated.
limit_request_line = 4094  # longer: 414
limit_request_fields = 100  # more headers: 431
limit_request_field_size = 8190  # a longer header: 431


class _NoClientAddress(logging.Filter):
    """gunicorn logs "Invalid request from ip=ADDRESS: ..." for a malformed request: keep the
    line (an operator wants to know), drop the address (no client address is ever logged)."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if "ip=" in text:
            record.msg = re.sub(r"from ip=.*?: ", "from a client: ", text, count=1)
            record.args = ()
        return True


logging.getLogger("gunicorn.error").addFilter(_NoClientAddress())


def on_starting(server: Any) -> None:
    """Each worker hands its commits and the roll-up folding to a writer process of its own,
    so the worker's CPU goes to requests (buyerkit/signals/writer.py);
    BUYERKIT_STORE_WRITER=thread keeps them in the worker. Set in gunicorn's master only,
    whose workers inherit it."""
    os.environ.setdefault("BUYERKIT_STORE_WRITER", "process")
