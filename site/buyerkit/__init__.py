"""buyerkit: the buyer-enablement part of a B2B vendor's website, built from content/ files."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path
from typing import Any

from flask import Flask

__version__ = "0.1.0"

DEFAULTS: dict[str, Any] = {
    "MAX_CONTENT_LENGTH": 16 * 1024,
    "EVENTS_ENABLED": True,
    "DATABASE_URL": None,
    "GROUP_COMMIT_MS": 0.0,
    "STORE_WRITER": "thread",  # or "process": commits and folding in a writer process
    "FOLD_DELAY_MS": 200.0,  # after a commit, wait this long so one roll-up fold takes many
    "FOLD_BATCH": 200,  # events folded per transaction (SQLite: the write lock is held ~6 ms)
    "RETENTION_MONTHS": 13,
    "RATELIMIT_API": "120 per minute",
    "DOMAIN_HMAC_KEY": None,
    # Freeze and endpoint (docs/deployment.md; every key in docs/configuration.md):
    "API_ONLY": False,  # register only the /api blueprint (`buyerkit api`, gunicorn)
    "ALLOWED_ORIGINS": [],  # origins whose pages may call /api (CORS allowlist)
    "EMBED_ORIGINS": [],  # origins whose pages may frame ours (with site.yaml embed.origins)
    "ENDPOINT_URL": None,  # public URL of the endpoint, written into frozen pages
    "STATIC_BUILD": False,  # set by `buyerkit freeze` while it renders pages
    "PREVIEW": False,  # dev-only pages under /_preview/ (set by `buyerkit serve`)
}


def _secret_key(instance: Path, name: str = "secret_key") -> str:
    """A random secret kept in the instance folder, so no install ships a default secret."""
    path = instance / name
    if not path.exists():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker made it first: read theirs
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
    for _ in range(100):  # the worker that made it may not have written it yet
        value = path.read_text().strip()
        if value:
            return value
        time.sleep(0.01)
    raise RuntimeError(f"{path} is empty")


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then instance/config.py, then BUYERKIT_* environment variables."""
    cwd = Path.cwd()
    env_instance = os.environ.get("BUYERKIT_INSTANCE_PATH")
    instance = Path((test_config or {}).get("INSTANCE_PATH") or env_instance or cwd / "instance")
    instance = instance.resolve()
    app = Flask(__name__, instance_path=str(instance), instance_relative_config=True,
                template_folder="pages/templates", static_folder="pages/static")
    app.config.from_mapping(DEFAULTS)
    app.config.update(CONTENT_DIR=str(cwd / "content"), BUILD_DIR=str(cwd / "build"))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("BUYERKIT")
    else:
        app.config.from_mapping(test_config)
    for key in ("CONTENT_DIR", "BUILD_DIR"):
        app.config[key] = str(Path(app.config[key]).resolve())
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)
    if not app.config.get("DOMAIN_HMAC_KEY"):
        app.config["DOMAIN_HMAC_KEY"] = _secret_key(instance, "domain_hmac_key")

    from buyerkit import handoff, web
    from buyerkit.api import ratelimit, routes
    from buyerkit.content import catalog
    from buyerkit.pages import (
        brand,
        calculators,
        company,
        diagnostics,
        guides,
        home,
        languages,
        live,
        offering,
        preview,
        profile,
        seo,
    )
    from buyerkit.pages import references as customer_stories
    from buyerkit.reports import folding
    from buyerkit.reports import views as reports
    from buyerkit.signals import store

    catalog.init_app(app)
    # The store knows nothing of the reports: the factory hands it the folder that follows
    # its commits (a dotted name, so a writer process can start its own).
    store.init_app(app, follower=folding.FOLLOWER)
    folding.init_app(app)
    web.init_app(app)
    ratelimit.init_app(app)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    if not app.config["API_ONLY"]:  # the endpoint alone has no page or report routes
        for page in (home, diagnostics, calculators, guides, offering, seo, company,
                     customer_stories):
            app.register_blueprint(page.bp)
        brand.init_app(app)  # the vendor's look: brand.css, logo, template overrides
        preview.init_app(app)  # dev-server pages (PREVIEW, set by `buyerkit serve`)
        profile.init_app(app)  # the target profile on the pages that promise it
        live.init_app(app)  # dev server: reload on content change, errors in an overlay
        reports.init_app(app)
    app.register_blueprint(routes.bp)
    handoff.init_app(app)  # contact requests: the form, /api/v1/handoff, the outbox
    languages.init_app(app)  # Flask-Babel; /<lang>/ twins of the public pages (last: sees all)
    return app
