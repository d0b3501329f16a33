"""The terminal reports as a new user meets them (`buyerkit new`, `demo-signals --content`,
`report --content`): the content's own step titles and role names, rates as percentages
(CSV and JSON keep machine values), notes naming the real content folder, `--content` on
every report subcommand and on the other commands that build the app, and demo channels
taken from site.yaml `channels:` (else names that say no vendor's topic)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from buyerkit.content.catalog import load_catalog
from buyerkit.reports.demo import CHANNELS, channels_of
from tests.conftest import Runner
from tests.reports.test_cli import RANGE, instance  # noqa: F401 - the Harborline fixture

# A channel the new site names in its site.yaml (appended before the demo signals are made).
NAMED = ("channels:\n  - source: linkedin\n    medium: paid-social\n"
         "    campaign: launch-week\n    name: LinkedIn launch ads\n")
MISSING = ("Error: content folder not found: nope (create one with `buyerkit new nope`, "
           "or pass --content DIR)\n")
PLAN = ["--revenue", "1200000", "--price", "24000", "--close-rate", "20"]


@pytest.fixture(scope="module")
def mysite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`buyerkit new mysite --roles cfo,ciso,legal` in an empty folder, one channel named in
    its site.yaml, and 3,000 demo signals from it: the walkthrough of issue 20."""
    cwd = tmp_path_factory.mktemp("walkthrough")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(cwd)
        mp.setenv("BUYERKIT_INSTANCE_PATH", str(cwd / "instance"))
        mp.delenv("BUYERKIT_CONTENT_DIR", raising=False)
        mp.delenv("BUYERKIT_DATABASE_URL", raising=False)
        r = Runner().invoke(["new", "mysite", "--roles", "cfo,ciso,legal"])
        assert r.exit_code == 0, r.stderr
        with (cwd / "mysite" / "site.yaml").open("a", encoding="utf-8") as f:
            f.write(NAMED)
        r = Runner().invoke(["demo-signals", "--content", "mysite", "--events", "3000"])
        assert r.exit_code == 0, r.stderr
        assert r.stderr.startswith("Stored 3,000 demo events over 180 days for 'fit-check'")
    return cwd


