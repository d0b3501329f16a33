"""`buyerkit freeze`: every public page into a build folder any static host can serve.

Frozen-Flask renders each public URL through the app (see public.py for which ones), into a
fresh staging folder beside the destination; the staging folder then replaces the destination
in one rename, so a failed freeze leaves the previous build untouched. The destination must be
new, empty, or a folder an earlier freeze made (it holds the `.buyerkit-build` marker), because
whatever else is in it is replaced. The marker records a fingerprint of everything the pages
are made from: when nothing changed, a rebuild only checks the files and stops.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import shutil
import sys
import tempfile
import time
import warnings
from collections import deque
from dataclasses import dataclass, field
from importlib import metadata
from io import BytesIO
from pathlib import Path
from typing import Any
from unicodedata import normalize
from urllib.parse import unquote, urlsplit

import click
import rjsmin
from flask import Flask
from flask.ctx import RequestContext
from flask.globals import _cv_request
from flask.sessions import SecureCookieSessionInterface
from flask_frozen import Freezer, MimetypeMismatchWarning, Page
from jinja2 import FileSystemBytecodeCache
from werkzeug.exceptions import HTTPException
from werkzeug.routing import MapAdapter
from werkzeug.test import EnvironBuilder, run_wsgi_app

from . import __version__, web
from .errors import BuyerkitError, display_path
from .public import is_public, public_routes, unenumerable

MARKER = ".buyerkit-build"
DEFAULT_ENDPOINT = "http://127.0.0.1:5001"
HEADERS_FILE = "_headers"  # Netlify / Cloudflare Pages read it from the published folder
NGINX_FILE = "nginx.conf"  # an nginx snippet to include in the site's server block
FORMAT = 2  # bump when the build layout changes, so old fingerprints no longer match
DISTRIBUTIONS = ("Flask", "Werkzeug", "Jinja2", "Frozen-Flask", "WTForms", "pydantic",
                 "PyYAML", "markdown-it-py")


@dataclass
class FreezeResult:
    """What a freeze did: where, how many files, whether it could skip the work."""

    dest: Path
    files: list[str] = field(default_factory=list)
    skipped: bool = False
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return sum(1 for f in self.files if f.endswith(".html"))


def endpoint_api(url: str) -> str:
    """The API base pages call (`<endpoint>/api`) from the endpoint's public URL."""
    origin = web.origin_of(url)
    if origin is None or any(c in url for c in "?#\"'<> "):
        raise BuyerkitError(f"endpoint '{url}' is not an absolute http(s) URL such as "
                            "https://score.example.com")
    base = url.strip().rstrip("/")
    return base if base.endswith("/api") else base + "/api"


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_destination(dest: Path, app: Flask | None = None) -> None:
    """Refuse any folder freeze does not own: it replaces everything in its destination."""
    shown = display_path(dest)
    if dest.exists() and not dest.is_dir():
        raise BuyerkitError(f"{shown} is a file, not a folder: choose a build folder with --dest")
    if app is not None:
        for name, folder in (("content", app.config["CONTENT_DIR"]),
                             ("application", app.root_path), ("instance", app.instance_path)):
            folder_path = Path(folder).resolve()
            if _inside(dest, folder_path) or _inside(folder_path, dest):
                raise BuyerkitError(f"{shown} overlaps the {name} folder: choose a build folder "
                                    "of its own with --dest")
    if dest.is_dir() and any(dest.iterdir()) and not (dest / MARKER).is_file():
        raise BuyerkitError(
            f"{shown} is not empty and was not made by buyerkit freeze (it has no {MARKER} "
            "file); freeze replaces everything in its folder, so give it a new or empty one")


def _fingerprint(app: Flask, dest: Path, api: str) -> str:
    """A hash of everything the pages are made from: content, code, templates, static files,
    library versions and the endpoint URL. Paths are relative, so the build is portable."""
    h = hashlib.sha256()

    def add(tag: str, data: bytes) -> None:
        h.update(tag.encode() + b"\0" + len(data).to_bytes(8, "big") + data)

    add("settings", json.dumps({"format": FORMAT, "api": api, "buyerkit": __version__},
                               sort_keys=True).encode())
    for dist in DISTRIBUTIONS:
        try:
            add("dist:" + dist, metadata.version(dist).encode())
        except metadata.PackageNotFoundError:
            add("dist:" + dist, b"-")
    roots = [("content", Path(app.config["CONTENT_DIR"])), ("app", Path(app.root_path))]
    roots += [(f"bp:{name}", Path(bp.root_path)) for name, bp in sorted(app.blueprints.items())
              if not _inside(Path(bp.root_path), Path(app.root_path))]
    for label, root in roots:  # hidden and cache folders (.git, node_modules' .bin) skipped
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__"
                             and Path(folder, d).resolve() != dest)
            rel = Path(folder).relative_to(root).as_posix()
            for name in sorted(files):
                if not name.startswith(".") and not name.endswith(".pyc"):
                    with open(os.path.join(folder, name), "rb") as f:
                        add(f"{label}/{rel}/{name}", f.read())
    return h.hexdigest()


