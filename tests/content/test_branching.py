"""Branching (`show_if`) and piping (`{answer:id}`): one definition for scoring, pages and check."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from buyerkit.content.branching import asked, pipe, steps_asked
from buyerkit.content.catalog import load_catalog
from buyerkit.content.scoring import FieldError, check_answers, score
from tests.conftest import DEMO_CONTENT
from tests.content.test_scoring import CASES, FIT

SLUG = "renewal-risk-check"
DIAG = Path("content/diagnostics/renewal-risk-check.yaml")


@pytest.fixture(scope="module")
def demo():
    return load_catalog(DEMO_CONTENT).diagnostics[SLUG]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(DEMO_CONTENT, tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_follow_up_is_asked_only_after_surprise_churn(demo):
    assert "warning_time" in asked(demo, {"symptom": ("surprise_churn",)})
    assert "warning_time" not in asked(demo, {"symptom": ("flat_expansion",)})
    assert "warning_time" not in asked(demo, {})


def test_an_answer_to_a_hidden_question_is_refused_with_its_reason(demo):
    raw = {**FIT, "symptom": "flat_expansion", "warning_time": "at_renewal"}
    answers, errors = check_answers(demo, raw)
    assert errors == [FieldError("warning_time", "Question 'warning_time' is not asked after "
                                                 "the earlier answers, so it cannot be answered.")]
    assert "warning_time" not in answers


@pytest.mark.parametrize("empty", [None, "", [], ()], ids=["none", "blank", "list", "tuple"])
def test_an_empty_field_of_a_hidden_question_is_no_answer_at_all(demo, empty):
    """A no-JS form sends a hidden question's field empty: that is not an answer to refuse."""
    raw = {**FIT, "symptom": "flat_expansion", "warning_time": empty}
    answers, errors = check_answers(demo, raw)
    assert errors == [] and "warning_time" not in answers
    assert score(demo, answers).verdict == score(demo, check_answers(
        demo, {**FIT, "symptom": "flat_expansion"})[0]).verdict


def test_the_follow_up_is_accepted_when_shown_and_changes_no_verdict(demo):
    for raw, verdict, codes in CASES.values():
        if raw.get("symptom") != "surprise_churn":
            continue
        for value in ("at_renewal", "not_sure"):
            answers, errors = check_answers(demo, {**raw, "warning_time": value})
            assert errors == [] and answers["warning_time"] == (value,)
            result = score(demo, answers)
            assert (result.verdict, result.codes) == (verdict, codes)


def test_piping_quotes_the_chosen_label(demo):
    text = demo.question("warning_time").help
    assert pipe(text, demo, {"symptom": ("surprise_churn",)}).startswith(
        "You said: “Customers we thought were healthy cancelled, and we found out at renewal "
        "time.”")


STEP_BRANCH = '''
  - id: tracking
    title: How renewals are tracked
    show_if: {billing: [annual, monthly]}
    questions:
      - id: tracker
        text: "You pay by {answer:billing}: where do renewal dates live?"
        options:
          - value: sheet
            label: A spreadsheet
          - value: crm_field
            label: A field in the CRM
'''


def add_step(text: str, before: str = "  - id: people\n") -> None:
    DIAG.with_suffix(".de.yaml").unlink()  # a new step is not translated: a warning only
    s = DIAG.read_text()
    DIAG.write_text(s.replace(before, text.lstrip("\n") + "\n" + before, 1))


def test_a_whole_step_is_skipped_when_its_condition_fails(workdir):
    add_step(STEP_BRANCH)
    d = load_catalog(Path("content")).diagnostics[SLUG]
    annual = {"billing": ("annual",)}
    assert [d.steps[i].id for i in steps_asked(d, annual)] == [
        "symptoms", "timing", "company", "tracking", "people"]
    assert "tracking" not in [d.steps[i].id for i in steps_asked(d, {"billing": ("one_off",)})]
    _, errors = check_answers(d, {**FIT, "billing": "one_off"})
    assert errors == []  # the hidden step's required question is not required
    _, errors = check_answers(d, FIT)
    assert errors == [FieldError("tracker", "Choose one answer.")]
    assert pipe(d.question("tracker").text, d, annual).startswith(
        "You pay by Annual or multi-year subscriptions:")


BAD = {
    "unknown-question": ("{nope: [x]}", 'show_if: unknown question \'nope\''),
    "unknown-value": ("{billing: [yearly]}", "show_if: 'yearly' is not an answer of 'billing'"),
    "later": ("{role: [founder]}", "show_if: question 'role' is not on an earlier step; a "
              "condition can only use answers from earlier steps"),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_conditions_are_located_errors(workdir, runner, case):
    condition, message = BAD[case]
    add_step(STEP_BRANCH.replace("{billing: [annual, monthly]}", condition))
    result = runner.invoke(["check", "content"])
    assert result.exit_code == 1
    line = DIAG.read_text().splitlines().index("  - id: tracking") + 3  # the show_if line
    assert result.stderr.splitlines()[0].startswith(f"{DIAG}:{line}:")
    assert result.stderr.splitlines()[0].endswith(f": {message}")


def test_a_question_depending_on_itself_or_its_own_step(workdir, runner):
    s = DIAG.read_text()
    s = s.replace("      - id: visibility\n",
                  "      - id: visibility\n        show_if: {visibility: [usage_unread]}\n", 1)
    s = s.replace("      - id: billing\n",
                  "      - id: billing\n        show_if: {size: [\"50_199\"]}\n", 1)
    DIAG.write_text(s)
    result = runner.invoke(["check", "content"])
    lines = result.stderr.splitlines()
    assert result.exit_code == 1
    assert lines[0].endswith("show_if: question 'visibility' depends on itself")
    assert lines[1].endswith("show_if: question 'size' is not on an earlier step; a condition "
                             "can only use answers from earlier steps")
    assert lines[-1] == "Aborted with 2 content errors"


def test_quoting_an_unknown_or_later_answer_is_an_error(workdir, runner):
    add_step(STEP_BRANCH.replace("{answer:billing}", "{answer:role} {answer:colour}"))
    result = runner.invoke(["check", "content"])
    line = DIAG.read_text().splitlines().index("  - id: tracking") + 6  # the text line
    assert result.stderr.splitlines()[:2] == [
        f"{DIAG}:{line}:15: {{answer:colour}}: unknown question 'colour'",
        f"{DIAG}:{line}:15: {{answer:role}}: question 'role' is not on an earlier step, so its "
        "answer is not known yet",
    ]
