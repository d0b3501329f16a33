"""`buyerkit freeze` and `buyerkit api` on the command line: one clear line for every mistake."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from buyerkit.freeze.build import MARKER
from tests.conftest import DEMO_CONTENT, FIXTURES


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A vendor's folder: demo content, run from inside it as a new user would."""
    shutil.copytree(DEMO_CONTENT, tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BUYERKIT_INSTANCE_PATH", str(tmp_path / "instance"))
    # `buyerkit serve --content` sets this for good in-process (other tests run it first)
    monkeypatch.delenv("BUYERKIT_CONTENT_DIR", raising=False)
    return tmp_path


@pytest.mark.parametrize("args", [["freeze", "--help"], ["api", "--help"]],
                         ids=["freeze", "api"])
def test_help(runner, args):
    result = runner.invoke(args)
    assert result.exit_code == 0 and "Usage: buyerkit" in result.stdout


def test_freeze_writes_build_and_says_where(runner, project):
    result = runner.invoke(["freeze"])
    assert result.exit_code == 0, result.stderr
    assert re.match(r"^Froze \d+ pages and \d+ other files to build/ in ", result.stderr)
    assert result.stderr.rstrip().endswith("they call the endpoint at http://127.0.0.1:5001/api.")
    assert (project / "build/index.html").is_file() and (project / "build" / MARKER).is_file()
    again = runner.invoke(["freeze"])
    pages = len(list((project / "build").rglob("*.html")))
    assert again.stderr == (f"Nothing changed: build/ is up to date ({pages} pages; --force "
                            "rebuilds it).\n")


def test_freeze_refuses_a_folder_it_does_not_own(runner, project):
    (project / "site").mkdir()
    (project / "site/notes.txt").write_text("mine")
    result = runner.invoke(["freeze", "--dest", "site"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: site is not empty and was not made by buyerkit freeze (it has no .buyerkit-build "
        "file); freeze replaces everything in its folder, so give it a new or empty one\n")
    assert (project / "site/notes.txt").read_text() == "mine"
    assert sorted(p.name for p in (project / "site").iterdir()) == ["notes.txt"]


@pytest.mark.parametrize(("dest", "message"), [
    (".", "Error: . is not empty and was not made by buyerkit freeze (it has no "
          ".buyerkit-build file); freeze replaces everything in its folder, so give it a new "
          "or empty one"),
    ("content/build", "Error: content/build overlaps the content folder: choose a build folder "
                      "of its own with --dest"),
    ("content/site.yaml", "Error: content/site.yaml is a file, not a folder: choose a build "
                          "folder with --dest"),
], ids=["cwd", "inside-content", "a-file"])
def test_freeze_refuses_other_destinations(runner, project, dest, message):
    result = runner.invoke(["freeze", "--dest", dest])
    assert (result.exit_code, result.stderr) == (1, message + "\n")
    assert not (project / "content/build").exists()


def test_content_errors_stop_before_anything_is_written(runner, project):
    shutil.copy(FIXTURES / "diagnostics/bad-refs.yaml", project / "content/diagnostics/")
    result = runner.invoke(["freeze"])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[-1].startswith("Aborted with ") and "Traceback" not in result.stderr
    assert all(re.match(r"^content/diagnostics/bad-refs\.yaml:\d+:\d+: ", line)
               for line in lines[:-1])
    assert not (project / "build").exists()
    assert [p.name for p in project.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("url", ["score.example.com", "ftp://score.example.com",
                                 "https://score.example.com/?x=1"], ids=["no-scheme", "ftp",
                                                                       "query"])
def test_freeze_names_a_bad_endpoint(runner, project, url):
    result = runner.invoke(["freeze", "--endpoint", url])
    assert (result.exit_code, result.stderr) == (
        1, f"Error: endpoint '{url}' is not an absolute http(s) URL such as "
           "https://score.example.com\n")
    assert not (project / "build").exists()


def test_api_names_a_bad_origin(runner, project):
    result = runner.invoke(["api", "--allow-origin", "https://x.example/path"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Invalid value for '--allow-origin': "
                                    "'https://x.example/path' is not an origin")


def test_api_on_a_busy_port_is_one_line(runner, project):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runner.invoke(["api", "--port", str(port)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith(f"Error: cannot listen on 127.0.0.1:{port}")


def test_api_serves_the_endpoint_alone(project):
    """The real command in a subprocess: health and scoring answer, pages do not exist."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "buyerkit.cli", "api", "--port", str(port)],
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health",
                                            timeout=1) as r:
                    assert r.read() == b'{"ok":true}\n'
                    break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.1)
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
        assert missing.value.code == 404
        missing.value.close()
        req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/health",
                                     headers={"Origin": "http://127.0.0.1:8000"})
        with urllib.request.urlopen(req, timeout=2) as r:
            assert r.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:8000"
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert f"Scoring endpoint on http://127.0.0.1:{port}/api/" in err
    assert "http://127.0.0.1:8000" in err and "Traceback" not in err
