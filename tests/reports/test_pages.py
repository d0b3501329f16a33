"""Report pages, CSV and JSON with a session: the numbers the tables show, and bad input
(impossible or huge ranges, unknown diagnostic, malformed spend CSV) as one clear message."""

from __future__ import annotations

import csv
import io

import pytest

from buyerkit.reports import accounts
from tests.reports.conftest import PASSWORD, hand_built, ingest
from tests.reports.test_auth import csrf, login

RANGE = {"since": "2026-03-02", "until": "2026-03-15"}


@pytest.fixture
def reader(rapp):
    accounts.add(rapp.extensions["buyerkit.store"].engine, "alice", PASSWORD)
    ingest(rapp.extensions["buyerkit.store"].engine, hand_built(), batch=50)
    client = rapp.test_client()
    login(client)
    return client


def test_overview_page_shows_table_chart_and_downloads(reader):
    html = reader.get("/reports/", query_string=RANGE).get_data(as_text=True)
    assert '<svg class="chart"' in html and "Where journeys ended" in html
    assert "<th scope=\"row\">Fit</th><td class=\"num\">11</td>" in html
    assert '<span class="figure-label">Fit prospects</span>' in html
    assert '<span class="figure-value">11</span>' in html
    assert "/reports/overview.csv?diagnostic=renewal-risk-check&amp;since=2026-03-02&amp;" \
           "until=2026-03-15&amp;table=outcomes" in html


def test_csv_is_the_table(reader):
    resp = reader.get("/reports/overview.csv", query_string={**RANGE, "table": "outcomes"})
    assert resp.mimetype == "text/csv"
    assert 'filename="overview-outcomes-2026-03-02-2026-03-15.csv"' in \
        resp.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True))))
    assert rows[:4] == [["Outcome", "Journeys", "Share"], ["Started", "36", ""],
                        ["Completed", "28", "0.7778"], ["Fit", "11", "0.3929"]]


def test_json_has_every_table(reader):
    data = reader.get("/reports/segments.json", query_string=RANGE).get_json()
    assert data["since"] == "2026-03-02"
    assert [t["key"] for t in data["reports"][0]["tables"]] == \
        ["persona", "size", "bucket", "trigger"]


def test_a_completed_diagnostic_reaches_the_report_at_once(rapp, reader):
    body = {"diagnostic": "renewal-risk-check", "answers": {
        "symptom": "surprise_churn", "visibility": ["usage_unread"], "trigger": "new_leader",
        "size": "50_199", "billing": "annual", "crm": "hubspot", "hosting": "cloud_ok",
        "role": "cs_leader"}}
    assert rapp.test_client().post("/api/v1/score", json=body).status_code == 200
    data = reader.get("/reports/overview.json").get_json()  # default range: last 30 days
    tables = {t["key"]: t for t in data["reports"][0]["tables"]}
    rows = {r["outcome"]: r["journeys"] for r in tables["outcomes"]["rows"]}
    assert rows["Fit"] == "<5"
    assert tables["headline"]["rows"][0]["now"] == "<5"


BAD = {
    "reversed": ({"since": "2026-03-15", "until": "2026-03-01"},
                 "The range starts (2026-03-15) after it ends (2026-03-01): swap the dates."),
    "huge": ({"since": "2020-01-01", "until": "2026-03-01"},
             "The range is 2252 days long; reports cover at most 1098 days (three years)."),
    "not-a-date": ({"since": "March"},
                   "'March' is not a date: write it as YYYY-MM-DD, for example 2026-03-01."),
    "unknown-diagnostic": ({"diagnostic": "nope"},
                           "Unknown diagnostic 'nope': choose one of renewal-risk-check."),
    "ancient": ({"since": "1999-01-01"},
                "1999-01-01 is outside the years this store can hold signals for."),
}


@pytest.mark.parametrize("args,message", BAD.values(), ids=BAD.keys())
def test_bad_range_is_one_clear_message(reader, args, message):
    page = reader.get("/reports/channels", query_string=args)
    assert page.status_code == 400
    assert message in page.get_data(as_text=True).replace("&#39;", "'")
    data = reader.get("/reports/channels.csv", query_string=args)
    assert data.status_code == 400 and data.get_json()["error"] == message


