"""Reports read as words from the content: channels by the documented mapping (or the
content's own names), reasons by their label or first sentence, finance roles by their guide's
tag; nothing in site/ names the demo vendor; the digest reaches every opted-in user by SMTP."""

from __future__ import annotations

import json
import re
from email import message_from_bytes, policy
from pathlib import Path
from types import SimpleNamespace

import pytest

from buyerkit.reports import accounts, settings
from buyerkit.reports.names import Names, default_channel_name
from tests.reports.conftest import PASSWORD, hand_built, ingest, make_app

SITE = Path(__file__).resolve().parents[2] / "site"


@pytest.mark.parametrize(("source", "medium", "name"), [
    ("(direct)", "(none)", "Direct"),
    ("linkedin", "paid-social", "LinkedIn ads"),
    ("google", "cpc", "Google ads"),
    ("google", "organic", "Google search"),
    ("newsletter", "email", "Newsletter"),
    ("mailchimp", "email", "Mailchimp e-mail"),
    ("linkedin", "social", "LinkedIn posts"),
    ("g2.com", "referral", "G2 (link)"),
    ("news.ycombinator.com", "referral", "Link from news.ycombinator.com"),
    ("hubspot", "partner", "HubSpot (partner)"),
    ("podcast", "(none)", "Podcast"),
    ("events", "booth", "Events / booth"),
], ids=lambda v: str(v))
def test_the_documented_channel_mapping(source, medium, name):
    assert default_channel_name(source, medium) == name


def test_content_names_a_channel_and_the_campaign_follows():
    site = SimpleNamespace(channels=(
        SimpleNamespace(source="newsletter", medium=None, campaign=None, name="Our newsletter"),
        SimpleNamespace(source="linkedin", medium="paid-social", campaign="q1",
                        name="LinkedIn Q1 push")))
    names = Names(SimpleNamespace(site=site, guides={}))
    assert names.channel("newsletter", "email", "may") == "Our newsletter · may"
    assert names.channel("linkedin", "paid-social", "q1") == "LinkedIn Q1 push"
    assert names.channel("linkedin", "paid-social", "q2") == "LinkedIn ads · q2"


def test_a_reason_reads_as_its_label_else_its_first_sentence(app):
    diagnostic = app.extensions["buyerkit.catalog"].diagnostics["renewal-risk-check"]
    names = Names(app.extensions["buyerkit.catalog"], diagnostic)
    assert names.reason("too_small_yet") == "Too small yet (fewer than 50 people)"
    # No label: the first sentence, cut to 90 characters.
    assert names.reason("trigger_mandate") == ("A retention target with a date on it gives the "
                                               "work a deadline, and a reason for the rest…")
    assert names.reason("not_in_content") == "Not in content"


def test_nothing_in_site_names_the_demo_vendor():
    """The toolkit works for any vendor: the demo's name lives in content/ only."""
    found = [str(p.relative_to(SITE)) for p in SITE.rglob("*")
             if p.is_file() and "__pycache__" not in p.parts
             and re.search(rb"harborline", p.read_bytes(), re.IGNORECASE)]
    assert found == []


def test_finance_roles_come_from_the_guides_tag(tmp_path, content_dir, store_url):
    """Another vendor calls its finance guide `finance-director`: the groups report counts it
    as a finance read because the guide says `tag: finance`, not because of its name."""
    for guide in (content_dir / "guides").glob("cfo.*"):  # the guide and its translations
        renamed = guide.with_name(guide.name.replace("cfo", "finance-director", 1))
        renamed.write_text(guide.read_text().replace("role: cfo", "role: finance-director"))
        guide.unlink()
    for path in content_dir.rglob("*"):
        if path.is_file() and path.suffix in (".md", ".yaml"):
            path.write_text(path.read_text().replace("guide:cfo", "guide:finance-director"))
    app = make_app(tmp_path, content_dir, DATABASE_URL=store_url)
    engine = app.extensions["buyerkit.store"].engine
    rows = [{**r, "subject": "finance-director"} if r["subject"] == "cfo" else r
            for r in hand_built()]
    ingest(engine, rows, batch=50)
    from datetime import date

    from buyerkit.reports import service
    from buyerkit.reports.period import Period

    period = Period("renewal-risk-check", date(2026, 3, 2), date(2026, 3, 15))
    [groups] = service.build(engine, period, app.extensions["buyerkit.catalog"], app.config,
                             ["groups"])
    table = groups.table("groups")
    assert table.columns[3].label == "Read a finance guide (CFO)"
    assert table.rows[0][3] == 5
    app.extensions["buyerkit.store"].dispose()



def test_the_digest_goes_to_every_opted_in_user(tmp_path, content_dir, monkeypatch, runner,
                                                smtp):
    inbox, port = smtp
    monkeypatch.setenv("BUYERKIT_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("BUYERKIT_CONTENT_DIR", str(content_dir))
    monkeypatch.setenv("BUYERKIT_REPORTS_BASE_URL", "https://reports.example")
    monkeypatch.setenv("BUYERKIT_REPORTS_SMTP", json.dumps(
        {"host": "127.0.0.1", "port": port, "security": "none", "from": "reports@example.com"}))
    monkeypatch.delenv("BUYERKIT_DATABASE_URL", raising=False)
    app = make_app(tmp_path, content_dir)
    engine = app.extensions["buyerkit.store"].engine
    ingest(engine, hand_built(), batch=100)
    for i in range(10):
        accounts.add(engine, f"user{i}", PASSWORD)
    app.extensions["buyerkit.store"].dispose()
    for i in range(10):
        r = runner.invoke(["users", "digest", f"user{i}", "--email", f"u{i}@example.com"])
        assert r.exit_code == 0, r.stderr
    assert runner.invoke(["users", "digest", "user9", "--off"]).exit_code == 0
    r = runner.invoke(["users", "digest", "user8", "--email", "not an address"])
    assert r.stderr.strip() == "Error: 'not an address' is not an e-mail address"
    r = runner.invoke(["report", "digest", "--send", "--since", "2026-03-09",
                       "--until", "2026-03-15"])
    assert r.exit_code == 0, r.stderr
    assert r.stderr.startswith("Sent the digest to 9 report users: user0, user1,")
    # One message to all of them, each in Bcc: no one sees the others' addresses.
    (envelope,) = inbox.envelopes
    assert sorted(envelope.rcpt_tos) == sorted(f"u{i}@example.com" for i in range(9))
    msg = message_from_bytes(envelope.content, policy=policy.default)
    assert msg["Bcc"] is None and msg["To"] is None
    text = msg.get_content()
    assert "Fit prospects: 5 (-1 on 6)" in text
    assert "https://reports.example/reports/?diagnostic=renewal-risk-check&since=2026-03-09" \
        "&until=2026-03-15" in text
    assert "<5 means fewer than 5 prospects" in text
    app = make_app(tmp_path, content_dir)
    assert sorted(settings.get_all(app.extensions["buyerkit.store"].engine,
                                   settings.DIGEST)) == [f"user{i}" for i in range(9)]
    app.extensions["buyerkit.store"].dispose()
