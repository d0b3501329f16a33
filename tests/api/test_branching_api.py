"""The scoring endpoint refuses an answer to a question the other answers hide (show_if)."""

from __future__ import annotations

from tests.content.test_scoring import FIT

SLUG = "renewal-risk-check"


def test_an_answer_to_a_hidden_question_is_a_400_with_the_reason(client, store):
    answers = {**FIT, "symptom": "flat_expansion", "warning_time": "at_renewal"}
    r = client.post("/api/v1/score", json={"diagnostic": SLUG, "answers": answers})
    assert r.status_code == 400
    assert r.get_json() == {"ok": False, "error": "Some answers are not valid.", "status": 400,
                            "errors": [{"field": "answers.warning_time", "message": (
                                "Question 'warning_time' is not asked after the earlier "
                                "answers, so it cannot be answered.")}]}
    assert store.rows() == []


def test_the_same_answer_is_scored_when_the_question_is_shown(client):
    answers = {**FIT, "warning_time": "at_renewal"}
    r = client.post("/api/v1/score", json={"diagnostic": SLUG, "answers": answers})
    assert r.status_code == 200 and r.get_json()["verdict"] == "fit"
