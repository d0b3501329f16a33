"""`buyerkit freeze`: every public page into a build folder any static host can serve.

Every public URL is rendered (public.py says which, freezer.py how) into a
fresh staging folder beside the destination; the staging folder then replaces the destination
in one rename, so a failed freeze leaves the previous build untouched. The destination must be
new, empty, or a folder an earlier freeze made (it holds the `.buyerkit-build` marker), because
whatever else is in it is replaced. The marker records a fingerprint of everything the pages
are made from: when nothing changed, a rebuild only checks the files and stops.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import click
from flask import Flask
from jinja2 import FileSystemBytecodeCache

from buyerkit import web
from buyerkit.errors import BuyerkitError, display_path
from buyerkit.freeze.freezer import PublicFreezer, long_lived, prepare
from buyerkit.pages.public import public_routes, unenumerable

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


@functools.cache
def _versions() -> tuple[tuple[str, bytes], ...]:
    """The libraries' versions, looked up once per process (each look-up walks sys.path,
    2 ms for the eight): the code a process runs is the code it imported."""
    out = []
    for dist in DISTRIBUTIONS:
        try:
            out.append((dist, metadata.version(dist).encode()))
        except metadata.PackageNotFoundError:
            out.append((dist, b"-"))
    return tuple(out)


def _fingerprint(app: Flask, dest: Path, api: str) -> str:
    """A hash of everything the pages are made from: content, code, templates, static files,
    library versions and the endpoint URL. Paths are relative, so the build is portable."""
    h = hashlib.sha256()

    def add(tag: str, data: bytes) -> None:
        h.update(tag.encode() + b"\0" + len(data).to_bytes(8, "big") + data)

    settings = {"format": FORMAT, "api": api, "buyerkit": metadata.version("buyerkit")}
    add("settings", json.dumps(settings, sort_keys=True).encode())
    for dist, version in _versions():
        add("dist:" + dist, version)
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


def static_headers(api: str, app: Flask | None = None) -> dict[str, str]:
    """The Flask site's own security headers, with the endpoint in connect-src, plus HSTS."""
    origin = web.origin_of(api)
    connect = (origin,) if origin else ()
    headers = web.security_headers(app, connect) if app is not None else \
        {**web.HEADERS, "Content-Security-Policy": web.csp(connect)}
    headers["Strict-Transport-Security"] = web.HSTS
    return headers


def _headers_file(headers: dict[str, str]) -> str:
    lines = ["# Security headers for this static build (Netlify, Cloudflare Pages and others",
             "# that read _headers). Made by `buyerkit freeze` from buyerkit.web.HEADERS.",
             "/*"]
    lines += [f"  {k}: {v}" for k, v in headers.items()]
    return "\n".join(lines) + "\n"


def _nginx_file(headers: dict[str, str], languages: Iterable[str] = ()) -> str:
    """The nginx snippet: security headers, the 404 page (each language's own under its
    prefix, e.g. /de/404.html for a miss under /de/), and the build's own files hidden."""
    lines = ["# Security headers for this static build, made by `buyerkit freeze` from",
             "# buyerkit.web.HEADERS. In the site's server { } block, with root set to this",
             "# folder:  include /path/to/build/nginx.conf;",
             "# (nginx drops server-level add_header lines in any location that has its own.)"]
    lines += [f'add_header {k} "{v}" always;' for k, v in headers.items()]
    lines += ["error_page 404 /404.html;"]
    lines += [f"location /{code}/ {{ error_page 404 /{code}/404.html; }}" for code in languages]
    lines += [f"location ~ ^/(\\{MARKER}|{HEADERS_FILE}|nginx\\.conf)$ {{ return 404; }}"]
    return "\n".join(lines) + "\n"


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
        freezer = PublicFreezer(app, with_static_files=True, with_no_argument_rules=False,
                                 log_url_for=True)
        freezer.register_generator(lambda: public_routes(app))
        prepare(app)
        # One app context for every page, as a static site has no per-request state.
        with warnings.catch_warnings(record=True) as caught, app.app_context(), long_lived():
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
        # A parameterised page the content has no items for (a site without customer
        # stories) is empty by design, not forgotten: only the others are worth a warning.
        empty = {r.endpoint for r in app.url_map.iter_rules() if r.arguments
                 and r.rule not in unenumerable(app)} - {e for e, _ in public_routes(app)}
        result.warnings += [f"nothing frozen for {e}: link it from a page, or declare its "
                            "pages in buyerkit/public.py" for e in sorted(freezer.missed - empty)]
        result.warnings += [f"no pages known for {r}: declare them in buyerkit/public.py"
                            for r in unenumerable(app)]
        headers = static_headers(api, app)
        (staging / HEADERS_FILE).write_text(_headers_file(headers))
        site = app.extensions["buyerkit.catalog"].site
        prefixed = [c for c in site.languages if c != site.default_language
                    and (staging / c / "404.html").is_file()]
        (staging / NGINX_FILE).write_text(_nginx_file(headers, prefixed))
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
