"""Per-client rate limits on the API's write endpoints, with Flask-Limiter.

The key (the client's address) lives in this process's memory only: it is never stored, and
Flask-Limiter's own "limit exceeded" log line, which would name it, is dropped.
"""

from __future__ import annotations

import logging
import math
import time

from flask import Flask, Response, current_app, request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address

from buyerkit.web import api_error

LIMITED_ENDPOINTS = frozenset({"api.events", "api.score_answers", "api.company",
                               "handoff.send_api", "handoff.send_form"})


class _NoClientKeys(logging.Filter):
    """Drop Flask-Limiter's breach message: its arguments carry the client's address."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "exceeded at endpoint" not in str(record.msg)


_logger = logging.getLogger("flask-limiter")
_logger.addFilter(_NoClientKeys())


def _limit() -> str:
    return current_app.config["RATELIMIT_API"]


def _exempt() -> bool:
    return request.endpoint not in LIMITED_ENDPOINTS


def _too_many(_e: RateLimitExceeded) -> Response:
    limiter: Limiter = current_app.extensions["buyerkit.limiter"]
    limit = limiter.current_limit
    wait = max(1, math.ceil(limit.reset_at - time.time())) if limit else 60
    resp = api_error(429, f"Too many requests from this client: wait {wait} seconds "
                          "(the Retry-After header says the same), then send again.")
    resp.headers["Retry-After"] = str(wait)
    return resp


def init_app(app: Flask) -> None:
    """Limit POST /api/v1/events, /score and /company per client (RATELIMIT_API, in memory)."""
    app.config.setdefault("RATELIMIT_API", "120 per minute")
    # Retry-After only on a 429 (Flask-Limiter's headers would put it on every answer).
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://",
                      default_limits=[_limit], default_limits_exempt_when=_exempt)
    app.extensions["buyerkit.limiter"] = limiter
    app.register_error_handler(RateLimitExceeded, _too_many)
