"""`buyerkit handoff list|retry|run` for the operator and `buyerkit webhooks test|secret`."""

from __future__ import annotations

import json
import signal
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import click

from buyerkit.content.folder import app_for, content_option
from buyerkit.errors import BuyerkitError
from buyerkit.handoff.outbox import STATUSES, Claim
from buyerkit.handoff.targets import Webhook, new_secret, secret_key


def _handoff() -> Any:
    """The hand-off of an app made by the factory the CLI group hands down (`ctx.obj`), so
    this stage does not import the factory that imports it."""
    return app_for(click.get_current_context()).extensions["buyerkit.handoff"]


def _when(ts: float | None) -> str:
    if ts is None:
        return "-"
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M")


@click.group()
@content_option()
def handoff() -> None:
    """Contact requests sent by prospects: their deliveries to your sales tools."""


@handoff.command("list")
@click.option("--status", type=click.Choice(STATUSES), help="Only deliveries in this state.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10000))
@content_option()
def list_(status: str | None, limit: int) -> None:
    """Show deliveries, newest first: id, target, state, attempts, last error (no e-mail)."""
    h = _handoff()
    try:
        rows = h.outbox.rows(status, limit)
        counts = h.outbox.counts()
    finally:
        h.close()
    click.echo(f"{counts['delivered']} delivered, {counts['failed']} failed, "
               f"{counts['pending']} pending.")
    for r in rows:
        state = r["status"] if r["status"] != "pending" else f"pending (next {_when(r['due'])})"
        line = (f"{r['id']}  {_when(r['created'])}  {r['target']}  {r['verdict']}  {state}  "
                f"attempts={r['attempts']}")
        click.echo(line + (f"  last error: {r['error']}" if r["error"] else ""))


@handoff.command()
@click.argument("ids", nargs=-1, metavar="[ID]...")
@click.option("--all-failed", is_flag=True, help="Every delivery that was given up.")
@content_option()
def retry(ids: tuple[str, ...], all_failed: bool) -> None:
    """Send given-up deliveries again (by delivery id or request id), starting now."""
    if not ids and not all_failed:
        raise click.UsageError("name delivery or request ids, or give --all-failed")
    h = _handoff()
    try:
        n = h.outbox.retry(ids, all_failed=all_failed)
    finally:
        h.close()
    if ids and n == 0:
        raise BuyerkitError("no given-up delivery has these ids (see `buyerkit handoff list "
                            "--status failed`)")
    click.echo(f"{n} deliver{'y' if n == 1 else 'ies'} queued again; `buyerkit handoff run` "
               "or the web process sends them.")


@handoff.command()
@click.option("--once", is_flag=True, help="Send what is due now, then stop.")
@click.option("--poll", default=1.0, show_default=True, type=click.FloatRange(0.05, 60),
              help="Seconds between looks at the outbox when idle.")
@content_option()
def run(once: bool, poll: float) -> None:
    """Run the delivery loop (set HANDOFF_WORKER=off to leave delivery to this command)."""
    h = _handoff()
    if not h.targets:
        h.close()
        raise BuyerkitError("no HANDOFF_TARGETS are configured: there is nowhere to send to")
    deliverer = h.deliverer()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        if once:
            total = 0
            while n := deliverer.run_once():
                total += n
            click.echo(f"Made {total} delivery attempt{'' if total == 1 else 's'}.")
        else:
            click.echo(f"Delivering to {', '.join(h.targets)} (Ctrl+C to stop).", err=True)
            try:
                deliverer.run(stop, poll)
            except KeyboardInterrupt:
                click.echo("Stopped.", err=True)
    finally:
        deliverer.close()
        h.close()


@click.group()
@content_option()
def webhooks() -> None:
    """Standard Webhooks: make a signing secret, send a signed sample."""


@webhooks.command()
def secret() -> None:
    """Print a new signing secret (whsec_...) for a webhook target and its receiver."""
    click.echo(new_secret())


SAMPLE: dict[str, Any] = {
    "diagnostic": {"slug": "sample", "title": "A sample check"},
    "verdict": "fit", "verdict_title": "A sample result (sent by `buyerkit webhooks test`)",
    "reasons": [{"code": "sample", "text": "This is a test delivery; no prospect sent it."}],
    "bucket": "retain_expand", "bucket_label": "Retain and expand customers",
    "trigger": "mandate", "trigger_label": "A mandate", "bands": {},
    "numbers": None, "roles": [],
    "contact": {"email": "prospect@example.com", "name": "Sample Prospect", "note": None},
    "consent": {"text": "Sample: no consent is needed, nobody's data is in it.",
                "given_at": None},
}


@webhooks.command()
@click.argument("url")
@click.option("--secret", "secret_", metavar="WHSEC", envvar="BUYERKIT_WEBHOOK_SECRET",
              help="Signing secret (default: the first webhook target's with this URL, "
                   "else BUYERKIT_WEBHOOK_SECRET).")
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(0.1, 120))
@content_option()
def test(url: str, secret_: str | None, timeout: float) -> None:
    """Send one signed sample contact request to URL and say how the receiver answered."""
    if not url.startswith(("http://", "https://")):
        raise click.BadParameter(f"'{url}' is not an http(s) URL", param_hint="'URL'")
    if secret_ is None:
        h = _handoff()
        h.close()
        secret_ = next((t.secret for t in h.targets.values()
                        if isinstance(t, Webhook) and t.url == url), None)
        if secret_ is None:
            raise BuyerkitError("give --secret (no webhook target has this URL)")
    try:
        secret_key(secret_)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="'--secret'") from e
    rid = str(uuid.uuid4())
    data = {**SAMPLE, "id": rid}
    claim = Claim(id=f"msg_{rid.replace('-', '')}_test", request=rid, target="test",
                  attempt=1, created=time.time(), data=json.loads(json.dumps(data)))
    got = Webhook("test", url, secret_, timeout).send(claim)
    if not got.ok:
        raise BuyerkitError(f"{url}: {got.error}")
    click.echo(f"Delivered a signed sample to {url} (webhook-id {claim.id}).")
