"""Whether an event may be recorded for this request, and recording it durably if so."""

from __future__ import annotations

from flask import current_app, request

from .events import Event
from .store import get_store


def opted_out() -> bool:
    """Global Privacy Control or Do Not Track: the visitor still gets answers, we store nothing."""
    return request.headers.get("Sec-GPC") == "1" or request.headers.get("DNT") == "1"


def record(event: Event) -> bool:
    """Store the event unless signals are off or the visitor opted out; True when stored now
    or earlier (a retried id), so the caller may answer `recorded: true`."""
    if not current_app.config["EVENTS_ENABLED"] or opted_out():
        return False
    get_store().record(event)
    return True
