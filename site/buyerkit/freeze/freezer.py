"""The freezer behind `buyerkit freeze`: Frozen-Flask, restricted to public pages and tuned.

Frozen-Flask calls the app once per URL, as a browser would. For a few thousand pages that
is mostly Flask's per-request work, not rendering, so this freezer renders each page's view
in a bare request context inside one app context (`_PageContext`, `PublicFreezer._render`),
builds each distinct link once (`_memo_url_for`), reads static files as Flask's static view
sends them, writes files with plain paths and keeps the garbage collector off the app while
it runs (`long_lived`). Pages whose blueprint has hooks of its own, redirects and errors take
Flask's full request cycle. tests/freeze/test_equivalence.py pins that every frozen file is
byte for byte what the Flask-served site sends.
"""

from __future__ import annotations

import gc
import mimetypes
import os
import warnings
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from typing import Any
from unicodedata import normalize
from urllib.parse import unquote, urlsplit

import rjsmin
from flask import Flask
from flask.ctx import RequestContext
from flask.globals import _cv_request
from flask.sessions import SecureCookieSessionInterface
from flask_frozen import Freezer, MimetypeMismatchWarning, Page
from werkzeug.exceptions import HTTPException
from werkzeug.routing import MapAdapter
from werkzeug.security import safe_join
from werkzeug.test import EnvironBuilder, run_wsgi_app

from buyerkit.pages.languages import TWINS, pull_language, request_language, reset_locale
from buyerkit.pages.public import is_public


def prepare(app: Flask) -> None:
    """Set `app` up for freezing: links built once, coroutine checks once, no session."""
    _memo_url_for(app)
    _memo_ensure_sync(app)
    app.session_interface = _NoSession()


@contextmanager
def long_lived() -> Iterator[None]:
    """Keep the garbage collector off what lives through the whole freeze (the app, its
    catalog, the compiled templates): Werkzeug's URL matcher leaves a small reference cycle
    per page, and the collections those trigger otherwise now and then walk every object of
    the app (about 50 ms, a seventh of a 1,000-page freeze). Cycles made while freezing are
    still collected; a process that froze its objects already (a preloading server) is left
    as it is."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


class _NewLinks(deque):
    """Frozen-Flask's log of url_for calls, keeping each public link once: every page linking
    to every guide must not make the freezer build the same URLs again for each page."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[Any] = set()

    def append(self, call: tuple[str, dict[str, Any]]) -> None:
        endpoint, values = call
        if endpoint == "static" or not is_public(endpoint):  # static files are all frozen
            return
        try:
            key = (endpoint, frozenset(values.items()))
        except TypeError:  # an unhashable value: keep it, Frozen-Flask dedupes by URL
            return super().append(call)
        if key not in self.seen:
            self.seen.add(key)
            super().append(call)


_FLASK_OPTIONS = frozenset({"_anchor", "_method", "_scheme", "_external"})


def _link_key(endpoint: str, values: dict[str, Any]) -> Any:
    """The link cache's key: the endpoint alone, or with its one value (most links), or with
    all its values in call order (keyword order is fixed per call site)."""
    if not values:
        return endpoint
    if len(values) == 1:
        for item in values.items():
            return (endpoint, *item)
    return (endpoint, *values.items())


