"""What every response shares: error pages (JSON under /api), security headers, filters."""

from __future__ import annotations

import json
import logging
import math
import re
from typing import Any
from urllib.parse import urlsplit

import flask
from flask import Flask, Response, current_app, jsonify, render_template, request
from flask.globals import request_ctx
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError, SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

from buyerkit.content.schema import BUCKETS, TRIGGERS

# The CSP the static build ships too: nothing inline, nothing from another origin.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "media-src 'self'; font-src 'self'; connect-src 'self'; form-action 'self'; "
       "base-uri 'none'; "
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


# --- JSON bodies: bounded before the parser sees them (a deep body made json recurse) -------

JSON_MAX_DEPTH = 8  # the deepest body a page sends is 5 levels (an events batch)
JSON_MAX_VALUES = 2000  # a full events batch (50 events) holds about 900
_JSON_STRING = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"', re.S)
_BRACKETS = re.compile(r"[][{}]")


def json_limit_problem(data: bytes | str) -> str | None:
    """The limit a JSON text breaks (depth, number of values), or None; linear, no parsing."""
    if isinstance(data, bytes):
        try:
            data = data.decode(json.detect_encoding(data), "surrogatepass")  # as json.loads
        except (UnicodeDecodeError, LookupError):
            return None  # not text: the parser refuses it as invalid JSON
    bare = _JSON_STRING.sub("", data)
    openers = bare.count("[") + bare.count("{")
    if openers > JSON_MAX_DEPTH:
        depth = 0
        for m in _BRACKETS.finditer(bare):
            depth += 1 if m.group() in "[{" else -1
            if depth > JSON_MAX_DEPTH:
                return f"The JSON body is nested deeper than {JSON_MAX_DEPTH} levels."
    if openers + bare.count(",") + 1 > JSON_MAX_VALUES:
        return f"The JSON body has more than {JSON_MAX_VALUES} values."
    return None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return value


class LimitedRequest(flask.Request):
    """Flask's request whose get_json() refuses a body past the depth and size limits."""

    def get_json(self, force: bool = False, silent: bool = False,
                 cache: bool = True) -> Any:
        if force or self.is_json:
            problem = json_limit_problem(self.get_data(cache=cache))
            if problem:
                if silent:
                    return None
                raise BadRequest(problem)
        return super().get_json(force=force, silent=silent, cache=cache)


def json_body() -> Any:
    """The request's JSON body, or the 4xx response saying why not: 415 not JSON, 400 past a
    limit (named) or malformed (NaN, Infinity and numbers out of range are not JSON)."""
    if not request.is_json:
        return api_error(415, "Send the body as application/json.")
    data = request.get_data(cache=True)
    problem = json_limit_problem(data)
    if problem:
        return api_error(400, problem, [{"field": "", "message": problem}])
    try:
        return json.loads(data, parse_constant=_no_constant, parse_float=_finite)
    except (ValueError, RecursionError):
        return api_error(400, "The body is not valid JSON.")


def _wants_json() -> bool:
    return request.path.startswith("/api/") or current_app.config.get("API_ONLY", False)


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
    elif isinstance(e, SecurityError) or request_ctx.url_adapter is None:
        # a Host not in TRUSTED_HOSTS, or no host name at all: no url_for, so no page
        resp = Response("400 Bad Request: this server does not answer for that host name.\n",
                        status=status, mimetype="text/plain")
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
    for k, v in security_headers(current_app).items():
        resp.headers.setdefault(k, v)
    if request.is_secure:
        resp.headers.setdefault("Strict-Transport-Security", HSTS)
    return resp


# --- CORS allowlist for the endpoint (static pages on another origin call /api) -------------

HSTS = "max-age=31536000; includeSubDomains"
CORS_METHODS = "GET, POST"
CORS_HEADERS = "Content-Type"
CORS_MAX_AGE = "600"


def csp(connect: tuple[str, ...] = (), ancestors: tuple[str, ...] = ()) -> str:
    """The one CSP, with extra `connect-src` origins (the endpoint, for the static build) and
    the origins allowed to frame the pages (the vendor's own sites; never `*`)."""
    policy = CSP
    if connect:
        policy = policy.replace("connect-src 'self'", "connect-src 'self' " + " ".join(connect))
    if ancestors:
        policy = policy.replace("frame-ancestors 'none'",
                                "frame-ancestors 'self' " + " ".join(ancestors))
    return policy


