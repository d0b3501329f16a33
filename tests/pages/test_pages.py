"""Prospect pages through the Flask client: no cookies, answers carried, errors named."""

from __future__ import annotations

import re

import pytest

from tests.content.test_scoring import FIT

URL = "/diagnostics/renewal-risk-check/"
STEPS = [("symptom", "visibility"), ("trigger",), ("size", "billing", "crm", "hosting"),
         ("role", "group")]


def checked(html: str, name: str, value: str) -> bool:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*value="{value}"[^>]*>', html)
    return bool(tag) and " checked" in tag.group(0)


def hidden(html: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html):
        out.setdefault(name, []).append(value)
    return out


def post_step(client, index: int, answers: dict, carried: dict, go: str = "next"):
    data: dict[str, list[str]] = {k: v for k, v in carried.items() if k not in answers}
    for k, v in answers.items():
        data[k] = v if isinstance(v, list) else [v]
    data["step"] = [str(index)]
    data["go"] = [go]
    return client.post(URL, data=data, follow_redirects=True)  # the verdict: post/redirect/get


def run_through(client, answers: dict):
    r = client.get(URL)
    carried = hidden(r.get_data(as_text=True))
    so_far: dict = {}
    for i, qids in enumerate(STEPS):
        so_far.update({q: answers[q] for q in qids if q in answers})
        r = post_step(client, i, so_far, carried)
        carried = hidden(r.get_data(as_text=True))
    return r


def test_home_starts_from_problems_with_no_demo_wall(client):
    html = client.get("/").get_data(as_text=True)
    assert "Start from your problem" in html
    assert "Customers leave and you find out at renewal" in html
    assert "demo" not in html.lower().replace("no demo to sit through", "")
    assert 'href="/diagnostics/renewal-risk-check/"' in html


def test_full_run_gives_result_and_one_row(client, store):
    r = run_through(client, FIT)
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "This looks like a good fit, and the timing is real" in html
    assert "Pick a 30-minute slot with a renewal specialist" in html
    rows = store.rows(kind="diagnostic_completed")  # (journey events are tested in signals/)
    assert len(rows) == 1
    assert (rows[0]["verdict"], rows[0]["bucket"], rows[0]["trigger"]) == (
        "fit", "retain_expand", "authority_shift")
    assert rows[0]["journey"]


def test_no_cookie_is_ever_set(client):
    r = run_through(client, FIT)
    assert "Set-Cookie" not in r.headers
    assert client.get_cookie("session") is None


def test_missing_answer_is_named_next_to_its_field(client, store):
    r = client.post(URL, data={"step": "0", "go": "next", "symptom": "surprise_churn"})
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert re.search(r'id="visibility-error">.*Choose at least one answer\.</p>', html)
    assert 'aria-describedby="visibility-help visibility-error"' in html
    assert 'href="#visibility-0"' in html
    assert checked(html, "symptom", "surprise_churn")
    assert store.rows() == []


def test_back_keeps_every_answer(client):
    carried = hidden(client.get(URL).get_data(as_text=True))
    r = post_step(client, 0, {"symptom": "flat_expansion", "visibility": ["usage_unread"]}, carried)
    carried = hidden(r.get_data(as_text=True))
    r = post_step(client, 1, {"symptom": "flat_expansion", "visibility": ["usage_unread"],
                              "trigger": "board_target"}, carried, go="back")
    html = r.get_data(as_text=True)
    assert '<h1 id="step-h" tabindex="-1" autofocus>What you are seeing</h1>' in html
    assert checked(html, "symptom", "flat_expansion")
    assert hidden(html)["trigger"] == ["board_target"]


def test_tampered_earlier_answer_sends_prospect_back_to_that_step(client, store):
    carried = hidden(client.get(URL).get_data(as_text=True))
    answers = {**FIT, "size": "enormous"}
    r = post_step(client, 3, answers, carried)
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert '<h1 id="step-h" tabindex="-1">Your company</h1>' in html
    assert "&#39;enormous&#39; is not one of the answers." in html
    assert store.rows(kind="diagnostic_completed") == []


@pytest.mark.parametrize("step", ["-4", "99", "two"], ids=["negative", "too-big", "text"])
def test_nonsense_step_numbers_never_error(client, step):
    r = client.post(URL, data={"step": step, "go": "next"})
    assert r.status_code == 400
    assert "Please check" in r.get_data(as_text=True)


def test_unknown_diagnostic_is_a_404_page(client):
    r = client.get("/diagnostics/nope/")
    assert r.status_code == 404
    assert "There is no page at this address" in r.get_data(as_text=True)


def test_channel_comes_from_utm_and_referrer_host_only(client, store):
    r = client.get(URL + "?utm_source=LinkedIn&utm_medium=Paid Social&utm_campaign=q4",
                   headers={"Referer": "https://www.linkedin.com/feed/?trk=secret"})
    carried = hidden(r.get_data(as_text=True))
    assert carried["ref"] == ["www.linkedin.com"]
    so_far: dict = {}
    for i, qids in enumerate(STEPS):
        so_far.update({q: FIT[q] for q in qids if q in FIT})
        r = post_step(client, i, so_far, carried)
        carried = hidden(r.get_data(as_text=True))
    row = store.rows()[0]
    assert (row["source"], row["medium"], row["campaign"], row["referrer"]) == (
        "linkedin", "paid-social", "q4", "www.linkedin.com")


def test_security_headers_and_no_inline_code(client):
    r = client.get(URL)
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    html = r.get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\son[a-z]+=|\sstyle=", html)


@pytest.mark.parametrize(("change", "shown", "hidden_name"), [
    ({"symptom": "thin_pipeline", "visibility": ["none_of_these"]},
     "A demand-generation or outbound tool", "An on-premises customer success platform"),
    ({"hosting": "on_prem_only"},
     "An on-premises customer success platform", "A demand-generation or outbound tool"),
], ids=["acquisition", "on-premises"])
def test_alternatives_match_the_reasons(client, change, shown, hidden_name):
    html = run_through(client, {**FIT, **change}).get_data(as_text=True)
    assert "What would help instead" in html
    assert shown in html and hidden_name not in html
