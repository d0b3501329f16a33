#!/usr/bin/env python3
"""How long the dev server takes to serve a content edit: from the file's write to the new
catalog in place (watchfiles' notice, the reload, the swap), against the floor of loading the
same content once in the same run.

    .venv/bin/python tools/bench_reload.py [--rounds 20] [--content DIR]

Each round edits the demo's site.yaml (a copy in a temporary folder) and waits for the live
preview's version to move; it prints the median and 90th percentile of the edit-to-swap time,
the median of a plain load_catalog() of the same folder, and their ratio. Target: a reload
within 300 ms of the edit on the demo content.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "site"))

from buyerkit import create_app  # noqa: E402
from buyerkit.content.catalog import load_catalog  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        shutil.copytree(args.content, content)
        app = create_app({"TESTING": True, "PREVIEW": True, "CONTENT_DIR": str(content),
                          "INSTANCE_PATH": str(Path(tmp) / "instance"),
                          "SECRET_KEY": "bench"})
        live = app.extensions["buyerkit.live"]
        time.sleep(0.5)  # the watcher is up
        site = content / "site.yaml"
        text = site.read_text()
        reloads, floors = [], []
        for n in range(args.rounds):
            seen = live.version
            start = time.perf_counter()
            site.write_text(text.replace("tagline: ", f"tagline: ({n}) ", 1))
            if live.wait(seen, 10.0) == seen:
                print("Error: no reload within 10 s", file=sys.stderr)
                return 1
            reloads.append(live.reloaded_at - start)
            assert f"({n})" in app.extensions["buyerkit.catalog"].site.vendor.tagline
            t = time.perf_counter()
            load_catalog(content)
            floors.append(time.perf_counter() - t)
            time.sleep(0.1)
        live.close()
        app.extensions["buyerkit.store"].dispose()
    med, p90 = statistics.median(reloads), statistics.quantiles(reloads, n=10)[-1]
    floor = statistics.median(floors)
    print(f"rounds {args.rounds}: edit to reload median {med * 1000:.0f} ms, "
          f"p90 {p90 * 1000:.0f} ms; load_catalog alone {floor * 1000:.0f} ms; "
          f"ratio {med / floor:.2f}x")
    print("target (300 ms):", "met" if p90 <= 0.300 else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
