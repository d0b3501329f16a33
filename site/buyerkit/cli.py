"""The `buyerkit` command line: every user error is one `Error: ...` line, never a traceback."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import click
from werkzeug.serving import WSGIRequestHandler, make_server

from .catalog import load_catalog


class PrivateRequestHandler(WSGIRequestHandler):
    """Werkzeug's dev handler without the client address or query string in its log lines."""

    def address_string(self) -> str:
        return "-"

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        path = self.path.split("?", 1)[0]
        self.log("info", '"%s %s" %s %s', self.command, path, code, size)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="buyerkit")
def cli() -> None:
    """buyerkit: honest self-diagnostics, calculators and role guides from content/ files."""


@cli.command()
@click.argument("content_dir", required=False,
                type=click.Path(file_okay=False, path_type=Path))
def check(content_dir: Path | None) -> None:
    """Validate CONTENT_DIR (default ./content); print every problem as path:line:col."""
    load_catalog(content_dir or Path.cwd() / "content")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535),
              help="Port to listen on.")
@click.option("--content", "content_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Content folder (default ./content or BUYERKIT_CONTENT_DIR).")
def serve(host: str, port: int, content_dir: Path | None) -> None:
    """Serve the site for local use (SQLite in the instance folder)."""
    import os

    from . import create_app

    if content_dir is not None:
        os.environ["BUYERKIT_CONTENT_DIR"] = str(content_dir.resolve())
    app = create_app()
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        try:  # bind first: werkzeug would print its own lines and sys.exit on a busy port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
            sock.listen(128)
        except OSError as e:
            raise click.ClickException(
                f"cannot listen on {host}:{port}: {e.strerror or e}") from e
        server = make_server(host, port, app, threaded=True,
                             request_handler=PrivateRequestHandler, fd=sock.fileno())
    click.echo(f"Serving {app.extensions['buyerkit.catalog'].site.vendor.name} "
               f"on http://{host}:{port}/ (Ctrl+C to stop)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)
    finally:
        server.server_close()


from .reports.commands import demo_signals, report, users  # noqa: E402

cli.add_command(report)
cli.add_command(users)
cli.add_command(demo_signals)


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
    return 0


if __name__ == "__main__":
    sys.exit(main())
