"""Branching on the no-JS pages: hidden questions and skipped steps, progress, quoted answers,
and step_reached recorded only for the steps a prospect was shown."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import make_app
from tests.content.test_branching import STEP_BRANCH
from tests.content.test_scoring import FIT
from tests.pages.test_pages import URL, hidden, post_step

CHURN_QUOTE = ("You said: “Customers we thought were healthy cancelled, and we found out at "
               "renewal time.”")


def step_one(client, symptom: str):
    carried = hidden(client.get(URL).get_data(as_text=True))
    answers = {"symptom": symptom, "visibility": ["usage_unread"]}
    return post_step(client, 0, answers, carried), answers


def test_the_follow_up_and_its_quote_appear_only_after_surprise_churn(client):
    r, _ = step_one(client, "surprise_churn")
    html = r.get_data(as_text=True)
    assert 'name="warning_time"' in html
    assert CHURN_QUOTE in html
    r, _ = step_one(client, "flat_expansion")
    html = r.get_data(as_text=True)
    assert 'name="warning_time"' not in html and "You said" not in html
    assert 'name="trigger"' in html


def test_a_stale_answer_to_a_question_now_hidden_is_dropped(client, store):
    r, answers = step_one(client, "surprise_churn")
    carried = hidden(r.get_data(as_text=True))
    answers = {**answers, "trigger": "new_leader", "warning_time": "at_renewal"}
    r = post_step(client, 1, answers, carried, go="back")
    carried = hidden(r.get_data(as_text=True))
    assert carried["warning_time"] == ["at_renewal"]
    r = post_step(client, 0, {**answers, "symptom": "flat_expansion"}, carried)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and 'value="at_renewal"' not in html


@pytest.fixture
def branched(tmp_path, content_dir):
    (content_dir / "diagnostics" / "renewal-risk-check.de.yaml").unlink()
    path = content_dir / "diagnostics" / "renewal-risk-check.yaml"
    s = path.read_text()
    path.write_text(s.replace("  - id: people\n", STEP_BRANCH.lstrip("\n") + "\n  - id: people\n"))
    app = make_app(tmp_path, content_dir)
    yield app
    app.extensions["buyerkit.store"].dispose()


CHOICE = r'<input(?=[^>]*type="(?:radio|checkbox)")[^>]*name="([^"]+)"'


def walk(client, answers: dict) -> list[str]:
    """Take the check step by step as the pages lead; the progress line of each step."""
    r = client.get(URL)
    seen = []
    while True:
        html = r.get_data(as_text=True)
        if 'name="step"' not in html:
            return seen
        index = int(re.search(r'name="step" value="(\d+)"', html).group(1))
        seen.append(re.search(r'<p id="progress-label">([^<]*)<', html).group(1))
        names = set(re.findall(CHOICE, html))
        given = {k: v for k, v in answers.items() if k in names}
        data = {**hidden(html), **{k: v if isinstance(v, list) else [v] for k, v in given.items()}}
        data.pop("step", None)
        r = post_step(client, index, {}, data)
        assert r.status_code == 200, r.get_data(as_text=True)[:2000]


def reached(store) -> dict[str, list[int]]:
    """The steps each journey recorded as reached."""
    out: dict[str, list[int]] = {}
    for row in store.rows(kind="step_reached"):
        out.setdefault(row["journey"], []).append(json.loads(row["props"])["step"])
    return {k: sorted(v) for k, v in out.items()}


def test_a_skipped_step_is_not_shown_counted_or_recorded(branched):
    client, store = branched.test_client(), branched.extensions["buyerkit.store"]
    one_off = {**FIT, "billing": "one_off"}
    assert walk(client, one_off) == ["Step 1 of 5", "Step 2 of 5", "Step 3 of 5",
                                     "Step 4 of 4"]
    assert list(reached(store).values()) == [[2, 3, 5]]  # step 4 never records step_reached
    assert walk(client, {**FIT, "tracker": "sheet"}) == [
        "Step 1 of 5", "Step 2 of 5", "Step 3 of 5", "Step 4 of 5", "Step 5 of 5"]
    assert sorted(reached(store).values()) == [[2, 3, 4, 5], [2, 3, 5]]
    assert [r["verdict"] for r in store.rows(kind="diagnostic_completed")] in (
        ["not_a_fit", "fit"], ["fit", "not_a_fit"])
