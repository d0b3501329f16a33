"""The hand-off: a consenting prospect's result sent to the vendor's team, kept apart from signals.

`init_app` reads the HANDOFF_* settings, registers the form and API routes and the template
helper; `counts()` is the one thing a report may show about contact requests.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app

from buyerkit.errors import BuyerkitError
from buyerkit.handoff.delivery import Deliverer, Policy, Worker
from buyerkit.handoff.outbox import Outbox, default_url
from buyerkit.handoff.requests import ContactRequest
from buyerkit.handoff.targets import Target, TargetConfigError, make_targets

DEFAULTS: dict[str, Any] = {
    "HANDOFF_TARGETS": [],  # list of targets; see docs/handoff.md
    "HANDOFF_DATABASE_URL": None,  # default DATABASE_URL, else instance/handoff.sqlite3
    "HANDOFF_RETENTION_DAYS": 30,  # after delivery (or giving up), `buyerkit purge` deletes
    "HANDOFF_WORKER": "thread",  # "thread": deliver from the web process; "off": `handoff run`
    "HANDOFF_CONCURRENCY": 8,
    "HANDOFF_MAX_ATTEMPTS": 10,
    "HANDOFF_BACKOFF_SECONDS": 5.0,
    "HANDOFF_BACKOFF_MAX_SECONDS": 3600.0,
    "HANDOFF_TIMEOUT_SECONDS": 10.0,
    "HANDOFF_LEASE_SECONDS": 60.0,  # a claimed delivery is someone else's after this
    "HANDOFF_TOKEN_MAX_AGE": 7200,  # seconds a form stays valid (its one-time token)
}


class Handoff:
    """Targets, the outbox (opened on first use) and the in-process delivery worker."""

    def __init__(self, config: Any, instance_path: str) -> None:
        self.config = config
        try:
            self.targets: dict[str, Target] = make_targets(
                config["HANDOFF_TARGETS"], float(config["HANDOFF_TIMEOUT_SECONDS"]))
        except (TargetConfigError, ValueError) as e:
            raise BuyerkitError(str(e)) from e
        self.url = (config["HANDOFF_DATABASE_URL"] or config.get("DATABASE_URL")
                    or default_url(instance_path))
        self._outbox: Outbox | None = None
        self._worker: Worker | None = None

    @property
    def outbox(self) -> Outbox:
        if self._outbox is None:
            self._outbox = Outbox(self.url)
        return self._outbox

    def policy(self) -> Policy:
        c = self.config
        return Policy(concurrency=int(c["HANDOFF_CONCURRENCY"]),
                      max_attempts=int(c["HANDOFF_MAX_ATTEMPTS"]),
                      backoff=float(c["HANDOFF_BACKOFF_SECONDS"]),
                      backoff_max=float(c["HANDOFF_BACKOFF_MAX_SECONDS"]),
                      lease=max(float(c["HANDOFF_LEASE_SECONDS"]),
                                2 * float(c["HANDOFF_TIMEOUT_SECONDS"])))

    def deliverer(self) -> Deliverer:
        return Deliverer(self.outbox, self.targets, self.policy())

    def submit(self, req: ContactRequest, nonce: str | None) -> None:
        """Commit the request for every target (durable before this returns), then wake the
        in-process worker; raises outbox.Replayed for a used nonce."""
        self.outbox.add(req, self.targets, nonce)
        if self.config["HANDOFF_WORKER"] == "thread":
            if self._worker is None:
                self._worker = Worker(self.deliverer())
            self._worker.kick()

    def close(self) -> None:
        """Stop the worker and close the outbox's connections."""
        if self._worker is not None:
            self._worker.close()
            self._worker = None
        if self._outbox is not None:
            self._outbox.dispose()
            self._outbox = None


def init_app(app: Flask) -> None:
    for k, v in DEFAULTS.items():
        app.config.setdefault(k, v)
    handoff = Handoff(app.config, app.instance_path)
    app.extensions["buyerkit.handoff"] = handoff
    from buyerkit.handoff import views

    app.register_blueprint(views.bp)
    app.jinja_env.globals["handoff_offer"] = views.offer


def counts(app: Flask | None = None) -> dict[str, int]:
    """Deliveries by status ({"pending", "delivered", "failed"}), for the reports."""
    handoff: Handoff = (app or current_app).extensions["buyerkit.handoff"]
    return handoff.outbox.counts()
