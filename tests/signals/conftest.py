"""Signal-store fixtures: the same tests on SQLite and on PostgreSQL (when a URL is given)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import make_app


@pytest.fixture
def engine_app(tmp_path: Path, content_dir: Path, store_url: str):
    """The app with its store on the parametrised engine."""
    app = make_app(tmp_path, content_dir, DATABASE_URL=store_url)
    yield app
    app.extensions["buyerkit.store"].dispose()
