"""Shared fixtures: an app on a temporary instance folder and a private copy of the content."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

import buyerkit.reports  # noqa: F401  (provides the store's report tables, schema step 3)
from buyerkit import create_app
from buyerkit.cli import main

ROOT = Path(__file__).resolve().parents[1]
DEMO_CONTENT = ROOT / "content"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PG_ENV = "BUYERKIT_TEST_POSTGRES_URL"
PG_SKIP = (f"PostgreSQL store tests need {PG_ENV} (e.g. from `bash tools/postgres.sh`); "
           ".ci/run sets it")


def postgres_url(schema: str) -> str:
    """The test database's URL with a private schema on the search path, so parallel runs and
    earlier runs never see each other's tables."""
    base = sa.make_url(os.environ[PG_ENV].replace("postgresql://", "postgresql+psycopg://", 1))
    return base.update_query_dict({"options": f"-csearch_path={schema}"}) \
        .render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgres"], ids=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty store: a SQLite file, or a private schema in the test PostgreSQL (skipped,
    saying why, when no PostgreSQL URL is given)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite3'}"
        return
    if not os.environ.get(PG_ENV):
        pytest.skip(PG_SKIP)
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(postgres_url("public"))
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        yield postgres_url(schema)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


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
        """Run `buyerkit ARGS`, then put the environment back: `serve` and `--content` set
        BUYERKIT_CONTENT_DIR for the process, which later tests would otherwise inherit."""
        runner, saved = CliRunner(), dict(os.environ)
        try:
            with runner.isolation() as streams:
                code = main([str(a) for a in args])
                out, err = streams[0].getvalue(), streams[1].getvalue()
        finally:
            os.environ.clear()
            os.environ.update(saved)
        return CliResult(code, out.decode(), err.decode())


@pytest.fixture
def runner() -> Runner:
    return Runner()


class Inbox:
    """An aiosmtpd handler keeping every message it is given (the hand-off's e-mail target and
    the reports' digest are tested against it)."""

    def __init__(self) -> None:
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp():
    """A local SMTP server on a free port: (its Inbox, the port)."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()
