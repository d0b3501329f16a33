"""Guides and the decision kit in a real browser: personalised by the link, shared, printed."""

from __future__ import annotations

import io
import re
import time
import unicodedata
import uuid
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import assert_accessible
from tests.browser.keyboard import active, tab_until

ROLES = ["champion", "executive", "cfo", "security", "it", "procurement", "legal"]
RESULT = "d=renewal-risk-check&v=fit&b=retain_expand&t=authority_shift"
FIT_TITLE = "This looks like a good fit, and the timing is real"
NO_CLIPBOARD = "Object.defineProperty(navigator, 'clipboard', {value: undefined});"
FAKE_SHARE = ("window.__shared = []; navigator.share = async (data) => "
              "{ window.__shared.push(data); };")
STOP_NAVIGATION = "document.addEventListener('click', (e) => e.preventDefault());"


class Watch:
    """Events stored after this point (the store lists rows by id, not by time)."""

    def __init__(self, live) -> None:
        self.live = live
        self.seen = {r["id"] for r in live.store.rows()}

    def new(self, kind: str, n: int = 1, timeout: float = 5.0) -> list[dict]:
        """The new events of `kind`, waiting until `n` have arrived (and a moment for more)."""
        deadline = time.monotonic() + timeout
        while True:
            rows = [r for r in self.live.store.rows()
                    if r["kind"] == kind and r["id"] not in self.seen]
            if len(rows) >= n or time.monotonic() > deadline:
                return rows
            time.sleep(0.05)


