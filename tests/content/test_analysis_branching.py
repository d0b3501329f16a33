"""The exact analysis under branching (`show_if`) agrees with scoring every answer set that
respects the conditions: on the demo and on hundreds of random diagnostics with random
conditions on questions and whole steps; `buyerkit explain`'s rows decide what they claim;
the conditions' own findings are right and located where the condition is written."""

from __future__ import annotations

from hypothesis import given, note, settings
from hypothesis import strategies as st

from buyerkit.content.analysis import VERDICTS, Analysis
from buyerkit.content.branching import asked
from buyerkit.content.detours import conditions, without
from buyerkit.content.explain import explain
from buyerkit.content.findings import findings
from buyerkit.content.paths import paths
from buyerkit.content.schema.diagnostic import REQUIRED_REASONS, Diagnostic
from buyerkit.content.scoring import check_answers, score
from tests.content.brute import answer_sets, disqualified, scored
from tests.content.test_analysis import DEMO, PROFILE, agree, build, question


def leads(goal: str, result) -> bool:
    return goal == result.verdict or goal in result.codes


def matches(d: Diagnostic, way: dict, answers: dict) -> bool:
    """Whether an answer set has a way's answers; () is a question asked and left blank."""
    shown = asked(d, answers)
    return all(answers.get(k, ()) == v and k in shown for k, v in way.items())


def reaches(every: list, goal: str) -> bool:
    return any(leads(goal, r) for _, r in every)


def stripped(d: Diagnostic) -> Diagnostic:
    """The same diagnostic with every condition removed."""
    for _, si, qi, _ in list(conditions(d)):
        d = without(d, si, qi)
    return d


def condition(draw, earlier: list[dict]) -> dict:
    """A random `show_if` on one or two of the earlier questions."""
    keys = draw(st.lists(st.sampled_from(earlier), min_size=1, max_size=2,
                         unique_by=lambda q: q["id"]))
    return {q["id"]: draw(st.lists(st.sampled_from([o["value"] for o in q["options"]]),
                                   min_size=1, unique=True)) for q in keys}


@st.composite
def branching(draw) -> Diagnostic:
    """2 or 3 steps of 1 or 2 random questions (4 at most), each question after the first
    step conditional one time in two, each later step one time in three, on one or two
    earlier-step questions and any non-empty list of their answers."""
    steps: list[dict] = []
    earlier: list[dict] = []
    n = 0
    for si in range(draw(st.integers(2, 3))):
        qs = []
        for _ in range(draw(st.integers(1, 2))):
            if n < 4:
                qs.append(question(draw, f"q{n}"))
                n += 1

        step: dict = {"id": f"s{si}", "title": "S", "questions": qs}
        if earlier:
            for q in qs:
                if draw(st.booleans()):
                    q["show_if"] = condition(draw, earlier)
            if draw(st.integers(0, 2)) == 0:
                step["show_if"] = condition(draw, earlier)
        if qs:
            steps.append(step)
            earlier += qs
    return build(draw, steps)


