"""Every German page a prospect can reach reads as German (issue #21, "complete and
believable"): no English interface phrase from the catalog is left on it, no template slot is
left unfilled or filled twice ("7 Wochen bis bis …"), the share e-mail drafts read right for
every role (never "unsere Champion"), and the freeze writes a German 404 page that its nginx
snippet shows for a miss under /de/.

The English phrases are derived from the catalog, not typed in: every msgid fragment of two
words or more (text between placeholders and tags) whose German differs. A few stay English
on purpose; `STAYS_ENGLISH` names each with its reason."""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

from buyerkit.content.catalog import get_catalog
from buyerkit.freeze.build import freeze_site
from buyerkit.handoff.targets import new_secret
from buyerkit.pages.forms import step_form
from buyerkit.pages.guides import guide_email
from tests.conftest import DEMO_CONTENT, ROOT, make_app
from tests.pages.test_second_diagnostic import CASES

PO = ROOT / "site" / "buyerkit" / "translations" / "de" / "LC_MESSAGES" / "messages.po"

# msgid fragments that may stand on a German page, and why.
STAYS_ENGLISH = {
    # The notice offering the page in English and its button: English on purpose, marked
    # lang="en" (removed from the page before the check, listed here for pages that keep it).
    "This page is also available in": "the English suggestion, in English on purpose",
    "No, thanks": "the English suggestion's button, in English on purpose",
}
SLOT = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}|<[^>]*>|\n")
# Words that never stand twice in a row in German (a slot's word and the content's word).
DOUBLED = re.compile(r"\b(bis|und|oder|mit|für|von|zum|zur|auf|im|in|ist|nicht|Sie)\s+\1\b")


def english_phrases() -> list[str]:
    """Fragments of the English msgids (two words or more) that the German catalog does not
    use itself: none of them may appear on a German page."""
    with PO.open("rb") as f:
        catalog = read_po(f)
    german = " ".join(" ".join(m.string) if isinstance(m.string, tuple) else m.string
                      for m in catalog if m.id)
    found = set()
    for m in catalog:
        for msgid in (m.id if isinstance(m.id, tuple) else (m.id,)):
            for frag in SLOT.split(msgid or ""):
                frag = frag.strip(" .,:;!?()—–-\"'“”")
                if len(frag.split()) >= 2 and frag not in german \
                        and not any(frag.startswith(s) for s in STAYS_ENGLISH):
                    found.add(frag)
    return sorted(found)


ENGLISH = english_phrases()


def own_language(html: str) -> str:
    """The page without what speaks English on purpose: the language switch, the suggestion
    of the English page, and any element marked lang="en" (an original quote, a consent
    record kept as the customer gave it, English captions)."""
    html = re.sub(r'<p class="language-switch">.*?</p>', "", html, flags=re.S)
    html = re.sub(r'<div class="language-suggestion".*?</div>\s*</div>', "", html, flags=re.S)
    html = re.sub(r'<(?!html\b|main\b)(\w+)[^>]*\slang="en"[^>]*>.*?</\1>', "", html,
                  flags=re.S)
    return " ".join(html_lib.unescape(html).split())


def visible_text(html: str) -> str:
    """What a reader sees: the page's text without tags and attribute values. A frozen
    diagnostic's `data-pipe` text quotes an earlier answer as `{answer:id}` until its script
    fills it in, before the step is shown (the page needs JavaScript and says so)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    html = re.sub(r"<(\w+)[^>]*\sdata-pipe=[^>]*>.*?</\1>", "", html, flags=re.S)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def problems(html: str) -> list[str]:
    """Everything that shows a German page is not finished."""
    page = own_language(html)
    text = visible_text(html)
    found = [f"English: {p!r}" for p in ENGLISH if p in page]
    found += [f"doubled: {m.group(0)!r}" for m in DOUBLED.finditer(text)]
    found += [f"unfilled slot: {s!r}" for s in re.findall(r"%\([a-z_]+\)[sd]?|\{[a-z_:]+\}",
                                                           text)]
    found += [f"template syntax: {s!r}" for s in ("{{", "{%", "%(") if s in html]
    found += [f"raw value: {s!r}" for s in re.findall(r"\b[a-z0-9]+_[a-z0-9_]+\b", text)]
    if re.search(r"<main\b[^>]*\slang=", html):  # every German demo page is translated
        found.append("shown in the default language")
    return found


def pairs(answers: dict) -> list[tuple[str, str]]:
    return [(k, v) for k, vs in answers.items() for v in (vs if isinstance(vs, list) else [vs])]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The demo with a hand-off target (nobody is asked to reach it: worker off)."""
    app = make_app(tmp_path_factory.mktemp("wording"), DEMO_CONTENT, HANDOFF_WORKER="off",
                   RATELIMIT_API="100000 per minute", HANDOFF_TARGETS=[
                       {"name": "hook", "type": "webhook", "url": "http://127.0.0.1:9/hook",
                        "secret": new_secret()}])
    yield app
    app.extensions["buyerkit.handoff"].close()
    app.extensions["buyerkit.store"].dispose()