def until(check, timeout: float = 5.0) -> None:
    """Wait for `check()` to be true (the page's CSP forbids Playwright's string predicates)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def ready(page) -> None:
    expect(page.locator("html")).to_have_attribute("data-guide-ready", "true")


def fragment(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).fragment)


def test_guide_opens_with_the_teams_numbers_from_the_link(page, live, own_origin_only):
    group = str(uuid.uuid4())
    watch = Watch(live)
    page.goto(f"{live.url}/guides/cfo/#{RESULT}&g={group}&from=champion")
    ready(page)
    numbers = page.locator("#team-numbers")
    expect(numbers).to_be_visible()
    expect(numbers.get_by_role("heading")).to_have_text("Your team's numbers")
    expect(numbers.locator("dd")).to_have_text([
        "Is renewal risk the problem you need to solve now?", FIT_TITLE,
        "Retain and expand customers", "An authority shift"])
    expect(numbers).to_contain_text("Shared with you from the guide for Champion.")
    expect(page.locator("[data-numbers-notice]")).to_be_hidden()
    [row] = watch.new("guide_viewed")
    assert row["subject"] == "cfo" and row["grp"] == group
    assert row["props"] == '{"personalised":true}'


def test_calculator_numbers_from_the_link_open_the_guide(page, live, own_origin_only):
    watch = Watch(live)
    page.goto(f"{live.url}/guides/cfo/#{RESULT}&calc=renewal-roi&i.arr=8000000&s=conservative"
              "&from=champion")
    ready(page)
    numbers = page.locator("#team-numbers")
    expect(numbers).to_contain_text(FIT_TITLE)
    calc = numbers.locator("[data-numbers-calc]")
    expect(calc.get_by_role("heading")).to_have_text(
        "What surprise churn and manual reporting cost you, and what Harborline would return")
    expect(calc.locator("dt").first).to_have_text("Scenario")
    expect(calc.locator("dd").first).to_have_text("Conservative")
    assert calc.locator("dd").count() >= 5
    assert [r["props"] for r in watch.new("guide_viewed")] == ['{"personalised":true}']


@pytest.mark.parametrize("frag,shown,notice", [
    ("", False, None),
    ("d=%3Cimg%20src%3Dx%20onerror%3Dwindow.__pwned%3D1%3E&v=fit", False,
     "The numbers in this link could not be read, so this is the general guide."),
    ("d=renewal-risk-check&v=maybe", False,
     "The numbers in this link could not be read, so this is the general guide."),
    ("d=renewal-risk-check&v=fit&b=%3Cimg%20src%3Dx%20onerror%3Dwindow.__pwned%3D1%3E", True,
     "Some of the numbers in this link could not be read, so they are left out."),
    ("calc=no-such-calculator&i.arr=100", False,
     "The numbers in this link could not be read, so this is the general guide."),
    ("calc=renewal-roi&i.arr=%3Cimg%20src%3Dx%20onerror%3Dwindow.__pwned%3D1%3E", False,
     "The numbers in this link could not be read, so this is the general guide."),
    ("%%%&&&==#", False, None),
], ids=["none", "img-in-slug", "bad-verdict", "img-in-bucket", "unknown-calculator",
        "img-in-calculator-input", "garbage"])
def test_missing_or_malformed_numbers_give_the_generic_guide(page, live, frag, shown, notice):
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: errors.append("dialog: " + d.message))
    page.goto(f"{live.url}/guides/security/#{frag}")
    ready(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "What your security team needs to review Harborline")
    expect(page.locator("#team-numbers")).to_be_visible() if shown else \
        expect(page.locator("#team-numbers")).to_be_hidden()
    if notice:
        expect(page.locator("[data-numbers-notice]")).to_have_text(notice)
    else:
        expect(page.locator("[data-numbers-notice]")).to_be_hidden()
    assert page.locator("main img").count() == 0
    assert page.evaluate("window.__pwned") is None
    assert errors == []


def test_share_with_the_cfo_and_a_colleague_sees_the_same_numbers(browser, live):
    """The issue's walk-through: result -> champion guide -> copy the CFO link -> new browser."""
    ctx = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = ctx.new_page()
    page.goto(f"{live.url}/diagnostics/renewal-risk-check/")
    for qid, value in [("symptom", "surprise_churn"), ("visibility", "usage_unread")]:
        page.check(f"input[name='{qid}'][value='{value}']")
    page.get_by_role("button", name="Next").click()
    page.check("input[name='trigger'][value='board_target']")
    page.get_by_role("button", name="Next").click()
    for qid, value in [("size", "200_999"), ("billing", "annual"), ("crm", "salesforce"),
                       ("hosting", "cloud_ok")]:
        page.check(f"input[name='{qid}'][value='{value}']")
    page.get_by_role("button", name="Next").click()
    page.check("input[name='role'][value='cs_leader']")
    page.get_by_role("button", name="See my result").click()
    page.get_by_role("link", name="The guide for Champion", exact=True).click()
    ready(page)
    expect(page.locator("#team-numbers")).to_contain_text("A mandate")

    page.get_by_label("What to share").select_option("cfo")
    watch = Watch(live)
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator("[data-share-status]")).to_have_text(
        "Link copied. Paste it into an e-mail or a chat.")
    link = page.evaluate("navigator.clipboard.readText()")
    assert urlsplit(link).path == "/guides/cfo/"
    params = fragment(link)
    assert params["d"] == ["renewal-risk-check"] and params["v"] == ["fit"]
    assert params["t"] == ["mandate"] and params["from"] == ["champion"]
    group = params["g"][0]
    assert str(uuid.UUID(group)) == group
    [shared] = watch.new("guide_shared")
    assert shared["subject"] == "cfo" and shared["grp"] == group
    assert shared["props"] == '{"from_role":"champion","means":"copy"}'
    ctx.close()

    colleague = browser.new_context()
    cfo = colleague.new_page()
    watch = Watch(live)
    cfo.goto(link)
    ready(cfo)
    expect(cfo.get_by_role("heading", level=1)).to_have_text(
        "What your CFO will want to know about Harborline")
    expect(cfo.locator("#team-numbers")).to_contain_text(FIT_TITLE)
    expect(cfo.locator("#team-numbers")).to_contain_text("A mandate")
    expect(cfo.locator("#team-numbers")).to_contain_text("from the guide for Champion")
    [viewed] = watch.new("guide_viewed")
    assert viewed["subject"] == "cfo" and viewed["grp"] == group
    assert colleague.cookies() == []
    colleague.close()


def test_email_draft_names_the_role_and_carries_the_link(page, live):
    page.goto(f"{live.url}/guides/security/#{RESULT}")
    ready(page)
    page.get_by_label("What to share").select_option("legal")
    page.get_by_role("link", name="E-mail a draft").focus()
    href = page.get_by_role("link", name="E-mail a draft").get_attribute("href")
    assert href.startswith("mailto:?subject=")
    query = parse_qs(urlsplit(href).query)
    assert query["subject"] == ["For our Legal: What your legal team will look for in "
                                "Harborline's contract"]
    body = query["body"][0]
    link = re.search(r"http\S+", body).group(0)
    assert urlsplit(link).path == "/guides/legal/"
    assert fragment(link)["from"] == ["security"] and fragment(link)["v"] == ["fit"]
    assert "g" in fragment(link)


