"""Accept-Language never breaks a page and never changes one: whatever the header says
(malformed, huge, hostile), every page answers as it would without it, byte for byte, with no
redirect and no Vary on it. The language comes from the URL alone (docs/languages.md); the
suggestion to read another language is made in the browser (static/languages.js)."""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import DEMO_CONTENT, make_app

# Pages whose bytes depend on nothing but the URL (no per-visit token in them).
SAME = ["/", "/de/", "/guides/cfo/", "/de/guides/cfo/", "/de/calculators/renewal-roi/",
        "/calculators/renewal-roi/?i.arr=1.200", "/de/calculators/renewal-roi/?i.arr=x",
        "/pricing/", "/de/kit/", "/sitemap.xml", "/robots.txt"]
# Pages that must still answer (their status without the header), whatever their bytes.
ALSO = ["/diagnostics/renewal-risk-check/", "/de/diagnostics/renewal-risk-check/",
        "/fr/guides/cfo/", "/de/no-such-page/", "/calculators/renewal-roi.json",
        "/de/calculators/renewal-roi.json", "/api/openapi.json"]

TAG = st.from_regex(r"\A([a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8}){0,3}|\*)\Z", fullmatch=True)
Q = st.one_of(st.from_regex(r"\A[01](\.[0-9]{0,3})?\Z", fullmatch=True),
              st.sampled_from(["nan", "inf", "-1", "1e999", "", "0x1", "١", "0.5.5", "q"]))
WELL_FORMED = st.lists(st.tuples(TAG, st.none() | Q), min_size=1, max_size=12).map(
    lambda items: ", ".join(t if q is None else f"{t};q={q}" for t, q in items))
# Any header value a client can send: Latin-1 text without line breaks (HTTP has no others).
ANY_TEXT = st.text(st.characters(min_codepoint=1, max_codepoint=255,
                                 blacklist_characters="\r\n"), max_size=300)
HUGE = st.builds(lambda part, n: (part + ",") * n,
                 st.sampled_from(["de", "de-DE;q=0.9", "*;q=0", ";;;", "x" * 100, "é"]),
                 st.integers(min_value=500, max_value=20_000))
HEADER = st.one_of(WELL_FORMED, ANY_TEXT, HUGE)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    app = make_app(tmp_path_factory.mktemp("accept"), DEMO_CONTENT)
    yield app.test_client()
    app.extensions["buyerkit.store"].dispose()


@pytest.fixture(scope="module")
def plain(client) -> dict[str, tuple[int, bytes]]:
    """Each page as a browser without Accept-Language gets it."""
    out = {}
    for path in SAME + ALSO:
        r = client.get(path)
        out[path] = (r.status_code, r.data)
    return out


def test_the_plain_pages_are_what_they_should_be(plain):
    assert {p: s for p, (s, _) in plain.items() if s != 200} == {
        "/fr/guides/cfo/": 404, "/de/no-such-page/": 404,
        "/calculators/renewal-roi/?i.arr=1.200": 400,
        "/de/calculators/renewal-roi/?i.arr=x": 400}


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow, HealthCheck.data_too_large])
@given(header=HEADER)
def test_no_accept_language_header_changes_or_breaks_a_page(client, plain, header):
    for path in SAME + ALSO:
        r = client.get(path, headers={"Accept-Language": header})
        status, body = plain[path]
        assert r.status_code == status, (path, header[:80])
        assert "Location" not in r.headers
        assert "accept-language" not in r.headers.get("Vary", "").lower()
        if path in SAME:
            assert r.data == body, (path, header[:80])


def test_german_preference_on_an_english_page_is_not_obeyed(client, plain):
    r = client.get("/guides/cfo/", headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert r.status_code == 200 and r.data == plain["/guides/cfo/"][1]
    assert b'<html lang="en">' in r.data


def test_the_suggestion_is_offered_only_where_a_translation_exists(tmp_path, content_dir):
    """The notice's markup (hidden until languages.js finds the browser prefers it): one per
    other language the page is translated into, in that language's words."""
    (content_dir / "guides/it.de.md").unlink()
    site = content_dir / "site.yaml"
    site.write_text(site.read_text() + "\nuntranslated:\n  de: [guides/it.md]\n")
    app = make_app(tmp_path, content_dir)
    c = app.test_client()
    english = c.get("/guides/cfo/").get_data(as_text=True)
    assert ('<div class="language-suggestion" lang="de" data-language-suggestion="de" hidden>'
            in english)
    assert ('<a href="/de/guides/cfo/" hreflang="de" data-keep-fragment>'
            "Diese Seite gibt es auch auf Deutsch.</a>") in english
    assert ">Nein, danke</button>" in english
    notice = re.search(r'<div class="language-suggestion".*?</div>\n</div>', english, re.S)
    assert notice and len(gzip.compress(notice.group(0).encode())) <= 1024  # issue #21: 1 KB
    german = c.get("/de/guides/cfo/").get_data(as_text=True)
    assert ('<a href="/guides/cfo/" hreflang="en" data-keep-fragment>'
            "This page is also available in English.</a>") in german
    # the IT guide has no German text: nothing to suggest (the switch still offers it)
    it = c.get("/guides/it/").get_data(as_text=True)
    assert "data-language-suggestion" not in it and 'hreflang="de" lang="de"' in it
    # pages without a language (reports, the API) carry no suggestion
    assert b"data-language-suggestion" not in c.get("/reports/").data
    app.extensions["buyerkit.store"].dispose()