def sitemap_pages(client) -> list[str]:
    xml = client.get("/sitemap.xml").get_data(as_text=True)
    return [re.sub(r"^https?://[^/]+", "", u) for u in re.findall(r"<loc>([^<]+)</loc>", xml)
            if "/de/" in u]


def test_the_english_list_is_the_catalogs_and_finds_english(app):
    # The list is big enough to mean something, and it does find English on an English page.
    assert len(ENGLISH) > 200
    assert "Share with your team" in ENGLISH and "Why we say this" in ENGLISH
    client = app.test_client()
    assert problems(client.get("/guides/cfo/").get_data(as_text=True))
    assert problems('<p>7 Wochen bis bis zur ersten Verlängerung</p>') == \
        ["doubled: 'bis bis'"]
    assert problems("<p>Für unsere {role}</p>") == ["unfilled slot: '{role}'"]
    assert problems("<dd>200_999, annual</dd>") == ["raw value: '200_999'"]
    assert problems('<main id="main" lang="en"><p>Hallo</p></main>') == \
        ["shown in the default language"]


def test_every_german_page_in_the_sitemap(app):
    client = app.test_client()
    pages = sitemap_pages(client)
    assert len(pages) >= 20 and "/de/customers/tidewater-payroll/" in pages
    for path in pages:
        resp = client.get(path)
        assert resp.status_code == 200, path
        html = resp.get_data(as_text=True)
        assert '<html lang="de"' in html, path
        assert problems(html) == [], path


@pytest.mark.parametrize("case", sorted(CASES), ids=lambda c: f"{c[0]}:{c[1]}")
def test_every_german_verdict(app, case):
    client = app.test_client()
    slug, _ = case
    answers, _ = CASES[case]
    query = "&".join(f"{k}={v}" for k, v in pairs(answers))
    resp = client.get(f"/de/diagnostics/{slug}/result/?{query}")
    assert resp.status_code == 200
    assert problems(resp.get_data(as_text=True)) == []


@pytest.mark.parametrize("slug", ["renewal-risk-check", "reporting-time-check"])
def test_every_german_step_its_errors_and_the_verdict_reached(app, slug):
    client = app.test_client()
    d = get_catalog_for(app, slug)
    answers = CASES[slug, "fit"][0]
    seen = 0
    for i in range(len(d.steps)):
        data = MultiDict([*pairs(answers), ("step", str(i)), ("go", "next")])
        resp = client.post(f"/de/diagnostics/{slug}/", data=data, follow_redirects=True)
        assert resp.status_code == 200
        assert problems(resp.get_data(as_text=True)) == [], i
        seen += 1
    assert seen == len(d.steps)
    first = client.get(f"/de/diagnostics/{slug}/")
    assert problems(first.get_data(as_text=True)) == []
    missing = client.post(f"/de/diagnostics/{slug}/", data={"step": "0", "go": "next"})
    assert missing.status_code == 400
    html = missing.get_data(as_text=True)
    assert "Fehler" in html and problems(html) == []


def get_catalog_for(app, slug: str):
    with app.test_request_context("/"):
        return get_catalog().diagnostics[slug]


def test_the_german_hand_off_form_and_sent_page(app):
    client = app.test_client()
    data = MultiDict([*pairs(CASES["renewal-risk-check", "fit"][0]), ("step", "3"),
                      ("go", "next")])
    page = client.post("/de/diagnostics/renewal-risk-check/", data=data,
                       follow_redirects=True).get_data(as_text=True)
    assert problems(page) == []
    form = page.split('class="handoff"', 1)[1].split("</form>", 1)[0]
    hidden = re.findall(r'<input[^>]*name="([^"]+)"[^>]*type="hidden" value="([^"]*)"', form) + \
        re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)
    action = re.search(r'<form method="post" action="([^"]+)"', form).group(1)
    bad = client.post(action, data=MultiDict([*hidden, ("email", "nope")]))
    assert bad.status_code == 400 and problems(bad.get_data(as_text=True)) == []
    sent = client.post(action, data=MultiDict([*hidden, ("email", "ana@acme.example"),
                                               ("note", "Verlängerungen im Mai."),
                                               ("consent", "y")]))
    html = sent.get_data(as_text=True)
    assert sent.status_code == 200 and problems(html) == []
    # What was sent, in words: the answers' labels, never their codes.
    assert "<li>200 bis 999</li>" in html and "<li>Leitung Customer Success</li>" in html


def test_the_german_pool_form_and_its_answers(app):
    client = app.test_client()
    data = MultiDict([*pairs(CASES["renewal-risk-check", "fit"][0]), ("step", "3"),
                      ("go", "next")])
    page = client.post("/de/diagnostics/renewal-risk-check/", data=data,
                       follow_redirects=True).get_data(as_text=True)
    form = page.split('action="/de/company/"', 1)[1].split("</form>")[0]
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)
    bad = client.post("/de/company/", data=MultiDict([*hidden, ("domain", "not a domain")]))
    good = client.post("/de/company/", data=MultiDict([*hidden, ("domain", "acme.example")]))
    assert bad.status_code == 400 and good.status_code == 200
    assert problems(bad.get_data(as_text=True)) == []
    assert problems(good.get_data(as_text=True)) == []