def test_share_sheet_button_only_where_the_browser_supports_it(browser, live):
    plain = browser.new_context()
    page = plain.new_page()
    page.goto(f"{live.url}/guides/it/")
    ready(page)
    supported = page.evaluate("typeof navigator.share === 'function'")
    expect(page.get_by_role("button", name="Share…")).to_be_visible() if supported else \
        expect(page.locator("[data-share-native]")).to_be_hidden()
    plain.close()

    ctx = browser.new_context()
    ctx.add_init_script(FAKE_SHARE)
    page = ctx.new_page()
    page.goto(f"{live.url}/guides/it/#{RESULT}")
    ready(page)
    watch = Watch(live)
    page.get_by_role("button", name="Share…").click()
    until(lambda: page.evaluate("window.__shared.length") == 1)
    data = page.evaluate("window.__shared[0]")
    assert urlsplit(data["url"]).path == "/guides/it/" and fragment(data["url"])["from"] == ["it"]
    assert data["title"] == "What IT needs to know to connect Harborline"
    assert [r["props"] for r in watch.new("guide_shared")] == [
        '{"from_role":"it","means":"share_sheet"}']
    ctx.close()


def test_copy_falls_back_to_a_selected_link_without_the_clipboard_api(browser, live):
    ctx = browser.new_context()
    ctx.add_init_script(NO_CLIPBOARD)
    page = ctx.new_page()
    page.goto(f"{live.url}/guides/procurement/")
    ready(page)
    page.get_by_role("button", name="Copy link").click()
    field = page.get_by_label("Link to share")
    expect(field).to_be_visible()
    expect(field).to_be_focused()
    value = field.input_value()
    assert urlsplit(value).path == "/guides/procurement/" and "g" in fragment(value)
    assert page.evaluate("window.getSelection().toString() || "
                         "document.activeElement.value.substring("
                         "document.activeElement.selectionStart, "
                         "document.activeElement.selectionEnd)") == value
    expect(page.locator("[data-share-status]")).to_contain_text("press Ctrl+C")
    ctx.close()


def test_share_controls_work_with_the_keyboard_alone(browser, live):
    ctx = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = ctx.new_page()
    page.goto(f"{live.url}/guides/champion/#{RESULT}")
    ready(page)
    tab_until(page, lambda e: e[0] == "SELECT")
    for _ in range(2):
        page.keyboard.press("ArrowDown")
    assert page.evaluate("document.getElementById('share-what').value") == "cfo"
    tab_until(page, lambda e: e[0] == "BUTTON" and e[4] == "Copy link")
    page.keyboard.press("Enter")
    expect(page.locator("[data-share-status]")).to_have_text(
        "Link copied. Paste it into an e-mail or a chat.")
    assert urlsplit(page.evaluate("navigator.clipboard.readText()")).path == "/guides/cfo/"
    ctx.close()


def test_kit_checklist_is_the_buyers_and_travels_in_the_link(browser, live):
    ctx = browser.new_context()
    page = ctx.new_page()
    watch = Watch(live)
    page.goto(f"{live.url}/kit/#{RESULT}&done=cfo.budget,nobody.nothing")
    ready(page)
    assert [r["subject"] for r in watch.new("kit_opened")] == ["kit"]
    expect(page.locator("#team-numbers")).to_contain_text(FIT_TITLE)
    expect(page.get_by_label("Approve the first-year budget", exact=False)).to_be_checked()
    # Keyboard only: tab to the security team's first item and tick it with Space.
    el = tab_until(page, lambda e: e[3] == "checkbox" and e[2] == "security.soc2")
    assert el[2] == "security.soc2"
    page.keyboard.press("Space")
    expect(page.locator("[data-checklist-status]")).to_contain_text("2 of ")
    done = fragment(page.url)["done"][0].split(",")
    assert sorted(done) == ["cfo.budget", "security.soc2"]
    assert fragment(page.url)["d"] == ["renewal-risk-check"]
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    url = page.url
    ctx.close()

    other = browser.new_context()
    page = other.new_page()
    page.goto(url)
    ready(page)
    expect(page.locator("#done-security-soc2")).to_be_checked()
    expect(page.locator("#done-cfo-budget")).to_be_checked()
    expect(page.locator("#done-legal-dpa")).not_to_be_checked()
    assert other.cookies() == []
    other.close()


