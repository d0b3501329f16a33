"""The endpoint under attack: schemathesis against /api/openapi.json, every check, positive and
negative data, through the WSGI app (a short, bounded run; tools/schemathesis_long.sh runs long).
"""

from __future__ import annotations

import shutil
from collections import defaultdict

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.conftest import DEMO_CONTENT, make_app

EXAMPLES = 25

CONFIG = schemathesis.Config.from_str(f"""
[generation]
mode = "all"
max-examples = {EXAMPLES}
deterministic = true

[checks]
enabled = true

# A schema-valid answer to a question that earlier answers hide (branching, show_if) is a
# 400 naming that question: OpenAPI cannot state such a rule, so this one check would call a
# correct refusal a failure. Every other check, the 5xx check among them, stays on.
[checks.positive_data_acceptance]
enabled = false
""")


SEEN: dict[str, set[int]] = defaultdict(set)  # (method path) -> statuses the run got


@pytest.fixture(scope="module")
def api_app(tmp_path_factory: pytest.TempPathFactory):
    from flask import request

    tmp = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(DEMO_CONTENT, tmp / "content")
    # One client sends every request: a limit high enough that the run is about the schema.
    app = make_app(tmp, tmp / "content", API_ONLY=True, RATELIMIT_API="100000 per minute")

    @app.after_request
    def remember(resp):
        SEEN[f"{request.method} {request.path}"].add(resp.status_code)
        return resp

    yield app
    app.extensions["buyerkit.store"].dispose()


@pytest.fixture(scope="module")
def api_schema(api_app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", api_app, config=CONFIG)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_failure_and_no_5xx(case):
    response = case.call_and_validate()
    assert response.status_code < 500


def test_the_run_sent_valid_and_invalid_requests():
    """The run above really tried both kinds of data and other methods on each operation."""
    for path in ("/api/v1/score", "/api/v1/events", "/api/v1/company"):
        assert {200, 400} <= SEEN[f"POST {path}"], SEEN
    assert 200 in SEEN["GET /api/v1/health"]
    assert any(405 in codes for key, codes in SEEN.items() if not key.startswith(
        ("POST /api/v1/score", "POST /api/v1/events", "GET /api/v1/health"))), SEEN
