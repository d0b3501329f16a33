"""`buyerkit check` warns, with a located counter-example, about scoring rules that break
the verdict's promise; --strict fails on them; an author can allow one with a reason."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from buyerkit.content.catalog import load_catalog

DIAG = "diagnostics/renewal-risk-check.yaml"


def edit(content_dir: Path, old: str, new: str, name: str = DIAG) -> None:
    path = content_dir / name
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))


def translate_never_used(content_dir: Path) -> None:
    """The German text of the added reason, as its author would write it (else: untranslated)."""
    edit(content_dir, "    no_crm_yet: >-\n", "    never_used: Das sagt niemand.\n"
         "    no_crm_yet: >-\n", DIAG.replace(".yaml", ".de.yaml"))


def line_of(content_dir: Path, needle: str, name: str = DIAG) -> int:
    lines = (content_dir / name).read_text().splitlines()
    return next(i for i, x in enumerate(lines, 1) if needle in x)


def test_the_demo_checks_clean_even_strictly(runner, content_dir):
    out = runner.invoke(["check", "--strict", str(content_dir)])
    assert (out.exit_code, out.stdout, out.stderr) == (0, "", "")


def test_the_issue_mistake_is_one_located_line_with_its_counter_example(runner, content_dir,
                                                                       monkeypatch):
    """Put back the demo's old mistake: annual billing (2) and a CRM point (1) reach a profile
    threshold of 3 without a fitting size."""
    monkeypatch.chdir(content_dir.parent)
    edit(content_dir, "    profile: 5\n", "    profile: 3\n")
    edit(content_dir, "            label: Salesforce\n            points: 2\n",
         "            label: Salesforce\n            points: 1\n")
    for label in ("HubSpot", "Another CRM"):
        edit(content_dir, f"            label: {label}\n            points: 2\n",
             f"            label: {label}\n            points: 0\n")
    out = runner.invoke(["check", "--strict", "content"])
    assert out.exit_code == 1
    line = line_of(content_dir, "reason: too_small_yet")
    lines = out.stderr.splitlines()
    mine = [x for x in lines if "size=under_50" in x]
    assert mine == [
        f"content/{DIAG}:{line}:21: warning: size=under_50 still reaches fit with "
        "billing=annual + crm=salesforce: 0 + 2 + 1 = 3 ≥ profile threshold 3 (and it is "
        "outside the target profile) [reason-cannot-decide]"]
    assert lines[-1].startswith("Aborted with ") and lines[-1].endswith(" (--strict)")
    # Without --strict the same lines are printed and the check passes.
    loose = runner.invoke(["check", "content"])
    assert loose.exit_code == 0 and loose.stderr.splitlines() == lines[:-1]


def test_an_acquisition_symptom_that_can_still_pass(content_dir):
    edit(content_dir, "first meetings\n            points: -3\n",
         "first meetings\n            points: 0\n")
    warnings = [str(w) for w in load_catalog(content_dir).warnings]
    assert len(warnings) == 1
    assert warnings[0].endswith(
        ": warning: symptom=thin_pipeline still reaches fit with "
        "visibility=renewals_in_spreadsheet + visibility=usage_unread + "
        "visibility=risk_from_customer: 0 + 1 + 1 + 1 = 3 ≥ problem threshold 3 "
        "[reason-cannot-decide]")


def test_an_answer_outside_the_profile_without_a_reason(content_dir):
    edit(content_dir, "            points: 0\n            reason: too_large_for_us\n",
         "            points: 2\n")
    edit(content_dir, "too_large_for_us]", "too_small_yet]")
    line = line_of(content_dir, 'value: "1000_plus"')
    warnings = [str(w) for w in load_catalog(content_dir).warnings]
    reason_line = line_of(content_dir, "    too_large_for_us: >-")
    assert [w.split(": warning: ")[0].rsplit(":", 2)[1:] for w in warnings] == [
        [str(line), "13"], [str(reason_line), "5"]]
    assert warnings[1].endswith("no answer set shows the reason 'too_large_for_us' "
                                "[unreachable-reason]")
    assert "size=1000_plus is outside the target profile (site.yaml) but reaches fit with " \
           "symptom=surprise_churn" in warnings[0]
    assert warnings[0].endswith("[outside-profile-reaches-fit]")


def test_thresholds_that_never_or_always_decide(content_dir):
    edit(content_dir, "    problem: 3\n", "    problem: 7\n")
    messages = [w.message for w in load_catalog(content_dir).warnings]
    assert "no answer set meets the problem threshold 7: the highest problem score is 6 " \
           "(symptom=surprise_churn + visibility=renewals_in_spreadsheet + " \
           "visibility=usage_unread + visibility=risk_from_customer: 3 + 1 + 1 + 1 = 6) " \
           "[threshold-never-met]" in messages
    assert "no answer set leads to the verdict 'fit' [unreachable-verdict]" in messages
    assert "no answer set leads to the verdict 'not_now' [unreachable-verdict]" in messages
    edit(content_dir, "    problem: 7\n", "    problem: -3\n")
    messages = [w.message for w in load_catalog(content_dir).warnings]
    assert "every answer set meets the problem threshold -3, so it never decides: the lowest " \
           "problem score is -3 [threshold-never-decides]" in messages


def test_unreachable_reasons_and_alternatives(content_dir):
    edit(content_dir, "    no_crm_yet: >-\n", "    never_used: Nobody says this.\n"
                                              "    no_crm_yet: >-\n")
    translate_never_used(content_dir)
    edit(content_dir, "for_reasons: [no_crm_yet]", "for_reasons: [no_crm_yet, problem_fits]")
    messages = [w.message for w in load_catalog(content_dir).warnings]
    assert messages == [
        "no answer set shows the reason 'never_used' [unreachable-reason]",
        "alternative 'A CRM first (HubSpot and Salesforce both have starter editions)' is for "
        "reason 'problem_fits', which never leads to 'not a fit' [unreachable-alternative]"]


def test_a_reason_on_a_question_that_scores_nothing(content_dir):
    edit(content_dir, "          - value: founder\n",
         "          - value: founder\n            reason: too_small_yet\n")
    messages = [w.message for w in load_catalog(content_dir).warnings]
    assert messages == ["role=founder carries reason 'too_small_yet', but question 'role' "
                        "scores nothing, so the reason is never shown [reason-cannot-decide]"]


@pytest.mark.parametrize("comment, left", [
    ("  # allow reason-cannot-decide: a deliberate case, reviewed with sales in May", 0),
    ("  # allow reason-cannot-decide", 1),
    ("  # allow threshold-never-met: the wrong kind", 1),
], ids=["with-why", "without-why", "other-kind"])
def test_an_allow_comment_silences_one_case_when_it_says_why(content_dir, comment, left):
    edit(content_dir, "first meetings\n            points: -3\n",
         "first meetings\n            points: 0\n")
    edit(content_dir, "            reason: problem_is_acquisition\n          - value: slow_deals",
         f"            reason: problem_is_acquisition{comment}\n          - value: slow_deals")
    warnings = load_catalog(content_dir).warnings
    assert len(warnings) == left
    if comment.endswith("reason-cannot-decide"):
        assert warnings[0].message.endswith(
            "(an allow comment must say why: '# allow reason-cannot-decide: …')")


PROFILE_ERRORS = {
    "diagnostic": ("    renewal-risk-check:\n      size:", "    renewal-risk:\n      size:",
                   "    renewal-risk:", 5, "unknown diagnostic 'renewal-risk'"),
    # renewal-risk-check's crm line: the one followed by hosting (each check declares crm)
    "question": ("      crm: [salesforce, hubspot, other_crm]\n      hosting:",
                 "      tools: [salesforce, hubspot, other_crm]\n      hosting:", "      tools:", 7,
                 "unknown question 'tools' in renewal-risk-check"),
    "value": ("      hosting: [cloud_ok]", "      hosting: [cloud]", "      hosting: [cloud]",
              17, "'cloud' is not an answer of 'hosting' (one of: cloud_ok, on_prem_only)"),
}


@pytest.mark.parametrize("case", list(PROFILE_ERRORS), ids=list(PROFILE_ERRORS))
def test_the_declared_profile_must_name_real_answers(runner, content_dir, monkeypatch, case):
    old, new, needle, col, message = PROFILE_ERRORS[case]
    monkeypatch.chdir(content_dir.parent)
    edit(content_dir, old, new, "site.yaml")
    line = line_of(content_dir, needle, "site.yaml")
    out = runner.invoke(["check", "content"])
    assert out.exit_code == 1
    assert out.stderr == f"content/site.yaml:{line}:{col}: {message}\n" \
                         "Aborted with 1 content error\n"


def test_serve_prints_the_warnings_first(runner, content_dir, monkeypatch, tmp_path):
    edit(content_dir, "    no_crm_yet: >-\n",
         "    never_used: Nobody says this.\n    no_crm_yet: >-\n")
    translate_never_used(content_dir)
    monkeypatch.chdir(tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        out = runner.invoke(["serve", "--port", str(port), "--content", str(content_dir)])
    lines = out.stderr.splitlines()
    assert lines[0].endswith(": warning: no answer set shows the reason 'never_used' "
                             "[unreachable-reason]")
    assert lines[-1].startswith(f"Error: cannot listen on 127.0.0.1:{port}")


def test_the_docs_list_every_kind_of_warning():
    from buyerkit.content.findings import KINDS

    page = (Path(__file__).resolve().parents[2] / "docs" / "diagnostics.md").read_text()
    assert [k for k, meaning in KINDS.items() if f"| `{k}` | {meaning} |" not in page] == []


def test_a_broken_diagnostic_is_not_also_an_unknown_one_in_the_profile(runner, content_dir):
    (content_dir / DIAG).write_text("title: [\n")
    out = runner.invoke(["check", str(content_dir)])
    assert "unknown diagnostic" not in out.stderr
    assert out.stderr.splitlines()[-1] == "Aborted with 1 content error"


@pytest.mark.parametrize("value, message", [
    ("1.5", "'points' must be a whole number (got 1.5)"),
    ("1000", "'points' must be at most 100 (got 1000)"),
    ("-1000", "'points' must be at least -100 (got -1000)"),
], ids=["fraction", "huge", "hugely-negative"])
def test_points_the_analysis_cannot_take_are_refused_where_they_stand(runner, content_dir,
                                                                      value, message):
    edit(content_dir, "            label: Salesforce\n            points: 2\n",
         f"            label: Salesforce\n            points: {value}\n")
    line = line_of(content_dir, f"points: {value}")
    out = runner.invoke(["check", str(content_dir)])
    assert out.stderr.splitlines()[0].endswith(f"{DIAG}:{line}:21: {message}")