@pytest.fixture
def in_mysite(mysite: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The walkthrough's folder as the working directory, with no content folder set."""
    monkeypatch.chdir(mysite)
    monkeypatch.setenv("BUYERKIT_INSTANCE_PATH", str(mysite / "instance"))
    monkeypatch.delenv("BUYERKIT_CONTENT_DIR", raising=False)
    monkeypatch.delenv("BUYERKIT_DATABASE_URL", raising=False)
    return mysite


def report(*args: str) -> str:
    r = Runner().invoke(["report", *args])
    assert r.exit_code == 0, r.stderr
    return r.stdout


def section(text: str, title: str) -> list[str]:
    """The lines of one table in the terminal output: from its title to the blank line."""
    lines = text.splitlines()
    at = lines.index(title)
    return lines[at:lines.index("", at)]


def test_a_new_site_s_reports_name_its_own_steps_and_roles(in_mysite):
    out = report("overview", "groups", "--content", "mysite", "--preset", "90d")
    catalog = load_catalog(in_mysite / "mysite")
    titles = [s.title for s in catalog.diagnostics["fit-check"].steps]
    assert titles == ["What you are seeing", "Why now", "Your company"]
    steps = section(out, "Left mid-way, by the step they left at")
    assert [line.rsplit(None, 1)[0].strip() for line in steps[4:]][:3] == titles
    assert "Step 1" not in out and "Step 2" not in out and not re.search(r"\bStep \d", out)
    roles = section(out, "Buying groups by role")
    assert roles[2].split() == ["Role", "Groups", "with", "this", "role", "With", "a", "fit",
                                "verdict"]
    assert [line.split()[0] for line in roles[4:7]] == ["CFO", "CISO", "Legal"]
    assert roles[7].startswith("Each role guide in mysite/guides, by its name.")
    assert all(re.fullmatch(r"\S+\s+(\d+|<5)\s+(\d+|<5)", line) for line in roles[4:7]), roles
    assert "champion" not in out.lower()  # no role the site does not have


def test_rates_are_percentages_in_the_terminal_and_fractions_in_csv_and_json(in_mysite):
    args = ("overview", "--content", "mysite", "--preset", "90d", "--table", "headline")
    text = section(report(*args), "The period at a glance")
    assert text[2].split()[:3] == ["Figure", "This", "period"] and "Kind" not in text[2]
    rate = next(line for line in text if line.startswith("Fit rate"))
    assert re.fullmatch(r"Fit rate\s+\d{1,3}\.\d%\s+(\d{1,3}\.\d%|–)\s+([+-]\d+\.\d points|–)",
                        rate)
    fit = next(line for line in text if line.startswith("Fit prospects"))
    assert re.fullmatch(r"Fit prospects\s+\d+\s+\d+\s+[+-]\d+", fit)
    assert not re.search(r"\d\.\d{3,}", "\n".join(text))  # no raw float left
    rows = list(csv.DictReader(io.StringIO(report(*args, "--format", "csv"))))
    fit_rate = next(r for r in rows if r["Figure"] == "Fit rate")
    # CSV as before: the figure in the shared "This period" column, a fraction to 2 places
    assert fit_rate["Kind"] == "rate" and re.fullmatch(r"0\.\d{2}", fit_rate["This period"])
    table = json.loads(report(*args, "--format", "json"))["reports"][0]["tables"][0]
    assert [c["key"] for c in table["columns"]] == ["figure", "now", "before", "change", "kind"]
    row = next(r for r in table["rows"] if r["kind"] == "rate")
    assert isinstance(row["now"], float) and 0 < row["now"] < 1
    assert round(row["now"] * 100, 1) == float(rate.split()[2].rstrip("%"))


def test_notes_name_the_real_content_folder(in_mysite):
    out = report("groups", "channels", "--content", "mysite", "--preset", "90d")
    assert "guides tagged `tag: finance` in mysite/guides." in out
    assert "Each role guide in mysite/guides, by its name." in out
    assert "that domain is on mysite/targets.yaml;" in out
    assert "Channel names come from mysite/site.yaml `channels:`" in out
    assert "content/" not in out
    outside = report("groups", "--content", str(in_mysite / "mysite"), "--preset", "90d")
    assert "in mysite/guides." in outside  # an absolute path inside the cwd: relative


def test_demo_channels_are_the_site_s_own_else_neutral(in_mysite):
    out = report("channels", "--content", "mysite", "--preset", "90d", "--format", "csv")
    names = {r["Channel"]: r for r in csv.DictReader(io.StringIO(out))}
    assert names["LinkedIn launch ads"]["utm_campaign"] == "launch-week"
    assert {"Google ads · brand-search", "Newsletter · monthly-update", "G2 (link)",
            "Direct", "All channels"} <= set(names)
    assert not re.search(r"renewal|churn|forecast|cs-", out, re.IGNORECASE)


def test_channels_named_in_site_yaml_take_the_demo_s_places():
    class Named:
        def __init__(self, source, medium=None, campaign=None):
            self.source, self.medium, self.campaign = source, medium, campaign

    assert channels_of(()) == CHANNELS
    assert not any(re.search(r"renewal|churn|forecast|cs-", c[2] or "") for c in CHANNELS)
    got = channels_of([Named("newsletter"), Named("Bing", "cpc", "spring"),
                       Named("linkedin", "paid-social")])
    # the same shares and leans in the same places: the mix of journeys does not change
    assert [c[3:] for c in got] == [c[3:] for c in CHANNELS]
    assert got[2] == ("newsletter", "email", "monthly-update", 0.09, 1.5)
    assert got[1] == ("Bing", "cpc", "spring", 0.22, 0.9)  # the first free cpc place
    assert got[0] == ("linkedin", "paid-social", "awareness", 0.20, 1.3)
    assert got[-1] == CHANNELS[-1]  # direct stays direct


def test_harborline_s_terminal_overview(runner, instance):  # noqa: F811 - a fixture
    r = runner.invoke(["report", "overview", *RANGE, "--table", "headline"])
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines()[5:15] == [
        "The period at a glance",
        "----------------------",
        "Figure                 This period  Previous period (2026-02-16 to 2026-03-01)  Change",
        "---------------------  -----------  ------------------------------------------  ------",
        "Fit prospects                   11                                           0     +11",
        "Not now                          5                                           0      +5",
        "Not a fit                       12                                           0     +12",
        "Left mid-way                     8                                           0      +8",
        "Fit rate                     39.3%                                           –       –",
        "Buying groups forming            7                                           0      +7",
    ]
    r = runner.invoke(["report", "groups", *RANGE, "--table", "roles"])
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines()[5:16] == [
        "Buying groups by role",
        "---------------------",
        "Role               Groups with this role  With a fit verdict",
        "-----------------  ---------------------  ------------------",
        "Champion                               0                   0",
        "Executive sponsor                      0                   0",
        "CFO                                    5                   5",
        "Security team                          5                   5",
        "IT                                    <5                   0",
        "Procurement                            0                   0",
        "Legal                                  0                   0",
    ]


@pytest.mark.parametrize("args", [
    ["overview"], ["bounces"], ["channels"], ["segments"], ["groups"], ["weekly"],
    ["evidence"], ["pipeline", *PLAN], ["digest", "--print"], [],
], ids=lambda a: a[0] if a else "all")
def test_every_report_subcommand_takes_content(in_mysite, args):
    r = Runner().invoke(["report", *args, "--content", "mysite", "--preset", "30d"])
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("Subject: " if args[:1] == ["digest"] else "fit-check, ")
    assert "Step 1" not in r.stdout
    missing = Runner().invoke(["report", *args, "--content", "nope"])
    assert (missing.exit_code, missing.stdout, missing.stderr) == (1, "", MISSING)


@pytest.mark.parametrize("args", [
    ["users", "--content", "nope", "list"],
    ["users", "list", "--content", "nope"],
    ["handoff", "run", "--once", "--content", "nope"],
    ["handoff", "--content", "nope", "list"],
    ["webhooks", "--content", "nope", "test", "http://127.0.0.1:9/"],
    ["purge", "--content", "nope"],
    ["demo-signals", "--content", "nope"],
], ids=lambda a: "-".join(w for w in a if w not in ("--content", "nope")))
def test_the_other_commands_that_read_content_take_it_too(in_mysite, args):
    r = Runner().invoke(args)
    assert (r.exit_code, r.stdout, r.stderr) == (1, "", MISSING)


def test_users_and_handoff_read_the_folder_given(in_mysite):
    assert Runner().invoke(["users", "--content", "mysite", "list"]).exit_code == 0
    assert Runner().invoke(["users", "list", "--content", "mysite"]).exit_code == 0
    r = Runner().invoke(["handoff", "--content", "mysite", "list"])
    assert (r.exit_code, r.stdout) == (0, "0 delivered, 0 failed, 0 pending.\n")
    r = Runner().invoke(["purge", "--content", "mysite", "--older-than", "1000m"])
    assert (r.exit_code, r.stdout) == (0, "Purged 0 events older than 1000m.\n")


def test_without_content_the_error_says_to_pass_it(in_mysite):
    r = Runner().invoke(["report", "overview"])  # no ./content in the walkthrough folder
    assert (r.exit_code, r.stderr) == (1, "Error: content folder not found: content (create "
                                          "one with `buyerkit new content`, or pass "
                                          "--content DIR)\n")
