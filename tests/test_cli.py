"""The command line: help everywhere, and every user error is one `Error:` line."""

from __future__ import annotations

import socket
import struct
import threading
import time

import click
import pytest

from buyerkit.cli import cli, make_private_server


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path under the click group, sub-groups included (derived, not listed)."""
    out = [path]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            out += _commands(command, (*path, name))
        else:
            out.append((*path, name))
    return out


COMMANDS = _commands(cli)


def test_the_command_list_is_derived_from_the_group():
    assert {"check", "serve", "freeze", "api", "demo-signals", "report"} <= \
        {p[0] for p in COMMANDS if p}


@pytest.mark.parametrize("path", COMMANDS, ids=[" ".join(p) or "buyerkit" for p in COMMANDS])
def test_every_command_has_help(runner, path):
    """`--help` and `-h` on every command and sub-command: usage with its own name and a
    first line saying what it does."""
    for flag in ("--help", "-h"):
        result = runner.invoke([*path, flag])
        assert result.exit_code == 0, result.stderr
        assert result.stdout.startswith(f"Usage: {' '.join(('buyerkit', *path))} "), flag
        summary = result.stdout.split("\n\n")[1].strip()
        assert len(summary) > 10, f"{path} has no description"


@pytest.mark.parametrize(("args", "message"), [
    (["frobnicate"], "Error: No such command 'frobnicate'. (see 'buyerkit --help')"),
    (["serve", "--port", "x"],
     "Error: Invalid value for '--port': 'x' is not a valid integer range. "
     "(see 'buyerkit serve --help')"),
    (["serve", "--port", "70000"],
     "Error: Invalid value for '--port': 70000 is not in the range 1<=x<=65535. "
     "(see 'buyerkit serve --help')"),
    (["check", "a", "b"], "Error: Got unexpected extra argument (b) (see 'buyerkit check --help')"),
], ids=["unknown-command", "port-text", "port-range", "extra-argument"])
def test_usage_errors_are_one_line(runner, args, message):
    result = runner.invoke(args)
    assert result.exit_code == 2
    assert result.stderr == message + "\n"


def test_serve_on_a_busy_port_is_one_line(runner, monkeypatch, tmp_path):
    from tests.conftest import DEMO_CONTENT

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BUYERKIT_CONTENT_DIR", str(DEMO_CONTENT))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runner.invoke(["serve", "--port", str(port)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith(f"Error: cannot listen on 127.0.0.1:{port}")
    assert "Traceback" not in result.stderr


def test_serve_with_broken_content_lists_the_errors(runner, monkeypatch, tmp_path, content_dir):
    (content_dir / "diagnostics/renewal-risk-check.yaml").write_text("title: [\n")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(["serve", "--content", str(content_dir)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "Aborted with 1 content error"


def test_the_dev_server_closes_responses_when_clients_reset(app):
    """A client that resets mid-response (a browser leaving a page) must not leave the
    response's file open: werkzeug's own drain raises before its close()."""
    files = []

    @app.after_request
    def remember_the_file(response):
        files.append(response.response.file)  # the static file's werkzeug FileWrapper
        return response

    server = make_private_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for i in range(40):
            with socket.create_connection(("127.0.0.1", server.server_port)) as sock:
                sock.sendall(b"GET /static/favicon.svg HTTP/1.1\r\nHost: t\r\n\r\n")
                time.sleep(0.0005 * (i % 10))
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        deadline = time.monotonic() + 5
        while not all(f.closed for f in files) and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    assert len(files) > 10
    assert [f for f in files if not f.closed] == []
