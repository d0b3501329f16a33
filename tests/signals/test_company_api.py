"""POST /api/v1/company: the static result page's pooling form, the same rules as the Flask form.

Only an HMAC of the normalised domain is stored, under an id derived from the journey; the
domain text itself is never in the store, whatever the request did.
"""

from __future__ import annotations

import json
import re
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from buyerkit.signals.company import (
    INVALID_DOMAIN,
    TYPED_DOMAIN,
    TYPED_MAX,
    match,
    normalise_domain,
    org_hash,
)
from buyerkit.signals.events import derived_id
from tests.conftest import make_app
from tests.signals.test_events_api import BROWSER_UA
from tests.signals.walk import walk

UA = {"headers": {"User-Agent": BROWSER_UA}}
SLUG = "renewal-risk-check"
PAGES = "https://pages.harborline.example"


def body(**over):
    return {"diagnostic": SLUG, "journey": str(uuid.uuid4()), "group": None,
            "domain": "keelson.io", "hp": "", **over}


def post(client, data, **headers):
    return client.post("/api/v1/company", json=data,
                       headers={"User-Agent": BROWSER_UA, **headers})


@pytest.mark.parametrize(("typed", "target"), [
    ("https://www.Keelson.io/about", "Keelson Analytics"),
    ("keelson.io", "Keelson Analytics"),
    ("KEELSON.IO.", "Keelson Analytics"),
    ("smallshop.example", None),
], ids=["url", "bare", "upper-trailing-dot", "not-a-target"])
def test_a_domain_is_stored_only_as_the_forms_hash(app, client, store, typed, target):
    group = str(uuid.uuid4())
    data = body(domain=typed, group=group)
    r = post(client, data)
    assert (r.status_code, r.get_json()) == (200, {"ok": True, "recorded": True})
    (row,) = store.rows(kind="company_given")
    key = app.config["DOMAIN_HMAC_KEY"]
    domain = typed.lower().split("//")[-1].split("/")[0].removeprefix("www.").rstrip(".")
    assert row["org"] == org_hash(key, domain)
    assert (row["id"], row["journey"], row["grp"], row["subject"]) == (
        derived_id(data["journey"], "company"), data["journey"], group, SLUG)
    assert row["filtered"] is None
    found = match(key, app.extensions["buyerkit.catalog"].targets, row["org"])
    assert (found.name if found else None) == target
    assert domain.split(".")[0] not in json.dumps(store.rows()).lower()


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.from_regex(TYPED_DOMAIN).filter(lambda t: len(t) <= TYPED_MAX))
def test_every_text_the_openapi_document_promises_is_a_domain(typed):
    """The document's `pattern` (read as JSON Schema reads it) never promises a text the form's
    normalisation would refuse, so the endpoint accepts exactly what the document says."""
    assert re.search(TYPED_DOMAIN, typed)
    assert normalise_domain(typed) is not None


def test_the_form_and_the_endpoint_store_the_same_event(client, store):
    """Pooling a journey through the Flask form, then the endpoint, stores one row."""
    _, form = walk(client, **UA)
    r = client.post("/company/", data={"diagnostic": SLUG, "journey": form["journey"],
                                       "domain": "keelson.io"}, **UA)
    assert r.status_code == 200
    (first,) = store.rows(kind="company_given")
    assert post(client, body(journey=form["journey"])).get_json()["recorded"] is True
    assert store.rows(kind="company_given") == [first]


def test_a_resend_is_stored_once(client, store):
    data = body()
    for _ in range(3):
        assert post(client, data).get_json() == {"ok": True, "recorded": True}
    assert len(store.rows(kind="company_given")) == 1


