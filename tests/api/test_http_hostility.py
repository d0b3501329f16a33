"""HTTP-level hostility through the WSGI app: every method on every route, a spoofed Host and
X-Forwarded-* (trusted only behind a configured proxy), oversized query strings and headers."""

from __future__ import annotations

import os
import shutil
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import DEMO_CONTENT, make_app

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT",
           "PROPFIND", "FOO"]
SHAPE = {"ok", "error", "errors", "status"}
EVIL = "evil.example"


@pytest.fixture(scope="module")
def site_app(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("http")
    shutil.copytree(DEMO_CONTENT, tmp / "content")
    app = make_app(tmp, tmp / "content", RATELIMIT_API="1000000 per minute")
    yield app
    app.extensions["buyerkit.store"].dispose()


def _paths(app) -> list[str]:
    """One concrete path per route: catalog values for parameters, else a made-up one."""
    catalog = app.extensions["buyerkit.catalog"]
    samples = {"slug": next(iter(catalog.diagnostics)), "role": next(iter(catalog.guides)),
               "filename": "buyerkit.css"}
    out = set()
    for rule in app.url_map.iter_rules():
        values = {a: samples.get(a, "x") for a in rule.arguments}
        try:
            out.add(rule.build(values, append_unknown=False)[1])
        except Exception:  # noqa: BLE001 - a converter that refuses "x": skip that route
            continue
    return sorted(out)


def test_every_method_on_every_route_is_answered_without_a_5xx(site_app):
    client = site_app.test_client()
    seen_405 = 0
    for path in _paths(site_app):
        for method in METHODS:
            r = client.open(path, method=method)
            r.close()  # a static file's response holds the file open
            assert r.status_code < 500, (method, path, r.status_code)
            if path.startswith("/api/") and r.status_code >= 400 and method != "HEAD":
                body = r.get_json()
                assert set(body) == SHAPE and body["status"] == r.status_code, (method, path)
            if r.status_code == 405:
                seen_405 += 1
                assert r.headers.get("Allow"), (method, path)
    assert seen_405 > 50  # the routes were really tried with methods they do not take


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "TRACE", "FOO"])
def test_a_wrong_method_on_the_api_is_a_405_in_the_error_shape(site_app, method):
    r = site_app.test_client().open("/api/v1/score", method=method)
    assert r.status_code == 405
    assert r.get_json() == {"ok": False, "error": f"Method {method} is not allowed here.",
                            "errors": [], "status": 405}
    assert set(r.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}


@pytest.mark.parametrize("path", ["/", "/guides/cfo/", "/sitemap.xml", "/robots.txt",
                                  "/diagnostics/renewal-risk-check/"])
def test_a_spoofed_host_never_reaches_an_absolute_link(site_app, path):
    """Absolute links come from site.yaml's base_url, never from Host or X-Forwarded-Host."""
    r = site_app.test_client().get(path, headers={
        "Host": EVIL, "X-Forwarded-Host": EVIL, "X-Forwarded-Proto": "http",
        "X-Forwarded-Prefix": "/evil", "Forwarded": f"host={EVIL}"})
    assert r.status_code == 200
    assert EVIL not in r.get_data(as_text=True)
    assert "/evil" not in r.get_data(as_text=True)


def test_trusted_hosts_refuses_another_host_with_a_4xx(tmp_path, content_dir):
    app = make_app(tmp_path, content_dir, TRUSTED_HOSTS=["harborline.example"])
    client = app.test_client()
    assert client.get("/api/v1/health", headers={"Host": "harborline.example"}).status_code == 200
    r = client.get("/api/v1/health", headers={"Host": EVIL})
    assert r.status_code == 400 and set(r.get_json()) == SHAPE
    assert client.get("/", headers={"Host": EVIL}).status_code == 400
    app.extensions["buyerkit.store"].dispose()


def _kit() -> dict:
    return {"id": str(uuid.uuid4()), "kind": "kit_opened", "subject": "kit"}


