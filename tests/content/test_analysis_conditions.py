"""What `buyerkit check` and `buyerkit explain` say about conditions, word for word: a
condition that hides every path to a verdict, a question never asked, a cycle of conditions,
and a diagnostic with too many paths to analyse. On a folder `buyerkit new` writes, so the
demo's content can change without changing these."""

from __future__ import annotations

from pathlib import Path

import pytest

from buyerkit.content.paths import MAX_PATHS
from buyerkit.content.scaffold import new

DIAG = "site1/diagnostics/renewal-tracking.yaml"

TRACKING = """\
title: How do you keep track of renewals?
summary: Three short steps about how your customers pay and where their renewal dates live.
steps:
  - id: billing
    title: How customers pay
    questions:
      - id: billing
        text: How do your customers pay you?
        scores: profile
        options:
          - value: subscription
            label: Subscriptions
            points: 1
          - value: one_off
            label: One-off projects
            disqualifies: no_recurring_revenue
  - id: tracking
    title: Where renewals live
    show_if: {billing: [one_off]}
    questions:
      - id: tracker
        text: "With {answer:billing}, where do renewal dates live?"
        scores: problem
        options:
          - value: spreadsheet
            label: In a spreadsheet someone updates by hand
            points: 1
          - value: crm
            label: In the CRM, with reminders
  - id: reminders
    title: Reminders
    questions:
      - id: deadline
        text: Is there a date by which this must be solved?
        scores: urgency
        options:
          - value: board_target
            label: Yes, a target with a date
            trigger: mandate
          - value: no_date
            label: Not yet
      - id: reminder
        text: Who sends the renewal reminders?
        show_if: {billing: [subscription], tracker: [crm]}
        options:
          - value: owner
            label: The account owner
          - value: nobody
            label: Nobody
scoring:
  thresholds: {problem: 1, profile: 1}
  reasons:
    problem_fits: Renewal dates kept by hand are what this helps with.
    problem_misses: Your renewals are already tracked well.
    profile_fits: You sell subscriptions.
    profile_misses: Without subscriptions there are no renewals to track.
    no_recurring_revenue: One-off projects have no renewals.
    no_trigger: Nothing makes this urgent now.
    trigger_authority_shift: A new leader is a good moment to change.
    trigger_mandate: A target with a date gives the work a deadline.
    trigger_personal_drive: You own the number.
outcomes:
  fit: {title: A good fit, summary: This is the problem we solve.}
  not_now: {title: Not yet, summary: Nothing makes this urgent now.}
  not_a_fit: {title: Probably not us, summary: Here is what would help instead.}
"""


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    new(tmp_path / "site1", ("cfo",), "Example Vendor")
    return tmp_path / "site1"


def write(site: Path, text: str) -> None:
    (site / "diagnostics" / "renewal-tracking.yaml").write_text(text)


def line_of(site: Path, needle: str, after: int = 0) -> int:
    lines = (site / "diagnostics" / "renewal-tracking.yaml").read_text().splitlines()
    return next(i for i, x in enumerate(lines, 1) if needle in x and i > after)


def test_the_scaffold_alone_checks_clean(runner, site):
    out = runner.invoke(["check", "--strict", "site1"])
    assert (out.exit_code, out.stderr) == (0, "")


