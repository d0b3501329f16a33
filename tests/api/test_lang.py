"""A completion through the scoring endpoint carries the page's language (`lang`): a code
buyerkit knows is stored with the event; anything else is a 400 naming the field, as every
other enumerated value of the API (docs/api.md)."""

from __future__ import annotations

import json

import pytest

from tests.api.test_routes import body
from tests.content.test_scoring import FIT


def stored_props(store) -> list[dict]:
    return [json.loads(row["props"]) for row in store.rows()]


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_known_language_is_stored_with_the_completion(client, store, lang):
    r = client.post("/api/v1/score", json=body(lang=lang))
    assert r.status_code == 200 and r.get_json()["recorded"] is True
    assert [p.get("lang") for p in stored_props(store)] == [lang]


def test_without_a_language_nothing_is_guessed(client, store):
    assert client.post("/api/v1/score", json=body()).status_code == 200
    assert "lang" not in stored_props(store)[0]


@pytest.mark.parametrize("lang", ["fr", "EN", "de-DE", "", None, 1, ["de"], "<script>"],
                         ids=["unknown", "upper", "region", "empty", "null", "number", "list",
                              "markup"])
def test_any_other_language_is_a_400_naming_the_field_and_nothing_is_stored(client, store,
                                                                             lang):
    r = client.post("/api/v1/score", json=body(lang=lang))
    assert r.status_code == 400
    assert r.get_json() == {"ok": False, "error": "The request is not valid.", "errors": [
        {"field": "lang", "message": "Must be the page's language, one of en, de."}],
        "status": 400}
    assert store.rows() == []


def test_the_language_error_comes_with_the_others(client, store):
    r = client.post("/api/v1/score", json={"diagnostic": "renewal-risk-check", "answers": FIT,
                                           "event_id": "1", "lang": "xx"})
    assert [e["field"] for e in r.get_json()["errors"]] == ["event_id", "lang"]


def test_the_openapi_document_names_the_languages_and_its_example_carries_one(client, store):
    doc = client.get("/api/openapi.json").get_json()
    request = doc["paths"]["/api/v1/score"]["post"]["requestBody"]["content"][
        "application/json"]
    schema = doc["components"]["schemas"]["ScoreRequest"]["oneOf"][0]
    assert schema["properties"]["lang"]["enum"] == ["en", "de"]
    assert "lang" not in schema["required"]
    assert request["example"]["lang"] == "en"
    assert client.post("/api/v1/score", json=request["example"]).status_code == 200
    assert stored_props(store)[0]["lang"] == "en"