def test_unknown_table_is_named(reader):
    resp = reader.get("/reports/overview.csv", query_string={"table": "nope"})
    assert resp.status_code == 400
    assert resp.get_json()["error"] == \
        "Unknown table 'nope': choose one of headline, trend, top_channels, top_reasons, " \
        "outcomes, abandoned_steps."


def test_pipeline_form_errors_and_plain_words(reader):
    bad = reader.get("/reports/pipeline", query_string={"revenue": "lots", "price": "0"})
    text = bad.get_data(as_text=True).replace("&#39;", "'")
    assert bad.status_code == 400
    assert "Desired new revenue this year: 'lots' is not a number." in text
    assert "Average sale price (first-year value): enter a number above 0" in text
    assert "Close rate of qualified opportunities, in %: enter a number." in text
    good = reader.get("/reports/pipeline", query_string={
        **RANGE, "revenue": "3000000", "price": "30000", "close_rate": "25", "market": "300"})
    assert good.status_code == 200
    assert "The plan does not fit the market: it needs 400 qualified opportunities" in \
        good.get_data(as_text=True)


def spend_post(client, data: dict, **kw):
    return client.post("/reports/spend", data={"csrf_token": csrf(client, "/reports/spend"),
                                               **data}, **kw)


MALFORMED = {
    "amount": (b"month,source,medium,campaign,amount\n2026-03,linkedin,paid-social,q1,12.5x\n",
               "Row 2, column amount: '12.5x' is not an amount; write a number of at most two "
               "decimals, for example 1250.50."),
    "month": (b"month,source,medium,campaign,amount\n2026-03,google,cpc,,10\nMarch,g,c,,1\n",
              "Row 3, column month: 'March' is not a month; write it as YYYY-MM, for example "
              "2026-03."),
    "header": (b"when,where,amount\n2026-03,x,1\n",
               "Row 1: the header must name the columns month, source, medium, campaign, "
               "amount (found: when, where, amount)."),
    "short-row": (b"month,source,medium,campaign,amount\n2026-03,linkedin,1\n",
                  "Row 2: 3 values for 5 columns."),
    "source": (b"month,source,medium,campaign,amount\n2026-03,,cpc,,1\n",
               "Row 2, column source: the source is empty; write the utm_source, e.g. "
               "linkedin."),
    "binary": (b"\xff\xfe\x00bad", "The file is not UTF-8 text; save it as CSV (UTF-8)."),
}


@pytest.mark.parametrize("data,message", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_spend_csv_names_row_and_column(reader, data, message):
    resp = spend_post(reader, {"form": "import", "file": (io.BytesIO(data), "spend.csv")},
                      content_type="multipart/form-data")
    assert resp.status_code == 400
    assert message in resp.get_data(as_text=True).replace("&#39;", "'")
    assert "No spend stored yet." in resp.get_data(as_text=True)


def test_spend_import_gives_cost_per_fit(reader):
    data = b"month,source,medium,campaign,amount\n2026-03,LinkedIn,paid-social,q1-renewals,3100\n"
    resp = spend_post(reader, {"form": "import", "file": (io.BytesIO(data), "spend.csv")},
                      content_type="multipart/form-data")
    assert resp.status_code == 200 and "Stored 1 row of spend." in resp.get_data(as_text=True)
    rows = reader.get("/reports/channels.json", query_string=RANGE).get_json()[
        "reports"][0]["tables"][0]["rows"]
    assert rows[0]["source"] == "linkedin"
    assert rows[0]["spend"] == 1400.0 and rows[0]["cost_per_fit"] == pytest.approx(1400 / 6)


def test_spend_form_checks_each_field(reader):
    resp = spend_post(reader, {"form": "one", "month": "2026-13", "source": "google",
                               "amount": "10"})
    assert resp.status_code == 400
    assert "Month: '2026-13' is not a month" in resp.get_data(as_text=True).replace("&#39;", "'")
    ok = spend_post(reader, {"form": "one", "month": "2026-03", "source": "google",
                             "medium": "cpc", "amount": "620.00"})
    assert ok.status_code == 200 and "620.00" in ok.get_data(as_text=True)


def test_spend_without_csrf_is_refused(reader):
    resp = reader.post("/reports/spend", data={"form": "one", "month": "2026-03",
                                               "source": "google", "amount": "1"})
    assert resp.status_code == 400
    assert "The form expired: send it again." in resp.get_data(as_text=True)