def _memo_url_for(app: Flask) -> None:
    """Build each distinct link once per freeze (pages repeat the same nav and guide links)."""
    real = app.url_for
    cache: dict[Any, str] = {}
    twins = app.extensions.get(TWINS, frozenset())

    def url_for(endpoint: str, /, **values: Any) -> str:
        lang = request_language()  # a page under /de/ links to /de/ pages (pages/languages)
        if lang and "lang" not in values and endpoint in twins:
            values["lang"] = lang
        try:  # _link_key inlined: templates call this about thirty times a page
            if not values:
                return cache[endpoint]
            if len(values) == 1:
                for key, value in values.items():
                    return cache[endpoint, key, value]
            return cache[(endpoint, *values.items())]
        except KeyError:
            if endpoint.startswith(".") or values.get("_external"):
                return real(endpoint, **values)  # relative and external links vary by page
            key = _link_key(endpoint, values)
            if _FLASK_OPTIONS.isdisjoint(values):
                url = cache[key] = real(endpoint, **values)
                return url
            # flask.url_for (Frozen-Flask's) passes _anchor=None etc.; templates do not
            plain = _link_key(endpoint, {k: v for k, v in values.items()
                                         if v is not None or k not in _FLASK_OPTIONS})
            url = cache.get(plain) or real(endpoint, **values)
            cache[key] = cache[plain] = url
            return url
        except TypeError:  # an unhashable value
            return real(endpoint, **values)

    app.url_for = url_for  # type: ignore[method-assign]
    app.jinja_env.globals["url_for"] = url_for  # Flask bound the original when it made the env


def _memo_ensure_sync(app: Flask) -> None:
    """Ask once per function whether it is a coroutine: Flask asks again for every context
    processor and teardown function on every page, and inspect's answer is not free."""
    real = app.ensure_sync
    cache: dict[Any, Any] = {}

    def ensure_sync(func: Any) -> Any:
        try:
            return cache[func]
        except KeyError:
            cache[func] = wrapped = real(func)
            return wrapped
        except TypeError:  # unhashable callable
            return real(func)

    app.ensure_sync = ensure_sync  # type: ignore[method-assign]


class _NoSession(SecureCookieSessionInterface):
    """Static pages have no session: skip signing a cookie nobody will get, on every page."""

    def open_session(self, app: Flask, request: Any) -> None:
        return None


class _PageContext(RequestContext):
    """A request context for one frozen page: the same Request Flask would make from the
    environ, matched by a URL adapter bound once per freeze (every page shares the host and
    script root), with no session (a static page has none)."""

    def __init__(self, app: Flask, environ: dict[str, Any], adapter: MapAdapter,
                 session: Any) -> None:
        self.app = app
        self.request = app.request_class(environ)
        self.request.json_module = app.json
        self.url_adapter = adapter
        self.flashes = None
        self._session = session
        self._after_request_functions = []
        self._cv_tokens = []

    def push(self) -> None:
        """Flask's push without what a frozen page never needs: the freeze holds the app
        context, and the session is already set."""
        self._cv_tokens.append((_cv_request.set(self), None))
        self.match_request()

    def pop(self, exc: BaseException | None = None) -> None:  # type: ignore[override]
        """Unbind the page's request. No teardown: the app-wide teardown hook belongs to the
        request cycle the page skipped (Flask-Limiter's, which would make a context only to
        reset it); a blueprint with hooks of its own gets the full cycle (`_hooked`)."""
        token, _ = self._cv_tokens.pop()
        _cv_request.reset(token)
        self.request.environ["werkzeug.request"] = None

    def match_request(self) -> None:
        try:
            self.request.url_rule, self.request.view_args = self.url_adapter.match(
                self.request.path, return_rule=True)
        except HTTPException as e:
            self.request.routing_exception = e


