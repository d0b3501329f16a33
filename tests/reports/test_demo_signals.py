"""Synthetic demo signals come from the real scorer: every finished journey's verdict and
reasons are what content/scoring.py gives for answers consistent with the bands it records,
and the demo's intent holds in them (fewer than 50 people is never a fit)."""

from __future__ import annotations

import itertools
import json
import os
import random
from collections import Counter

import yaml

from buyerkit.content.catalog import load_catalog
from buyerkit.content.schema.diagnostic import Diagnostic
from buyerkit.content.scoring import check_answers, score
from buyerkit.reports import demo
from tests.conftest import DEMO_CONTENT, FIXTURES

SLUG = "renewal-risk-check"
DEMO = load_catalog(DEMO_CONTENT).diagnostics[SLUG]
ROWS = list(demo.generate(30_000, 30, 5, SLUG, end_hour=24 * 20_000, diagnostic=DEMO))
DONE = [r for r in ROWS if r["kind"] == "diagnostic_completed"]


def choices(q) -> list[tuple[str, ...]]:
    """Every answer a person may give to one question."""
    if q.kind == "single":
        return [(o.value,) for o in q.options]
    plain = [o.value for o in q.options if not o.exclusive]
    out = [c for n in range(1, len(plain) + 1) for c in itertools.combinations(plain, n)]
    return out + [(o.value,) for o in q.options if o.exclusive] + ([] if q.required else [()])


SEEN: dict[tuple[str, tuple], set[tuple]] = {}


def outcomes(d: Diagnostic, bands: tuple[tuple[str, str], ...]) -> set[tuple]:
    """Every (verdict, reasons, bucket, trigger) the scorer gives for some answers whose
    recorded bands are these (questions that record nothing are tried every way)."""
    if (d.slug, bands) not in SEEN:
        SEEN[d.slug, bands] = _outcomes(d, bands)
    return SEEN[d.slug, bands]


def _outcomes(d: Diagnostic, bands: tuple[tuple[str, str], ...]) -> set[tuple]:
    fixed = {}
    open_questions = []
    recorded = dict(bands)
    for q in d.questions():
        if q.records:
            band = recorded.get(q.records)
            fixed[q.id] = tuple(band.split("-")) if band else ()
        elif q.scores != "none" or any(o.disqualifies or o.trigger or o.bucket or o.reason
                                       for o in q.options):
            open_questions.append(q)
        elif q.required:
            fixed[q.id] = (q.options[0].value,)  # can change nothing a verdict shows
    found = set()
    for combo in itertools.product(*(choices(q) for q in open_questions)):
        raw = {**fixed, **{q.id: list(c) for q, c in zip(open_questions, combo, strict=True)}}
        answers, errors = check_answers(d, {k: list(v) for k, v in raw.items() if v})
        if errors:
            continue  # an answer to a question these answers do not ask
        r = score(d, answers)
        found.add((r.verdict, ",".join(r.codes), r.bucket, r.trigger))
    return found


def test_every_verdict_is_one_the_scorer_gives_for_the_recorded_answers():
    """Checked on 200 journeys drawn at random (each costs a few hundred scorings)."""
    assert len(DONE) > 500
    for row in random.Random(28).sample(DONE, 200):
        bands = json.loads(row["props"])["bands"]
        got = (row["verdict"], row["reasons"], row["bucket"], row["trigger"])
        assert got in outcomes(DEMO, tuple(sorted(bands.items()))), (bands, got)


def test_the_demo_intent_holds_in_the_synthetic_data():
    """Read from site.yaml's target profile and the reasons, not from the code: a hard
    disqualifier decides alone; otherwise a company outside 50-999 people is not a fit and
    the reasons say why."""
    for row in DONE:
        bands = json.loads(row["props"])["bands"]
        reasons = row["reasons"].split(",")
        if set(reasons) & {"no_recurring_revenue", "on_premises_only"}:
            assert row["verdict"] == "not_a_fit" and set(reasons) <= \
                {"no_recurring_revenue", "on_premises_only"}
        elif bands["size"] == "under_50":
            assert row["verdict"] == "not_a_fit" and "too_small_yet" in reasons, row
        elif bands["size"] == "1000_plus":
            assert row["verdict"] == "not_a_fit" and "too_large_for_us" in reasons, row
        if bands["billing"] == "one_off":
            assert row["verdict"] == "not_a_fit" and "no_recurring_revenue" in reasons, row
        if bands["hosting"] == "on_prem_only":
            assert row["verdict"] == "not_a_fit" and "on_premises_only" in reasons, row
        if row["verdict"] == "fit":
            assert row["trigger"] != "none" and bands["size"] in ("50_199", "200_999")
        if row["verdict"] == "not_now":
            assert row["trigger"] == "none"


def test_channels_differ_and_every_verdict_shows_up():
    verdicts = Counter(r["verdict"] for r in DONE)
    assert set(verdicts) == {"fit", "not_now", "not_a_fit"}
    assert all(n > len(DONE) * 0.05 for n in verdicts.values())

    def fit_share(source: str) -> float:
        rows = [r for r in DONE if (r["source"] or r["referrer"]) == source]
        return sum(r["verdict"] == "fit" for r in rows) / len(rows)

    assert fit_share("newsletter") > fit_share("capterra") * 2


def test_another_vendors_diagnostic_is_scored_by_its_own_rules():
    path = FIXTURES / "diagnostics/minimal.yaml"
    d = Diagnostic.model_validate({**yaml.safe_load(path.read_text()), "slug": "minimal"})
    rows = list(demo.generate(2000, 10, 1, "minimal", end_hour=24 * 20_000, diagnostic=d))
    done = [r for r in rows if r["kind"] == "diagnostic_completed"]
    assert done and not [r for r in rows if r["kind"] == "step_reached"], "one step only"
    for row in done:
        assert (row["verdict"], row["reasons"], row["bucket"], row["trigger"]) in \
            outcomes(d, ())
    assert {r["verdict"] for r in done} == {"fit", "not_now", "not_a_fit"}


def test_answers_are_always_valid_for_the_diagnostic():
    rng = random.Random(4)
    for lean in (0.3, 1.0, 2.5):
        for _ in range(300):
            answers = demo.answer(rng, DEMO, lean)
            assert check_answers(DEMO, {k: list(v) for k, v in answers.items()})[1] == []


def test_demo_signals_speak_the_content_they_are_given(runner, tmp_path, monkeypatch):
    """A vendor previews the reports on their own content: its diagnostics, its roles (the
    security review asked by the guide tagged security), its calculators; no Harborline."""
    import sqlalchemy as sa

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BUYERKIT_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("BUYERKIT_CONTENT_DIR", raising=False)
    assert runner.invoke(["new", "mysite", "--roles", "cfo,ciso,legal"]).exit_code == 0
    done = runner.invoke(["demo-signals", "--content", "mysite", "--events", "4000"])
    assert done.exit_code == 0, done.stderr
    assert "for 'fit-check'" in done.stderr
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'instance' / 'buyerkit.sqlite3'}")
    with engine.connect() as conn:
        kinds = dict(conn.execute(sa.text(
            "SELECT kind, group_concat(DISTINCT subject) FROM events GROUP BY kind")).all())
    engine.dispose()
    assert kinds["diagnostic_completed"] == "fit-check"
    assert set(kinds["guide_viewed"].split(",")) <= {"cfo", "ciso", "legal"}
    assert kinds["calculator_used"] == "time-saved"
    assert kinds.get("security_review_requested") in (None, "ciso")
    assert "BUYERKIT_CONTENT_DIR" not in os.environ  # set for that app only
