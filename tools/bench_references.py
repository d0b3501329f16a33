#!/usr/bin/env python3
"""What matching customer stories adds to a page render: the fit verdict page rendered with the
demo's stories and with none (same app, same run), and the match function alone.

    .venv/bin/python tools/bench_references.py [--renders 300]

Prints microseconds per render for both, the difference (the cost of the match and its
partial; the target is under 1 ms) and their ratio.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path
from types import MappingProxyType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ANSWERS = ("symptom=surprise_churn&visibility=usage_unread&trigger=new_leader&size=200_999"
           "&billing=annual&crm=salesforce&hosting=cloud_ok&role=cs_leader")


def per_render(client, url: str, n: int) -> float:
    """Microseconds per GET of `url`, over n renders."""
    start = time.perf_counter()
    for _ in range(n):
        assert client.get(url).status_code == 200
    return (time.perf_counter() - start) / n * 1e6


def partial(app, catalog, n: int) -> float:
    """Microseconds for what the match adds to the verdict page: scoring's result matched to
    the stories and _stories.html rendered, in the page's own request context."""
    from buyerkit.content.scoring import check_answers, score

    d = catalog.diagnostics["renewal-risk-check"]
    raw = {k: v for k, v in (pair.split("=") for pair in ANSWERS.split("&"))}
    raw["visibility"] = [raw["visibility"]]
    answers, errors = check_answers(d, raw)
    assert not errors
    result = score(d, answers)
    with app.test_request_context("/diagnostics/renewal-risk-check/result/"):
        template = app.jinja_env.get_template("_stories.html")
        ctx = {"result": result, "ctx": {"journey": "94065396-7131-4a67-858b-367df832282b"}}
        app.update_template_context(ctx)
        assert "Tidewater Payroll" in template.render(ctx)
        start = time.perf_counter()
        for _ in range(n):
            template.render(ctx)
        return (time.perf_counter() - start) / n * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=300)
    args = parser.parse_args(argv)
    from tests.conftest import DEMO_CONTENT, make_app

    from buyerkit.content.matching import match

    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(Path(tmp), DEMO_CONTENT, EVENTS_ENABLED=False)
        client = app.test_client()
        url = "/diagnostics/renewal-risk-check/result/?" + ANSWERS
        catalog = app.extensions["buyerkit.catalog"]
        assert b"Tidewater Payroll" in client.get(url).data
        empty = dataclasses.replace(catalog, references=MappingProxyType({}))
        with_stories, without = float("inf"), float("inf")
        for _ in range(3):  # alternate, so a noisy neighbour hits both alike
            app.extensions["buyerkit.catalog"] = catalog
            with_stories = min(with_stories, per_render(client, url, args.renders))
            app.extensions["buyerkit.catalog"] = empty
            assert b"Tidewater Payroll" not in client.get(url).data
            without = min(without, per_render(client, url, args.renders))
        app.extensions["buyerkit.catalog"] = catalog
        partial_us = partial(app, catalog, args.renders * 10)
        start = time.perf_counter()
        for _ in range(10_000):
            match(catalog.references, "fit", "retain_expand", "200_999", "authority_shift")
        match_us = (time.perf_counter() - start) / 10_000 * 1e6
        app.extensions["buyerkit.store"].dispose()
    print(f"verdict page, no stories:    {without:8.1f} µs per render")
    print(f"verdict page, with stories:  {with_stories:8.1f} µs per render "
          f"(difference {with_stories - without:.1f} µs, ratio {with_stories / without:.3f})")
    print(f"match + stories partial:     {partial_us:8.1f} µs per render "
          f"({partial_us / with_stories:.1%} of the page; target < 1000 µs)")
    print(f"match() alone:               {match_us:8.2f} µs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
