"""A canary sweep: 1,000 requests full of identifying values; none of them may be found in the
database file, its WAL, or the logs."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from tests.conftest import make_app
from tests.signals.test_events_api import SCORE
from tests.signals.walk import URL, hidden

N = 1000


def canaries(i: int) -> dict[str, str]:
    return {
        "ip": f"10.{i // 250 + 10}.{i % 250 + 1}.{(i * 7) % 250 + 3}",
        "xff": f"203.0.{i % 200 + 1}.{i // 200 + 101}",
        "agent": f"CanaryAgent{i:04d}x",
        "cookie": f"canarycookie{i:04d}x",
        "person": f"canary.person{i:04d}x",
    }


def request_env(c: dict[str, str]) -> dict:
    return {
        "environ_base": {"REMOTE_ADDR": c["ip"]},
        "headers": {
            "User-Agent": f"Mozilla/5.0 (X11; Linux x86_64) {c['agent']} Chrome/131.0",
            "X-Forwarded-For": f"{c['xff']}, {c['ip']}",
            "Cookie": f"session={c['cookie']}; email={c['person']}@mail.example",
            "Referer": f"https://{c['person']}@mail.example/inbox?u={c['person']}",
        },
    }


def one_request(client, i: int) -> int:
    c = canaries(i)
    env = request_env(c)
    email = f"{c['person']}@mail.example"
    kind = i % 5
    if kind == 0:  # an event whose channel carries an e-mail address
        body = {"id": str(uuid.uuid4()), "kind": "guide_viewed", "subject": "cfo",
                "journey": None, "group": None, "props": {"personalised": True},
                "channel": {"source": email, "campaign": email, "referrer": email}}
        return client.post("/api/v1/events", json=body, **env).status_code
    if kind == 1:  # a property that is not allowlisted, holding an e-mail address
        body = {"id": str(uuid.uuid4()), "kind": "kit_opened", "subject": "kit",
                "journey": None, "group": None, "props": {"email": email}}
        return client.post("/api/v1/events", json=body, **env).status_code
    if kind == 2:  # a verdict with an e-mail address as campaign
        body = {**SCORE, "channel": {"campaign": email, "medium": email.upper()}}
        return client.post("/api/v1/score", json=body, **env).status_code
    if kind == 3:  # the server-rendered diagnostic with an e-mail address in the query
        r = client.get(f"{URL}?utm_source={email}&utm_campaign={c['cookie']}@x", **env)
        form = hidden(r.get_data(as_text=True))
        form.setlist("symptom", ["surprise_churn"])
        form.setlist("visibility", ["usage_unread"])
        return client.post(URL, data=form, **env).status_code
    # the company form, given a company's own domain (kept only as a hash) or an e-mail
    typed = f"https://www.canaryco{i:04d}x.example/about" if i % 10 == 4 else email
    return client.post("/company/", data={"diagnostic": "renewal-risk-check",
                                          "journey": str(uuid.uuid4()), "domain": typed},
                       **env).status_code


def test_no_identifying_value_reaches_the_store_or_the_logs(tmp_path: Path, content_dir: Path,
                                                           caplog):
    caplog.set_level(logging.DEBUG)
    app = make_app(tmp_path, content_dir, RATELIMIT_API="5 per minute")
    client = app.test_client()
    codes = [one_request(client, i) for i in range(N)]
    # One client over its limit: its address must not be logged by the limiter either.
    hot = {"environ_base": {"REMOTE_ADDR": "10.254.254.254"}}
    limited = [client.post("/api/v1/events", json={"events": "x"}, **hot).status_code
               for _ in range(8)]
    store = app.extensions["buyerkit.store"]
    company_rows = len(store.rows(kind="company_given"))
    assert store.counts()["received"] >= 600  # the sweep really did store events
    db = Path(store.engine.url.database)
    wal = db.with_name(db.name + "-wal")
    haystack = db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    logs = caplog.text.encode()
    app.extensions["buyerkit.store"].dispose()

    assert set(codes) <= {200, 400} and codes.count(200) >= 600
    assert limited.count(429) == 3
    assert company_rows == N // 10
    assert b"canaryco" not in haystack + logs  # the raw company domain
    assert b"CanaryAgent" not in haystack + logs
    assert b"canarycookie" not in haystack + logs
    assert b"canary.person" not in haystack + logs  # (the referrer host may stay)
    assert b"10.254.254.254" not in logs
    for i in range(N):
        c = canaries(i)
        for key in ("ip", "xff"):
            assert c[key].encode() not in haystack, (key, c[key])
            assert c[key].encode() not in logs, (key, c[key])
