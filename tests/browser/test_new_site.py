"""A new vendor's first site, as its web developer makes it: `buyerkit new` with three roles and
two languages, a branch added by hand, `check --strict`, a freeze in both languages; its pages
axe-clean at 360 px in English and German, the branch taken both ways with JavaScript (the
frozen pages against the endpoint) and without it (the server's step pages), and the live
preview following edits of the German translation in an open tab."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, assert_accessible
from tests.browser.keyboard import choose, press_button
from tests.browser.test_static_build import Endpoint, StaticSite, free_port, press, wait_until_up
from tests.conftest import Runner, make_app

ROLES = "cfo,ciso,legal"
BRANCH = """      - id: built_in
        show_if: {symptom: [manual_report]}
        text: "You said: “{answer:symptom}”. Where is the report built today?"
        scores: problem
        options:
          - value: spreadsheet
            label: In a spreadsheet, from exports
            points: 1
          - value: bi_tool
            label: In a BI tool, with manual steps around it
            points: 1
"""
BRANCH_DE = """      - id: built_in
        text: "Sie sagten: „{answer:symptom}“. Wo entsteht der Report heute?"
        options:
          - value: spreadsheet
            label: In einer Tabelle, aus Exporten
          - value: bi_tool
            label: In einem BI-Tool, mit Handarbeit drumherum
"""
# (answers, whether the follow-up is asked); both paths reach "fit".
PATHS = {
    "manual": ({"symptom": "manual_report", "built_in": "spreadsheet", "trigger": "new_leader",
                "size": "20_99", "role": "team_lead"}, True),
    "untrusted": ({"symptom": "untrusted_numbers", "trigger": "new_leader", "size": "20_99",
                   "role": "finance"}, False),
}
STEPS = (("symptom",), ("trigger",), ("built_in", "size", "role"))
WORDS = {  # the interface text each language's pages show, and the fit verdict's title
    "en": ("Next", "See my result", "This looks like a good fit, and the timing is real",
           "You said: “We spend hours every week building the same report by hand”."),
    "de": ("Weiter", "Mein Ergebnis ansehen", "Das passt gut, und der Anlass ist echt",
           "Sie sagten: „Wir bauen jede Woche stundenlang denselben Report von Hand“."),
}


def add_branch(site: Path) -> None:
    """The follow-up a developer adds: asked on the company step, only after 'by hand'."""
    for name, branch, anchor in (
            ("fit-check.yaml", BRANCH, "    title: Your company\n    questions:\n"),
            ("fit-check.de.yaml", BRANCH_DE, "    title: Ihr Unternehmen\n    questions:\n")):
        path = site / "diagnostics" / name
        text = path.read_text(encoding="utf-8")
        assert anchor in text
        path.write_text(text.replace(anchor, anchor + branch, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`buyerkit new`, a branch added, `check --strict` and `buyerkit freeze`, by the CLI."""
    tmp = tmp_path_factory.mktemp("newsite")
    run = Runner()
    done = run.invoke(["new", tmp / "mysite", "--roles", ROLES, "--languages", "en,de",
                       "--vendor", "Quillmark"])
    assert done.exit_code == 0, done.stderr
    add_branch(tmp / "mysite")
    strict = run.invoke(["check", "--strict", tmp / "mysite"])
    assert (strict.exit_code, strict.stderr) == (0, "")
    return tmp


@pytest.fixture(scope="module")
def frozen(made: Path) -> Iterator[StaticSite]:
    """The frozen site on a static server, its endpoint (API only) on another origin."""
    api_port, static_port = free_port(), free_port()
    done = Runner().invoke(["freeze", "--content", made / "mysite", "--dest", made / "build",
                            "--endpoint", f"http://127.0.0.1:{api_port}"])
    assert done.exit_code == 0, done.stderr
    assert "Warning" not in done.stderr  # a site without customer stories is complete
    endpoint = Endpoint(make_app(made / "e", made / "mysite", API_ONLY=True,
                                 ALLOWED_ORIGINS=[f"http://127.0.0.1:{static_port}"]), api_port)
    endpoint.start()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory",
         str(made / "build"), str(static_port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(f"http://127.0.0.1:{static_port}/")
        yield StaticSite(made / "build", endpoint, static_port)
    finally:
        server.terminate()
        server.wait(timeout=10)
        endpoint.stop()
        endpoint.store.dispose()


@pytest.fixture(scope="module")
def served(made: Path) -> Iterator[LiveServer]:
    with LiveServer(make_app(made / "s", made / "mysite")) as server:
        yield server


def test_the_freeze_writes_both_languages_without_the_dev_script(frozen):
    pages = {str(p.relative_to(frozen.build)) for p in frozen.build.rglob("index.html")}
    for role in ROLES.split(","):
        assert {f"guides/{role}/index.html", f"de/guides/{role}/index.html"} <= pages
    assert {"diagnostics/fit-check/index.html", "de/diagnostics/fit-check/index.html",
            "de/calculators/time-saved/index.html", "de/pricing/index.html"} <= pages
    assert not [p for p in frozen.build.rglob("*.html") if "_preview" in p.read_text()]


@pytest.mark.parametrize("path", [
    "/", "/diagnostics/fit-check/", "/guides/ciso/", "/de/", "/de/diagnostics/fit-check/",
    "/de/calculators/time-saved/", "/de/guides/legal/", "/de/pricing/", "/de/compare/",
    "/de/kit/"])
def test_pages_in_both_languages_pass_axe_at_360(page, frozen, path):
    lang = "de" if path.startswith("/de/") else "en"
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(frozen.url + path)
    assert page.get_attribute("html", "lang") == lang
    nav = page.locator("nav a[href$='/pricing/']").first
    expect(nav).to_have_text("Preise" if lang == "de" else "Pricing")  # interface text
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)