def embedders(app: Flask) -> tuple[str, ...]:
    """Origins that may embed the pages: EMBED_ORIGINS (config) and site.yaml's embed.origins."""
    catalog = app.extensions.get("buyerkit.catalog")
    listed = list(app.config.get("EMBED_ORIGINS") or ())
    if catalog is not None:
        listed += catalog.site.embed.origins
    return tuple(sorted({o for o in (origin_of(x) for x in listed) if o}))


def security_headers(app: Flask, connect: tuple[str, ...] = ()) -> dict[str, str]:
    """HEADERS as this app sends them: frame-ancestors from its embedders, and no
    X-Frame-Options: DENY once some origin may frame the pages."""
    ancestors = embedders(app)
    headers = dict(HEADERS)
    headers["Content-Security-Policy"] = csp(connect, ancestors)
    if ancestors:
        del headers["X-Frame-Options"]
    return headers


def origin_of(url: str) -> str | None:
    """`scheme://host[:port]` of an absolute http(s) URL, lower-cased; None for anything else."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except (AttributeError, ValueError):
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    default = {"http": 80, "https": 443}[parts.scheme]
    netloc = parts.hostname if port in (None, default) else f"{parts.hostname}:{port}"
    return f"{parts.scheme}://{netloc}"


def allowed_origins(app: Flask) -> frozenset[str]:
    """ALLOWED_ORIGINS (a list, or a comma-separated string) plus the vendor's own base_url."""
    raw = app.config.get("ALLOWED_ORIGINS") or []
    if isinstance(raw, str):
        raw = raw.replace(",", " ").split()
    out = {o for o in (origin_of(str(x)) for x in raw) if o}
    catalog = app.extensions.get("buyerkit.catalog")
    base = origin_of(catalog.site.vendor.base_url) if catalog is not None else None
    return frozenset(out | {base} if base else out)


def _cross_origin() -> str | None:
    """The request's Origin when it is another origin than this server's, else None."""
    origin = request.headers.get("Origin")
    if origin is None:
        return None
    try:
        netloc = urlsplit(origin).netloc.lower()
    except ValueError:  # e.g. "http://[": not an origin, so not ours (the gate refuses it)
        return origin
    return None if netloc == request.host.lower() else origin


def _cors_gate() -> Response | None:
    """Refuse /api calls from pages on origins not allowed (before any view runs, so nothing is
    stored), and answer the browser's preflight for the allowed ones."""
    if not _wants_json() or (origin := _cross_origin()) is None:
        return None
    if origin_of(origin) != origin.lower() or origin.lower() not in allowed_origins(
            current_app):
        return api_error(403, "Pages on this origin may not call this endpoint.",
                         [{"field": "Origin", "message": "Origin not allowed."}])
    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
        resp = Response(status=204)
        resp.headers["Access-Control-Allow-Methods"] = CORS_METHODS
        resp.headers["Access-Control-Allow-Headers"] = CORS_HEADERS
        resp.headers["Access-Control-Max-Age"] = CORS_MAX_AGE
        return resp
    return None


def _cors_headers(resp: Response) -> Response:
    """Let an allowed page read the answer; never with credentials (no cookies are used)."""
    if _wants_json():
        resp.vary.add("Origin")
        origin = _cross_origin()
        if origin is not None and resp.status_code != 403:
            resp.headers["Access-Control-Allow-Origin"] = origin
    return resp


def _api_only_gate() -> Response | None:
    """The endpoint alone answers /api only: no pages, no static files, no reports."""
    if not request.path.startswith("/api/"):
        return api_error(404, "No such endpoint.")
    return None


PROXY_FIX_KEYS = ("for", "proto", "host", "port", "prefix")


def _proxy_fix(app: Flask) -> None:
    """Trust X-Forwarded-* only from as many proxies as configured (PROXY_FIX_X_FOR etc.):
    by default none, so a client cannot choose its own address for the rate limit."""
    counts = {k: int(app.config.get(f"PROXY_FIX_X_{k.upper()}") or 0) for k in PROXY_FIX_KEYS}
    if any(counts.values()):
        app.wsgi_app = ProxyFix(app.wsgi_app,  # type: ignore[method-assign]
                                **{f"x_{k}": n for k, n in counts.items()})


def init_app(app: Flask) -> None:
    app.request_class = LimitedRequest
    _proxy_fix(app)
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(Exception, _handle_unexpected)
    if app.config.get("API_ONLY"):
        app.before_request(_api_only_gate)
    app.before_request(_cors_gate)
    app.after_request(_cors_headers)
    app.after_request(_security_headers)
    app.jinja_env.globals.update(BUCKETS=BUCKETS, TRIGGERS=TRIGGERS)
    app.context_processor(lambda: {"embedders": embedders(current_app)})  # for frame.js
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