def branches_agree(d: Diagnostic) -> None:
    """What only branching adds: which questions are asked, the conditions' findings, and
    explain's rows, each against every answer set."""
    a, every = Analysis(d), scored(d)
    assert not a.skipped
    for q in d.questions():  # asked on some path exactly when some answer set asks it
        assert a.asked(q.id) == any(q.id in asked(d, w) for w, _ in every), q.id
    found = findings(d, None, a)
    never = [f for f in found if f.kind == "never-asked"]
    for si, step in enumerate(d.steps):
        for qi, q in enumerate(step.questions):
            if not a.asked(q.id):  # warned at its own condition, or its step's
                assert {("steps", si, "questions", qi, "show_if"), ("steps", si, "show_if")} \
                    & {f.loc for f in never}, q.id
    assert bool(never) == any(not a.asked(q.id) for q in d.questions())
    everyone = scored(stripped(d))
    for goal in VERDICTS:
        hidden = [f for f in found if f.kind == "condition-hides-verdict"
                  and f"'{goal}'" in f.message]
        truth = not reaches(every, goal) and reaches(everyone, goal)
        assert bool(hidden) == truth, goal
        plain = [f for f in found if f.kind == "unreachable-verdict" and f.loc[-1] == goal]
        assert bool(plain) == (not reaches(every, goal) and not truth), goal
        for f in hidden:  # the example is real once that one condition is gone
            where = {loc: (si, qi) for loc, si, qi, _ in conditions(d)}
            if f.message.startswith("this condition"):
                other = without(d, *where[f.loc])
                answers, errors = check_answers(other, {k: list(v)
                                                        for k, v in f.answers.items()})
                assert errors == [] and leads(goal, score(other, answers)), f
    for code in d.scoring.reasons:
        if code in REQUIRED_REASONS:
            continue
        hidden = [f for f in found if f.kind == "condition-hides-reason"
                  and f"'{code}'" in f.message]
        truth = not reaches(every, code) and reaches(everyone, code)
        assert bool(hidden) == truth, code
        plain = [f for f in found if f.kind == "unreachable-reason" and f.loc[-1] == code]
        assert bool(plain) == (not reaches(every, code) and not truth), code
    for f in found:  # every counter-example is an answer set a prospect can give
        if f.answers is not None and f.kind not in ("condition-hides-verdict",
                                                    "condition-hides-reason"):
            _, errors = check_answers(d, {k: list(v) for k, v in f.answers.items()})
            assert errors == [], f
    table = explain(d)
    for row in (*table.verdicts, *table.reasons):
        assert bool(row.ways) == reaches(every, row.code), row.code
        shown = {r.verdict for _, r in every if leads(row.code, r)}
        assert set(row.verdicts) == shown, row.code
        # Every answer set with a way's answers leads there. (That no answer can be dropped
        # holds per scenario, which brute force cannot see; test_explain checks it on the
        # demo, and test_explain_minimal_on_a_branch below on a branch.)
        for way in row.ways:
            clean = not disqualified(d, way.answers)
            hits = [r for w, r in every if matches(d, way.answers, w)
                    and not (clean and disqualified(d, w))]
            assert hits and all(leads(row.code, r) for r in hits), (row.code, way)
    conditional = {x.question for x in table.asked}
    assert conditional == {q.id for s in d.steps for q in s.questions
                           if s.show_if is not None or q.show_if is not None}


@settings(max_examples=300, deadline=None)
@given(d=branching(), data=st.data())
def test_any_small_branching_diagnostic_agrees_with_every_answer_set(d, data):
    note(repr(d.model_dump(exclude_defaults=True)["steps"]))
    note(repr(d.scoring.thresholds))
    q = data.draw(st.sampled_from(d.questions()))
    inside = data.draw(st.lists(st.sampled_from([o.value for o in q.options]), unique=True))
    agree(d, {q.id: tuple(inside)})
    branches_agree(d)


def test_the_demo_follow_up_splits_it_into_two_paths():
    """The demo's show_if follow-up: asked only after surprise churn; everything agrees."""
    found = paths(DEMO)
    assert len(found) == 2
    assert [any(q.id == "warning_time" for q in p.questions) for p in found] == [True, False]
    agree(DEMO, PROFILE)
    branches_agree(DEMO)


def test_witnesses_leave_hidden_questions_unanswered():
    a = Analysis(DEMO)
    w = a.witness("fit", {"warning_time": frozenset({"at_renewal"})})
    assert w is not None and w["symptom"] == ("surprise_churn",)
    assert a.witness("fit", {"symptom": frozenset({"flat_expansion"}),
                             "warning_time": frozenset({"at_renewal"})}) is None
    for w in answer_sets(DEMO):
        if "warning_time" in w:
            assert w["symptom"] == ("surprise_churn",)


def test_explain_minimal_on_a_branch():
    """The docs' kind of branch (a step only for subscriptions), with a follow-up on it: each
    way of each row decides it, and without any one of its answers something else can."""
    import yaml

    from tests.content.test_analysis_conditions import TRACKING

    d = Diagnostic.model_validate(yaml.safe_load(
        TRACKING.replace("show_if: {billing: [one_off]}", "show_if: {billing: [subscription]}")
        .replace("show_if: {billing: [subscription], tracker: [crm]}",
                 "show_if: {tracker: [crm]}")))
    every = scored(d)
    table = explain(d)
    assert [(x.question, x.when, x.never) for x in table.asked] == [
        ("tracker", ({"billing": ("subscription",)},), False),
        ("reminder", ({"tracker": ("crm",)},), False)]
    for row in (*table.verdicts, *table.reasons):
        for way in row.ways:
            clean = not disqualified(d, way.answers)
            hits = [r for w, r in every if matches(d, way.answers, w)
                    and not (clean and disqualified(d, w))]
            assert hits and all(leads(row.code, r) for r in hits), (row.code, way)
            for qid in way.answers:
                fewer = {k: v for k, v in way.answers.items() if k != qid}
                assert not all(leads(row.code, r) for w, r in every if matches(d, fewer, w)
                               and not (clean and disqualified(d, w))), (row.code, qid)
    fit = next(r for r in table.verdicts if r.code == "fit")
    assert [w.answers for w in fit.ways] == [{"tracker": ("spreadsheet",),
                                              "deadline": ("board_target",)}]