def _answer(page, qids, answers: dict) -> None:
    for qid in qids:
        if qid in answers:
            choose(page, qid, answers[qid])


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("path", list(PATHS))
def test_the_branch_both_ways_with_javascript(page, frozen, path, lang):
    answers, follow_up = PATHS[path]
    nxt, see, fit, quote = WORDS[lang]
    page.goto(frozen.url + ("/de" if lang == "de" else "") + "/diagnostics/fit-check/")
    for i, qids in enumerate(STEPS):
        _answer(page, qids, answers)
        if i == len(STEPS) - 1:
            fs = page.locator("fieldset[data-question='built_in']")
            if follow_up:
                expect(fs).to_be_visible()
                expect(fs).to_contain_text(quote)
                assert_accessible(page)
            else:
                expect(fs).to_be_hidden()
        press(page, see if i == len(STEPS) - 1 else nxt)
    expect(page.locator("[data-outcome='fit'] h1")).to_have_text(fit)


@pytest.mark.parametrize("path", list(PATHS))
def test_the_branch_both_ways_without_javascript(browser, served, path):
    answers, follow_up = PATHS[path]
    nxt, see, fit, quote = WORDS["en"]
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served.url + "/diagnostics/fit-check/")
    for i, qids in enumerate(STEPS):
        if i == len(STEPS) - 1:
            follow = page.locator("fieldset", has_text="Where is the report built today?")
            if follow_up:
                expect(follow).to_contain_text(quote)
            else:
                assert page.locator("input[name='built_in']").count() == 0
        _answer(page, qids, answers)
        press_button(page, see if i == len(STEPS) - 1 else nxt)
    expect(page.locator("h1")).to_have_text(fit)
    context.close()


@pytest.fixture
def dev(made: Path, tmp_path: Path) -> Iterator[LiveServer]:
    """The dev server (`buyerkit serve`: live preview) on a copy of the new site."""
    content = tmp_path / "mysite"
    shutil.copytree(made / "mysite", content)
    app = make_app(tmp_path, content, PREVIEW=True)
    try:
        with LiveServer(app) as server:
            yield server
    finally:
        app.extensions["buyerkit.live"].close()


def test_live_preview_follows_the_german_translation(page, dev):
    """Edit the German question in its file: the open German tab shows it; save the file half
    written: the overlay locates and quotes the line; save it whole: the overlay goes."""
    german = Path(dev.app.config["CONTENT_DIR"]) / "diagnostics" / "fit-check.de.yaml"
    good = german.read_text(encoding="utf-8")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(dev.url + "/de/diagnostics/fit-check/")
    page.wait_for_function("() => document.readyState === 'complete'")
    old = "Was davon beschreibt Ihr letztes Quartal am besten?"
    expect(page.locator("main")).to_contain_text(old)

    german.write_text(good.replace(old, "Was davon kennen Sie aus dem letzten Monat?", 1),
                      encoding="utf-8")
    expect(page.locator("main")).to_contain_text("Was davon kennen Sie aus dem letzten Monat?",
                                                 timeout=10_000)

    cut = good.index("options:", good.index("id: symptom")) + 5
    german.write_text(good[:cut], encoding="utf-8")  # the editor saved half the file
    overlay = page.wait_for_selector(".bk-live-overlay", timeout=10_000)
    line = good[:cut].count("\n") + 1
    expect(page.locator(".bk-live-overlay li")).to_have_count(1)
    assert f"mysite/diagnostics/fit-check.de.yaml:{line}:14: invalid YAML" in \
        overlay.text_content()
    expect(page.locator(".bk-live-overlay pre").first).to_have_text("        optio")
    expect(page.locator(".bk-live-overlay pre.bk-live-caret")).to_have_text(" " * 13 + "^")
    assert_accessible(page)

    german.write_text(good, encoding="utf-8")
    page.wait_for_function("() => !document.querySelector('.bk-live-overlay')", timeout=10_000)
    expect(page.locator("main")).to_contain_text(old)
