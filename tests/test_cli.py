"""The command line: help everywhere, and every user error is one `Error:` line."""

from __future__ import annotations

import socket

import pytest


@pytest.mark.parametrize("args", [["--help"], ["check", "--help"], ["serve", "--help"]],
                         ids=["main", "check", "serve"])
def test_every_command_has_help(runner, args):
    result = runner.invoke(args)
    assert result.exit_code == 0 and "Usage: buyerkit" in result.stdout


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
    from .conftest import DEMO_CONTENT

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
