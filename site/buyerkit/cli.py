"""The `buyerkit` command line: every user error is one `Error: ...` line, never a traceback."""

from __future__ import annotations

import os
import re
import socket
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from buyerkit.content.catalog import load_catalog
from buyerkit.errors import ContentErrors, display_path
from buyerkit.freeze.build import DEFAULT_ENDPOINT

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

# Where `python -m http.server -d build` serves the frozen pages, for trying it all locally.
LOCAL_ORIGINS = ("http://127.0.0.1:8000", "http://localhost:8000")


_RESPONSE = "buyerkit.response"


class _ClosesOnce:
    """A response iterator whose close() runs once, however many times it is called."""

    def __init__(self, iterator: Iterable[bytes]) -> None:
        self.iterator, self.closed = iterator, False

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.iterator)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            getattr(self.iterator, "close", lambda: None)()


class _LeavesResponse:
    """WSGI wrapper that leaves each response in its environ, for the handler to close."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment,
                 start_response: StartResponse) -> Iterable[bytes]:
        response = environ[_RESPONSE] = _ClosesOnce(self.app(environ, start_response))
        return response


class PrivateRequestHandler(WSGIRequestHandler):
    """Werkzeug's dev handler without the client address or query string in its log lines."""

    def address_string(self) -> str:
        return "-"

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        path = self.path.split("?", 1)[0]
        self.log("info", '"%s %s" %s %s', self.command, path, code, size)

    def connection_dropped(self, error: BaseException,
                           environ: WSGIEnvironment | None = None) -> None:
        """Close the response a reset connection left open: werkzeug drains the socket
        before it closes the response, and a reset there skips the close (a leaked file)."""
        response = (environ or {}).get(_RESPONSE)
        if response is not None:
            response.close()


def make_private_server(host: str, port: int, app: WSGIApplication,
                        fd: int | None = None) -> BaseWSGIServer:
    """A threaded werkzeug server with the private handler, closing every response."""
    return make_server(host, port, _LeavesResponse(app), threaded=True,
                       request_handler=PrivateRequestHandler, fd=fd)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="buyerkit")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """buyerkit: honest self-diagnostics, calculators and role guides from content/ files."""
    from buyerkit import create_app

    # The stages' own commands build their app through this (`ctx.obj()`), so no stage
    # imports the factory that imports them.
    ctx.obj = create_app


