"""Hostile command-line arguments: one `Error:` line (or located content lines), never a
traceback. Only arguments that are refused before anything serves or writes are generated."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import DEMO_CONTENT

LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
SUITE = settings(max_examples=400 if LONG else 25, deadline=None, derandomize=not LONG,
                 database=None, suppress_health_check=list(HealthCheck))
# What argv can hold on POSIX: text without NUL, and any other bytes as Python decodes them
# (surrogateescape); a lone surrogate such as U+D800 cannot come from a command line.
arg = st.one_of(st.text(st.characters(exclude_characters="\x00", exclude_categories=["Cs"]),
                        max_size=40),
                st.binary(max_size=40).map(
                    lambda b: b.replace(b"\0", b"").decode("utf-8", "surrogateescape")),
                st.integers(1, 6000).map(lambda n: "x" * n),
                st.sampled_from(["-", "--", "-1", "..", "/", "/proc/self", "/dev/null", "~",
                                 "content/site.yaml", "%s%n", "$(id)", "\u202e"]))


def _one_error_line(result) -> None:
    assert result.exit_code in (1, 2), (result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: ") or result.stderr.rstrip().splitlines()[-1] \
        .startswith("Aborted with "), result.stderr[-500:]


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@SUITE
@given(value=arg)
def test_check_with_any_folder_argument(cwd, runner, value):
    result = runner.invoke(["check", value])
    if result.exit_code != 0:
        _one_error_line(result)


@SUITE
@given(port=st.one_of(st.integers(max_value=0), st.integers(min_value=65536), arg),
       command=st.sampled_from(["serve", "api"]))
def test_serve_and_api_refuse_a_bad_port(cwd, runner, port, command):
    if str(port).strip().isdigit() and 1 <= int(str(port).strip()) <= 65535:
        return  # a real port would serve
    _one_error_line(runner.invoke([command, "--port", port]))


@SUITE
@given(endpoint=arg)
def test_freeze_refuses_an_endpoint_that_is_not_a_url(cwd, runner, endpoint):
    (cwd / "foreign").mkdir(exist_ok=True)
    (cwd / "foreign" / "keep.txt").write_text("not a build")
    result = runner.invoke(["freeze", "--endpoint", endpoint, "--dest", "foreign"])
    _one_error_line(result)
    assert (cwd / "foreign" / "keep.txt").read_text() == "not a build"  # nothing lost


def test_a_link_loop_and_a_name_too_long_are_one_error_line(cwd, runner):
    (cwd / "loop1").symlink_to(cwd / "loop2")
    (cwd / "loop2").symlink_to(cwd / "loop1")
    assert runner.invoke(["check", "loop1"]).stderr == (
        "Error: content folder not found: loop1 (create one with `buyerkit new loop1`, "
        "or name yours: `buyerkit check DIR`)\n")
    assert runner.invoke(["check", "x" * 5000]).stderr == \
        "Error: File name too long: " + "x" * 80 + "\n"


def test_a_link_loop_inside_the_content_folder_is_a_located_line(cwd, runner):
    shutil.copytree(DEMO_CONTENT, cwd / "content")
    d = cwd / "content" / "diagnostics"
    (d / "a.yaml").symlink_to(d / "b.yaml")
    (d / "b.yaml").symlink_to(d / "a.yaml")
    lines = runner.invoke(["check", "content"]).stderr.splitlines()
    assert [line.split(": ", 1)[1] for line in lines[:2]] == [
        "cannot read file: Too many levels of symbolic links"] * 2
    assert lines[0].split(": ", 1)[0].endswith("content/diagnostics/a.yaml:1:1")
    assert lines[2] == "Aborted with 2 content errors"
