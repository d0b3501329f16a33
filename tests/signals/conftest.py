"""Signal-store fixtures: the same tests on SQLite and on PostgreSQL (when a URL is given)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from ..conftest import make_app

PG_ENV = "BUYERKIT_TEST_POSTGRES_URL"
PG_SKIP = (f"PostgreSQL store tests need {PG_ENV} (e.g. from `bash tools/postgres.sh`); "
           ".ci/run sets it")


def postgres_url(schema: str) -> str:
    """The test database's URL with a private schema on the search path, so parallel runs and
    earlier runs never see each other's tables."""
    base = sa.make_url(os.environ[PG_ENV])
    return base.update_query_dict({"options": f"-csearch_path={schema}"}) \
        .render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgres"], ids=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL for an empty store: a SQLite file, or a fresh schema in PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'signals.sqlite3'}"
        return
    if not os.environ.get(PG_ENV):
        pytest.skip(PG_SKIP)
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(os.environ[PG_ENV].replace("postgresql://",
                                                        "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        yield postgres_url(schema)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


@pytest.fixture
def engine_app(tmp_path: Path, content_dir: Path, store_url: str):
    """The app with its store on the parametrised engine."""
    app = make_app(tmp_path, content_dir, DATABASE_URL=store_url)
    yield app
    app.extensions["buyerkit.store"].dispose()
