"""The exact analysis agrees with scoring every answer set, on the demo and on any small
diagnostic hypothesis can build; it stays exact and fast on 2^480 answer sets."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from buyerkit.content import scenarios as scenarios_module
from buyerkit.content.analysis import DIMENSIONS, VERDICTS, Analysis
from buyerkit.content.catalog import load_catalog
from buyerkit.content.findings import findings
from buyerkit.content.schema.diagnostic import REQUIRED_REASONS, Diagnostic
from buyerkit.content.scoring import check_answers, score
from tests.conftest import DEMO_CONTENT
from tests.content.brute import disqualified, points, scored

CATALOG = load_catalog(DEMO_CONTENT)
DEMO = CATALOG.diagnostics["renewal-risk-check"]
PROFILE = CATALOG.site.target_profile.answers["renewal-risk-check"]


def agree(d: Diagnostic, profile: dict[str, tuple[str, ...]] | None = None) -> None:
    """Everything the analysis claims, checked against every answer set scored one by one."""
    a, every = Analysis(d), scored(d)
    clean = [(w, r) for w, r in every if not disqualified(d, w)]
    goals = [*VERDICTS, *d.scoring.reasons]
    for goal in goals:
        truth = any(goal == r.verdict or goal in r.codes for _, r in every)
        w = a.witness(goal)
        assert (w is not None) == truth, goal
        if w is not None:  # the witness is a real, valid answer set that does it
            answers, errors = check_answers(d, {k: list(v) for k, v in w.items()})
            assert errors == []
            r = score(d, answers)
            assert goal == r.verdict or goal in r.codes, (goal, w, r)
    for dim in DIMENSIONS:
        dm = a.dimension(dim)
        sums = {points(d, w, dim) for w, _ in clean}
        assert set(dm.reachable) == sums
        if sums:
            assert (dm.low, dm.high) == (min(sums), max(sums))
    varied = [q for q in d.questions()
              if q.scores != "none" or any(o.disqualifies for o in q.options)]
    for q in varied:  # questions that change nothing are answered one way by brute.py
        for o in q.options:
            forced = {q.id: frozenset({o.value})}
            mine = [(w, r) for w, r in every if o.value in w.get(q.id, ())]
            for v in VERDICTS:
                assert (a.witness(v, forced) is not None) == any(r.verdict == v for _, r in mine)
            if q.scores in DIMENSIONS and not o.disqualifies:
                sums = [points(d, w, q.scores) for w, _ in mine if not disqualified(d, w)]
                hi, lo = a.extreme(q.scores, forced, 1), a.extreme(q.scores, forced, -1)
                assert (hi and hi[0], lo and lo[0]) == ((max(sums), min(sums)) if sums
                                                       else (None, None))
    found = findings(d, profile, a)
    warned = {f.loc for f in found}
    outside = {f.loc[:6] for f in found if f.kind == "outside-profile-reaches-fit"
               or f.message.endswith("(and it is outside the target profile)")}
    for si, step in enumerate(d.steps):
        for qi, q in enumerate(step.questions):
            for oi, o in enumerate(q.options):
                loc = ("steps", si, "questions", qi, "options", oi)
                mine = [(w, r) for w, r in every if o.value in w.get(q.id, ())]
                fit = any(r.verdict == "fit" for _, r in mine)
                if o.reason and not o.disqualifies and q.scores in DIMENSIONS:
                    passes = any(points(d, w, q.scores) >= a.thresholds[q.scores]
                                 for w, _ in mine if not disqualified(d, w))
                    assert ((*loc, "reason") in warned) == (fit or passes), (q.id, o.value)
                if o.reason and not o.disqualifies and q.scores == "urgency":
                    assert ((*loc, "reason") in warned) == fit, (q.id, o.value)
                if profile and q in varied and q.id in profile and o.value not in profile[q.id]:
                    assert (loc in outside) == fit, (q.id, o.value)


def test_demo_agrees_with_every_answer_set():
    agree(DEMO, PROFILE)


def test_demo_is_honest():
    """No warning, every verdict and every reason reachable, the target profile proven."""
    a = Analysis(DEMO)
    assert findings(DEMO, PROFILE) == []
    assert all(a.witness(code) for code in [*VERDICTS, *DEMO.scoring.reasons])


CODES = ["r1", "r2"]


def question(draw, qid: str) -> dict:
    """One random question: single or multi, optional or not, exclusive answers, negative
    points, reasons, triggers and disqualifiers."""
    kind = draw(st.sampled_from(["single", "multi"]))
    scores = draw(st.sampled_from(["problem", "profile", "urgency", "none"]))
    options = []
    for oi in range(draw(st.integers(2, 3))):
        o = {"value": f"v{oi}", "label": f"Answer {oi}"}
        if scores in DIMENSIONS:
            o["points"] = draw(st.integers(-3, 3))
        if scores == "urgency":
            o["trigger"] = draw(st.sampled_from(
                ["authority_shift", "mandate", "personal_drive", "none"]))
        if draw(st.integers(0, 3)) == 0:
            o["reason"] = draw(st.sampled_from(CODES))
        if draw(st.integers(0, 5)) == 0:
            o["disqualifies"] = "dq"
        if kind == "multi" and draw(st.integers(0, 3)) == 0:
            o["exclusive"] = True
        options.append(o)
    return {"id": qid, "text": "Which?", "kind": kind, "scores": scores,
            "required": draw(st.booleans()), "options": options}


def build(draw, steps: list[dict]) -> Diagnostic:
    """A diagnostic of these steps, random thresholds, every reason defined."""
    reasons = {c: f"Because {c}." for c in (*REQUIRED_REASONS, *CODES, "dq")}
    outcome = {"title": "T", "summary": "S"}
    return Diagnostic.model_validate({
        "title": "Random", "summary": "S", "steps": steps,
        "scoring": {"thresholds": {"problem": draw(st.integers(-3, 5)),
                                   "profile": draw(st.integers(-3, 5))}, "reasons": reasons},
        "outcomes": {"fit": outcome, "not_now": outcome, "not_a_fit": outcome},
    })


@st.composite
def diagnostics(draw) -> Diagnostic:
    """A small diagnostic of any shape the schema allows, on one step."""
    questions = [question(draw, f"q{qi}") for qi in range(draw(st.integers(1, 3)))]
    return build(draw, [{"id": "s", "title": "S", "questions": questions}])


@settings(max_examples=400, deadline=None)
@given(d=diagnostics(), data=st.data())
def test_any_small_diagnostic_agrees_with_every_answer_set(d, data):
    q = data.draw(st.sampled_from(d.questions()))
    inside = data.draw(st.lists(st.sampled_from([o.value for o in q.options]), unique=True))
    agree(d, {q.id: tuple(inside)})


def big() -> Diagnostic:
    """40 multi-choice questions of 12 answers (2^480 answer sets), points from -2 to 3."""
    steps = []
    for s in range(4):
        qs = [{"id": f"q{s}_{i}", "text": "Which apply?", "kind": "multi",
               "scores": ("problem", "profile")[i % 2],
               "options": [{"value": f"a{j}", "label": f"Answer {j}", "points": j % 6 - 2,
                            **({"reason": "r1"} if j == 0 else {})} for j in range(12)]}
              for i in range(10)]
        steps.append({"id": f"s{s}", "title": "Step", "questions": qs})
    reasons = {c: f"Because {c}." for c in (*REQUIRED_REASONS, "r1")}
    outcome = {"title": "T", "summary": "S"}
    return Diagnostic.model_validate({
        "title": "Big", "summary": "S", "steps": steps,
        "scoring": {"thresholds": {"problem": 60, "profile": 61}, "reasons": reasons},
        "outcomes": {"fit": outcome, "not_now": outcome, "not_a_fit": outcome}})


def big_branching() -> Diagnostic:
    """The 40 x 12 diagnostic with branching: the first question of each step is a
    single-choice controller (12 answers), and 8 questions of later steps are asked only when
    a controller's answer is one of three: 2^4 = 16 paths."""
    raw = big().model_dump(exclude_defaults=True)
    for s in range(4):
        q = raw["steps"][0]["questions"][s]
        q["kind"] = "single"
        q["options"] = [{**o, "points": j % 3} for j, o in enumerate(q["options"])]
    for n in range(8):
        step, at = 1 + n % 3, 2 + n // 3
        raw["steps"][step]["questions"][at]["show_if"] = {f"q0_{n % 4}": ["a1", "a5", "a9"]}
    return Diagnostic.model_validate(raw)


