"""The target profile on the home page and on a result the profile decided: axe-clean and
nothing cut off at 360 px."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_accessible

SMALL = ("symptom=surprise_churn&visibility=usage_unread&trigger=new_leader&size=under_50"
         "&billing=annual&crm=salesforce&hosting=cloud_ok&role=founder")


@pytest.mark.parametrize("path", ["/", f"/diagnostics/renewal-risk-check/result/?{SMALL}"],
                         ids=["home", "too-small"])
def test_profile_is_shown_and_accessible(page, live, path):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live.url + path)
    profile = page.locator("dl.profile")
    profile.scroll_into_view_if_needed()
    assert profile.is_visible()
    assert "50 to 199; 200 to 999" in profile.inner_text()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
