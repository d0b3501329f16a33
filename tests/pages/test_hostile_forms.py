"""Hostile form fields and query strings against every page route (diagnostic steps, the
calculator's GET form, the company form, hand-off and report forms alike): never a 5xx, never
NaN or Infinity on a page, and a refused form stores nothing.
(A long run: tools/fuzz.sh sets HYPOTHESIS_PROFILE=long.)"""

from __future__ import annotations

import os
import re
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from tests.conftest import DEMO_CONTENT, make_app

LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
SUITE = settings(max_examples=1000 if LONG else 80, deadline=None, derandomize=not LONG,
                 database=None, suppress_health_check=list(HealthCheck))
FIELDS = ["step", "go", "journey", "event", "_group", "_homepage", "utm_source", "ref",
          "diagnostic", "domain", "hp", "s", "i.arr", "i.churn_rate", "i.surprise_share",
          "a.win_back", "i.months", "symptom", "visibility", "trigger", "size", "role", "group",
          "username", "password", "next", "csrf_token", "consent", "email", "name", "phone",
          "message", "when", "channel", "__proto__"]
VALUES = ["", " ", "0", "-1", "1e308", "1e309", "-1e309", "NaN", "nan", "inf", "-inf",
          "Infinity", "1_000", "١٢", "0x10", "9" * 5000, "1,000,000.5", "back", "next",
          "surprise_churn", "usage_unread", "00000000-0000-4000-8000-000000000000",
          "<script>alert(1)</script>", "javascript:alert(1)", "\u202e", "\U0001f600",
          "a\x00b", "x" * 3000, "../../etc/passwd", "harborline.example", "expected"]
value = st.one_of(st.sampled_from(VALUES), st.text(max_size=40))
form = st.lists(st.tuples(st.sampled_from(FIELDS), value), max_size=25)
SHOWN_NUMBER = re.compile(r">[^<]*\b(NaN|Infinity|inf)\b[^<]*<")


@pytest.fixture(scope="module")
def site_app(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("forms")
    shutil.copytree(DEMO_CONTENT, tmp / "content")
    app = make_app(tmp, tmp / "content", RATELIMIT_API="1000000 per minute")
    yield app
    app.extensions["buyerkit.store"].dispose()


def page_routes(app, method: str) -> list[str]:
    """One concrete path per page route taking `method` (catalog values for parameters)."""
    catalog = app.extensions["buyerkit.catalog"]
    samples = {"slug": "renewal-roi", "role": next(iter(catalog.guides))}
    out = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/api/", "/static/")) or method not in (rule.methods or ()):
            continue
        values = {a: samples.get(a, "x") for a in rule.arguments}
        try:
            out.add(rule.build(values, append_unknown=False)[1])
        except Exception:  # noqa: BLE001 - a converter that refuses the sample
            continue
        if "slug" in rule.arguments:
            out.add(rule.build({**values, "slug": next(iter(catalog.diagnostics))},
                               append_unknown=False)[1])
    return sorted(out)


@SUITE
@given(fields=form, data=st.data())
def test_hostile_forms_and_queries_never_get_a_5xx(site_app, fields, data):
    client = site_app.test_client()
    store = site_app.extensions["buyerkit.store"]
    method = data.draw(st.sampled_from(["GET", "POST"]))
    path = data.draw(st.sampled_from(page_routes(site_app, method)))
    before = len(store.rows())
    if method == "GET":
        r = client.get(path, query_string=MultiDict(fields))
    else:
        r = client.post(path, data=MultiDict(fields))
    body = r.get_data(as_text=True)
    r.close()
    assert r.status_code < 500, (method, path, fields, r.status_code)
    if r.status_code < 300 or r.status_code >= 400:  # a redirect's body only names its URL
        assert not SHOWN_NUMBER.search(body), (method, path, SHOWN_NUMBER.search(body))
    if r.status_code >= 400:
        assert len(store.rows()) == before, "a refused form stored something"


@pytest.mark.parametrize("number", ["NaN", "inf", "-Infinity", "1e309", "9" * 5000])
def test_a_calculator_link_with_a_number_that_is_not_one_is_refused_beside_the_field(
        site_app, number):
    r = site_app.test_client().get("/calculators/renewal-roi/", query_string={"i.arr": number})
    assert r.status_code == 400
    body = r.get_data(as_text=True)
    assert not SHOWN_NUMBER.search(body)
    assert 'aria-invalid="true"' in body