class PublicFreezer(Freezer):
    """Frozen-Flask, restricted to public endpoints: a page linking to the API, a report or a
    login never makes it freeze one. Public endpoints it never reached are remembered."""

    missed: set[str]

    def __init__(self, app: Flask, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self.url_for_logger.logged_calls = _NewLinks()
        self._environ = EnvironBuilder(path="/", base_url="http://localhost/").get_environ()
        self._made: set[str] = set()
        self._root = ""
        self.sizes: dict[str, int] = {}
        self._null_session = app.session_interface.make_null_session(app)
        self._adapter = app.create_url_adapter(app.request_class(self._environ))
        self._hooks: dict[str, bool] = {}
        self._types: dict[str, str] = {}

    def _render(self, url: str, environ: dict[str, Any]) -> tuple[bytes, str] | None:
        """The page's body and mimetype from its view, in a bare request context.

        Only the body of a page is frozen, so the per-request work around the view is left
        out: before_request (the API's CORS gate and rate limit), after_request (headers,
        which the build ships in _headers and nginx.conf), the session, a new app context
        (the freeze holds one). None when the URL is not a plain 200 page from a view (a
        redirect, an error): the full WSGI call then answers it. A file of the app's static
        folder is read as Flask's static view sends it. tests/freeze/test_equivalence.py pins
        that every frozen file is byte for byte what the Flask-served site sends.
        """
        app = self.app
        ctx = _PageContext(app, environ, self._adapter, self._null_session)
        ctx.push()
        try:
            req = ctx.request
            if req.routing_exception is not None or req.url_rule is None \
                    or "lang" in req.view_args:  # another language: languages.pull_language
                return None
            reset_locale()  # Flask-Babel caches the locale in the app context the pages share
            endpoint = req.url_rule.endpoint
            if self._hooked(endpoint, req):
                return None
            if endpoint == "static":
                return self._static(req.view_args)
            rv = app.view_functions[endpoint](**req.view_args)
            if isinstance(rv, str):
                return rv.encode(), "text/html"
            resp = app.make_response(rv)
            if resp.status_code != 200 or resp.direct_passthrough or resp.is_streamed:
                resp.close()  # a file sent as is: the full cycle sends it again
                return None
            return resp.get_data(), resp.mimetype or ""
        except Exception:  # noqa: BLE001 - the full request cycle answers, and reports it
            return None
        finally:
            ctx.pop()

    def _hooked(self, endpoint: str, req: Any) -> bool:
        """True when the page's blueprints have hooks of their own (before, after or tearing
        down each request, URL value preprocessors) or the app preprocesses URL values: such
        a page gets Flask's full request cycle. The app-wide request hooks are the API's
        gate, rate limit and headers and the rate limiter's clean-up, which do not touch a
        page's body. Asked once per endpoint (its blueprints follow from its name)."""
        hooked = self._hooks.get(endpoint)
        if hooked is None:
            app = self.app
            app_wide = [f for f in app.url_value_preprocessors.get(None, ())
                        if f is not pull_language]  # the language: see _render
            hooked = self._hooks[endpoint] = bool(app_wide) or any(
                funcs.get(bp) for bp in req.blueprints for funcs in (
                    app.before_request_funcs, app.after_request_funcs,
                    app.teardown_request_funcs, app.url_value_preprocessors))
        return hooked

    def _static(self, view_args: dict[str, Any]) -> tuple[bytes, str] | None:
        """A file of the app's static folder as Flask's own static view sends it (its bytes,
        its type guessed from its name), without a response object and a conditional
        request per file; None when the view is another or the file is not there."""
        app = self.app
        if app.view_functions.get("static") != app.send_static_file or not app.static_folder:
            return None
        path = safe_join(app.static_folder, view_args.get("filename", ""))
        if path is None or not os.path.isfile(path):
            return None
        with open(path, "rb") as f:
            body = f.read()
        return body, mimetypes.guess_type(os.path.basename(path))[0] or "application/octet-stream"

    def _guess_type(self, name: str) -> str:
        """The type the file name says, as Frozen-Flask guesses it; once per base name (every
        page is an index.html), as the guess depends on nothing else for a name without ':'."""
        base = name.rpartition("/")[2]
        guessed = self._types.get(base) if ":" not in name else None
        if guessed is None:
            guessed = (mimetypes.guess_type(name)[0]
                       or self.app.config["FREEZER_DEFAULT_MIMETYPE"])
            if ":" not in name:
                self._types[base] = guessed
        return guessed

    def _build_one(self, url: str, last_modified: Any = None) -> str:
        """Frozen-Flask's _build_one without a test client per page: the view in a bare
        request context (see _render), else one WSGI call with a ready-made environ; the same
        checks (200 only, type matches the file name)."""
        name = normalize("NFC", url[1:] + "index.html" if url.endswith("/") else url[1:])
        environ = {**self._environ, "PATH_INFO": url.encode().decode("latin-1"),
                   "REQUEST_URI": url, "RAW_URI": url, "wsgi.input": BytesIO()}
        with self.url_for_logger:
            page = self._render(url, environ)
            if page is None:
                environ["wsgi.input"] = BytesIO()
                app_iter, status, headers = run_wsgi_app(self.app.wsgi_app, environ,
                                                         buffered=True)
                try:
                    content = b"".join(app_iter)
                finally:
                    getattr(app_iter, "close", lambda: None)()
                mimetype = (headers.get("Content-Type") or "").split(";")[0].strip()
            else:
                content, mimetype = page
                status = "200 OK"
        if not status.startswith("200 "):
            raise ValueError(f"Unexpected status {status!r} on URL {url}")
        guessed = self._guess_type(name)
        if guessed != mimetype:
            warnings.warn(f"Filename extension of {name!r} (type {guessed}) does not match "
                          f"Content-Type: {mimetype}", MimetypeMismatchWarning, stacklevel=2)
        if name.endswith(".js"):  # comments are for the source tree, not for every visitor
            content = rjsmin.jsmin(content.decode("utf-8")).encode("utf-8")
        path = os.path.join(self._root, name)
        folder = os.path.dirname(path)
        if folder not in self._made:  # the staging folder is new: no file to compare with
            try:  # its parent is usually made already: one mkdir, not a stat and a mkdir
                os.mkdir(folder)
            except FileExistsError:
                pass
            except FileNotFoundError:
                os.makedirs(folder, exist_ok=True)
            self._made.add(folder)
        with open(path, "wb") as f:
            f.write(content)
        self.sizes[name] = len(content)
        return path

    def freeze_yield(self):  # type: ignore[no-untyped-def]
        """Frozen-Flask's loop with plain string paths (pathlib per page showed in profiles)."""
        self._root = str(self.root)
        seen: set[str] = set()
        seen_endpoints: set[str | None] = set()
        for url, endpoint, _ in self._generate_all_urls():
            seen_endpoints.add(endpoint)
            if url not in seen:
                seen.add(url)
                yield Page(url, self._build_one(url))
        self._check_endpoints(seen_endpoints)

    def _generate_all_urls(self):  # type: ignore[no-untyped-def]
        """Frozen-Flask's URL generation, for public endpoints only: each (endpoint, values)
        through the app's url_for (the freeze's memo, without flask.url_for's extra
        arguments), and a plain path is not unquoted and split again."""
        script = self._script_name()
        url_for = self.app.url_for
        with self.app.test_request_context(base_url=script or None):
            for generator in [*self.url_generators, self.url_for_logger.iter_calls]:
                for endpoint, values, *last_modified in generator():
                    if not is_public(endpoint):
                        continue
                    url = url_for(endpoint, **values)
                    if not url.startswith(script):
                        raise ValueError(f"url_for gave {url}, outside {script!r}")
                    url = url[len(script):]
                    if not url.startswith("/") or url.startswith("//") \
                            or "%" in url or "?" in url or "#" in url:
                        url = unquote(url)
                        parts = urlsplit(url)
                        if parts.scheme or parts.netloc:
                            raise ValueError(f"External URLs not supported: {url}")
                        url = parts.path
                    yield url, endpoint, (last_modified or [None])[0]

    def _check_endpoints(self, seen_endpoints: set[str]) -> None:
        self.missed = {r.endpoint for r in self.app.url_map.iter_rules()
                       if "GET" in (r.methods or ()) and is_public(r.endpoint)
                       and r.endpoint != "static"} - seen_endpoints
