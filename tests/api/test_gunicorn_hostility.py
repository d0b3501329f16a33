"""The documented deployment (gunicorn -c python:buyerkit.gunicorn_conf) under a hostile
client: oversized request lines and headers get gunicorn's 4xx, slow clients holding
connections do not stop it serving others, and its log never names a client address.
The figure of how many slow clients it holds is measured by tools/slow_clients.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
from endpoint import Endpoint  # noqa: E402
from slow_clients import Slowloris, others, oversized  # noqa: E402


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("gunicorn")
    with Endpoint(tmp, workers=1, worker_class="gevent", max_seconds=120,
                  log=tmp / "gunicorn.log") as ep:
        yield ep


def test_oversized_requests_get_gunicorns_4xx_and_no_address_is_logged(endpoint):
    assert oversized(endpoint.port) == {
        "request line of 10,000 bytes": "HTTP/1.1 414 URI Too Long",
        "one header of 10,000 bytes": "HTTP/1.1 431 Request Header Fields Too Large",
        "200 headers": "HTTP/1.1 431 Request Header Fields Too Large",
        "Content-Length 1 GB": "HTTP/1.1 413 REQUEST ENTITY TOO LARGE",
    }
    log = endpoint.log.read_text()
    assert "Invalid request from a client: Request Line is too large" in log
    assert "127.0.0.1" not in log


def test_slow_clients_holding_connections_do_not_stop_others_being_served(endpoint):
    slow = Slowloris(endpoint.port)
    try:
        slow.open(200)
        served, _ = others(endpoint.port, n=10, timeout=10)
        assert served == 10
        assert slow.alive() == 200  # still held: the others were served beside them
    finally:
        slow.close()
