"""The one scoring function: honest verdicts from rules in content, with properties proven."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from buyerkit.content.branching import asked
from buyerkit.content.catalog import load_catalog
from buyerkit.content.schema.diagnostic import Diagnostic
from buyerkit.content.scoring import check_answers, score
from tests.conftest import DEMO_CONTENT

DEMO = load_catalog(DEMO_CONTENT).diagnostics["renewal-risk-check"]
FIT = {"symptom": "surprise_churn", "visibility": ["usage_unread"], "trigger": "new_leader",
       "size": "50_199", "billing": "annual", "crm": "hubspot", "hosting": "cloud_ok",
       "role": "cs_leader", "group": ["cfo", "security"]}

CASES = {
    "fit": (FIT, "fit", ("problem_fits", "trigger_authority_shift", "profile_fits")),
    "mandate": ({**FIT, "trigger": "board_target"}, "fit",
                ("problem_fits", "trigger_mandate", "profile_fits")),
    "no-trigger": ({**FIT, "trigger": "researching"}, "not_now",
                   ("researching_for_later", "problem_fits", "profile_fits")),
    "acquisition": ({**FIT, "symptom": "thin_pipeline", "visibility": ["none_of_these"]},
                    "not_a_fit", ("problem_is_acquisition",)),
    "too-small": ({**FIT, "size": "under_50", "billing": "monthly"}, "not_a_fit",
                  ("too_small_yet",)),
    "profile-generic": ({**FIT, "size": "50_199", "billing": "monthly", "crm": "other_crm"},
                        "not_a_fit", ("profile_misses",)),
    "one-off": ({**FIT, "billing": "one_off"}, "not_a_fit", ("no_recurring_revenue",)),
    "on-prem": ({**FIT, "hosting": "on_prem_only", "trigger": "researching"}, "not_a_fit",
                ("on_premises_only",)),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_verdicts_and_reasons(case):
    raw, verdict, codes = CASES[case]
    answers, errors = check_answers(DEMO, raw)
    assert errors == []
    result = score(DEMO, answers)
    assert (result.verdict, result.codes) == (verdict, codes)
    assert all(r.text == DEMO.scoring.reasons[r.code] for r in result.reasons)


def test_bucket_trigger_and_bands():
    result = score(DEMO, check_answers(DEMO, FIT)[0])
    assert (result.bucket, result.trigger) == ("retain_expand", "authority_shift")
    assert dict(result.bands) == {"size": "50_199", "billing": "annual", "tools": "hubspot",
                                  "hosting": "cloud_ok", "persona": "cs_leader",
                                  "roles": "cfo,security"}


def test_thresholds_live_in_content(content_dir):
    path = content_dir / "diagnostics/renewal-risk-check.yaml"
    path.write_text(path.read_text().replace("    problem: 3\n", "    problem: 5\n"))
    d = load_catalog(content_dir).diagnostics["renewal-risk-check"]
    assert score(d, check_answers(d, FIT)[0]).codes == ("problem_misses",)


ANSWER_ERRORS = {
    "unknown-value": ({**FIT, "size": "huge"}, "size", "'huge' is not one of the answers."),
    "two-for-single": ({**FIT, "size": ["50_199", "200_999"]}, "size", "Choose only one answer."),
    "missing": ({k: v for k, v in FIT.items() if k != "role"}, "role", "Choose one answer."),
    "empty-multi": ({**FIT, "visibility": []}, "visibility", "Choose at least one answer."),
    "exclusive": ({**FIT, "visibility": ["none_of_these", "usage_unread"]}, "visibility",
                  "'None of these' cannot be combined with other answers."),
    "repeated": ({**FIT, "group": ["cfo", "cfo"]}, "group", "Choose each answer once."),
    "wrong-type": ({**FIT, "size": 3}, "size",
                   "Answer with an option value or a list of option values."),
    "unknown-question": ({**FIT, "colour": "blue"}, "colour", "Unknown question 'colour'."),
}


@pytest.mark.parametrize("case", list(ANSWER_ERRORS), ids=list(ANSWER_ERRORS))
def test_invalid_answers_name_the_field(case):
    raw, field, message = ANSWER_ERRORS[case]
    _, errors = check_answers(DEMO, raw)
    assert [(e.field, e.message) for e in errors] == [(field, message)]


def test_optional_question_may_be_skipped():
    raw = {k: v for k, v in FIT.items() if k != "group"}
    answers, errors = check_answers(DEMO, raw)
    assert errors == [] and "group" not in answers


@st.composite
def valid_answers(draw, d: Diagnostic):
    """Any answers the validator accepts: one option per single, a legal subset per multi,
    and none to a question the earlier answers hide (show_if)."""
    raw = {}
    for q in d.questions():
        so_far = {k: tuple(v) if isinstance(v, list) else (v,) for k, v in raw.items()}
        if q.id not in asked(d, so_far):
            continue
        values = [o.value for o in q.options]
        if q.kind == "single":
            if q.required or draw(st.booleans()):
                raw[q.id] = draw(st.sampled_from(values))
        else:
            plain = [o.value for o in q.options if not o.exclusive]
            lone = [o.value for o in q.options if o.exclusive]
            choice = draw(st.one_of(
                st.lists(st.sampled_from(plain), min_size=1, unique=True),
                st.sampled_from(lone).map(lambda v: [v]) if lone else st.nothing(),
                st.just([]) if not q.required else st.nothing()))
            if choice:
                raw[q.id] = choice
    return raw


@settings(max_examples=300, deadline=None)
@given(raw=valid_answers(DEMO))
def test_scoring_properties(raw):
    answers, errors = check_answers(DEMO, raw)
    assert errors == []
    first, second = score(DEMO, answers), score(DEMO, answers)
    assert first == second
    assert first.verdict in ("fit", "not_now", "not_a_fit")
    assert len(first.reasons) >= 1
    assert first.trigger in ("authority_shift", "mandate", "personal_drive", "none")
    if first.verdict == "fit":
        assert first.trigger != "none"
    if first.verdict == "not_now":
        assert first.trigger == "none"


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=80),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(raw=st.dictionaries(st.sampled_from([q.id for q in DEMO.questions()] + ["x", ""]),
                           JSONISH, max_size=12))
def test_validation_never_raises_on_any_json(raw):
    answers, errors = check_answers(DEMO, raw)
    if not errors:
        assert score(DEMO, answers).reasons
    for e in errors:
        assert e.message and len(e.message) < 200
