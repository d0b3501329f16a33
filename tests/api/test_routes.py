"""The scoring endpoint: the same verdict as the pages, and one error shape for every error."""

from __future__ import annotations

import json
import uuid

import pytest
from openapi_spec_validator import validate

from tests.content.test_scoring import FIT

SLUG = "renewal-risk-check"


def body(**extra):
    return {"diagnostic": SLUG, "answers": FIT, **extra}


def test_score_returns_verdict_and_records_one_row(client, store):
    event_id = str(uuid.uuid4())
    r = client.post("/api/v1/score", json=body(event_id=event_id))
    assert r.status_code == 200
    data = r.get_json()
    assert data["ok"] is True and data["recorded"] is True
    assert data["verdict"] == "fit"
    assert [x["code"] for x in data["reasons"]] == ["problem_fits", "trigger_authority_shift",
                                                    "profile_fits"]
    assert (data["bucket"], data["trigger"]) == ("retain_expand", "authority_shift")
    rows = store.rows()
    assert [(row["id"], row["kind"], row["verdict"]) for row in rows] == [
        (event_id, "diagnostic_completed", "fit")]


def test_a_retried_event_is_stored_once(client, store):
    event_id = str(uuid.uuid4())
    for _ in range(3):
        assert client.post("/api/v1/score", json=body(event_id=event_id)).status_code == 200
    assert len(store.rows()) == 1


@pytest.mark.parametrize("header", ["Sec-GPC", "DNT"], ids=["gpc", "dnt"])
def test_opt_out_gets_answer_but_nothing_stored(client, store, header):
    r = client.post("/api/v1/score", json=body(), headers={header: "1"})
    assert r.status_code == 200 and r.get_json()["recorded"] is False
    assert store.rows() == []


ERRORS = {
    "not-json": (dict(data="symptom=x", content_type="application/x-www-form-urlencoded"),
                 415, "Send the body as application/json.", []),
    "malformed-json": (dict(data="{", content_type="application/json"), 400,
                       "The body is not valid JSON.", []),
    "too-large": (dict(data=json.dumps({"diagnostic": SLUG, "answers": {"x": "y" * 17000}}),
                       content_type="application/json"), 413,
                  "Request body is larger than 16 KiB.", []),
    "not-object": (dict(json=[1, 2]), 400, "The request is not valid.",
                   [{"field": "", "message": "The body must be a JSON object."}]),
    "unknown-field": (dict(json=body(colour="blue")), 400, "The request is not valid.",
                      [{"field": "colour", "message": "Unknown field."}]),
    "bad-uuid": (dict(json=body(event_id="123")), 400, "The request is not valid.",
                 [{"field": "event_id", "message": "Must be a UUID."}]),
    "unknown-diagnostic": (dict(json={"diagnostic": "nope", "answers": {}}), 404,
                           "Unknown diagnostic 'nope'.",
                           [{"field": "diagnostic", "message": "No diagnostic with this name."}]),
    "invalid-answer": (dict(json={"diagnostic": SLUG, "answers": {**FIT, "size": "huge"}}), 400,
                       "Some answers are not valid.",
                       [{"field": "answers.size", "message": "'huge' is not one of the answers."}]),
}


@pytest.mark.parametrize("case", list(ERRORS), ids=list(ERRORS))
def test_error_shape(client, store, case):
    kwargs, status, error, errors = ERRORS[case]
    r = client.post("/api/v1/score", **kwargs)
    assert r.status_code == status
    assert r.get_json() == {"ok": False, "error": error, "errors": errors, "status": status}
    assert store.rows() == []


JOURNEY = str(uuid.uuid4())
COMPANY = {"diagnostic": SLUG, "journey": JOURNEY, "domain": "keelson.io"}
COMPANY_ERRORS = {
    "not-json": (dict(data="domain=keelson.io", content_type="application/x-www-form-urlencoded"),
                 415, "Send the body as application/json.", []),
    "malformed-json": (dict(data="{", content_type="application/json"), 400,
                       "The body is not valid JSON.", []),
    "too-large": (dict(data=json.dumps({**COMPANY, "hp": "y" * 17000}),
                       content_type="application/json"), 413,
                  "Request body is larger than 16 KiB.", []),
    "not-object": (dict(json=["keelson.io"]), 400, "The request is not valid.",
                   [{"field": "", "message": "The body must be a JSON object."}]),
    "unknown-field": (dict(json={**COMPANY, "email": "jane@keelson.io"}), 400,
                      "The request is not valid.",
                      [{"field": "email", "message": "Unknown field."}]),
    "not-a-domain": (dict(json={**COMPANY, "domain": "jane@keelson.io"}), 400,
                     "The request is not valid.", [{"field": "domain", "message": (
                         "Give your company's web domain, like example.com "
                         "(not an e-mail address).")}]),
    "unknown-diagnostic": (dict(json={**COMPANY, "diagnostic": "nope"}), 404,
                           "Unknown diagnostic 'nope'.",
                           [{"field": "diagnostic", "message": "No diagnostic with this name."}]),
}