def test_a_condition_hiding_every_path_and_a_question_never_asked(runner, site):
    """The step about tracking was meant for subscriptions and was written for one-off
    projects, which disqualify: its problem points never count, so 'fit' and 'not now' are
    out of reach; and the reminder question needs both, which no answer set gives."""
    write(site, TRACKING)
    out = runner.invoke(["check", "--strict", "site1"])
    step = line_of(site, "show_if: {billing: [one_off]}")
    question = line_of(site, "show_if: {billing: [subscription], tracker: [crm]}")
    thresholds = line_of(site, "thresholds:")
    assert out.exit_code == 1
    assert out.stderr.splitlines() == [
        f"{DIAG}:{step}:5: warning: this condition (billing is one_off) hides every path to the "
        "verdict 'fit': no answer set leads there, but without it, the answers "
        "billing=subscription, tracker=spreadsheet, deadline=board_target would "
        "[condition-hides-verdict]",
        f"{DIAG}:{step}:5: warning: this condition (billing is one_off) hides every path to the "
        "verdict 'not_now': no answer set leads there, but without it, the answers "
        "billing=subscription, tracker=spreadsheet, deadline=no_date would "
        "[condition-hides-verdict]",
        f"{DIAG}:{question}:9: warning: question 'reminder' is never asked: no answer set meets "
        "its condition (billing is subscription; tracker is crm) once the earlier conditions "
        "are applied (an answer counts only when its question was asked) [never-asked]",
        f"{DIAG}:{thresholds}:25: warning: no answer set meets the problem threshold 1: the "
        "highest problem score is 0 [threshold-never-met]",
        f"{DIAG}:{thresholds}:37: warning: every answer set meets the profile threshold 1, so "
        "it never decides: the lowest profile score is 1 [threshold-never-decides]",
        "Aborted with 5 content warnings (--strict)",
    ]
    # Written as meant, every path is open again and nothing is left to say about conditions.
    write(site, TRACKING.replace("show_if: {billing: [one_off]}",
                                 "show_if: {billing: [subscription]}")
          .replace("show_if: {billing: [subscription], tracker: [crm]}",
                   "show_if: {tracker: [crm]}"))
    out = runner.invoke(["check", "--strict", "site1"])
    thresholds = line_of(site, "thresholds:")
    assert out.stderr.splitlines() == [
        f"{DIAG}:{thresholds}:37: warning: every answer set meets the profile threshold 1, so "
        "it never decides: the lowest profile score is 1 [threshold-never-decides]",
        "Aborted with 1 content warning (--strict)",
    ]


def test_a_hidden_verdict_can_be_allowed_with_a_reason(runner, site):
    write(site, TRACKING.replace(
        "    show_if: {billing: [one_off]}\n",
        "    # allow condition-hides-verdict: this draft only asks one-off buyers (May 2026)\n"
        "    show_if: {billing: [one_off]}\n"))
    out = runner.invoke(["check", "site1"])
    assert "[condition-hides-verdict]" not in out.stderr
    assert "[never-asked]" in out.stderr


def test_a_cycle_of_conditions_is_refused_by_the_earlier_step_rule(runner, site):
    """billing asks only after tracker, tracker only after billing: the first of the two
    names a later question, which is the located error; nothing is analysed."""
    text = TRACKING.replace("      - id: billing\n",
                            "      - id: billing\n        show_if: {tracker: [crm]}\n", 1)
    write(site, text)
    out = runner.invoke(["check", "site1"])
    line = line_of(site, "show_if: {tracker: [crm]}")
    assert out.exit_code == 1
    assert out.stderr.splitlines() == [
        f"{DIAG}:{line}:28: show_if: question 'tracker' is not on an earlier step; a condition "
        "can only use answers from earlier steps",
        "Aborted with 1 content error",
    ]


def test_explain_says_when_a_conditional_question_is_asked(runner, site):
    write(site, TRACKING)
    out = runner.invoke(["explain", "renewal-tracking", "--content", "site1"])
    assert out.exit_code == 0
    assert "Asked only when (a skipped question is not scored)\n" \
           '  tracker: billing = "One-off projects"\n' \
           "  reminder: never (no answer set leads to it; `buyerkit check` says why)\n\n" \
           in out.stdout
    out = runner.invoke(["explain", "renewal-tracking", "--content", "site1", "--format",
                         "markdown"])
    assert "| question | asked only when (a skipped question is not scored) |\n" \
           "| --- | --- |\n" \
           '| `tracker` | billing = "One-off projects" |\n' \
           "| `reminder` | never (no answer set leads to it; `buyerkit check` says why) |\n" \
           in out.stdout


