"""The endpoint beside static pages: API-only mode, the CORS allowlist, and its limits."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.conftest import make_app
from tests.content.test_scoring import FIT

SLUG = "renewal-risk-check"
PAGES = "https://pages.harborline.example"


@pytest.fixture
def api_app(tmp_path, content_dir):
    app = make_app(tmp_path, content_dir, API_ONLY=True, ALLOWED_ORIGINS=[PAGES + "/"])
    yield app
    app.extensions["buyerkit.store"].dispose()


@pytest.fixture
def api(api_app):
    return api_app.test_client()


def score_body(**extra):
    return {"diagnostic": SLUG, "answers": FIT, "event_id": str(uuid.uuid4()), **extra}


def test_api_only_has_no_page_report_or_static_route(api_app, api):
    endpoints = {r.endpoint for r in api_app.url_map.iter_rules()}
    # The hand-off's blueprint brings /api/v1/handoff (frozen pages post to it); its page form
    # is refused by the endpoint's gate like every other page.
    assert {e.split(".")[0] for e in endpoints} == {"api", "handoff", "static"}
    assert api.post(f"/handoff/{SLUG}/").status_code == 404
    for path in ("/", "/diagnostics/", f"/diagnostics/{SLUG}/", "/static/buyerkit.css",
                 "/sitemap.xml", "/reports/"):
        r = api.get(path)
        assert r.status_code == 404, path
        assert r.get_json() == {"ok": False, "error": "No such endpoint.", "errors": [],
                                "status": 404}
    assert api.get("/api/v1/health").get_json() == {"ok": True}
    assert api.get("/api/openapi.json").status_code == 200
    assert api.post("/api/v1/score", json=score_body()).get_json()["verdict"] == "fit"


def test_preflight_from_an_allowed_origin(api):
    r = api.options("/api/v1/score", headers={
        "Origin": PAGES, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Origin"] == PAGES
    assert r.headers["Access-Control-Allow-Methods"] == "GET, POST"
    assert r.headers["Access-Control-Allow-Headers"] == "Content-Type"
    assert "Access-Control-Allow-Credentials" not in r.headers
    assert "Origin" in r.headers["Vary"]


def test_allowed_origin_scores_and_may_read_the_answer(api, api_app):
    r = api.post("/api/v1/score", json=score_body(), headers={"Origin": PAGES})
    assert r.status_code == 200 and r.get_json()["recorded"] is True
    assert r.headers["Access-Control-Allow-Origin"] == PAGES
    assert "Access-Control-Allow-Credentials" not in r.headers
    assert "Set-Cookie" not in r.headers
    assert len(api_app.extensions["buyerkit.store"].rows()) == 1


FOREIGN = ["https://evil.example", "null", "https://pages.harborline.example.evil.example",
           "http://pages.harborline.example", "https://pages.harborline.example:8443"]


@pytest.mark.parametrize("origin", FOREIGN, ids=["other-site", "null", "suffix", "http",
                                                 "port"])
@pytest.mark.parametrize(("path", "body"), [
    ("/api/v1/score", score_body()),
    ("/api/v1/events", {"id": str(uuid.uuid4()), "kind": "kit_opened", "subject": "kit"}),
], ids=["score", "events"])
def test_foreign_origin_is_refused_and_nothing_is_stored(api, api_app, origin, path, body):
    r = api.post(path, json=body, headers={"Origin": origin})
    assert r.status_code == 403
    assert r.get_json() == {
        "ok": False, "error": "Pages on this origin may not call this endpoint.",
        "errors": [{"field": "Origin", "message": "Origin not allowed."}], "status": 403}
    assert "Access-Control-Allow-Origin" not in r.headers
    pre = api.options(path, headers={"Origin": origin, "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 403 and "Access-Control-Allow-Origin" not in pre.headers
    assert api_app.extensions["buyerkit.store"].rows() == []


def test_same_origin_and_no_origin_are_served(api):
    own = api.post("/api/v1/score", json=score_body(), headers={"Origin": "http://localhost"})
    assert own.status_code == 200 and "Access-Control-Allow-Origin" not in own.headers
    assert api.post("/api/v1/score", json=score_body()).status_code == 200


def test_vendor_base_url_is_allowed_without_configuration(tmp_path, content_dir):
    app = make_app(tmp_path, content_dir, API_ONLY=True)
    r = app.test_client().post("/api/v1/score", json=score_body(),
                               headers={"Origin": "https://harborline.example"})
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == "https://harborline.example"
    app.extensions["buyerkit.store"].dispose()


def test_allowed_origins_from_the_environment(tmp_path, content_dir, monkeypatch):
    from buyerkit import create_app

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BUYERKIT_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("BUYERKIT_CONTENT_DIR", str(content_dir))
    monkeypatch.setenv("BUYERKIT_API_ONLY", "true")
    monkeypatch.setenv("BUYERKIT_ALLOWED_ORIGINS", json.dumps([PAGES, "http://127.0.0.1:8000"]))
    app = create_app()
    r = app.test_client().get("/api/v1/health", headers={"Origin": "http://127.0.0.1:8000"})
    assert r.status_code == 200 and r.headers["Access-Control-Allow-Origin"].endswith(":8000")
    assert app.test_client().get("/").status_code == 404
    app.extensions["buyerkit.store"].dispose()


TOO_BIG = json.dumps({"events": [{"id": str(uuid.uuid4()), "kind": "kit_opened",
                                  "subject": "kit", "props": {"x": "y" * 17000}}]})


@pytest.mark.parametrize("path", ["/api/v1/score", "/api/v1/events"], ids=["score", "events"])
@pytest.mark.parametrize(("kwargs", "status", "error"), [
    (dict(data=TOO_BIG, content_type="application/json"), 413,
     "Request body is larger than 16 KiB."),
    (dict(data="{}", content_type="text/plain"), 415, "Send the body as application/json."),
    (dict(json={"diagnostic": SLUG, "answers": FIT, "colour": "blue"}), 400,
     "The request is not valid."),
], ids=["too-large", "wrong-type", "unknown-field"])
def test_limits_from_an_allowed_origin(api, api_app, path, kwargs, status, error):
    r = api.post(path, headers={"Origin": PAGES}, **kwargs)
    assert r.status_code == status
    assert r.get_json()["error"] == error
    assert r.headers["Access-Control-Allow-Origin"] == PAGES  # the page may read why
    assert api_app.extensions["buyerkit.store"].rows() == []
