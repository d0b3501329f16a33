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
        ["persona", "size", "bucket", "trigger", "language"]


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
                           "Unknown diagnostic 'nope': choose one of renewal-risk-check, "
                           "reporting-time-check."),
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


@pytest.fixture
def empty_reader(rapp):
    accounts.add(rapp.extensions["buyerkit.store"].engine, "alice", PASSWORD)
    client = rapp.test_client()
    login(client)
    return client


HONEST = {
    "empty-store": ({}, "No diagnostic was started in this period, so every figure is 0."),
    "future": ({"since": "2027-02-01", "until": "2027-02-07"},
               "This range is in the future: no signals can have arrived for it yet."),
    "single-day": ({"since": "2026-03-04", "until": "2026-03-04"},
                   "No diagnostic was started in this period, so every figure is 0."),
}


@pytest.mark.parametrize("args,sentence", HONEST.values(), ids=HONEST.keys())
def test_an_empty_period_says_why_in_one_sentence(empty_reader, args, sentence):
    for path in ("/reports/", "/reports/channels", "/reports/weekly", "/reports/bounces"):
        resp = empty_reader.get(path, query_string=args)
        assert resp.status_code == 200, path
    page = empty_reader.get("/reports/", query_string=args).get_data(as_text=True)
    assert f'<p class="callout">{sentence}</p>' in page
    assert '<span class="figure-value">0</span>' in page


def test_one_week_of_five_events_is_suppressed_not_zero(empty_reader, rapp):
    from tests.reports.conftest import LINKEDIN, completed

    ingest(rapp.extensions["buyerkit.store"].engine,
           completed("fit", "problem_fits", "retain_expand", "mandate", "cs_leader", "50_199",
                     LINKEDIN), batch=10)
    data = empty_reader.get("/reports/overview.json", query_string=RANGE).get_json()
    head = {r["figure"]: r["now"] for r in data["reports"][0]["tables"][0]["rows"]}
    assert head["Fit prospects"] == "<5" and head["Fit rate"] is None
    page = empty_reader.get("/reports/", query_string=RANGE).get_data(as_text=True)
    assert '<span class="figure-value">&lt;5</span>' in page
    assert "<5 means fewer than 5 prospects" in page.replace("&lt;", "<")


def test_presets_and_comparison_stay_in_the_url(reader):
    page = reader.get("/reports/channels", query_string={"preset": "last-week",
                                                          "compare": "0"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Last week (" in html
    assert 'href="/reports/bounces?diagnostic=renewal-risk-check&amp;preset=last-week&amp;' \
           'compare=0"' in html
    bad = reader.get("/reports/", query_string={"preset": "fortnight"})
    assert bad.status_code == 400
    assert "Unknown period 'fortnight': choose one of 7d, this-week, last-week, 30d, 90d, " \
           "this-quarter, custom." in bad.get_data(as_text=True).replace("&#39;", "'")


def test_pipeline_is_prefilled_from_prices_and_the_saved_close_rate(reader):
    page = reader.get("/reports/pipeline", query_string=RANGE).get_data(as_text=True)
    assert "In this period the site saw 11 fit prospects (5.5 a week): the plan is set " \
           "against that." in page
    assert 'id="p-price" name="price" inputmode="decimal" value="50400"' in page
    assert "Filled in from the Growth tier on your pricing page, a year." in page
    resp = reader.post("/reports/pipeline/close-rate", data={
        "csrf_token": csrf(reader, "/reports/pipeline"), "close_rate": "22.5%"})
    assert resp.status_code == 302
    page = reader.get("/reports/pipeline").get_data(as_text=True)
    assert 'id="p-close_rate" name="close_rate" inputmode="decimal" value="22.5"' in page
    done = reader.get("/reports/pipeline", query_string={**RANGE, "revenue": "1000000"})
    assert done.status_code == 200
    assert "Deals needed (revenue ÷ average sale price, rounded up)" in done.get_data(
        as_text=True)
    bad = reader.post("/reports/pipeline/close-rate", data={
        "csrf_token": csrf(reader, "/reports/pipeline"), "close_rate": "120"})
    assert bad.status_code == 400
    assert "'120' is not a close rate: enter a number above 0 and at most 100." in \
        bad.get_data(as_text=True).replace("&#39;", "'")


def test_spend_picks_a_channel_seen_and_warns_on_a_typo(reader):
    page = reader.get("/reports/spend").get_data(as_text=True)
    assert '<option value="linkedin|paid-social|q1-renewals">LinkedIn ads · q1-renewals ' \
           '(linkedin / paid-social / q1-renewals)</option>' in page
    ok = spend_post(reader, {"form": "one", "month": "2026-03", "amount": "100",
                             "channel": "linkedin|paid-social|q1-renewals"})
    assert ok.status_code == 200 and "Stored 1 row of spend." in ok.get_data(as_text=True)
    assert "no journey has come from" not in ok.get_data(as_text=True)
    typo = spend_post(reader, {"form": "one", "month": "2026-03", "amount": "100",
                               "source": "linkedn", "medium": "paid-social"})
    assert typo.status_code == 200
    assert "Stored, but no journey has come from linkedn / paid-social / (none) yet" in \
        typo.get_data(as_text=True)


def test_the_login_page_says_who_to_ask(rapp):
    page = rapp.test_client().get("/reports/login").get_data(as_text=True)
    assert "buyerkit users add" not in page
    assert "Ask the person who set up this website's buyer tools" in page.replace("&#39;", "'")
    rapp.config["REPORTS_ACCOUNTS_CONTACT"] = "Dana in web operations (dana@example.com)"
    page = rapp.test_client().get("/reports/login").get_data(as_text=True)
    assert "Ask Dana in web operations (dana@example.com): they can make you an account" in page


def test_a_spend_file_past_the_api_body_limit_is_read(reader):
    """The spend import takes files up to 512 KiB, past the 16 KiB every other request gets."""
    row = b"2026-03,newsletter,email,spring-renewals-campaign,120.50\n"
    data = b"month,source,medium,campaign,amount\n" + row * 1500  # about 85 KiB
    assert len(data) > 16 * 1024
    resp = spend_post(reader, {"form": "import", "file": (io.BytesIO(data), "spend.csv")},
                      content_type="multipart/form-data")
    assert resp.status_code == 200 and "Stored 1 row of spend." in resp.get_data(as_text=True)