def _up_to_date(dest: Path, fingerprint: str) -> list[str] | None:
    """The files of the build in `dest` when it was made from the same inputs and is intact."""
    try:
        marker = json.loads((dest / MARKER).read_text())
        if marker.get("fingerprint") != fingerprint:
            return None
        files: dict[str, int] = marker["files"]
        for name, size in files.items():
            if (dest / name).stat().st_size != size:
                return None
        return sorted(files)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def static_headers(api: str) -> dict[str, str]:
    """The Flask site's own security headers, with the endpoint in connect-src, plus HSTS."""
    origin = web.origin_of(api)
    headers = dict(web.HEADERS)
    headers["Content-Security-Policy"] = web.csp((origin,) if origin else ())
    headers["Strict-Transport-Security"] = web.HSTS
    return headers


def _headers_file(headers: dict[str, str]) -> str:
    lines = ["# Security headers for this static build (Netlify, Cloudflare Pages and others",
             "# that read _headers). Made by `buyerkit freeze` from buyerkit.web.HEADERS.",
             "/*"]
    lines += [f"  {k}: {v}" for k, v in headers.items()]
    return "\n".join(lines) + "\n"


def _nginx_file(headers: dict[str, str]) -> str:
    lines = ["# Security headers for this static build, made by `buyerkit freeze` from",
             "# buyerkit.web.HEADERS. In the site's server { } block, with root set to this",
             "# folder:  include /path/to/build/nginx.conf;",
             "# (nginx drops server-level add_header lines in any location that has its own.)"]
    lines += [f'add_header {k} "{v}" always;' for k, v in headers.items()]
    lines += ["error_page 404 /404.html;",
              f"location ~ ^/(\\{MARKER}|{HEADERS_FILE}|nginx\\.conf)$ {{ return 404; }}"]
    return "\n".join(lines) + "\n"


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


def _memo_url_for(app: Flask) -> None:
    """Build each distinct link once per freeze (pages repeat the same nav and guide links)."""
    real = app.url_for
    cache: dict[Any, str] = {}

    def url_for(endpoint: str, **values: Any) -> str:
        key = (endpoint, *values.items())  # keyword order is fixed per call site
        try:
            return cache[key]
        except KeyError:
            if endpoint.startswith(".") or values.get("_external"):
                return real(endpoint, **values)  # relative and external links vary by page
            # flask.url_for (Frozen-Flask's) passes _anchor=None etc.; templates do not
            plain = (endpoint, *((k, v) for k, v in values.items()
                                 if v is not None or k not in _FLASK_OPTIONS))
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
        """Flask's pop for a context pushed once: teardown functions, then unbind."""
        try:
            self.app.do_teardown_request(exc)
        finally:
            token, _ = self._cv_tokens.pop()
            _cv_request.reset(token)
            self.request.environ["werkzeug.request"] = None

    def match_request(self) -> None:
        try:
            self.request.url_rule, self.request.view_args = self.url_adapter.match(
                self.request.path, return_rule=True)
        except HTTPException as e:
            self.request.routing_exception = e


class _PublicFreezer(Freezer):
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

    def _render(self, url: str, environ: dict[str, Any]) -> tuple[bytes, str] | None:
        """The page's body and mimetype from its view, in a bare request context.

        Only the body of a page is frozen, so the per-request work around the view is left
        out: before_request (the API's CORS gate and rate limit), after_request (headers,
        which the build ships in _headers and nginx.conf), the session, a new app context
        (the freeze holds one). None when the URL is not a plain 200 page from a view (a
        static file, a redirect, an error): the full WSGI call then answers it.
        tests/test_freeze_equivalence.py pins that every frozen page is byte for byte what
        the Flask-served site sends.
        """
        app = self.app
        ctx = _PageContext(app, environ, self._adapter, self._null_session)
        ctx.push()
        try:
            req = ctx.request
            if req.routing_exception is not None or req.url_rule is None \
                    or req.url_rule.endpoint == "static":
                return None
            rv = app.view_functions[req.url_rule.endpoint](**req.view_args)
            if isinstance(rv, str):
                return rv.encode(), "text/html"
            resp = app.make_response(rv)
            if resp.status_code != 200 or resp.direct_passthrough or resp.is_streamed:
                return None
            return resp.get_data(), resp.mimetype or ""
        except Exception:  # noqa: BLE001 - the full request cycle answers, and reports it
            return None
        finally:
            ctx.pop()

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
        guessed = mimetypes.guess_type(name)[0] or self.app.config["FREEZER_DEFAULT_MIMETYPE"]
        if guessed != mimetype:
            warnings.warn(f"Filename extension of {name!r} (type {guessed}) does not match "
                          f"Content-Type: {mimetype}", MimetypeMismatchWarning, stacklevel=2)
        if name.endswith(".js"):  # comments are for the source tree, not for every visitor
            content = rjsmin.jsmin(content.decode("utf-8")).encode("utf-8")
        path = os.path.join(self._root, name)
        folder = os.path.dirname(path)
        if folder not in self._made:  # the staging folder is new: no file to compare with
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
                            or any(c in url for c in "%?#"):
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