def _statuses(app, forwarded: list[str]) -> list[int]:
    client = app.test_client()
    return [client.post("/api/v1/events", json=_kit(), headers={"X-Forwarded-For": ip},
                        environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code
            for ip in forwarded]


SPOOFED = ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"]


def test_x_forwarded_for_cannot_dodge_the_rate_limit_by_default(tmp_path, content_dir):
    app = make_app(tmp_path, content_dir, RATELIMIT_API="3 per minute")
    assert _statuses(app, SPOOFED) == [200, 200, 200, 429]
    app.extensions["buyerkit.store"].dispose()


def test_behind_a_configured_proxy_each_forwarded_client_has_its_own_limit(tmp_path,
                                                                             content_dir):
    app = make_app(tmp_path, content_dir, RATELIMIT_API="3 per minute", PROXY_FIX_X_FOR=1)
    assert _statuses(app, SPOOFED) == [200, 200, 200, 200]
    # one proxy: only the address it appended counts, not what the client wrote before it
    assert _statuses(app, [f"198.51.100.{i}, 203.0.113.9" for i in range(4)]) == \
        [200, 200, 200, 429]
    app.extensions["buyerkit.store"].dispose()


@pytest.mark.parametrize(("where", "size"), [("query", 100_000), ("header", 100_000),
                                             ("headers", 500)])
def test_oversized_urls_and_headers_are_not_a_5xx(site_app, where, size):
    """Through WSGI nothing limits them (gunicorn does, before the app: docs/security.md);
    the app itself must still answer them in bounded time."""
    client = site_app.test_client()
    for path in ("/api/v1/health", "/calculators/renewal-roi/", "/"):
        if where == "query":
            r = client.get(path + "?" + "&".join(f"i.k{i}=1" for i in range(size // 8)))
        elif where == "header":
            r = client.get(path, headers={"X-Big": "x" * size, "Referer": "https://" + "a" * size})
        else:
            r = client.get(path, headers={f"X-H{i}": "v" for i in range(size)})
        assert r.status_code < 500, (where, path, r.status_code)


header_value = st.one_of(
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=60),
    st.sampled_from(["http://[", "http://[::1", "https://[v1.fe]", "http://a:99999", "null",
                     "http://%zz", "//", "https://pages.harborline.example", "1", "0",
                     "application/json; charset=utf-32", "x" * 9000, "::1, 10.0.0.1",
                     "for=unknown", "https"]))
HEADERS = ["Origin", "Referer", "Host", "X-Forwarded-For", "X-Forwarded-Proto",
           "X-Forwarded-Host", "X-Forwarded-Prefix", "Forwarded", "Sec-GPC", "DNT",
           "User-Agent", "Content-Type", "Access-Control-Request-Method", "Cookie",
           "Accept-Language", "Content-Length"]


@settings(max_examples=1000 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 80,
          deadline=None, database=None, suppress_health_check=list(HealthCheck),
          derandomize=os.environ.get("HYPOTHESIS_PROFILE") != "long")
@given(headers=st.dictionaries(st.sampled_from(HEADERS), header_value, max_size=6),
       path=st.sampled_from(["/api/v1/score", "/api/v1/events", "/api/v1/health", "/",
                             "/diagnostics/renewal-risk-check/", "/guides/cfo/",
                             "/calculators/renewal-roi/"]),
       method=st.sampled_from(["GET", "POST", "OPTIONS"]))
def test_hostile_headers_never_get_a_5xx(site_app, headers, path, method):
    """An Origin of "http://[" answered 500 (urlsplit raised): every header value now a 4xx
    at worst, in the error shape under /api."""
    r = site_app.test_client().open(path, method=method, headers=headers,
                                    data=b'{"diagnostic": "renewal-risk-check"}')
    r.close()
    assert r.status_code < 500, (method, path, headers, r.status_code)
    if path.startswith("/api/") and r.status_code >= 400 and method != "HEAD":
        assert set(r.get_json()) == SHAPE
