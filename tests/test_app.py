"""The app factory: defaults, then instance/config.py, then BUYERKIT_* environment variables."""

from __future__ import annotations

import stat
from pathlib import Path

from buyerkit import create_app
from tests.conftest import DEMO_CONTENT


def test_config_layers(tmp_path: Path, monkeypatch):
    instance = tmp_path / "inst"
    instance.mkdir()
    (instance / "config.py").write_text("EVENTS_ENABLED = False\nDATABASE_URL = 'sqlite://'\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BUYERKIT_INSTANCE_PATH", str(instance))
    monkeypatch.setenv("BUYERKIT_CONTENT_DIR", str(DEMO_CONTENT))
    monkeypatch.setenv("BUYERKIT_EVENTS_ENABLED", "true")
    app = create_app()
    assert app.instance_path == str(instance)
    assert app.config["DATABASE_URL"] == "sqlite://"  # from config.py
    assert app.config["EVENTS_ENABLED"] is True  # the environment wins
    assert app.config["BUILD_DIR"] == str(tmp_path / "build")
    assert Path(app.config["CONTENT_DIR"]).is_absolute()
    app.extensions["buyerkit.store"].dispose()


def test_secret_key_is_generated_once_and_private(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = {"INSTANCE_PATH": str(tmp_path / "i"), "CONTENT_DIR": str(DEMO_CONTENT)}
    first = create_app(settings)
    second = create_app(settings)
    key = tmp_path / "i" / "secret_key"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key.read_text()
    assert len(first.config["SECRET_KEY"]) == 64
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    for app in (first, second):
        app.extensions["buyerkit.store"].dispose()


def test_sqlite_store_is_wal_with_full_sync(app):
    engine = app.extensions["buyerkit.store"].engine
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