def test_forty_questions_of_twelve_answers_stay_exact_and_quick(monkeypatch):
    d = big()
    calls = {"pick": 0}
    real = scenarios_module.pick

    def counted(*args, **kwargs):
        calls["pick"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(scenarios_module, "pick", counted)
    started = time.process_time()
    a = Analysis(d)
    found = findings(d)
    dims = {n: a.dimension(n) for n in DIMENSIONS}
    cpu = time.process_time() - started
    # Per question: -2 -1 0 1 2 3 twice; the most is 2 * (1 + 2 + 3) = 12, the least -6.
    assert {n: (x.low, x.high) for n, x in dims.items()} == {"problem": (-120, 240),
                                                             "profile": (-120, 240)}
    assert set(dims["problem"].reachable) == set(range(-120, 241))
    # Answer a0 (-2 points, reason r1) leaves at most 20 * 12 - 2 ... still passing 60:
    assert sum(f.kind == "reason-cannot-decide" for f in found) == 40
    assert a.witness("fit") is None and a.witness("not_now") is not None  # no urgency question
    assert calls["pick"] < 40_000  # questions times answers, never answer sets
    assert cpu < 1.0  # the issue's bound; typically a few hundredths of a second


def test_a_score_exactly_on_the_threshold_passes():
    """The boundary, both sides, in each dimension (the scorer compares with >=)."""
    base = {"symptom": "manual_reporting", "visibility": ["renewals_in_spreadsheet"],
            "trigger": "own_number", "size": "50_199", "billing": "annual", "crm": "hubspot",
            "hosting": "cloud_ok", "role": "founder"}
    at = score(DEMO, check_answers(DEMO, base)[0])
    assert (at.problem_points, at.profile_points) == (3, 5)  # both exactly on the threshold
    assert at.verdict == "fit"
    below_problem = score(DEMO, check_answers(DEMO, {**base, "visibility": "none_of_these"})[0])
    assert (below_problem.problem_points, below_problem.codes) == (2, ("problem_misses",))
    below_profile = score(DEMO, check_answers(DEMO, {**base, "billing": "monthly"})[0])
    assert (below_profile.profile_points, below_profile.codes) == (4, ("profile_misses",))


@pytest.mark.parametrize("points", [-100, 100])
def test_extreme_points_the_schema_allows_are_analysed(points):
    d = DEMO.model_copy(deep=True)
    raw = d.model_dump()
    raw["steps"][2]["questions"][0]["options"][3]["points"] = points  # 1000_plus
    d = Diagnostic.model_validate(raw)
    assert Analysis(d).dimension("profile").high == max(6, points + 4)


def test_forty_questions_with_eight_conditional_ones_stay_exact_and_quick():
    """Four single-choice controllers (points 0, 1, 2 by answer) and 8 follow-ups asked only
    when a controller's answer is a1, a5 or a9 (1, 2 and 0 points): 16 paths."""
    d = big_branching()
    started = time.process_time()
    a = Analysis(d)
    found = findings(d, None, a)
    dims = {n: a.dimension(n) for n in DIMENSIONS}
    cpu = time.process_time() - started
    assert len(a.paths) == 16 and not a.skipped
    # Highest: 18 asked multi-choice questions at 12 and both controllers at a5 (2, in the
    # list, so every follow-up is asked). Lowest: 18 at -6, both controllers at a9 (0 points,
    # in the list: the follow-ups are asked, and score -6 each).
    assert {n: (x.low, x.high) for n, x in dims.items()} == {"problem": (-108, 220),
                                                             "profile": (-108, 220)}
    assert set(dims["problem"].reachable) == set(range(-108, 221))
    assert sum(f.kind == "reason-cannot-decide" for f in found) == 40
    assert not [f for f in found if f.kind in ("never-asked", "analysis-skipped")]
    w = a.witness("not_now", {"q1_2": frozenset({"a0"})})  # a follow-up on q0_0
    assert w is not None and w["q0_0"][0] in ("a1", "a5", "a9")
    assert cpu < 1.0  # typically under a tenth of a second