@pytest.mark.parametrize("case", list(COMPANY_ERRORS), ids=list(COMPANY_ERRORS))
def test_company_error_shape(client, store, case):
    kwargs, status, error, errors = COMPANY_ERRORS[case]
    r = client.post("/api/v1/company", **kwargs)
    assert r.status_code == status
    assert r.get_json() == {"ok": False, "error": error, "errors": errors, "status": status}
    assert store.rows() == []


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/api/v1/score", 405), ("GET", "/api/nothing", 404), ("PUT", "/api/v1/events", 405),
    ("POST", "/api/openapi.json", 405), ("GET", "/api/v1/company", 405)],
    ids=["get-score", "unknown", "put-events", "post-doc", "get-company"])
def test_routing_errors_under_api_have_the_shape(client, method, path, status):
    r = client.open(path, method=method)
    data = r.get_json()
    assert r.status_code == status
    assert set(data) == {"ok", "error", "errors", "status"}
    assert data["ok"] is False and data["status"] == status and data["errors"] == []


def test_openapi_document_is_valid_and_its_example_scores(client):
    doc = client.get("/api/openapi.json").get_json()
    validate(doc)
    assert doc["openapi"] == "3.1.0"
    example = doc["paths"]["/api/v1/score"]["post"]["requestBody"]["content"][
        "application/json"]["example"]
    r = client.post("/api/v1/score", json=example)
    assert r.status_code == 200 and r.get_json()["verdict"] == "fit"


def test_events_endpoint_accepts_one_or_a_batch(client, store):
    one = {"id": str(uuid.uuid4()), "kind": "guide_viewed", "subject": "cfo",
           "props": {"personalised": True}}
    two = {"id": str(uuid.uuid4()), "kind": "kit_opened", "subject": "kit"}
    assert client.post("/api/v1/events", json=one).get_json() == {
        "ok": True, "recorded": True, "events": 1}
    assert client.post("/api/v1/events", json={"events": [one, two]}).get_json()["ok"]
    assert sorted(r["kind"] for r in store.rows()) == ["guide_viewed", "kit_opened"]


def test_events_endpoint_names_each_bad_field(client, store):
    bad = {"id": "x", "kind": "calculator_used", "subject": "roi",
           "props": {"payback_band": "3_7", "revenue": 100000}}
    r = client.post("/api/v1/events", json={"events": [bad]})
    assert r.status_code == 400
    assert r.get_json()["errors"] == [
        {"field": "events.0.id", "message": "Must be a UUID made by the page."}]
    bad["id"] = str(uuid.uuid4())
    r = client.post("/api/v1/events", json=bad)
    assert r.get_json()["errors"] == [
        {"field": "props.payback_band",
         "message": "Input should be '0_3', '3_6', '6_12', '12_24', '24_plus' or 'never'."},
        {"field": "props.revenue", "message": "Unknown property."}]
    assert store.rows() == []


def test_pages_cannot_claim_a_verdict(client, store):
    forged = {"id": str(uuid.uuid4()), "kind": "diagnostic_completed", "subject": SLUG,
              "props": {"verdict": "fit"}}
    r = client.post("/api/v1/events", json=forged)
    assert r.status_code == 400
    assert {"field": "kind", "message": "Unknown event kind."} in r.get_json()["errors"]


@pytest.mark.parametrize(("step", "ok"), [(2, True), (2.0, True), (2.5, False), (True, False),
                                          ("2", False)],
                         ids=["int", "whole-float", "fraction", "bool", "text"])
def test_step_is_a_whole_number_as_json_means_it(client, step, ok):
    ev = {"id": str(uuid.uuid4()), "kind": "step_reached", "subject": SLUG,
          "props": {"step": step}}
    assert (client.post("/api/v1/events", json=ev).status_code == 200) is ok


@pytest.mark.parametrize("channel", [False, 0, "", []], ids=["false", "zero", "empty", "list"])
def test_a_falsy_channel_that_is_not_null_is_refused(client, channel):
    ev = {"id": str(uuid.uuid4()), "kind": "kit_opened", "subject": "kit", "channel": channel}
    r = client.post("/api/v1/events", json=ev)
    assert r.status_code == 400
    assert r.get_json()["errors"][0]["field"] == "channel"
