"""Journeys without JavaScript: the server records start, steps and completion, once each."""

from __future__ import annotations

import json
import re

import pytest

from buyerkit.signals.company import match, org_hash
from tests.signals.test_events_api import BROWSER_UA
from tests.signals.walk import STEPS, URL, hidden, walk

UA = {"headers": {"User-Agent": BROWSER_UA}}


def kinds(store) -> list[tuple[str, int | None]]:
    return sorted((r["kind"], json.loads(r["props"] or "{}").get("step")) for r in store.rows())


def test_a_completed_run_is_one_journey(client, store):
    html, _ = walk(client, query="?utm_source=LinkedIn&utm_medium=social", **UA)
    assert "This looks like a good fit" in html
    assert kinds(store) == [("diagnostic_completed", None), ("diagnostic_started", None),
                            ("step_reached", 2), ("step_reached", 3), ("step_reached", 4)]
    rows = store.rows()
    assert len({r["journey"] for r in rows}) == 1
    assert {r["source"] for r in rows} == {"linkedin"} and {r["filtered"] for r in rows} == {None}


def test_a_reposted_step_is_stored_once(client, store):
    r = client.get(URL, **UA)
    form = hidden(r.get_data(as_text=True))
    for k, v in STEPS[0].items():
        form.setlist(k, v if isinstance(v, list) else [v])
    for _ in range(3):  # the browser's "resend form" after a reload
        assert client.post(URL, data=form, **UA).status_code == 200
    assert kinds(store) == [("diagnostic_started", None), ("step_reached", 2)]


def test_leaving_at_step_two_shows_as_drop_off(client, store):
    walk(client, upto=1, **UA)
    assert kinds(store) == [("diagnostic_started", None), ("step_reached", 2)]


def test_a_filled_honeypot_gets_its_verdict_but_is_filtered(client, store):
    html, _ = walk(client, extra={"_homepage": "http://spam.example"}, **UA)
    assert "This looks like a good fit" in html
    assert {r["filtered"] for r in store.rows() if r["kind"] != "diagnostic_started"} == \
        {"honeypot"}
    counts = store.counts()
    assert counts["received"] == counts["counted"] + counts["filtered"] == 5


def test_the_honeypot_is_hidden_from_people(client):
    html = client.get(URL, **UA).get_data(as_text=True)
    (field,) = re.findall(r'<div class="hp" aria-hidden="true">.*?</div>', html)
    assert 'name="_homepage"' in field and 'tabindex="-1"' in field
    assert 'autocomplete="off"' in field


@pytest.mark.parametrize("typed,target", [
    ("https://www.Keelson.io/about", "Keelson Analytics"),
    ("keelson.io", "Keelson Analytics"),
    ("smallshop.example", None),
], ids=["url", "bare", "not-a-target"])
def test_company_domain_is_kept_only_as_a_hash(app, client, store, typed, target):
    _, form = walk(client, **UA)
    r = client.post("/company/", data={"diagnostic": "renewal-risk-check",
                                       "journey": form["journey"], "domain": typed}, **UA)
    assert r.status_code == 200 and "pooled" in r.get_data(as_text=True)
    (row,) = store.rows(kind="company_given")
    key = app.config["DOMAIN_HMAC_KEY"]
    assert row["org"] == org_hash(key, typed.split("//")[-1].split("/")[0].lower()
                                  .removeprefix("www."))
    found = match(key, app.extensions["buyerkit.catalog"].targets, row["org"])
    assert (found.name if found else None) == target
    assert "keelson" not in repr(store.rows()).lower()
    assert "smallshop" not in repr(store.rows()).lower()


@pytest.mark.parametrize("typed", ["jane@keelson.io", "not a domain", "", "localhost"],
                         ids=["email", "words", "empty", "no-dot"])
def test_a_bad_domain_is_named_next_to_the_field(client, store, typed):
    _, form = walk(client, **UA)
    r = client.post("/company/", data={"diagnostic": "renewal-risk-check",
                                       "journey": form["journey"], "domain": typed}, **UA)
    assert r.status_code == 400
    assert re.search(r'id="domain-error">.*not an e-mail address', r.get_data(as_text=True))
    assert store.rows(kind="company_given") == []
