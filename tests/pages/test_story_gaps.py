"""Customer stories where issue 29 left them out: a verdict's share links carry the size band,
so a forwarded guide can match stories on it; the frozen diagnostic carries the stories for its
script; a calculator number cites a story's sourced figures, and `buyerkit check` holds the
citation to the story."""

from __future__ import annotations

import gzip
import html as html_lib
import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlencode

import pytest

from buyerkit.content.catalog import load_catalog
from buyerkit.content.citations import cite_problem, stated
from buyerkit.content.schema.calculator import Cites
from buyerkit.freeze.build import freeze_site
from tests.conftest import DEMO_CONTENT, make_app

SLUG = "renewal-risk-check"
FIT = {"symptom": "surprise_churn", "visibility": ["usage_unread", "risk_from_customer"],
       "trigger": "new_leader", "size": "50_199", "billing": "annual", "crm": "hubspot",
       "hosting": "cloud_ok", "role": "cs_leader", "group": ["cfo", "security"]}
NOT_A_FIT = {**FIT, "symptom": "thin_pipeline", "visibility": ["none_of_these"]}


def result_path(answers: dict, lang: str = "") -> str:
    return f"{lang}/diagnostics/{SLUG}/result/?" + urlencode(answers, doseq=True)


def test_a_verdicts_share_links_carry_the_size_band(client):
    page = html_lib.unescape(client.get(result_path(FIT)).get_data(as_text=True))
    links = re.findall(r'<a class="share-name" href="([^"]+)"', page)
    assert links and all("&b=retain_expand&sz=50_199&t=authority_shift&j=" in h for h in links)
    drafts = re.findall(r'data-share-email href="([^"]+)"', page)
    assert drafts and all("%26sz%3D50_199%26t%3D" in d for d in drafts)  # the e-mail's link
    # each next step that leads to a guide or calculator carries it too
    steps = re.findall(r'<a href="(/(?:guides|calculators)/[^"#]+#[^"]+)" data-base', page)
    assert steps and all("sz=50_199" in h for h in steps)
    # the served page's own stories were matched on that size
    assert "A company of your size with the same problem" in page
    assert "matched without your company" not in page


def test_not_a_fit_shares_nothing_and_shows_no_story(client):
    page = client.get(result_path(NOT_A_FIT)).get_data(as_text=True)
    assert 'class="share-name"' not in page and 'class="stories"' not in page


def test_a_guide_carries_the_size_rows_of_the_match_table(client):
    """The forwarded guide's script looks the size up in the table the server made: every
    size band the diagnostics define is in it, and the match it gives states the size."""
    page = html_lib.unescape(client.get("/guides/cfo/").get_data(as_text=True))
    table = json.loads(re.search(r"data-table='([^']+)'", page).group(1))
    assert table["retain_expand|50_199|authority_shift"] == \
        "lanternfish-learning:s tidewater-payroll:t"
    assert table["retain_expand||authority_shift"] == "tidewater-payroll:ut lanternfish-learning:u"
    said = json.loads(re.search(r"data-said='([^']+)'", page).group(1))
    assert said["s"] == "A company of your size with the same problem"
    assert said["ut"] == ("The same problem and the same reason to act (matched without your "
                          "company's size)")


def test_the_frozen_diagnostic_carries_every_story_card_for_its_script(tmp_path):
    app = make_app(tmp_path, DEMO_CONTENT)
    try:
        freeze_site(app, tmp_path / "build", "https://score.harborline.example")
    finally:
        app.extensions["buyerkit.store"].dispose()
    catalog = load_catalog(DEMO_CONTENT)
    for lang, view in (("", catalog), ("de/", catalog.views["de"])):
        title = view.references["lanternfish-learning"].meta.title  # German stories on German
        page = html_lib.unescape(
            (tmp_path / "build" / f"{lang}diagnostics/{SLUG}/index.html").read_text())
        assert 'data-size="size"' in page
        box = re.search(r'<section class="stories"[^>]*>.*?</section>', page, re.S).group(0)
        assert " hidden data-verdict-stories data-table=" in box and "data-stories " not in box
        assert len(re.findall(r"data-story-card=", box)) == 3
        assert title in box
        # the match's sentences come with the cards, in the page's language, within the
        # 1 KB (compressed) that a script's words may add to a page
        said = re.search(r"data-said='([^']+)'", box).group(1)
        assert ("Dasselbe Problem (ohne Abgleich" in said) == bool(lang)
        assert len(gzip.compress(said.encode())) <= 1024
        assert page.index("data-verdict-stories") < page.index('id="result-share"')


