"""What every response shares: error pages (JSON under /api), security headers, filters."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from .schema import BUCKETS, TRIGGERS

# The CSP the static build ships too: nothing inline, nothing from another origin.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "interest-cohort=(), browsing-topics=()",
}


def api_error(status: int, error: str, errors: list[dict[str, str]] | None = None) -> Response:
    """The one JSON error shape: {"ok": false, "error", "errors", "status"}."""
    resp = jsonify({"ok": False, "error": error, "errors": errors or [], "status": status})
    resp.status_code = status
    return resp


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _handle_http(e: HTTPException) -> Any:
    status = e.code or 500
    if _wants_json():
        messages = {
            404: "No such endpoint.",
            405: f"Method {request.method} is not allowed here.",
            413: "Request body is larger than 16 KiB.",
            415: "Send the body as application/json.",
        }
        resp = api_error(status, messages.get(status, e.description or e.name))
    else:
        resp = Response(render_template("error.html", status=status, title=e.name,
                                        description=e.description), status=status)
    valid = getattr(e, "valid_methods", None)
    if valid:
        resp.headers["Allow"] = ", ".join(valid)
    return resp


def _handle_unexpected(e: Exception) -> Any:
    """A bug must still answer in the right shape; the traceback goes to the log, not the page."""
    if isinstance(e, HTTPException):
        return _handle_http(e)
    logging.getLogger("buyerkit").exception("unhandled error on %s", request.path)
    return _handle_http(InternalServerError())


def _security_headers(resp: Response) -> Response:
    for k, v in HEADERS.items():
        resp.headers.setdefault(k, v)
    if request.is_secure:
        resp.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return resp


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(Exception, _handle_unexpected)
    app.after_request(_security_headers)
    app.jinja_env.globals.update(BUCKETS=BUCKETS, TRIGGERS=TRIGGERS)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
