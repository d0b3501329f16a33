"""One verdict everywhere: the no-JavaScript pages, POST /api/v1/score, the scoring function
and `buyerkit explain` agree on the demo diagnostic's verdict and reasons.

The demo has 5 x 8 x 5 x 4 x 3 x 4 x 2 answer sets that can change a verdict and, with the
role and buying-group questions, over six million in all (more than 100,000): every answer set
of the scored questions is compared with explain exhaustively in tests/content/test_explain.py;
here hypothesis samples whole answer sets, and every row of explain is tried as well. The
static pages' JavaScript is compared over the same vectors in tests/browser/
test_verdict_parity.py.
"""

from __future__ import annotations

import html
import re
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from buyerkit.content.analysis import Analysis
from buyerkit.content.branching import asked
from buyerkit.content.catalog import load_catalog
from buyerkit.content.explain import explain
from buyerkit.content.scoring import check_answers, score
from tests.conftest import DEMO_CONTENT, make_app
from tests.content.brute import choices, disqualified

SLUG = "renewal-risk-check"
URL = f"/diagnostics/{SLUG}/"
CATALOG = load_catalog(DEMO_CONTENT)
DEMO = CATALOG.diagnostics[SLUG]
TABLE = explain(DEMO, CATALOG.site.target_profile.answers[SLUG])
ROWS = (*TABLE.verdicts, *TABLE.reasons)
CODE_OF = {text: code for code, text in DEMO.scoring.reasons.items()}


def vectors_from_explain() -> list[dict[str, tuple[str, ...]]]:
    """A complete answer set for every way of every row of the verdict table."""
    a = Analysis(DEMO)
    out = []
    for row in ROWS:
        for way in row.ways:
            w = a.witness(row.code, {q: frozenset(v) for q, v in way.answers.items()})
            assert w is not None, (row.code, way)
            out.append(w)
    return out


EXPLAIN_VECTORS = vectors_from_explain()


@st.composite
def answer_sets(draw) -> dict[str, tuple[str, ...]]:
    """Any answer set the validator accepts, every question included."""
    out = {}
    for q in DEMO.questions():
        c = draw(st.sampled_from(choices(q)))
        if c and q.id in asked(DEMO, out):  # none to a question the earlier answers hide
            out[q.id] = c
    return out


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("parity")
    app = make_app(tmp, DEMO_CONTENT, RATELIMIT_API="100000 per minute")
    yield app.test_client()
    app.extensions["buyerkit.store"].dispose()


def from_page(client, answers: dict[str, tuple[str, ...]]) -> tuple[str, tuple[str, ...]]:
    """The verdict and reasons the no-JavaScript pages show, finishing on the last step."""
    start = client.get(URL).get_data(as_text=True)
    data: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">',
                                  start):
        data.setdefault(name, []).append(value)
    data.update({q: list(v) for q, v in answers.items()})
    data.update(step=[str(len(DEMO.steps) - 1)], go=["next"])
    r = client.post(URL, data=data, follow_redirects=True)
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    verdict = re.search(r'<div class="verdict verdict-([a-z_]+)">', page).group(1)
    block = re.search(r'<ul class="reasons">(.*?)</ul>', page, re.S).group(1)
    texts = [html.unescape(t) for t in re.findall(r"<li>(.*?)</li>", block, re.S)]
    return verdict, tuple(CODE_OF[t] for t in texts)


def from_api(client, answers: dict[str, tuple[str, ...]]) -> tuple[str, tuple[str, ...]]:
    body = {"diagnostic": SLUG, "event_id": str(uuid.uuid4()),
            "answers": {q: list(v) if DEMO.question(q).kind == "multi" else v[0]
                        for q, v in answers.items()}}
    r = client.post("/api/v1/score", json=body)
    assert r.status_code == 200, r.get_json()
    got = r.get_json()
    return got["verdict"], tuple(x["code"] for x in got["reasons"])


def agrees_with_explain(answers: dict[str, tuple[str, ...]], verdict: str,
                        codes: tuple[str, ...]) -> None:
    """The result is a row explain says can happen, and every row whose answer set this
    contains (with no disqualifier, unless the row's answer is one) did happen."""
    by_code = {r.code: r for r in ROWS}
    assert verdict in by_code[verdict].verdicts
    for c in codes:
        assert by_code[c].ways and verdict in by_code[c].verdicts, c
    clean = not disqualified(DEMO, answers)
    for row in ROWS:
        for way in row.ways:
            decisive = any(o.disqualifies for q in DEMO.questions() for o in q.options
                           if o.value in way.answers.get(q.id, ()))
            if (clean or decisive) and all(answers.get(q) == v for q, v in way.answers.items()):
                assert row.code == verdict or row.code in codes, (row.code, way.answers)


def same_everywhere(client, answers: dict[str, tuple[str, ...]]) -> None:
    valid, errors = check_answers(DEMO, {q: list(v) for q, v in answers.items()})
    assert errors == []
    result = score(DEMO, valid)
    expected = (result.verdict, result.codes)
    assert from_api(client, answers) == expected
    assert from_page(client, answers) == expected
    agrees_with_explain(answers, *expected)


@pytest.mark.parametrize("i", range(len(EXPLAIN_VECTORS)))
def test_every_row_of_explain_is_the_same_everywhere(client, i):
    same_everywhere(client, EXPLAIN_VECTORS[i])


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=answer_sets())
def test_any_answer_set_is_the_same_everywhere(client, answers):
    same_everywhere(client, answers)