def _run(app: Flask, host: str, port: int, banner: str) -> None:
    """Serve `app` on host:port with the private log handler until Ctrl+C; a busy port is one
    Error line (bound here first: werkzeug would print its own lines and sys.exit)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
            sock.listen(128)
        except OSError as e:
            raise click.ClickException(
                f"cannot listen on {host}:{port}: {e.strerror or e}") from e
        server = make_private_server(host, port, app, fd=sock.fileno())
    click.echo(banner, err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)
    finally:
        server.server_close()


@cli.command()
@click.argument("content_dir", required=False,
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--strict", is_flag=True,
              help="Fail on warnings too (what CI and deployments should use).")
def check(content_dir: Path | None, strict: bool) -> None:
    """Validate CONTENT_DIR (default ./content); print every problem as path:line:col."""
    catalog = load_catalog(content_dir or Path.cwd() / "content")
    if strict and catalog.warnings:
        raise ContentErrors(list(catalog.warnings))
    for w in catalog.warnings:
        click.echo(str(w), err=True)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535),
              help="Port to listen on.")
@click.option("--content", "content_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Content folder (default ./content or BUYERKIT_CONTENT_DIR).")
def serve(host: str, port: int, content_dir: Path | None) -> None:
    """Serve the site for local use (SQLite in the instance folder)."""
    import os

    from buyerkit import create_app

    if content_dir is not None:
        os.environ["BUYERKIT_CONTENT_DIR"] = str(content_dir.resolve())
    with _environment(BUYERKIT_PREVIEW="true"):  # dev-only pages: /_preview/explain/<slug>/
        app = create_app()
    for w in app.extensions["buyerkit.catalog"].warnings:
        click.echo(str(w), err=True)
    _run(app, host, port, f"Serving {app.extensions['buyerkit.catalog'].site.vendor.name} "
                          f"on http://{host}:{port}/ (Ctrl+C to stop)")


@contextmanager
def _environment(**values: str | None) -> Iterator[None]:
    """Set BUYERKIT_* variables for create_app() only, then restore them (tests run in-process)."""
    saved = {k: os.environ.get(k) for k in values}
    try:
        for k, v in values.items():
            if v is not None:
                os.environ[k] = v
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@cli.command()
@click.option("--endpoint", metavar="URL",
              help="Public URL of the scoring endpoint (`buyerkit api`) the pages call; "
                   f"default ENDPOINT_URL, else {DEFAULT_ENDPOINT}.")
@click.option("--dest", type=click.Path(path_type=Path),
              help="Build folder (default BUILD_DIR, ./build). It must be new, empty, or made by "
                   "an earlier freeze: everything else in it is replaced.")
@click.option("--content", "content_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Content folder (default ./content or BUYERKIT_CONTENT_DIR).")
@click.option("--force", is_flag=True, help="Rebuild even when nothing changed.")
def freeze(endpoint: str | None, dest: Path | None, content_dir: Path | None,
           force: bool) -> None:
    """Write every public page to the build folder, for any static host."""
    from buyerkit import create_app
    from buyerkit.freeze.build import check_destination, endpoint_api, freeze_site

    if dest is not None:
        check_destination(dest.resolve())  # before anything else: never touch a foreign folder
    if endpoint is not None:
        endpoint_api(endpoint)
    with _environment(BUYERKIT_CONTENT_DIR=str(content_dir.resolve()) if content_dir else None):
        app = create_app()  # content errors stop here, before anything is written
    target = (dest or Path(app.config["BUILD_DIR"])).resolve()
    url = endpoint or app.config.get("ENDPOINT_URL") or DEFAULT_ENDPOINT
    result = freeze_site(app, target, url, force=force, progress=sys.stderr.isatty())
    for w in result.warnings:
        click.echo(f"Warning: {w}", err=True)
    shown = display_path(target)
    if result.skipped:
        click.echo(f"Nothing changed: {shown}/ is up to date ({result.pages} pages; "
                   "--force rebuilds it).", err=True)
    else:
        click.echo(f"Froze {result.pages} pages and {len(result.files) - result.pages} other "
                   f"files to {shown}/ in {result.seconds:.2f} s; they call the endpoint at "
                   f"{endpoint_api(url)}.", err=True)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5001, show_default=True, type=click.IntRange(1, 65535),
              help="Port to listen on.")
@click.option("--allow-origin", "origins", multiple=True, metavar="ORIGIN",
              help="An origin whose pages may call the endpoint (repeat for more); default "
                   "ALLOWED_ORIGINS, else the vendor's base_url and a local static server on "
                   "port 8000.")
@click.option("--content", "content_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Content folder (default ./content or BUYERKIT_CONTENT_DIR).")
def api(host: str, port: int, origins: tuple[str, ...], content_dir: Path | None) -> None:
    """Run the scoring endpoint alone (score, events, health, OpenAPI): no pages, no reports."""
    import json

    from buyerkit import create_app
    from buyerkit.web import allowed_origins, origin_of

    for o in origins:
        if origin_of(o) is None or origin_of(o) != o.rstrip("/").lower():
            raise click.BadParameter(f"'{o}' is not an origin such as https://example.com",
                                     param_hint="'--allow-origin'")
    with _environment(BUYERKIT_API_ONLY="true",
                      BUYERKIT_CONTENT_DIR=str(content_dir.resolve()) if content_dir else None,
                      BUYERKIT_ALLOWED_ORIGINS=json.dumps(origins) if origins else None):
        app = create_app()
    if not app.config.get("ALLOWED_ORIGINS"):  # nothing configured: try it all locally
        app.config["ALLOWED_ORIGINS"] = list(LOCAL_ORIGINS)
    _run(app, host, port,
         f"Scoring endpoint on http://{host}:{port}/api/ (Ctrl+C to stop); pages may call it "
         f"from: {', '.join(sorted(allowed_origins(app)))}")


def _age_hours(value: str) -> int:
    """`13m` (months), `8w` (weeks) or `30d` (days) as a number of hours."""
    from buyerkit.signals.store import HOURS_PER_MONTH

    m = re.fullmatch(r"([1-9][0-9]{0,3})([mwd])", value.strip())
    if not m:
        raise click.BadParameter(f"'{value}' is not an age like 13m, 8w or 30d",
                                 param_hint="'--older-than'")
    return int(m.group(1)) * {"m": HOURS_PER_MONTH, "w": 168, "d": 24}[m.group(2)]


@cli.command()
@click.option("--older-than", "older_than", metavar="AGE",
              help="Age like 13m (months), 8w or 30d. Default: RETENTION_MONTHS (13).")
@click.option("--content", "content_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Content folder (default ./content or BUYERKIT_CONTENT_DIR).")
def purge(older_than: str | None, content_dir: Path | None) -> None:
    """Delete stored signals older than AGE (retention; default 13 months), and contact
    requests HANDOFF_RETENTION_DAYS (30) after their delivery."""
    from buyerkit import create_app

    with _environment(BUYERKIT_CONTENT_DIR=str(content_dir.resolve()) if content_dir else None):
        app = create_app()
    age = older_than or f"{int(app.config['RETENTION_MONTHS'])}m"
    hours = _age_hours(age)
    store = app.extensions["buyerkit.store"]
    try:
        deleted = store.purge(hours)
    finally:
        store.dispose()
    click.echo(f"Purged {deleted} event{'' if deleted == 1 else 's'} older than {age}.")
    handoff = app.extensions["buyerkit.handoff"]
    days = int(app.config["HANDOFF_RETENTION_DAYS"])
    try:
        gone = handoff.outbox.purge(days)
    finally:
        handoff.close()
    if gone or handoff.targets:
        click.echo(f"Purged {gone} contact request{'' if gone == 1 else 's'} delivered more "
                   f"than {days} days ago.")


from buyerkit.content.commands import explain_command  # noqa: E402
from buyerkit.content.scaffold import new_command  # noqa: E402
from buyerkit.handoff import commands as handoff_commands  # noqa: E402
from buyerkit.pages.embed import embed  # noqa: E402
from buyerkit.reports.commands import demo_signals, report, users  # noqa: E402

cli.add_command(new_command)
cli.add_command(embed)
cli.add_command(explain_command)
cli.add_command(report)
cli.add_command(users)
cli.add_command(demo_signals)
cli.add_command(handoff_commands.handoff)
cli.add_command(handoff_commands.webhooks)


def main(argv: list[str] | None = None) -> int:
    """Entry point: usage errors become one line too (click prints usage and hint otherwise)."""
    try:
        cli.main(args=argv, prog_name="buyerkit", standalone_mode=False)
    except click.UsageError as e:
        where = e.ctx.command_path if e.ctx else "buyerkit"
        click.echo(f"Error: {e.format_message()} (see '{where} --help')", err=True)
        return 2
    except click.ClickException as e:
        e.show()
        return e.exit_code
    except click.Abort:
        click.echo("Aborted.", err=True)
        return 1
    except OSError as e:  # a path the system refuses (name too long, a loop...): one line
        where = f": {str(e.filename)[:80]}" if e.filename else ""
        click.echo(f"Error: {e.strerror or e}{where}", err=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
