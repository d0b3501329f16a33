"""`buyerkit report`, `buyerkit users …` and `buyerkit demo-signals` through the real entry
point: the same tables as the pages, one `Error:` line for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from buyerkit.reports import accounts
from tests.reports.conftest import hand_built, ingest, make_app


@pytest.fixture
def instance(tmp_path: Path, content_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An instance folder the CLI's create_app() opens (via BUYERKIT_* variables)."""
    monkeypatch.setenv("BUYERKIT_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("BUYERKIT_CONTENT_DIR", str(content_dir))
    monkeypatch.delenv("BUYERKIT_DATABASE_URL", raising=False)
    app = make_app(tmp_path, content_dir)
    ingest(app.extensions["buyerkit.store"].engine, hand_built(), batch=100)
    app.extensions["buyerkit.store"].dispose()
    return tmp_path / "instance"


RANGE = ["--since", "2026-03-02", "--until", "2026-03-15"]


def test_report_table(runner, instance):
    r = runner.invoke(["report", "overview", *RANGE, "--table", "outcomes"])
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines()[:12] == [
        "renewal-risk-check, 2026-03-02 to 2026-03-15",
        "",
        "Fit and bounce overview",
        "=======================",
        "",
        "Where journeys ended",
        "--------------------",
        "Outcome                                   Journeys  Share",
        "----------------------------------------  --------  -----",
        "Started                                         36      –",
        "Completed                                       28  77.8%",
        "Fit                                             11  39.3%",
    ]


def test_report_csv_one_table(runner, instance):
    r = runner.invoke(["report", "channels", *RANGE, "--format", "csv"])
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines() == [
        "Channel,Fit prospects,Not now,Not a fit,Left mid-way,Fit rate,Spend,"
        "Cost per fit prospect,utm_source,utm_medium,utm_campaign",
        "LinkedIn ads · q1-renewals,6,0,5,0,0.5455,,,linkedin,paid-social,q1-renewals",
        "G2 (link),5,0,0,0,1.0000,,,g2.com,referral,(none)",
        "Direct,0,0,7,<5,0.0000,,,(direct),(none),(none)",
        "Google ads,0,5,0,hidden,0.0000,,,google,cpc,(none)",
        "All channels,11,5,12,8,0.3929,,,,,",
    ]


def test_report_csv_several_tables_are_labelled(runner, instance):
    r = runner.invoke(["report", "overview", *RANGE, "--format", "csv"])
    assert r.stdout.startswith("# overview.headline: The period at a glance\n")
    assert "\n# overview.outcomes: Where journeys ended\n" in r.stdout
    assert "# overview.abandoned_steps: Left mid-way, by the step they left at" in r.stdout


def test_report_json_all(runner, instance):
    r = runner.invoke(["report", *RANGE, "--format", "json"])
    data = json.loads(r.stdout)
    assert [x["key"] for x in data["reports"]] == \
        ["overview", "bounces", "channels", "segments", "groups", "weekly", "evidence"]
    weekly = data["reports"][5]["tables"][0]["rows"]
    assert [w["fit"] for w in weekly] == [6, 5, 11]


def test_report_preset(runner, instance):
    r = runner.invoke(["report", "overview", "--preset", "last-week", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["reports"][0]["key"] == "overview"
    r = runner.invoke(["report", "--preset", "fortnight"])
    assert r.stderr.strip() == ("Error: --preset: Unknown period 'fortnight': choose one of "
                                "7d, this-week, last-week, 30d, 90d, this-quarter, custom.")


def test_digest_prints_the_headline_figures(runner, instance):
    r = runner.invoke(["report", "digest", "--print", *RANGE])
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].endswith("11 fit prospects, 2026-03-02 to 2026-03-15")
    assert "Fit prospects: 11 (+11 on 0)" in lines
    assert "Fit rate: 39.3%" in lines
    assert "  LinkedIn ads · q1-renewals: 6" in lines
    assert "  They need new customers, not renewals: 7" in lines
    assert any(line.startswith("The overview: http://localhost:5000/reports/?diagnostic=")
               for line in lines)


def test_digest_send_needs_smtp_and_an_opted_in_user(runner, instance):
    r = runner.invoke(["report", "digest"])
    assert r.stderr.strip() == "Error: digest needs exactly one of --print and --send"
    r = runner.invoke(["report", "digest", "--send"])
    assert r.stderr.strip().startswith("Error: REPORTS_SMTP is not configured")
    r = runner.invoke(["users", "digest", "nobody", "--email", "a@example.com"])
    assert r.stderr.strip() == "Error: There is no report user 'nobody'."


def test_report_pipeline(runner, instance):
    r = runner.invoke(["report", "pipeline", *RANGE, "--revenue", "3000000", "--price",
                       "30000", "--close-rate", "25", "--market", "300"])
    assert r.exit_code == 0, r.stderr
    assert "The plan does not fit the market: it needs 400 qualified opportunities" in r.stdout


@pytest.mark.parametrize("args,message", [
    (["--since", "2026-03-15", "--until", "2026-03-01"],
     "Error: --since: The range starts (2026-03-15) after it ends (2026-03-01): swap the "
     "dates."),
    (["--diagnostic", "nope"],
     "Error: --diagnostic: Unknown diagnostic 'nope': choose one of renewal-risk-check, "
         "reporting-time-check."),
    (["nope"], "Error: unknown report 'nope': choose from overview, bounces, channels, "
               "segments, groups, weekly, evidence, pipeline (see 'buyerkit report --help')"),
    (["pipeline"], "Error: pipeline needs --revenue, --price and --close-rate"),
    (["--table", "nope"], "Error: no table 'nope' in overview, bounces, channels, segments, "
                          "groups, weekly, evidence"),
], ids=["reversed", "diagnostic", "report", "plan", "table"])
def test_report_errors_are_one_line(runner, instance, args, message):
    r = runner.invoke(["report", *args])
    assert r.exit_code != 0
    assert r.stderr.strip() == message
    assert "Traceback" not in r.stderr


def invoke_with_input(args: list[str], text: str) -> tuple[int, str, str]:
    """The real entry point with `text` on standard input."""
    from click.testing import CliRunner

    from buyerkit.cli import main

    with CliRunner().isolation(input=text) as streams:
        code = main(args)
        return code, streams[0].getvalue().decode(), streams[1].getvalue().decode()


def test_users_add_list_remove(runner, instance):
    code, _, err = invoke_with_input(["users", "add", "bob", "--password-stdin"],
                                     "a long enough passphrase\n")
    assert code == 0, err
    assert runner.invoke(["users", "list"]).stdout == "bob\n"
    code, _, err = invoke_with_input(["users", "add", "carol", "--password-stdin"], "short\n")
    assert err.startswith("Error: The password is too short: use at least 12 characters")
    code, _, err = invoke_with_input(["users", "add", "Bad Name", "--password-stdin"], "x\n")
    assert "is not a valid user name" in err
    code, out, err = invoke_with_input(["users", "add", "dave"], "one passphrase ok\n"
                                     "another passphrase\n")
    assert code == 1 and "Error: The two entered values do not match." in err + out
    assert "dave" not in runner.invoke(["users", "list"]).stdout
    assert runner.invoke(["users", "remove", "bob"]).exit_code == 0
    assert runner.invoke(["users", "list"]).stdout == ""
    r = runner.invoke(["users", "remove", "bob"])
    assert r.stderr.strip() == "Error: There is no report user 'bob'."


def test_demo_signals_refuses_to_mix_with_real_events(runner, instance):
    r = runner.invoke(["demo-signals", "--events", "500"])
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: the store already holds")


def test_demo_signals_fill_the_reports(runner, instance, tmp_path, content_dir):
    r = runner.invoke(["demo-signals", "--events", "6000", "--days", "60", "--replace"])
    assert r.exit_code == 0, r.stderr
    assert "Stored 6,000 demo events over 60 days" in r.stderr
    data = json.loads(runner.invoke(["report", "overview", "channels", "--preset", "30d",
                                     "--format", "json"]).stdout)
    tables = {t["key"]: t for t in data["reports"][0]["tables"]}
    outcomes = {row["outcome"]: row["journeys"] for row in tables["outcomes"]["rows"]}
    assert all(isinstance(outcomes[k], int) and outcomes[k] > 20
               for k in ("Fit", "Not now", "Not a fit"))
    channels = [row["channel"] for row in data["reports"][1]["tables"][0]["rows"]]
    assert {"Direct", "All channels"} <= set(channels)
    for name in ("LinkedIn ads · ", "Monthly renewal newsletter · ", "Google ads · ",
                 "HubSpot (partner) · "):
        assert any(c.startswith(name) for c in channels), (name, channels)
    app = make_app(tmp_path, content_dir)
    assert accounts.all_users(app.extensions["buyerkit.store"].engine) == []
    app.extensions["buyerkit.store"].dispose()
