"""Whether an event may be recorded for this request, and recording it durably if so.

Opted-out visitors (GPC, DNT) are not stored at all. Known bots and filled honeypots are stored
as filtered with a reason, so reports can say received = counted + filtered; the user agent
itself is only looked at here, never stored or logged.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from flask import current_app, request

from buyerkit.signals.events import Event
from buyerkit.signals.store import StoreError, get_store

# Crawlers, link previewers, headless browsers and HTTP libraries: not a person reading.
BOT_AGENT = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|headless|phantomjs|selenium|puppeteer|playwright|"
    r"lighthouse|pagespeed|python-requests|python-urllib|aiohttp|httpx|curl/|wget/|"
    r"go-http-client|okhttp|java/|libwww|scrapy|facebookexternalhit|preview|monitor")
# Matched against the lower-cased agent: re.IGNORECASE made this search 24 µs for a browser's
# agent string, on every recorded request; lower() and a case-sensitive search take 2 µs.


def opted_out() -> bool:
    """Global Privacy Control or Do Not Track: the visitor still gets answers, we store nothing."""
    return request.headers.get("Sec-GPC") == "1" or request.headers.get("DNT") == "1"


def filter_reason(honeypot: bool = False) -> str | None:
    """Why this request's events do not count: "honeypot", "bot", or None for a person."""
    if honeypot:
        return "honeypot"
    if BOT_AGENT.search(request.headers.get("User-Agent", "").lower()):
        return "bot"
    return None


def record_many(batch: Sequence[Event], *, honeypot: bool = False) -> bool:
    """Store the events (all or none) unless signals are off or the visitor opted out.

    True when they are durable now or were earlier (a retried id), so the caller may answer
    `recorded: true`; raises store.StoreError when they could not be made durable.
    """
    if not current_app.config["EVENTS_ENABLED"] or opted_out():
        return False
    get_store().record_many(batch, filtered=filter_reason(honeypot))
    return True


def record(event: Event, *, honeypot: bool = False) -> bool:
    """Store one event; see record_many."""
    return record_many([event], honeypot=honeypot)


def record_page(event: Event, *, honeypot: bool = False) -> bool:
    """Record an event for a server-rendered page: the prospect gets their page even when the
    store is down (a page is no acknowledgement); the failure is logged without any data."""
    try:
        return record(event, honeypot=honeypot)
    except StoreError:
        logging.getLogger("buyerkit").warning("store unavailable: %s not recorded", event.kind)
        return False
