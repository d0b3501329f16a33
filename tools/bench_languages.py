"""Benchmark: a freeze in two languages against the same site in one language.

    .venv/bin/python tools/bench_languages.py [--repeat 5]

Copies the demo content twice into a temporary folder: once as shipped (English and German),
once with German taken out (`languages: [en]`, the *.de.* files removed). Freezes each cold
(a new instance and build folder every run), the two taking turns going first, and prints the
best wall and CPU time of each, the pages written, and the ratio two languages / one language
(issue #21's target: at most 2.1). Exit status 1 when the CPU-time ratio is over the target.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "site"))

from buyerkit import create_app  # noqa: E402
from buyerkit.freeze.build import freeze_site  # noqa: E402

TARGET = 2.1


def one_language(content: Path) -> None:
    """Turn a copy of the demo content into an English-only site."""
    site = content / "site.yaml"
    site.write_text(site.read_text().replace("languages: [en, de]", "languages: [en]"))
    for translation in content.rglob("*.de.*"):
        translation.unlink()


def freeze_once(work: Path, content: Path, run: int) -> tuple[float, float, int]:
    """One cold freeze: (wall seconds, CPU seconds, HTML pages written)."""
    instance, build = work / f"instance-{run}", work / f"build-{run}"
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(instance),
                      "CONTENT_DIR": str(content), "BUILD_DIR": str(build),
                      "SECRET_KEY": "bench", "EVENTS_ENABLED": False})
    gc.collect()
    os.sync()
    wall, cpu = time.perf_counter(), time.process_time()
    freeze_site(app, build, "https://score.example")
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    pages = sum(1 for _ in build.rglob("index.html"))
    app.extensions["buyerkit.store"].dispose()
    shutil.rmtree(build)
    shutil.rmtree(instance)
    return wall, cpu, pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sites = {"one": work / "one" / "content", "two": work / "two" / "content"}
        for path in sites.values():
            shutil.copytree(ROOT / "content", path)
        one_language(sites["one"])
        best: dict[str, tuple[float, float, int]] = {}
        for run in range(args.repeat):
            order = ("one", "two") if run % 2 == 0 else ("two", "one")
            for name in order:
                wall, cpu, pages = freeze_once(work, sites[name], run)
                old = best.get(name)
                best[name] = (min(wall, old[0]) if old else wall,
                              min(cpu, old[1]) if old else cpu, pages)
    one, two = best["one"], best["two"]
    result = {"pages_one_language": one[2], "pages_two_languages": two[2],
              "wall_one_s": round(one[0], 3), "wall_two_s": round(two[0], 3),
              "cpu_one_s": round(one[1], 3), "cpu_two_s": round(two[1], 3),
              "ratio_wall": round(two[0] / one[0], 2), "ratio_cpu": round(two[1] / one[1], 2),
              "target": TARGET}
    print(json.dumps(result))
    return 0 if result["ratio_cpu"] <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
