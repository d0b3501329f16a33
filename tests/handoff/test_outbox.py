"""The outbox on SQLite and PostgreSQL: committed rows, claims taken once, retries, purge."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from buyerkit.content.catalog import load_catalog
from buyerkit.handoff.outbox import Outbox, Replayed
from buyerkit.handoff.requests import Submission, make_request
from tests.conftest import DEMO_CONTENT


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(DEMO_CONTENT)


@pytest.fixture
def outbox(store_url: str):
    box = Outbox(store_url)
    yield box
    box.dispose()


def request(catalog):
    from buyerkit.api.openapi import example_answers

    d = catalog.diagnostics["renewal-risk-check"]
    return make_request(catalog, Submission(d.slug, example_answers(d), "a@b.example",
                                            consent=True), 30, now=datetime.now(UTC))


def test_a_claim_is_taken_once_until_its_lease_ends(outbox, catalog):
    for _ in range(3):
        outbox.add(request(catalog), ["hook", "mail"], None)
    now = time.time()
    first = outbox.claim(4, lease=60, now=now)
    second = outbox.claim(10, lease=60, now=now)
    assert len(first) == 4 and len(second) == 2
    assert not {c.id for c in first} & {c.id for c in second}
    assert outbox.claim(10, lease=60, now=now + 1) == []
    again = outbox.claim(10, lease=60, now=now + 61)  # the loop that took them died
    assert len(again) == 6 and all(c.attempt == 2 for c in again)


def test_a_nonce_is_used_once(outbox, catalog):
    outbox.add(request(catalog), ["hook"], "form:abc")
    with pytest.raises(Replayed):
        outbox.add(request(catalog), ["hook"], "form:abc")
    assert len(outbox.bodies()) == 1


def test_counts_retry_and_purge(outbox, catalog):
    outbox.add(request(catalog), ["hook"], None)
    outbox.add(request(catalog), ["hook"], None)
    a, b = outbox.claim(2, lease=60)
    outbox.delivered(a.id, now=time.time() - 31 * 86400)
    outbox.failed(b.id, "receiver answered 410 Gone", None)
    assert outbox.counts() == {"pending": 0, "delivered": 1, "failed": 1}
    assert outbox.purge(30) == 1  # the failed one is recent: kept
    assert outbox.retry([b.request]) == 1
    assert outbox.counts() == {"pending": 1, "delivered": 0, "failed": 0}
    assert outbox.purge(30) == 0
