"""`buyerkit explain`: every row's answer sets really decide it (and are as small as that
allows), checked against every answer set of the demo; the command's three formats."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from buyerkit.content.analysis import VERDICTS
from buyerkit.content.catalog import load_catalog
from buyerkit.content.explain import as_markdown, as_text, explain
from tests.conftest import DEMO_CONTENT
from tests.content.brute import disqualified, scored

CATALOG = load_catalog(DEMO_CONTENT)
SLUG = "renewal-risk-check"
DEMO = CATALOG.diagnostics[SLUG]
TABLE = explain(DEMO, CATALOG.site.target_profile.answers[SLUG])
EVERY = scored(DEMO)
ROWS = {r.code: r for r in (*TABLE.verdicts, *TABLE.reasons)}


def leads(goal: str, result) -> bool:
    return goal == result.verdict or goal in result.codes


def matching(way: dict, clean: bool):
    for answers, result in EVERY:
        if all(answers.get(q) == v for q, v in way.items()) \
                and not (clean and disqualified(DEMO, answers)):
            yield answers, result


@pytest.mark.parametrize("code", list(ROWS))
def test_each_row_is_reachable_exactly_when_some_answer_set_leads_there(code):
    row = ROWS[code]
    assert bool(row.ways) == any(leads(code, r) for _, r in EVERY)
    shown = {r.verdict for _, r in EVERY if code in r.codes or code == r.verdict}
    assert set(row.verdicts) == shown


@pytest.mark.parametrize("code", list(ROWS))
def test_each_way_decides_its_row_and_no_answer_can_be_dropped(code):
    for way in ROWS[code].ways:
        answers = dict(way.answers)
        clean = not any(o.disqualifies for q in DEMO.questions() for o in q.options
                        if o.value in answers.get(q.id, ()))
        hits = list(matching(answers, clean))
        assert hits and all(leads(code, r) for _, r in hits), (code, answers)
        for qid in answers:  # without any one of them, something else can happen
            fewer = {k: v for k, v in answers.items() if k != qid}
            assert not all(leads(code, r) for _, r in matching(fewer, clean)), (code, qid)


def test_every_verdict_and_reason_of_the_demo_is_reachable():
    assert [r.code for r in TABLE.verdicts] == list(VERDICTS)
    assert all(r.ways for r in (*TABLE.verdicts, *TABLE.reasons))


def test_the_small_company_row_is_one_answer():
    row = ROWS["too_small_yet"]
    assert [w.answers for w in row.ways] == [{"size": ("under_50",)}]
    assert row.verdicts == ("not_a_fit",)


def test_dimensions_and_effects():
    assert [(d.name, d.threshold, d.low, d.high) for d in TABLE.dimensions] == [
        ("problem", 3, -3, 6), ("profile", 5, 1, 6)]
    text = as_text(DEMO, TABLE)
    assert "  size=under_50; profile +0, reason too_small_yet; profile 1 to 4; can lead to " \
           "Not a fit; outside\n" in text
    assert "  size=200_999; profile +2; profile 3 to 6; can lead to Fit, Not now, Not a fit; " \
           "inside\n" in text
    assert "  billing=one_off; decides 'not a fit' (no_recurring_revenue); can lead to Not a " \
           "fit; outside\n" in text
    assert '  too_small_yet: Too small yet (fewer than 50 people) (shown with: Not a fit)\n' \
           '    - size = "Fewer than 50"\n' in text


def test_markdown_is_tables():
    md = as_markdown(DEMO, TABLE)
    assert md.startswith("## renewal-risk-check: Is renewal risk the problem")
    assert "| `too_small_yet`: Too small yet (fewer than 50 people) | Not a fit | " \
           'size = "Fewer than 50" |' in md
    assert "| `size=under_50` | profile +0, reason too_small_yet | profile 1 to 4 | " \
           "Not a fit | outside |" in md


def test_explain_command_formats(runner):
    out = runner.invoke(["explain", SLUG, "--content", str(DEMO_CONTENT)])
    assert out.exit_code == 0 and out.stdout == as_text(DEMO, TABLE)
    out = runner.invoke(["explain", SLUG, "--content", str(DEMO_CONTENT), "--format", "json"])
    assert out.exit_code == 0 and json.loads(out.stdout) == json.loads(json.dumps(asdict(TABLE)))
    out = runner.invoke(["explain", SLUG, "--content", str(DEMO_CONTENT),
                         "--format", "markdown"])
    assert out.exit_code == 0 and out.stdout == as_markdown(DEMO, TABLE)


def test_explain_an_unknown_slug_names_the_diagnostics(runner):
    out = runner.invoke(["explain", "no-such-slug", "--content", str(DEMO_CONTENT)])
    assert out.exit_code == 1
    assert out.stderr == "Error: no diagnostic 'no-such-slug'; the diagnostics are: " \
                         "renewal-risk-check, reporting-time-check\n"


def test_the_docs_show_the_demo_table_as_explain_prints_it():
    page = (DEMO_CONTENT.parent / "docs" / "diagnostics.md").read_text()
    assert as_markdown(DEMO, TABLE) in page
