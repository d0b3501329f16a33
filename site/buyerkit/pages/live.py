"""Live preview for the dev server: content edits show in the open tab, content errors in an
overlay, while the last good content keeps serving.

`buyerkit serve` (PREVIEW) watches the content folder with watchfiles. A change reloads the
catalog; a good one replaces the served catalog, a broken one is kept as the list of its
problems, each with the offending line quoted. Every HTML page the dev server sends carries
one small script (live.js, served only here) that listens on Server-Sent Events and reloads
the page after a change; while the content has errors, each page also opens with an overlay
listing them (rendered on the server, so it shows without JavaScript too). Nothing of this is
in frozen pages or under `buyerkit api`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import watchfiles
from flask import Blueprint, Flask, Response, current_app, render_template

from buyerkit.content.catalog import load_catalog
from buyerkit.errors import BuyerkitError, ContentErrors, ContentProblem

bp = Blueprint("live", __name__, url_prefix="/_preview/live")
ASSETS = Path(__file__).parent / "dev"  # not static/: never frozen
DEBOUNCE_MS = 50  # a save that writes twice (truncate, then write) is one change
HEARTBEAT_S = 15.0  # keeps the event stream open through proxies; ends a stale stream


@dataclass(frozen=True)
class Problem:
    """One content problem as the overlay shows it: the located line and the line quoted."""

    where: str
    quoted: str
    caret: str = ""  # a `^` under the problem's column, as Vite's code frame shows it


@dataclass
class Live:
    """The watcher's state: a version that moves on every reload, and the current problems."""

    content: Path
    version: int = 0
    problems: tuple[Problem, ...] = ()
    reloaded_at: float = 0.0  # time.perf_counter() of the last reload, for the benchmark
    changed: threading.Condition = field(default_factory=threading.Condition)
    stop: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    def bump(self, problems: tuple[Problem, ...]) -> None:
        with self.changed:
            self.version += 1
            self.problems = problems
            self.reloaded_at = time.perf_counter()
            self.changed.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        """Block until the version moves past `seen` (or the timeout, or the stop)."""
        with self.changed:
            self.changed.wait_for(lambda: self.version != seen or self.stop.is_set(), timeout)
            return self.version

    def close(self) -> None:
        self.stop.set()
        with self.changed:
            self.changed.notify_all()
        if self.thread is not None:
            self.thread.join(timeout=5)


def _quoted(problem: ContentProblem, seen: set[tuple[str, int]] | None = None) -> Problem:
    """The problem's line, and the line of the file it names (when it can be read) with a caret
    under its column; a line already quoted for an earlier problem is not quoted again."""
    if seen is not None:
        if (problem.path, problem.line) in seen:
            return Problem(str(problem), "")
        seen.add((problem.path, problem.line))
    path = Path(problem.path)
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        quoted = lines[problem.line - 1].rstrip() if 0 < problem.line <= len(lines) else ""
    except OSError:
        quoted = ""
    caret = " " * (problem.col - 1) + "^" if quoted and 0 < problem.col <= 300 else ""
    return Problem(str(problem), quoted[:300], caret)


def reload(app: Flask, live: Live) -> None:
    """Load the content again: serve it if it is good, else keep the last good and its errors."""
    try:
        catalog = load_catalog(live.content)
    except ContentErrors as e:
        seen: set[tuple[str, int]] = set()
        live.bump(tuple(_quoted(p, seen) for p in e.problems))
        return
    except BuyerkitError as e:  # the folder itself went away
        live.bump((Problem(e.format_message(), ""),))
        return
    app.extensions["buyerkit.catalog"] = catalog
    live.bump(())


def _watch(app: Flask, live: Live) -> None:
    for _changes in watchfiles.watch(live.content, debounce=DEBOUNCE_MS, step=20,
                                     stop_event=live.stop, raise_interrupt=False):
        reload(app, live)


@bp.get("/live.js")
def script() -> Response:
    return Response((ASSETS / "live.js").read_text(), mimetype="text/javascript")


@bp.get("/live.css")
def stylesheet() -> Response:
    return Response((ASSETS / "live.css").read_text(), mimetype="text/css")


@bp.get("/events")
def events() -> Response:
    """Server-Sent Events: one `version` message now, another after each reload."""
    live: Live = current_app.extensions["buyerkit.live"]

    def stream() -> Iterator[str]:
        seen = live.version
        yield f"retry: 1000\nevent: version\ndata: {seen}\n\n"
        while not live.stop.is_set():
            now = live.wait(seen, HEARTBEAT_S)
            if now != seen:
                seen = now
                yield f"event: version\ndata: {seen}\n\n"
            else:
                yield ": still here\n\n"

    return Response(stream(), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


def _decorate(resp: Response) -> Response:
    """Add the reload script (and the overlay, while the content is broken) to an HTML page."""
    live: Live | None = current_app.extensions.get("buyerkit.live")
    if live is None or resp.mimetype != "text/html" or resp.direct_passthrough:
        return resp
    body = resp.get_data(as_text=True)
    if "</body>" not in body:
        return resp
    extra = render_template("_live.html", problems=live.problems, version=live.version)
    resp.set_data(body.replace("</body>", extra + "</body>", 1))
    return resp


def init_app(app: Flask) -> None:
    """Watch the content folder and decorate pages, for the dev server (PREVIEW) only."""
    if not app.config.get("PREVIEW") or app.config.get("API_ONLY"):
        return
    live = Live(Path(app.config["CONTENT_DIR"]))
    app.extensions["buyerkit.live"] = live
    app.jinja_env.auto_reload = True  # the content's template overrides change too
    app.register_blueprint(bp)
    app.after_request(_decorate)
    live.thread = threading.Thread(target=_watch, args=(app, live), daemon=True,
                                   name="buyerkit-live")
    live.thread.start()
