"""Guides, pricing and comparison as content: located errors, safe Markdown, complete pages."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest

from buyerkit.content.catalog import load_catalog
from buyerkit.content.markup import render_markdown, safe_link
from tests.conftest import FIXTURES, make_app

GUIDES = FIXTURES / "guides"
ROLES = ["champion", "executive", "cfo", "security", "it", "procurement", "legal"]

# Broken guide file -> the exact lines `buyerkit check` prints for it (path shown as {p}).
GUIDE_ERRORS = {
    "no-front-matter.md": [
        "{p}:1:1: a guide must start with front matter: a line '---', the fields, then "
        "another line '---'"],
    "unclosed.md": ["{p}:1:1: front matter is not closed: add a line '---' after its last field"],
    "yaml-error.md": ["{p}:5:1: invalid YAML: expected ',' or ']', but got '<stream end>'"],
    "fields.md": [
        "{p}:6:1: unknown field 'colour'",
        "{p}:7:12: 'questions' needs at least 1 item",
        "{p}:11:11: 'kind' must be 'security_review', 'legal_review', 'budget_approval', "
        "'technical_check' or 'other' (got 'budget')",
        "{p}:14:8: 'order' must be a whole number (got 'first')"],
    "role-mismatch.md": [
        "{p}:2:7: role 'someone-else' must match the file name 'role-mismatch.md'",
        "{p}:11:9: duplicate before_decision id 'rename'"],
    "bad-link.md": ["{p}:13:8: 'url' must be a link starting with https://, mailto:, tel: "
                    "or / (got 'javascript:alert(1)')"],
    "empty-body.md": ["{p}:11:1: the guide has no text after its front matter"],
    "body.md": ["{p}:15:1: use '##' or deeper for headings in a guide: its title is the "
                "page's only '#' heading"],
}


@pytest.mark.parametrize("name", list(GUIDE_ERRORS), ids=list(GUIDE_ERRORS))
def test_guide_content_errors_are_located_lines(runner, content_dir, name):
    dest = content_dir / "guides" / name
    shutil.copy(GUIDES / name, dest)
    result = runner.invoke(["check", content_dir])
    assert result.exit_code == 1
    n = len(GUIDE_ERRORS[name])
    expected = [line.format(p=dest) for line in GUIDE_ERRORS[name]]
    expected.append(f"Aborted with {n} content error{'' if n == 1 else 's'}")
    assert result.stderr.splitlines() == expected
    assert "Traceback" not in result.stderr


def test_pricing_and_comparison_errors_are_located_lines(runner, content_dir):
    shutil.copy(GUIDES / "pricing-bad.yaml", content_dir / "pricing.yaml")
    shutil.copy(GUIDES / "comparison-no-do-nothing.yaml", content_dir / "comparison.yaml")
    for translation in content_dir.glob("*.de.yaml"):  # the demo's German is of other files
        if translation.name != "site.de.yaml":
            translation.unlink()
    result = runner.invoke(["check", content_dir])
    p, c = content_dir / "pricing.yaml", content_dir / "comparison.yaml"
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{c}:7:3: alternatives: name doing nothing too (an alternative with kind: "
        "do_nothing); it is always one",
        f"{c}:12:9: duplicate alternative id 'rival'",
        f"{p}:7:12: 'price' must be text (got 850)",
        f"{p}:10:15: 'includes' needs at least 1 item",
        f"{p}:16:11: 'phases' needs at least 1 item",
        "Aborted with 5 content errors",
    ]


def test_a_translation_with_more_items_than_its_source_is_a_located_line(runner, content_dir):
    """Tiers the source no longer has, left in its translation: one line, never a traceback."""
    shutil.copy(GUIDES / "pricing-bad.yaml", content_dir / "pricing.yaml")
    result = runner.invoke(["check", content_dir])
    assert result.exit_code == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert (f"{content_dir / 'pricing.de.yaml'}:16:3: ids differ from the source: expected "
            "starter; found starter, growth, scale") in result.stderr.splitlines()


def test_demo_content_loads_every_role_in_order():
    catalog = load_catalog(Path(__file__).resolve().parents[2] / "content")
    assert list(catalog.guides) == ROLES
    assert catalog.pricing is not None and catalog.comparison is not None
    kinds = {a.kind for a in catalog.comparison.alternatives}
    assert {"do_nothing", "build", "competitor"} <= kinds


def test_content_without_guides_pricing_or_comparison_still_serves(tmp_path, content_dir):
    shutil.rmtree(content_dir / "guides")
    for path in [*content_dir.glob("pricing*.yaml"), *content_dir.glob("comparison*.yaml")]:
        path.unlink()  # the sources and their translations
    app = make_app(tmp_path, content_dir)
    client = app.test_client()
    home = client.get("/").get_data(as_text=True)
    assert "/pricing/" not in home and "/compare/" not in home and "/guides/" not in home
    assert client.get("/pricing/").status_code == 404
    assert client.get("/compare/").status_code == 404
    assert client.get("/kit/").status_code == 200
    app.extensions["buyerkit.store"].dispose()


MALICIOUS = """## Heading

<script>alert("guide")</script>

<img src=x onerror=alert(1)>

