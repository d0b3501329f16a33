"""Shared fixtures: an app on a temporary instance folder and a private copy of the content."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from buyerkit import create_app
from buyerkit.cli import main

ROOT = Path(__file__).resolve().parents[1]
DEMO_CONTENT = ROOT / "content"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A copy of the demo content that a test may change freely."""
    dest = tmp_path / "content"
    shutil.copytree(DEMO_CONTENT, dest)
    return dest


def make_app(tmp_path: Path, content_dir: Path, **config):
    settings = {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "CONTENT_DIR": str(content_dir),
        "BUILD_DIR": str(tmp_path / "build"),
        "SECRET_KEY": "test-secret",
    }
    settings.update(config)
    return create_app(settings)


@pytest.fixture
def app(tmp_path: Path, content_dir: Path):
    app = make_app(tmp_path, content_dir)
    yield app
    app.extensions["buyerkit.store"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def store(app):
    return app.extensions["buyerkit.store"]


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


class Runner:
    """Runs the real `buyerkit` entry point (with its one-line error handling) in-process."""

    def invoke(self, args: list[str]) -> CliResult:
        runner = CliRunner()
        with runner.isolation() as streams:
            code = main([str(a) for a in args])
            out, err = streams[0].getvalue(), streams[1].getvalue()
        return CliResult(code, out.decode(), err.decode())


@pytest.fixture
def runner() -> Runner:
    return Runner()
