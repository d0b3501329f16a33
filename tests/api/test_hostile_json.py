"""Hostile JSON against every /api route: deep, wide, odd numbers, unicode, wrong types, odd
encodings. Every answer is a 2xx or a 4xx in the one error shape, never a 5xx; a refused
request stores nothing. (A long run: tools/fuzz.sh sets HYPOTHESIS_PROFILE=long.)"""

from __future__ import annotations

import json
import os
import shutil
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from buyerkit.signals.events import PAGE_KINDS
from buyerkit.web import JSON_MAX_DEPTH, JSON_MAX_VALUES
from tests.conftest import DEMO_CONTENT, make_app

SLUG = "renewal-risk-check"
FIT = {"symptom": "surprise_churn", "visibility": ["usage_unread"], "trigger": "new_leader",
       "size": "50_199", "billing": "annual", "crm": "hubspot", "hosting": "cloud_ok",
       "role": "cs_leader", "group": ["cfo", "security"]}
LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
EXAMPLES = 1500 if LONG else 150
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=not LONG,
                    suppress_health_check=list(HealthCheck), database=None)
SHAPE = {"ok", "error", "errors", "status"}
KEYS = ["diagnostic", "answers", "event_id", "journey", "channel", "events", "id", "kind",
        "subject", "group", "props", "domain", "hp", "source", "__proto__", "constructor",
        *FIT]
ODD_NUMBERS = ["1e999", "-1e999", "NaN", "Infinity", "-Infinity", "9" * 5000, "-0",
               "1e-400", "0.1e", "01", "1.", ".5", "0x10", "+1", "1E+308", "2e308",
               "123456789012345678901234567890"]


