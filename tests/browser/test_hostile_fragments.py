"""Generated hostile URL fragments fed to every page that reads one: no page error, no dialog,
no NaN or Infinity shown, and a link past the limits gives the page's defaults with a notice.
(A long run: tools/fuzz.sh sets HYPOTHESIS_PROFILE=long.)"""

from __future__ import annotations

import os
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import expect

from buyerkit.pages.public import sitemap_routes
from tests.browser.test_static_build import site  # noqa: F401  (the frozen site, served)

LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
# Every key a page script reads from a fragment, and the prototype keys it must ignore.
KEYS = ["calc", "s", "i.arr", "i.churn_rate", "i.surprise_share", "a.win_back", "d", "v", "b",
        "t", "g", "j", "from", "done", "__proto__", "constructor", "prototype", "toString",
        "hasOwnProperty", "i.__proto__", "a.constructor"]
VALUES = ["renewal-roi", "life-after-harborline", "renewal-risk-check", "fit", "not_now",
          "retain_expand", "authority_shift", "cfo", "champion", "expected", "optimistic",
          "NaN", "Infinity", "-Infinity", "1e308", "1e309", "-0", "0x10", "1,000,000",
          "9" * 400, "", " ", "<img src=x onerror=alert(1)>", "javascript:alert(1)",
          "\u202e", "\U0001f600", "%", "%zz", "%00", "a&b=c", "constructor",
          "00000000-0000-4000-8000-000000000000"]
EXAMPLES = 300 if LONG else 15


def _pair(k: str, v: str) -> str:
    return f"{quote(k, safe='._')}={quote(v, safe='')}" if v != "%" else f"{k}=%"


fragment = st.one_of(
    st.lists(st.tuples(st.sampled_from(KEYS), st.one_of(st.sampled_from(VALUES),
                                                         st.text(max_size=30))),
             max_size=12).map(lambda kv: "&".join(_pair(k, v) for k, v in kv)),
    st.text(alphabet="=&%#?._-abcdefgijnostv0123456789", max_size=200),
    st.integers(60, 200).map(lambda n: "&".join(f"i.k{i}=1" for i in range(n))),
    st.integers(4000, 20000).map(lambda n: "calc=renewal-roi&i.arr=" + "1" * n),
)


@pytest.fixture(scope="module")
def pages(live) -> list[str]:
    """Every public page (each loads signals.js, which reads `g` and `j`)."""
    app = live.app
    with app.test_request_context():
        found = {app.url_for(e, **v) for e, v in sitemap_routes(app)}
        # the verdict page reads its fragment too (verdict.js), but is not in the sitemap
        found |= {app.url_for("diagnostics.result", slug=s)
                  for s in app.extensions["buyerkit.catalog"].diagnostics}
    return sorted(found)


class Watcher:
    def __init__(self, page) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))


SHOWN = """() => [document.body.innerText,
  ...[...document.querySelectorAll('input, output, [data-output]')]
     .map((e) => e.value ?? e.textContent)].join('\\n')"""


def _visit(page, live, path: str, frag: str) -> str:
    page.goto(f"{live.url}{path}#{frag}")
    page.wait_for_load_state("networkidle")
    return page.evaluate(SHOWN)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=not LONG, database=None,
          suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_generated_fragments_never_break_a_page(page, live, pages, data):
    watch = Watcher(page)
    path = data.draw(st.sampled_from(pages))
    frag = data.draw(fragment)
    shown = _visit(page, live, path, frag)
    page.evaluate("(f) => { location.hash = f; }", data.draw(fragment))  # and a hashchange
    page.wait_for_timeout(50)
    shown += page.evaluate(SHOWN)
    assert watch.errors == [] and watch.dialogs == [], (path, frag)
    assert "NaN" not in shown and "Infinity" not in shown, (path, frag)


OVER = ["calc=renewal-roi&i.arr=" + "1" * 5000,
        "calc=renewal-roi&" + "&".join(f"x{i}=1" for i in range(100))]


@pytest.mark.parametrize("frag", OVER, ids=["too-long", "too-many-keys"])
def test_a_calculator_link_past_the_limits_shows_the_defaults_with_a_notice(page, live, frag):
    watch = Watcher(page)
    _visit(page, live, "/calculators/renewal-roi/", frag)
    expect(page.locator("#link-notice")).to_be_visible()
    values = page.evaluate("""() => [...document.querySelectorAll('form input[name^="i."],'
        + 'form input[name^="a."]')].map((e) => [e.value, e.defaultValue])""")
    assert values and all(v == d for v, d in values)
    assert watch.errors == []


@pytest.mark.parametrize("frag", OVER[:1], ids=["too-long"])
def test_a_guide_link_past_the_limits_shows_the_general_guide_with_a_notice(page, live, frag):
    watch = Watcher(page)
    _visit(page, live, "/guides/cfo/", frag)
    notice = page.locator("[data-numbers-notice]")
    expect(notice).to_have_text("The numbers in this link could not be read, so this is the "
                                "general guide.")
    expect(page.locator("#team-numbers")).to_be_hidden()
    assert watch.errors == []


def test_prototype_keys_are_ignored(page, live):
    watch = Watcher(page)
    _visit(page, live, "/guides/cfo/",
           "__proto__=x&constructor=y&prototype=z&d=renewal-risk-check&v=fit")
    expect(page.locator("#team-numbers")).to_be_visible()
    assert page.evaluate("() => ({}).x === undefined && typeof ({}).constructor === 'function'")
    assert watch.errors == []


static_fragment = st.one_of(fragment, st.lists(st.tuples(
    st.sampled_from(["a.symptom", "a.visibility", "a.trigger", "a.size", "a.role", "e", "g",
                     "j", "a.__proto__", "__proto__"]),
    st.one_of(st.sampled_from(["surprise_churn", "usage_unread", "new_leader", "50_199",
                               "00000000-0000-4000-8000-000000000000", "x" * 40]),
              st.text(max_size=20))), max_size=15).map(
    lambda kv: "&".join(_pair(k, v) for k, v in kv)))


@settings(max_examples=100 if LONG else 6, deadline=None, derandomize=not LONG, database=None,
          suppress_health_check=list(HealthCheck))
@given(frag=static_fragment)
def test_the_static_diagnostic_survives_generated_fragments(page, site, frag):  # noqa: F811
    """The frozen diagnostic restores answers from `a.*` and `e` in its fragment."""
    watch = Watcher(page)
    page.goto(f"http://127.0.0.1:{site.port}/diagnostics/renewal-risk-check/#{frag}")
    page.wait_for_load_state("networkidle")
    shown = page.evaluate(SHOWN)
    assert watch.errors == [] and watch.dialogs == [], frag
    assert "NaN" not in shown and "Infinity" not in shown, frag
