"""POST /api/v1/events and /api/v1/score: allowlists, GPC/DNT, retries, bots, rate limits."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import make_app

BROWSER_UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/131.0.0.0 Safari/537.36")


def event(kind="guide_shared", subject="cfo", **props):
    props = props or ({"from_role": "champion", "means": "copy"} if kind == "guide_shared"
                      else {})
    return {"id": str(uuid.uuid4()), "kind": kind, "subject": subject, "journey": None,
            "group": str(uuid.uuid4()), "props": props}


def post(client, body, **headers):
    return client.post("/api/v1/events", json=body,
                       headers={"User-Agent": BROWSER_UA, **headers})


SCORE = {"diagnostic": "renewal-risk-check", "answers": {
    "symptom": "surprise_churn", "visibility": ["usage_unread"], "trigger": "new_leader",
    "size": "50_199", "billing": "annual", "crm": "hubspot", "hosting": "cloud_ok",
    "role": "cs_leader", "group": ["cfo"]}}


def test_one_event_and_a_batch_are_stored(client, store):
    one, batch = event(), [event("kit_opened", "kit"), event("guide_viewed", "cfo",
                                                             personalised=True)]
    assert post(client, one).get_json() == {"ok": True, "recorded": True, "events": 1}
    assert post(client, {"events": batch}).get_json()["events"] == 2
    rows = {r["id"]: r for r in store.rows()}
    assert set(rows) == {one["id"], *(e["id"] for e in batch)}
    assert rows[one["id"]]["grp"] == one["group"]
    assert rows[one["id"]]["props"] == '{"from_role":"champion","means":"copy"}'


def test_a_retry_is_stored_once_on_both_engines(engine_app):
    client, e = engine_app.test_client(), event()
    for _ in range(3):
        assert post(client, e).status_code == 200
    assert post(client, {"events": [e, e]}).status_code == 200
    assert [r["id"] for r in engine_app.extensions["buyerkit.store"].rows()] == [e["id"]]


BAD = [
    ({**event(), "email": "a@b.c"}, "email", "Unknown field."),
    ({**event(), "props": {"from_role": "cfo", "means": "copy", "note": "hi"}}, "props.note",
     "Unknown property."),
    ({**event(), "props": {"means": "fax"}}, "props.means", "Input should be"),
    ({**event("step_reached", "renewal-risk-check"), "props": {"step": "2"}}, "props.step",
     "Input should be a valid integer"),
    ({**event("step_reached", "renewal-risk-check"), "props": {"step": 99}}, "props.step",
     "less than or equal to 50"),
    ({**event(), "id": "not-a-uuid"}, "id", "Must be a UUID made by the page."),
    ({**event(), "kind": "diagnostic_completed"}, "kind", "Unknown event kind."),
    ({**event(), "kind": "company_given"}, "kind", "Unknown event kind."),
    ({**event(), "subject": "Jane Doe"}, "subject", "Must be a slug"),
    ({"events": [event()] * 51}, "events", "Must be a list of 1 to 50 events."),
]


@pytest.mark.parametrize("body,field,message", BAD, ids=[b[1] + str(i) for i, b in
                                                         enumerate(BAD)])
def test_anything_not_allowlisted_is_a_400_naming_the_field(client, store, body, field,
                                                            message):
    r = post(client, body)
    assert r.status_code == 400
    errors = r.get_json()["errors"]
    assert any(e["field"] == field and message in e["message"] for e in errors), errors
    assert store.rows() == []


@pytest.mark.parametrize("header", [{"Sec-GPC": "1"}, {"DNT": "1"}], ids=["gpc", "dnt"])
def test_gpc_and_dnt_get_an_answer_and_nothing_is_stored(client, store, header):
    r = post(client, event(), **header)
    assert r.status_code == 200 and r.get_json()["recorded"] is False
    r = client.post("/api/v1/score", json=SCORE, headers=header)
    assert r.get_json()["verdict"] == "fit" and r.get_json()["recorded"] is False
    assert store.rows() == []


@pytest.mark.parametrize("agent", [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/131.0.0.0",
    "python-requests/2.32.3", "curl/8.5.0",
], ids=["googlebot", "headless", "requests", "curl"])
def test_bots_get_a_normal_answer_and_are_stored_filtered(client, store, agent):
    r = client.post("/api/v1/score", json=SCORE, headers={"User-Agent": agent})
    assert r.get_json()["verdict"] == "fit" and r.get_json()["recorded"] is True
    assert post(client, event(), **{"User-Agent": agent}).get_json()["recorded"] is True
    post(client, event())  # and one person
    assert sorted((r["filtered"] or "") for r in store.rows()) == ["", "bot", "bot"]
    assert store.counts() == {"received": 3, "counted": 1, "filtered": 2}
    assert agent not in repr(store.rows())


def test_rate_limit_answers_429_with_retry_after(tmp_path, content_dir):
    app = make_app(tmp_path, content_dir, RATELIMIT_API="3 per minute")
    try:
        client = app.test_client()
        codes = [post(client, event()).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        r = post(client, event())
        assert int(r.headers["Retry-After"]) > 0
        assert r.get_json()["status"] == 429 and "Retry-After" in r.get_json()["error"]
        other = client.post("/api/v1/events", json=event(),
                            environ_base={"REMOTE_ADDR": "198.51.100.7"})
        assert other.status_code == 200  # the limit is per client
        assert client.get("/api/v1/health").status_code == 200  # reads are not limited
    finally:
        app.extensions["buyerkit.store"].dispose()


def test_store_failure_is_a_503_never_an_acknowledgement(client, store):
    with store.engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE events RENAME TO events_away")
    r = post(client, event())
    assert r.status_code == 503 and r.headers["Retry-After"] == "1"
    assert r.get_json()["error"].startswith("The event store is unavailable")
    r = client.post("/api/v1/score", json=SCORE, headers={"User-Agent": BROWSER_UA})
    assert r.status_code == 503
    page = client.get("/diagnostics/renewal-risk-check/")  # a page still works
    assert page.status_code == 200
