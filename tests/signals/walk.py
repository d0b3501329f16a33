"""Walk the demo diagnostic through the test client, as a browser without JavaScript would."""

from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict

URL = "/diagnostics/renewal-risk-check/"
STEPS = [{"symptom": "surprise_churn", "visibility": ["usage_unread"]},
         {"trigger": "new_leader"},
         {"size": "50_199", "billing": "annual", "crm": "hubspot", "hosting": "cloud_ok"},
         {"role": "cs_leader", "group": ["cfo", "security"]}]
_HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')


def hidden(html: str) -> MultiDict:
    return MultiDict(_HIDDEN.findall(html))


def walk(client, *, upto: int = len(STEPS), query: str = "", extra: dict | None = None,
         **kw) -> tuple[str, MultiDict]:
    """GET step 1, then post steps 1..upto; return the last page and its hidden fields."""
    r = client.get(URL + query, **kw)
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    for answers in STEPS[:upto]:
        form = hidden(html)
        for k, v in {**answers, **(extra or {})}.items():
            form.setlist(k, v if isinstance(v, list) else [v])
        form["go"] = "next"
        # the last step redirects to the verdict's own address (post/redirect/get)
        r = client.post(URL, data=form, follow_redirects=True, **kw)
        assert r.status_code == 200, r.get_data(as_text=True)[:500]
        html = r.get_data(as_text=True)
    return html, hidden(html)
