"""One truth: for every period, every report (page data, CSV, JSON, the CLI's table and the
digest) gives the same totals as the overview's headline figures, and where a breakdown
hides nothing its cells add up to them exactly. Swept over presets and many custom periods
of demo signals, from a single day to years."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta

import pytest

from buyerkit.reports import demo as demo_data
from buyerkit.reports import digest, service
from buyerkit.reports.period import PRESETS, Period, parse_period, today
from buyerkit.reports.suppress import derived, is_shown
from buyerkit.reports.tables import to_csv, to_json
from buyerkit.signals.store import events
from tests.conftest import DEMO_CONTENT, make_app

SLUG = "renewal-risk-check"
NAMES = [n for n in service.NAMES if n not in ("pipeline", "evidence")]


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("truth")
    shutil.copytree(DEMO_CONTENT, tmp / "content")
    app = make_app(tmp, tmp / "content")
    engine = app.extensions["buyerkit.store"].engine
    demo_data.load(engine, events, demo_data.generate(12_000, 120, 3, SLUG))
    yield app
    app.extensions["buyerkit.store"].dispose()


def periods() -> list[Period]:
    now = today()
    out = [parse_period({"preset": p}, [SLUG]) for p in PRESETS if p != "custom"]
    for start, days in ((1, 1), (3, 2), (10, 7), (20, 5), (45, 30), (119, 120), (400, 1000),
                        (60, 13), (7, 1), (90, 45)):
        since = now - timedelta(days=start)
        out.append(Period(SLUG, since, since + timedelta(days=days - 1)))
    out.append(Period(SLUG, now + timedelta(days=3), now + timedelta(days=9)))  # future
    return out


def _sum_if_all_shown(cells: list) -> int | None:
    return sum(cells) if all(is_shown(c) for c in cells) else None


@pytest.mark.parametrize("period", periods(), ids=lambda p: f"{p.since}..{p.until}")
def test_every_report_gives_the_same_totals(demo_app, period):
    catalog = demo_app.extensions["buyerkit.catalog"]
    engine = demo_app.extensions["buyerkit.store"].engine
    reports = {r.key: r for r in service.build(engine, period, catalog, demo_app.config,
                                               NAMES)}
    head = {row[0]: row[1] for row in reports["overview"].table("headline").rows}
    fit, not_now, not_a_fit, left = (head[k] for k in ("Fit prospects", "Not now",
                                                       "Not a fit", "Left mid-way"))
    channels = reports["channels"].table("channels").rows
    assert channels[-1][1:5] == (fit, not_now, not_a_fit, left)
    weekly = reports["weekly"].table("weekly").rows
    assert weekly[-1][1:5] == (fit, not_now, not_a_fit, left)
    for table in reports["segments"].tables:
        assert table.rows[-1][1:4] == (fit, not_now, not_a_fit), table.key
    rules = reports["bounces"].table("rules").rows
    assert rules[-1] == ("All bounces", derived([not_now, not_a_fit]), None)
    groups = reports["groups"].table("groups").rows
    assert groups[-1][1] == head["Buying groups forming"]
    outcomes = {r[0]: r[1] for r in reports["overview"].table("outcomes").rows}
    assert (outcomes["Fit"], outcomes["Not now"], outcomes["Not a fit"],
            outcomes["Left mid-way"]) == (fit, not_now, not_a_fit, left)
    # Where a breakdown hides nothing, its cells add up to the headline figure exactly.
    for rows, columns, totals in (
            (channels[:-1], (1, 2, 3, 4), (fit, not_now, not_a_fit, left)),
            (weekly[:-1], (1, 2, 3, 4), (fit, not_now, not_a_fit, left)),
            (reports["segments"].table("persona").rows[:-1], (1, 2, 3),
             (fit, not_now, not_a_fit)),
            (rules[:-1], (1,), (derived([not_now, not_a_fit]),)),
            (groups[:-1], (1,), (head["Buying groups forming"],))):
        for c, t in zip(columns, totals, strict=True):
            added = _sum_if_all_shown([r[c] for r in rows])
            if added is not None and is_shown(t):
                assert added == t
    # The trend's weeks are the weekly scorecard's for the same dates.
    trend = reports["overview"].table("trend")
    first, last = trend.rows[0][0][:10], trend.rows[-1][0][-10:]
    again = service.build(engine, Period(SLUG, date.fromisoformat(first),
                                         date.fromisoformat(last)),
                          catalog, demo_app.config, ["weekly"])[0].table("weekly").rows[:-1]
    assert trend.rows == again
    # The exports say what the tables say.
    data = json.loads(to_json(list(reports.values()), {}))
    assert data["reports"][2]["tables"][0]["rows"][-1]["fit"] == fit
    assert to_csv(reports["channels"].table("channels")).splitlines()[-1].startswith(
        f"All channels,{fit},{not_now},{not_a_fit},{left},")
    mail = digest.compose(engine, period, catalog, demo_app.config, "https://reports.example")
    assert f"Fit prospects: {fit if isinstance(fit, str) else format(fit, ',')}" in mail.text
    if period.since > today():
        assert reports["overview"].notes[0] == \
            "This range is in the future: no signals can have arrived for it yet."