def test_security_guide_requests_the_soc2_report(page, live):
    page.goto(f"{live.url}/guides/security/")
    ready(page)
    page.evaluate(STOP_NAVIGATION)
    link = page.locator("a[data-request-signal]")
    expect(link).to_have_text("Request the SOC 2 Type II report")
    assert unquote(link.get_attribute("href")).startswith(
        "mailto:security@harborline.example?subject=SOC 2 Type II report request")
    watch = Watch(live)
    link.click()
    assert [r["subject"] for r in watch.new("security_review_requested")] == ["security"]


@pytest.mark.parametrize("path,page_slug", [("/guides/legal/", "guide-legal"), ("/kit/", "kit")],
                         ids=["guide", "kit"])
def test_choosing_a_next_step_is_a_signal(page, live, path, page_slug):
    page.goto(live.url + path)
    ready(page)
    page.evaluate(STOP_NAVIGATION)
    watch = Watch(live)
    page.locator(".contact").get_by_role("link", name=re.compile("Pick a 30-minute slot")).click()
    page.locator(".contact").get_by_role("link", name="+44 20 7946 0321").click()
    rows = watch.new("next_step_chosen", 2)
    assert sorted((r["subject"], r["props"]) for r in rows) == [
        (page_slug, '{"option":"phone"}'), (page_slug, '{"option":"schedule"}')]


@pytest.mark.parametrize("path,headings", [
    ("/guides/cfo/", ["What your CFO will want to know about Harborline", "What it costs, all in",
                      "When it pays back", "What to do before a decision"]),
    ("/kit/", ["Decision kit", "Before we decide: our checklist", "Every role's guide"]),
], ids=["guide", "kit"])
def test_prints_to_a_clean_pdf(page, live, path, headings):
    page.goto(f"{live.url}{path}#{RESULT}")
    ready(page)
    pdf = page.pdf(format="A4")
    text = " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages)
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).replace("’", "'")
    for h in headings:
        assert h in text
    assert "Your team's numbers" in text and FIT_TITLE in text
    assert "Copy link" not in text and "Share with your team" not in text


PAGES = [f"/guides/{r}/" for r in ROLES] + ["/guides/", "/kit/", "/pricing/", "/compare/"]


@pytest.mark.parametrize("path", PAGES, ids=PAGES)
def test_axe_finds_no_violations(page, live, own_origin_only, path):
    page.goto(f"{live.url}{path}#{RESULT}&from=champion")
    page.wait_for_load_state("networkidle")
    assert_accessible(page)


@pytest.mark.parametrize("path", PAGES, ids=PAGES)
def test_fits_a_360px_screen(browser, live, path):
    ctx = browser.new_context(viewport={"width": 360, "height": 740})
    page = ctx.new_page()
    page.goto(f"{live.url}{path}#{RESULT}")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    ctx.close()


def test_without_javascript_the_guide_and_kit_are_complete(browser, live):
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(f"{live.url}/guides/cfo/#{RESULT}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "What your CFO will want to know about Harborline")
    expect(page.get_by_role("heading", name="What it costs, all in")).to_be_visible()
    expect(page.locator("#team-numbers")).to_be_hidden()
    expect(page.locator("[data-share-copy]")).to_be_hidden()
    email = page.get_by_role("link", name="E-mail a draft")
    assert "https://harborline.example/guides/cfo/" in unquote(email.get_attribute("href"))
    expect(page.get_by_text("Or copy the address from your browser's address bar.")).to_be_visible()
    page.goto(f"{live.url}/kit/")
    page.get_by_label("Approve the first-year budget", exact=False).check()
    expect(page.get_by_label("Approve the first-year budget", exact=False)).to_be_checked()
    for path in ("/pricing/", "/compare/"):
        page.goto(live.url + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert active(page)[0] == "BODY"
    ctx.close()