def test_a_calculator_assumption_cites_its_story_with_a_link(client):
    page = client.get("/calculators/renewal-roi/").get_data(as_text=True)
    assert ('<span class="story-cite">Customer evidence: <a href="/customers/'
            'logistics-software-team/">A 120-person logistics software company in the UK</a> '
            "went from 14 to 2 hours a week spent building health reports.</span>") in page
    # it is part of the assumption's description, which its field names
    assert re.search(r'id="f-a-automated_share" value="60"\s+'
                     r'aria-describedby="f-a-automated_share-help"', page)
    de = html_lib.unescape(client.get("/de/calculators/renewal-roi/").get_data(as_text=True))
    customer = load_catalog(DEMO_CONTENT).views["de"].references[
        "logistics-software-team"].meta.customer  # the German story's own description
    assert ('<span class="story-cite">Aus einer Kundengeschichte: <a href="/de/customers/'
            f'logistics-software-team/">{customer}</a> brauchte statt 14 nur noch 2 Stunden '
            "pro Woche für Health-Reports.</span>") in de


def test_a_citation_states_only_the_storys_sourced_figures():
    refs = load_catalog(DEMO_CONTENT).references
    assert stated(refs["tidewater-payroll"]) == ["7 weeks", "12.4%", "8.1%", "None", "71%"]
    ok = Cites(story="tidewater-payroll", says="took gross revenue churn from 12.4% to 8.1%")
    assert cite_problem(ok, refs, "en", "en") is None
    de = Cites(story="tidewater-payroll", says="senkte den Umsatzverlust von 12,4 % auf 8,1 %")
    assert cite_problem(de, refs, "de", "en") is None
    wrong_unit = Cites(story="tidewater-payroll", says="kept 71 renewals")
    assert cite_problem(wrong_unit, refs, "en", "en") == (
        "says", "cites.says: '71' is not a figure the story 'tidewater-payroll' states: use "
        "only its figures (7 weeks, 12.4%, 8.1%, None, 71%)")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(DEMO_CONTENT, tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def at(path: Path, text: str) -> str:
    """`line:col` of `text` in a file (its first occurrence), as the check reports it."""
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if text in line:
            return f"{n}:{line.index(text) + 1}"
    raise AssertionError(text)


def check(runner) -> list[str]:
    result = runner.invoke(["check", "content"])
    assert result.exit_code == 1, result
    return result.stderr.strip().splitlines()


def test_check_names_a_citation_of_an_unknown_story(workdir, runner):
    roi = workdir / "content/calculators/renewal-roi.yaml"
    edit(roi, "story: logistics-software-team", "story: logistics-team")
    assert at(roi, "logistics-team") == "93:14"
    assert check(runner) == [
        "content/calculators/renewal-roi.yaml:93:14: cites.story: 'logistics-team' is "
        "not a customer story: use one of lanternfish-learning, logistics-software-team, "
        "tidewater-payroll",
        "Aborted with 1 content error"]


def test_check_names_a_cited_figure_the_story_does_not_state(workdir, runner):
    roi = workdir / "content/calculators/renewal-roi.yaml"
    de = workdir / "content/calculators/renewal-roi.de.yaml"
    edit(roi, "went from 14 to 2 hours", "went from 14 to 2 hours (86% less)")
    edit(de, "statt 14 nur noch 2 Stunden", "statt 14 nur noch 1,5 Stunden")
    # the German file is another helper's to polish: its lines may move, the words may not
    where = at(de, "brauchte statt 14")
    assert check(runner) == [
        f"content/calculators/renewal-roi.de.yaml:{where}: cites.says: '1,5' is not a "
        "figure the story 'logistics-software-team' states: use only its figures (3 weeks, "
        "14, 2, ±18%, ±6%)",
        "content/calculators/renewal-roi.yaml:94:13: cites.says: '86%' is not a figure "
        "the story 'logistics-software-team' states: use only its figures (3 weeks, 14, 2, "
        "±18%, ±6%)",
        "Aborted with 2 content errors"]


def test_an_input_without_help_shows_its_citation_as_its_description(tmp_path):
    """An input (not only an assumption) may cite a story; with no `help` of its own the
    citation becomes the field's description (so a screen reader reads it with the field)."""
    content = tmp_path / "content"
    shutil.copytree(DEMO_CONTENT, content)
    edit(content / "calculators/renewal-roi.yaml", "    default: 6\n",
         "    default: 6\n    cites:\n      story: logistics-software-team\n"
         "      says: built its health reports with a team of four.\n")
    app = make_app(tmp_path, content)
    try:
        page = app.test_client().get("/calculators/renewal-roi/").get_data(as_text=True)
    finally:
        app.extensions["buyerkit.store"].dispose()
    assert ('<p class="hint" id="f-i-csm_count-help"><span class="story-cite">Customer '
            'evidence: <a href="/customers/logistics-software-team/">A 120-person logistics '
            "software company in the UK</a> built its health reports with a team of four."
            "</span></p>") in page
    assert re.search(r'id="f-i-csm_count" value="6"\s+aria-describedby="f-i-csm_count-help"',
                     page)