[run](javascript:alert(1)) [data](data:text/html,hi) [other](//evil.example/x)
[ok](https://harborline.example/trust) [mail](mailto:security@harborline.example)
[call](tel:+442079460321) [kit](/kit/) ![a *pic*](https://evil.example/p.png)
"""


def test_markdown_renders_html_as_text_and_keeps_only_safe_links():
    out, problems = render_markdown(MALICIOUS)
    assert problems == []
    assert "<script" not in out and "&lt;script&gt;" in out
    assert "<img" not in out and "&lt;img src=x onerror=alert(1)&gt;" in out
    hrefs = re.findall(r'href="([^"]*)"', out)
    assert hrefs == ["https://harborline.example/trust", "mailto:security@harborline.example",
                     "tel:+442079460321", "/kit/"]
    assert 'rel="noopener"' in out
    assert '<h2 id="heading">' in out
    assert "evil.example/p.png" not in out and "a pic" in out


@pytest.mark.parametrize("url,ok", [
    ("https://a.example/", True), ("mailto:x@y.example", True), ("tel:+1", True),
    ("/kit/", True), ("#part", True), ("../x", True), ("http://a.example/", False),
    ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False), ("//evil.example", False),
    ("data:text/html,x", False), ("vbscript:x", False), ("\\\\evil", False), ("", False),
], ids=lambda v: str(v))
def test_safe_link(url, ok):
    assert safe_link(url) is ok


def test_a_guide_with_a_script_renders_it_as_text(client, content_dir, tmp_path):
    text = (GUIDES / "body.md").read_text().replace("# A second title", MALICIOUS)
    (content_dir / "guides" / "body.md").write_text(text)
    app = make_app(tmp_path, content_dir)
    page = app.test_client().get("/guides/body/").get_data(as_text=True)
    main = page.split('<main id="main"', 1)[1]
    assert "<script>" not in main.split("</main>")[0]
    assert '&lt;script&gt;alert(&quot;guide&quot;)&lt;/script&gt;' in main
    hrefs = re.findall(r'href="([^"]*)"', main)
    assert not [h for h in hrefs if h.startswith(("javascript", "data", "//"))]
    assert "[run](javascript:alert(1))" in main  # shown as the text it is
    app.extensions["buyerkit.store"].dispose()


@pytest.mark.parametrize("role", ROLES, ids=ROLES)
def test_every_guide_is_complete_without_javascript(client, role):
    resp = client.get(f"/guides/{role}/")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "<h1>" in page and "Share with your team" in page
    assert "Next steps, on your terms" in page
    assert re.search(r'href="mailto:\?subject=For%20our%20[^"]+&amp;body=', page)
    assert page.count('<script type="module"') == 1 and "<script>" not in page


@pytest.mark.parametrize("path,title", [
    ("/guides/cfo/", "What your CFO will want to know about Harborline"),
    ("/kit/", "Decision kit for Harborline"),
    ("/pricing/", "Pricing, and what it takes to get started — Harborline"),
], ids=["guide", "kit", "pricing"])
def test_link_previews_have_title_summary_and_absolute_url(client, path, title):
    page = client.get(path).get_data(as_text=True)
    meta = dict(re.findall(r'<meta (?:property|name)="((?:og|twitter):[a-z_]+)" content="([^"]*)"',
                           page))
    assert html.unescape(meta["og:title"]) == title
    assert meta["twitter:title"] == meta["og:title"]
    assert meta["twitter:card"] == "summary"
    assert len(meta["og:description"]) > 40
    assert meta["og:url"] == f"https://harborline.example{path}"


def test_security_guide_says_how_to_get_the_soc2_report(client):
    page = client.get("/guides/security/").get_data(as_text=True)
    assert 'href="mailto:security@harborline.example?subject=SOC%202%20Type%20II%20report' in page
    assert 'data-request-signal="security_review_requested"' in page


def test_comparison_names_doing_nothing_building_and_when_others_are_better(client):
    page = client.get("/compare/").get_data(as_text=True)
    for name in ("Doing nothing", "Building it in-house", "A full customer success platform"):
        assert name in page
    assert page.count("The better choice when") == 7  # six sections and the grid's row


def test_pricing_shows_tiers_start_and_implementation(client):
    page = client.get("/pricing/").get_data(as_text=True)
    for text in ("$2,000 a month", "$4,200 a month", "How to start", "What implementation takes",
                 "What we do not do"):
        assert text in page


def test_result_page_links_to_guides_with_the_result_in_the_fragment(client):
    answers = {"symptom": "surprise_churn", "visibility": "usage_unread", "trigger": "new_leader",
               "size": "50_199", "billing": "annual", "crm": "hubspot", "hosting": "cloud_ok",
               "role": "cs_leader", "group": "cfo", "step": "3"}
    page = client.post("/diagnostics/renewal-risk-check/", data=answers,
                       follow_redirects=True).get_data(as_text=True)
    # ... the size band (`sz`, for matching stories), and the prospect's own journey (`j`),
    # which the guide's script drops from the address
    assert re.search(r'href="/guides/cfo/#d=renewal-risk-check&amp;v=fit&amp;b=retain_expand'
                     r'&amp;sz=50_199&amp;t=authority_shift&amp;j=[0-9a-f-]{36}"', page)
    assert 'href="/kit/#d=renewal-risk-check' in page