def many_paths(controllers: int) -> str:
    """A diagnostic whose follow-ups each depend on their own earlier question: 2^n paths."""
    first = "".join(f"""\
      - id: c{i}
        text: Question {i}?
        scores: problem
        options:
          - value: "yes"
            label: "Yes"
            points: 1
          - value: "no"
            label: "No"
""" for i in range(controllers))
    then = "".join(f"""\
      - id: f{i}
        text: Follow-up {i}?
        show_if: {{c{i}: ["yes"]}}
        scores: profile
        options:
          - value: a
            label: A
            points: 1
          - value: b
            label: B
""" for i in range(controllers))
    head, tail = TRACKING.split("scoring:\n")
    return ("title: Many paths\nsummary: Follow-ups.\nsteps:\n  - id: one\n    title: One\n"
            f"    questions:\n{first}  - id: two\n    title: Two\n    questions:\n{then}"
            f"scoring:\n{tail}")


def test_too_many_paths_skip_the_analysis_and_say_so(runner, site):
    assert 2 ** 8 > MAX_PATHS >= 2 ** 7
    write(site, many_paths(7))  # 128 paths: analysed
    out = runner.invoke(["check", "site1"])
    assert "[analysis-skipped]" not in out.stderr and "[unreachable-verdict]" in out.stderr
    write(site, many_paths(8))  # 256: skipped, and nothing else is claimed
    out = runner.invoke(["check", "site1"])
    line = line_of(site, "show_if:")
    assert out.exit_code == 0
    assert out.stderr.splitlines() == [
        f"{DIAG}:{line}:9: warning: the conditions split the answer sets into more than 128 "
        "paths, so the verdict analysis was skipped for this diagnostic: none of its verdicts, "
        "reasons or thresholds are checked [analysis-skipped]"]
    out = runner.invoke(["explain", "renewal-tracking", "--content", "site1"])
    assert out.exit_code == 1
    assert out.stderr == "Error: diagnostic 'renewal-tracking' has more than 128 paths through " \
                         "its conditions, too many to analyse; `buyerkit check` says where\n"



TOGETHER = """\
title: Two conditions
summary: Both must go.
steps:
  - id: first
    title: First
    questions:
      - id: size
        text: How big?
        scores: profile
        options:
          - {value: small, label: Small}
          - {value: large, label: Large, points: 1}
      - id: cause
        text: What hurts?
        scores: problem
        options:
          - {value: churn, label: Churn}
          - {value: renewals, label: Renewals, points: 1}
      - id: deadline
        text: Is there a date?
        scores: urgency
        options:
          - {value: board, label: A board target, trigger: mandate}
          - {value: none, label: Not yet}
  - id: second
    title: Second
    show_if: {size: [small]}
    questions:
      - id: detail
        text: How often?
        show_if: {cause: [churn]}
        scores: problem
        options:
          - {value: often, label: Often, points: 1}
          - {value: rarely, label: Rarely}
scoring:
  thresholds: {problem: 2, profile: 1}
""" + TRACKING.split("scoring:\n  thresholds: {problem: 1, profile: 1}\n")[1]


def test_conditions_that_hide_a_verdict_only_together():
    """'fit' and 'not now' need size=large, cause=renewals and detail=often: the step asks
    detail only of small companies, the question only about churn; lifting one is not enough."""
    import yaml

    from buyerkit.content.findings import findings
    from buyerkit.content.schema.diagnostic import Diagnostic

    d = Diagnostic.model_validate(yaml.safe_load(TOGETHER))
    found = [(f.kind, f.loc, f.message) for f in findings(d)
             if f.kind.startswith("condition-hides")]
    assert found == [
        ("condition-hides-verdict", ("steps", 1, "show_if"), "the conditions together hide "
         "every path to the verdict 'fit': no answer set leads there, but if every question "
         "were asked, the answers size=large, cause=renewals, deadline=board, detail=often "
         "would"),
        ("condition-hides-verdict", ("steps", 1, "show_if"), "the conditions together hide "
         "every path to the verdict 'not_now': no answer set leads there, but if every "
         "question were asked, the answers size=large, cause=renewals, deadline=none, "
         "detail=often would"),
    ]