def _swap(staging: Path, dest: Path) -> None:
    """Put the new build in place of the old one: two renames, then remove the old."""
    if not dest.exists():
        staging.rename(dest)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{dest.name}-old-", dir=dest.parent))
    try:
        dest.rename(old / dest.name)
    except OSError:  # a mount point or a folder held open: replace its contents instead
        for child in list(dest.iterdir()):
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        for child in staging.iterdir():
            child.rename(dest / child.name)
        staging.rmdir()
    else:
        staging.rename(dest)
    shutil.rmtree(old)


def freeze_site(app: Flask, dest: Path, endpoint: str, *, force: bool = False,
                progress: bool = False) -> FreezeResult:
    """Freeze every public page of `app` into `dest` for pages that call `endpoint`."""
    start = time.perf_counter()
    dest = dest.resolve()
    check_destination(dest, app)
    api = endpoint_api(endpoint)
    result = FreezeResult(dest)
    fingerprint = _fingerprint(app, dest, api)
    if not force and (files := _up_to_date(dest, fingerprint)) is not None:
        result.files, result.skipped = files, True
        result.seconds = time.perf_counter() - start
        return result

    dest.parent.mkdir(parents=True, exist_ok=True)
    app.config.update(STATIC_BUILD=True, ENDPOINT_URL=endpoint, ENDPOINT_API=api,
                      EVENTS_ENABLED=False, FREEZER_REDIRECT_POLICY="error",
                      FREEZER_REMOVE_EXTRA_FILES=False,  # the staging folder starts empty
                      FREEZER_IGNORE_MIMETYPE_WARNINGS=False)
    cache = Path(app.instance_path) / "jinja-cache"
    cache.mkdir(parents=True, exist_ok=True)
    app.jinja_env.bytecode_cache = FileSystemBytecodeCache(str(cache))
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}-new-", dir=dest.parent))
    try:
        app.config["FREEZER_DESTINATION"] = str(staging)
        freezer = _PublicFreezer(app, with_static_files=True, with_no_argument_rules=False,
                                 log_url_for=True)
        freezer.register_generator(lambda: public_routes(app))
        _memo_url_for(app)
        _memo_ensure_sync(app)
        app.session_interface = _NoSession()
        # One app context for every page, as a static site has no per-request state.
        with warnings.catch_warnings(record=True) as caught, app.app_context():
            warnings.simplefilter("always")
            pages = freezer.freeze_yield()
            if progress:
                with click.progressbar(pages, length=len(set(freezer.all_urls())),
                                       label="Freezing", file=sys.stderr,
                                       item_show_func=lambda p: p.url if p else None) as bar:
                    for _ in bar:
                        pass
            else:
                for _ in pages:
                    pass
        result.warnings = [str(w.message) for w in caught]
        result.warnings += [f"nothing frozen for {e}: link it from a page, or declare its "
                            "pages in buyerkit/public.py" for e in sorted(freezer.missed)]
        result.warnings += [f"no pages known for {r}: declare them in buyerkit/public.py"
                            for r in unenumerable(app)]
        headers = static_headers(api)
        (staging / HEADERS_FILE).write_text(_headers_file(headers))
        (staging / NGINX_FILE).write_text(_nginx_file(headers))
        sizes = dict(freezer.sizes)
        for name in (HEADERS_FILE, NGINX_FILE):
            sizes[name] = (staging / name).stat().st_size
        result.files = sorted(sizes)
        marker = {"made_by": "buyerkit freeze", "fingerprint": fingerprint,
                  "endpoint": api, "files": dict(sorted(sizes.items()))}
        (staging / MARKER).write_text(json.dumps(marker, indent=1) + "\n")
        os.chmod(staging, 0o755)  # mkdtemp makes 0700; a web server must read the folder
        _swap(staging, dest)
    except ValueError as e:  # Frozen-Flask: a page answered with an error or a redirect
        raise BuyerkitError(f"{e}; nothing was written to {display_path(dest)}") from None
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    result.seconds = time.perf_counter() - start
    return result
