"""The customer-evidence report: which stories fit prospects read, play and finish, counted in
journeys and suppressed like every report (small rows merged, `<5`, totals that hide nothing)."""

from __future__ import annotations

import uuid

from buyerkit.reports import accounts
from buyerkit.reports.evidence import evidence
from buyerkit.reports.period import parse_period
from buyerkit.reports.service import context
from tests.reports.conftest import PASSWORD, ev, ingest
from tests.reports.test_auth import login

RANGE = {"since": "2026-03-02", "until": "2026-03-15"}


def read(slug: str, verdict: str | None, played: int | None = None) -> list[dict]:
    """One journey reading a story (and playing its clip to quartile `played`)."""
    j = str(uuid.uuid4())
    rows = [ev("reference_viewed", j, subject=slug, verdict=verdict, bucket="retain_expand")]
    for q in range(0, (played if played is not None else -1) + 1):
        rows.append(ev("reference_played", j, subject=slug, verdict=verdict,
                       bucket="retain_expand", props=f'{{"quartile":{q}}}'))
    return rows


def rows_for_demo() -> list[dict]:
    rows: list[dict] = []
    for i in range(8):  # 8 fit prospects read Tidewater; 6 played it, 5 to the end
        rows += read("tidewater-payroll", "fit", None if i >= 6 else 4 if i < 5 else 1)
    rows += read("tidewater-payroll", "fit")  # a ninth fit reader
    rows.append(dict(rows[0], id=str(uuid.uuid4())))  # the first one read it twice: once
    for _ in range(6):  # 6 not-now prospects read Lanternfish
        rows += read("lanternfish-learning", "not_now")
    for _ in range(2):  # 2 fit prospects read the logistics story: merged into Other
        rows += read("logistics-software-team", "fit")
    for _ in range(3):  # 3 readers with no verdict in their link
        rows += read("lanternfish-learning", None)
    rows.append(dict(read("tidewater-payroll", "fit")[0], filtered="bot"))  # a bot: not counted
    return rows


def test_evidence_report_counts_journeys_and_suppresses_small_cells(rapp):
    engine = rapp.extensions["buyerkit.store"].engine
    ingest(engine, rows_for_demo(), batch=50)
    catalog = rapp.extensions["buyerkit.catalog"]
    period = parse_period(RANGE, sorted(catalog.diagnostics))
    with engine.connect() as conn:
        report = evidence(conn, period, context(conn, period, catalog, rapp.config))
    (table,) = report.tables
    assert [c.key for c in table.columns] == ["story", "fit_read", "fit_played",
                                              "fit_finished", "not_now_read", "all_read"]
    assert table.rows == (
        # 9 fit readers (the journey that read twice counts once), 6 played, 5 to the end;
        # its fit count is hidden: with Other's <5 and the total 11 it would give Other away
        ("tidewater-payroll", "hidden", 6, 5, 0, 9),
        # the logistics story's 2 readers make a row under 5: merged into Other, which takes
        # the next smallest row (Lanternfish: 6 not-now readers, 3 without a verdict)
        ("Other", "<5", 0, 0, 6, 11),
        ("All stories", 11, 6, 5, 6, 20),  # true totals; the bot's read is not counted
    )

def test_evidence_report_is_a_page_behind_the_login(rapp):
    engine = rapp.extensions["buyerkit.store"].engine
    accounts.add(engine, "alice", PASSWORD)
    ingest(engine, rows_for_demo(), batch=50)
    client = rapp.test_client()
    assert client.get("/reports/evidence", query_string=RANGE).status_code == 302
    login(client)
    html = client.get("/reports/evidence", query_string=RANGE).get_data(as_text=True)
    assert "<h1>Customer evidence" in html and "Read by fit prospects" in html
    assert "tidewater-payroll" in html
    csv = client.get("/reports/evidence.csv", query_string=RANGE).get_data(as_text=True)
    assert csv.splitlines()[1].startswith("tidewater-payroll,hidden,6,5,0,9")
