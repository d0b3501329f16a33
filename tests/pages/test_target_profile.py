"""The target profile declared once in site.yaml shows on the pages that promise it."""

from __future__ import annotations

import html
import re

from tests.pages.test_verdict_parity import from_page

PROFILE = ('<dl class="facts profile"><div><dt>Company size</dt><dd>50 to 199; 200 to 999'
           '</dd></div><div><dt>How customers pay</dt><dd>Annual or multi-year subscriptions; '
           'Monthly subscriptions</dd></div><div><dt>Where customer records live</dt><dd>'
           'Salesforce; HubSpot; Another CRM</dd></div><div><dt>Hosting</dt><dd>No; a SOC 2 '
           'audited cloud service in the EU or US is acceptable</dd></div>')
SMALL = {"symptom": ("surprise_churn",), "visibility": ("usage_unread",),
         "trigger": ("new_leader",), "size": ("under_50",), "billing": ("annual",),
         "crm": ("salesforce",), "hosting": ("cloud_ok",), "role": ("founder",)}


def text(r) -> str:
    """The page's HTML with the white space between tags removed."""
    return re.sub(r">\s+<", "><", html.unescape(r.get_data(as_text=True)))


def test_home_lists_the_answers_inside_the_profile(client):
    page = text(client.get("/"))
    assert PROFILE in page
    assert "<dt>Industries</dt><dd>B2B software, Data and analytics" in page


def result_page(client, answers) -> tuple[str, tuple[str, ...], str]:
    verdict, codes = from_page(client, answers)
    r = client.get("/diagnostics/renewal-risk-check/result/?"
                   + "&".join(f"{q}={v}" for q, vs in answers.items() for v in vs))
    return verdict, codes, text(r)


def test_the_twenty_person_company_sees_too_small_and_the_profile(client):
    verdict, codes, page = result_page(client, SMALL)
    assert (verdict, codes) == ("not_a_fit", ("too_small_yet",))
    assert '<h2 id="profile-h">Whom Harborline serves well</h2>' in page
    assert PROFILE in page


def test_a_verdict_the_profile_did_not_decide_does_not_show_it(client):
    _, codes, page = result_page(client, {**SMALL, "size": ("200_999",),
                                          "symptom": ("thin_pipeline",)})
    assert codes == ("problem_is_acquisition",)
    assert not re.search(r'id="profile-h"', page)