@pytest.fixture(scope="module")
def api_app(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("hostile")
    shutil.copytree(DEMO_CONTENT, tmp / "content")
    app = make_app(tmp, tmp / "content", RATELIMIT_API="1000000 per minute")
    yield app
    app.extensions["buyerkit.store"].dispose()


def api_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every /api route, from the URL map (a new route is fuzzed too)."""
    out = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") and not rule.arguments:
            out += [(m, rule.rule) for m in sorted(rule.methods or ()) if m != "OPTIONS"]
    return sorted(out)


# --- strategies ----------------------------------------------------------------------------

surrogate = st.integers(0xD800, 0xDFFF).map(lambda c: f"\\u{c:04x}")
odd_text = st.one_of(
    st.text(max_size=60),
    st.lists(st.one_of(surrogate, st.sampled_from(["\\u0000", "\u202e", "\U0001f600", "\ufeff",
                                                   "\\\"", "\\\\", "é", "\u0301"])),
             max_size=20).map("".join),
    st.integers(0, 300).map(lambda n: "x" * n),
)
scalar = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70),
                   st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20),
                   st.sampled_from([SLUG, str(uuid.uuid4()), "fit", *PAGE_KINDS, *FIT]))
values = st.recursive(scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=6),
    st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), inner, max_size=6)),
    max_leaves=40)


def _text(value) -> str:
    return json.dumps(value)


def _splice(draw, text: str) -> str:
    """Put an odd number or an odd string in place of one value of a JSON text."""
    raw = draw(st.one_of(st.sampled_from(ODD_NUMBERS),
                         odd_text.map(lambda s: '"' + s.replace('"', "") + '"')))
    return text.replace("null", raw, 1) if "null" in text else f'{{"diagnostic": {raw}}}'


@st.composite
def deep(draw) -> str:
    n = draw(st.integers(JSON_MAX_DEPTH - 2, 8000))
    kind = draw(st.sampled_from(["list", "object", "mixed", "inside"]))
    if kind == "list":
        return "[" * n + "]" * n
    if kind == "object":
        return '{"a":' * n + "1" + "}" * n
    if kind == "mixed":
        return '[{"a":' * (n // 2) + "0" + "}]" * (n // 2)
    inner = "[" * n + "]" * n
    return json.dumps({"diagnostic": SLUG, "answers": {"symptom": None}}).replace(
        "null", inner)


@st.composite
def wide(draw) -> str:
    n = draw(st.integers(JSON_MAX_VALUES - 5, 7000))
    item = draw(st.sampled_from(["0", "[]", "{}", '""', "null"]))
    if draw(st.booleans()):
        return "[" + ",".join([item] * n) + "]"
    return "{" + ",".join(f'"k{i}":{item}' for i in range(n)) + "}"


@st.composite
def shaped(draw) -> str:
    """Bodies of the right outline whose fields hold anything: the wrong types."""
    kind = draw(st.sampled_from(["score", "event", "batch", "company"]))
    v = values
    if kind == "score":
        body = {"diagnostic": draw(st.one_of(st.just(SLUG), v)),
                "answers": draw(st.one_of(st.just(FIT), st.dictionaries(
                    st.sampled_from(list(FIT)), v, max_size=9), v)),
                "event_id": draw(st.one_of(st.just(str(uuid.uuid4())), v)),
                "channel": draw(st.one_of(st.dictionaries(st.sampled_from(
                    ["source", "medium", "campaign", "referrer"]), odd_text), v))}
    elif kind in ("event", "batch"):
        one = st.fixed_dictionaries({
            "id": st.one_of(st.just(str(uuid.uuid4())), v),
            "kind": st.one_of(st.sampled_from(sorted(PAGE_KINDS)), v),
            "subject": st.one_of(st.just(SLUG), odd_text, v),
        }, optional={"props": st.one_of(st.dictionaries(st.text(max_size=12), v, max_size=6), v),
                     "journey": st.one_of(st.just(str(uuid.uuid4())), v),
                     "channel": v})
        body = draw(one) if kind == "event" else {"events": draw(st.lists(one, max_size=60))}
    else:
        body = {"diagnostic": draw(st.one_of(st.just(SLUG), v)),
                "journey": draw(st.one_of(st.just(str(uuid.uuid4())), v)),
                "domain": draw(st.one_of(odd_text, v)), "hp": draw(st.one_of(odd_text, v))}
    text = _text(body)
    return _splice(draw, text) if draw(st.booleans()) else text


@st.composite
def encoded(draw, text: st.SearchStrategy[str]) -> bytes:
    """A JSON text in some encoding, or not text at all."""
    t = draw(text)
    how = draw(st.sampled_from(["utf-8", "bom", "utf-16", "utf-32", "latin-1", "binary",
                                "truncated"]))
    if how == "bom":
        return b"\xef\xbb\xbf" + t.encode("utf-8", "surrogatepass")
    if how in ("utf-16", "utf-32"):
        return t.encode(how, "surrogatepass")
    if how == "latin-1":
        return t.encode("latin-1", "replace") + b"\xe9\xff"
    if how == "binary":
        return draw(st.binary(max_size=300))
    if how == "truncated":
        raw = t.encode("utf-8", "surrogatepass")
        return raw[:draw(st.integers(0, len(raw)))]
    return t.encode("utf-8", "surrogatepass")


bodies = st.one_of(encoded(st.one_of(deep(), wide(), shaped(), values.map(_text))),
                   deep().map(str.encode), wide().map(str.encode))
content_types = st.sampled_from(["application/json", "application/json; charset=utf-16",
                                 "application/vnd.api+json", "text/plain",
                                 "application/x-www-form-urlencoded", ""])


def _assert_answer(r, method: str, path: str) -> None:
    assert r.status_code < 500, (method, path, r.status_code, r.get_data()[:300])
    if r.status_code >= 400:
        body = r.get_json()
        assert set(body) == SHAPE and body["ok"] is False and body["status"] == r.status_code


@SETTINGS
@given(body=bodies, ctype=content_types, data=st.data())
def test_hostile_bodies_get_a_4xx_in_the_error_shape_never_a_5xx(api_app, body, ctype, data):
    client = api_app.test_client()
    store = api_app.extensions["buyerkit.store"]
    method, path = data.draw(st.sampled_from(api_routes(api_app)))
    before = len(store.rows())
    r = client.open(path, method=method, data=body,
                    headers={"Content-Type": ctype} if ctype else {})
    _assert_answer(r, method, path)
    if r.status_code >= 400:
        assert len(store.rows()) == before, "a refused request stored something"


@pytest.mark.parametrize("path", ["/api/v1/score", "/api/v1/events", "/api/v1/company"])
@pytest.mark.parametrize(("body", "message"), [
    ("[" * 8000 + "]" * 8000, f"The JSON body is nested deeper than {JSON_MAX_DEPTH} levels."),
    ('{"a":' * 2000 + "1" + "}" * 2000,
     f"The JSON body is nested deeper than {JSON_MAX_DEPTH} levels."),
    ("[" + ",".join(["0"] * 5000) + "]", f"The JSON body has more than {JSON_MAX_VALUES} values."),
], ids=["deep-list", "deep-object", "wide"])
def test_the_reported_bodies_get_a_400_naming_the_limit(api_app, path, body, message):
    """Issue 22: a body well under 16 KiB, nested 8,000 deep, answered 500 (RecursionError)."""
    assert len(body) < 16 * 1024
    r = api_app.test_client().post(path, data=body, content_type="application/json")
    assert r.status_code == 400
    assert r.get_json() == {"ok": False, "error": message, "errors": [
        {"field": "", "message": message}], "status": 400}


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_numbers_json_does_not_have_are_not_valid_json(api_app, number):
    body = json.dumps({"diagnostic": SLUG, "answers": FIT}).replace('"annual"', number)
    r = api_app.test_client().post("/api/v1/score", data=body, content_type="application/json")
    assert r.status_code == 400
    assert r.get_json()["error"] == "The body is not valid JSON."


def test_the_deepest_body_a_page_sends_is_within_the_limits(api_app):
    """A full batch of 50 events, each with channel and props: accepted whole."""
    batch = {"events": [{"id": str(uuid.uuid4()), "kind": "guide_shared", "subject": "cfo",
                         "journey": str(uuid.uuid4()), "group": str(uuid.uuid4()),
                         "channel": {"source": "linkedin", "medium": "social",
                                     "campaign": "q3", "referrer": "example.com"},
                         "props": {"means": "email", "from_role": "champion"}}
                        for _ in range(50)]}
    text = json.dumps(batch, separators=(",", ":"))
    assert len(text) < 16 * 1024
    r = api_app.test_client().post("/api/v1/events", data=text, content_type="application/json")
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["events"] == 50


@pytest.mark.parametrize(("kind", "props"), [
    ("reference_played", {"quartile": 1.0, "verdict": None, "bucket": "acquire"}),
    ("step_reached", {"step": 2.0}),
])
def test_a_whole_number_written_with_a_point_is_that_number(api_app, kind, props):
    """JSON Schema's integer (the OpenAPI document) accepts 1.0: the endpoint must too
    (schemathesis' long run found `quartile: 1.0` refused)."""
    body = {"id": str(uuid.uuid4()), "kind": kind, "subject": "tidewater-payroll"
            if kind == "reference_played" else SLUG, "props": props}
    r = api_app.test_client().post("/api/v1/events", json=body)
    assert r.status_code == 200, r.get_json()