def test_a_german_calculator_link_with_numbers_and_a_wrong_one(app):
    client = app.test_client()
    # The page without JavaScript reads its GET form as typed in the page's language.
    ok = client.get("/de/calculators/renewal-roi/?i.arr=3.450.000,50&i.churn_rate=12,5")
    html = ok.get_data(as_text=True)
    assert ok.status_code == 200 and 'value="3.450.000,50"' in html
    assert problems(html) == []
    wrong = client.get("/de/calculators/renewal-roi/?i.arr=lots")
    assert problems(wrong.get_data(as_text=True)) == []


def test_german_error_pages(tmp_path, content_dir):
    app = make_app(tmp_path, content_dir)

    def broken() -> str:
        raise RuntimeError("a bug")

    def bad() -> str:
        raise BadRequest()

    app.view_functions["guides.index"] = broken
    app.view_functions["calculators.index"] = bad
    client = app.test_client()
    for url, status in {"/de/no-such-page/": 404, "/de/customers/nobody/": 404,
                        "/de/guides/": 500, "/de/calculators/": 400}.items():
        resp = client.get(url)
        assert resp.status_code == status, url
        assert problems(resp.get_data(as_text=True)) == [], url
    assert client.post("/de/diagnostics/").status_code == 405
    assert problems(client.post("/de/diagnostics/").get_data(as_text=True)) == []
    app.extensions["buyerkit.store"].dispose()


def test_no_answer_is_said_in_the_pages_language(app):
    # A question quoting an earlier answer that was not given says so in German.
    with app.test_request_context("/de/diagnostics/renewal-risk-check/"), force_locale("de"):
        d = get_catalog().diagnostics["renewal-risk-check"]
        step = d.steps[1]
        q = step.questions[0]
        quoting = d.model_copy(update={"steps": [
            d.steps[0], step.model_copy(update={"questions": [
                q.model_copy(update={"help": "Sie sagten: {answer:visibility}"}),
                *step.questions[1:]]}), *d.steps[2:]]})
        form = step_form(quoting, quoting.steps[1], None, {"symptom": ("surprise_churn",)})
        assert getattr(form, q.id).description == "Sie sagten: (nicht beantwortet)"


def test_share_drafts_read_right_for_every_role(app):
    client = app.test_client()
    with app.test_request_context("/de/guides/"), force_locale("de"):
        catalog = get_catalog()
        site, guides = catalog.site, catalog.guides
        for role, guide in guides.items():
            subject, body = guide_email(site, guide, f"https://h.example/de/guides/{role}/")
            name = guide.meta.name
            assert subject == f"Leitfaden: {name} – {guide.meta.title}"
            assert f"die typischen Fragen der Rolle „{name}“:" in body
            assert problems(f"<p>{subject} {body}</p>") == []
    # The scripts' drafts (guide pages and the verdict's share list) fill the role in the
    # browser: no article or possessive may stand before the slot, whatever the role.
    from tests.pages.test_i18n_pages import labels
    from tests.pages.test_i18n_verdict import words
    guide_words = labels(client.get("/de/guides/cfo/").get_data(as_text=True))
    verdict = client.get("/de/diagnostics/renewal-risk-check/result/?" + "&".join(
        f"{k}={v}" for k, v in pairs(CASES["renewal-risk-check", "fit"][0])))
    verdict_words = words(verdict.get_data(as_text=True))
    drafts = [(guide_words["messages"]["guide_subject"], "{name}"),
              (guide_words["messages"]["guide_body"], "{name}"),
              (verdict_words["subject"], "{role}"), (verdict_words["body"], "{role}")]
    before = re.compile(r"\b(unser\w*|Ihr\w*|die|der|den|dem|des)\s+„?$")
    for template, slot in drafts:
        head = template.split(slot)[0]
        assert not before.search(head), template
        for name in guide_words["roles"].values():
            filled = template.replace(slot, name)
            assert not re.search(rf"\bunsere?[mnrs]? {re.escape(name)}\b", filled), filled


def test_the_freeze_writes_a_german_404_that_nginx_shows_under_de(tmp_path, content_dir):
    app = make_app(tmp_path, content_dir)
    dest = tmp_path / "build"
    freeze_site(app, dest, "https://score.harborline.example")
    app.extensions["buyerkit.store"].dispose()
    german = (dest / "de" / "404.html").read_text()
    assert '<html lang="de"' in german and "<h1>Seite nicht gefunden</h1>" in german
    assert 'href="/de/diagnostics/"' in german and problems(german) == []
    english = (dest / "404.html").read_text()
    assert '<html lang="en"' in english and "<h1>Page not found</h1>" in english
    nginx = (dest / "nginx.conf").read_text().splitlines()
    assert "error_page 404 /404.html;" in nginx
    assert "location /de/ { error_page 404 /de/404.html; }" in nginx
    # Every frozen German page, the one-page diagnostics included, passes the same checks.
    frozen = sorted(Path(dest / "de").rglob("*.html"))
    assert len(frozen) >= 22
    for page in frozen:
        assert problems(page.read_text()) == [], page