BAD = {
    "email": ({"domain": "jane@keelson.io"}, "domain", INVALID_DOMAIN),
    "words": ({"domain": "not a domain"}, "domain", INVALID_DOMAIN),
    "empty": ({"domain": ""}, "domain", INVALID_DOMAIN),
    "no-dot": ({"domain": "localhost"}, "domain", INVALID_DOMAIN),
    "www-and-one-label": ({"domain": "www.com"}, "domain", INVALID_DOMAIN),
    "too-long": ({"domain": ".".join(c * 63 for c in "abc") + "." + "d" * 60 + ".io"},
                 "domain", INVALID_DOMAIN),  # 255 characters: over DNS's 253
    "not-text": ({"domain": 42}, "domain", INVALID_DOMAIN),
    "no-journey": ({"journey": None}, "journey", "Must be a UUID."),
    "bad-journey": ({"journey": "123"}, "journey", "Must be a UUID."),
    "bad-group": ({"group": "team-a"}, "group", "Must be a UUID or null."),
    "no-diagnostic": ({"diagnostic": 7}, "diagnostic", "Name the diagnostic (a string)."),
    "bad-honeypot": ({"hp": ["x"]}, "hp",
                     "Must be a string of at most 200 characters (leave it empty)."),
    "unknown-field": ({"email": "jane@keelson.io"}, "email", "Unknown field."),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_each_bad_field_is_a_400_naming_it(client, store, case):
    over, field, message = BAD[case]
    r = post(client, body(**over))
    assert r.status_code == 400
    assert r.get_json() == {"ok": False, "error": "The request is not valid.",
                            "errors": [{"field": field, "message": message}], "status": 400}
    assert store.rows() == []


def test_an_unknown_diagnostic_is_a_404(client, store):
    r = post(client, body(diagnostic="nope"))
    assert r.status_code == 404
    assert r.get_json()["errors"] == [{"field": "diagnostic",
                                       "message": "No diagnostic with this name."}]
    assert store.rows() == []


@pytest.mark.parametrize("header", [{"Sec-GPC": "1"}, {"DNT": "1"}], ids=["gpc", "dnt"])
def test_gpc_and_dnt_get_an_answer_and_nothing_is_stored(client, store, header):
    r = post(client, body(), **header)
    assert (r.status_code, r.get_json()) == (200, {"ok": True, "recorded": False})
    assert store.rows() == []


def test_a_filled_honeypot_is_answered_normally_and_stored_filtered(client, store):
    r = post(client, body(hp="https://spam.example"))
    assert r.get_json() == {"ok": True, "recorded": True}
    (row,) = store.rows(kind="company_given")
    assert row["filtered"] == "honeypot"
    assert store.counts() == {"received": 1, "counted": 0, "filtered": 1}


def test_rate_limited_like_the_other_writes(tmp_path, content_dir):
    app = make_app(tmp_path, content_dir, RATELIMIT_API="2 per minute")
    try:
        client = app.test_client()
        assert [post(client, body()).status_code for _ in range(3)] == [200, 200, 429]
        assert int(post(client, body()).headers["Retry-After"]) > 0
    finally:
        app.extensions["buyerkit.store"].dispose()


@pytest.fixture
def endpoint(tmp_path, content_dir):
    app = make_app(tmp_path, content_dir, API_ONLY=True, ALLOWED_ORIGINS=[PAGES])
    yield app
    app.extensions["buyerkit.store"].dispose()


def test_an_allowed_origin_may_call_it_a_foreign_one_gets_403_and_nothing_stored(endpoint):
    client, store = endpoint.test_client(), endpoint.extensions["buyerkit.store"]
    pre = client.options("/api/v1/company", headers={
        "Origin": PAGES, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code == 204 and pre.headers["Access-Control-Allow-Origin"] == PAGES
    r = post(client, body(), Origin="https://evil.example")
    assert r.status_code == 403 and r.get_json()["errors"] == [
        {"field": "Origin", "message": "Origin not allowed."}]
    assert "Access-Control-Allow-Origin" not in r.headers
    assert store.rows() == []
    r = post(client, body(), Origin=PAGES)
    assert r.get_json() == {"ok": True, "recorded": True}
    assert r.headers["Access-Control-Allow-Origin"] == PAGES
    assert "Access-Control-Allow-Credentials" not in r.headers


def test_store_failure_is_a_503(client, store):
    with store.engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE events RENAME TO events_away")
    r = post(client, body())
    assert r.status_code == 503 and r.headers["Retry-After"] == "1"


def test_the_openapi_example_is_accepted(client, store):
    doc = client.get("/api/openapi.json").get_json()
    op = doc["paths"]["/api/v1/company"]["post"]
    example = op["requestBody"]["content"]["application/json"]["example"]
    assert post(client, example).get_json() == {"ok": True, "recorded": True}
    assert {"200", "400", "403", "404", "413", "415", "429", "503"} <= set(op["responses"])
