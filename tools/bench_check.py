"""What the exact analysis of diagnostics costs `buyerkit check`, and how fast `explain` is.

Loads the demo content with the analysis off and on, alternating, in the same run, and
reports the median of each and their ratio, in wall-clock and in CPU time (target: CPU ratio at
most 1.2, as other jobs on the machine distort wall-clock time); then times the verdict table
of each diagnostic as `buyerkit explain` makes it, Python's start-up and imports aside (target:
under 200 ms), the analysis of a diagnostic with 40
multi-choice questions of 12 answers each (2^480 answer sets; target: under 1 s), and the same
diagnostic with branching: 8 questions asked only after 4 single-choice controllers' answers
(16 paths; target: under 1 s).

    .venv/bin/python tools/bench_check.py [--rounds 15] [--content content]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests/ holds the 40 x 12 diagnostic

from buyerkit.content.analysis import DIMENSIONS, Analysis  # noqa: E402
from buyerkit.content.catalog import load_catalog  # noqa: E402
from buyerkit.content.commands import _load as load_for_explain  # noqa: E402
from buyerkit.content.explain import as_text, explain  # noqa: E402
from buyerkit.content.findings import findings  # noqa: E402
from buyerkit.content.loading import SLUG_NAME  # noqa: E402


def _time(fn, rounds: int, clock=time.perf_counter) -> list[float]:
    """Seconds per call: wall-clock time, or with clock=time.process_time the CPU time this
    process used (what the work costs when other jobs share the machine's cores)."""
    out = []
    for _ in range(rounds):
        started = clock()
        fn()
        out.append(clock() - started)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15, help="Repetitions of each (15).")
    parser.add_argument("--content", type=Path, default=ROOT / "content",
                        help="Content folder (default: the demo).")
    args = parser.parse_args(argv)
    load_catalog(args.content)  # warm imports and caches before anything is timed
    off, on, off_cpu, on_cpu = [], [], [], []
    for _ in range(args.rounds):  # alternate, so a noisy neighbour hits both alike
        off += _time(lambda: load_catalog(args.content, analyse=False), 1)
        on += _time(lambda: load_catalog(args.content), 1)
        off_cpu += _time(lambda: load_catalog(args.content, analyse=False), 1,
                         time.process_time)
        on_cpu += _time(lambda: load_catalog(args.content), 1, time.process_time)
    ratio = statistics.median(on) / statistics.median(off)
    ratio_cpu = statistics.median(on_cpu) / statistics.median(off_cpu)

    slugs = sorted(p.stem for p in (args.content / "diagnostics").glob("*.yaml")
                   if SLUG_NAME.fullmatch(p.stem))  # translations (cfo.de.yaml) aside

    def table() -> str:  # what `buyerkit explain SLUG` does once Python has started
        lines = []
        for slug in slugs:
            d, site = load_for_explain(args.content, slug)
            lines.append(as_text(d, explain(d, site.target_profile.answers.get(slug))))
        return "".join(lines)
    explain_s = statistics.median(_time(table, args.rounds)) / max(1, len(slugs))
    explain_cpu = statistics.median(_time(table, args.rounds, time.process_time)) \
        / max(1, len(slugs))

    from tests.content.test_analysis import big, big_branching

    def analyse(d) -> None:
        a = Analysis(d)
        findings(d, None, a)
        for n in DIMENSIONS:
            a.dimension(n)

    def measure(d) -> tuple[float, float]:
        n = max(3, args.rounds // 5)
        return (statistics.median(_time(lambda: analyse(d), n)),
                statistics.median(_time(lambda: analyse(d), n, time.process_time)))
    big_s, big_cpu = measure(big())
    branch_d = big_branching()
    branch_paths = len(Analysis(branch_d).paths)
    branch_s, branch_cpu = measure(branch_d)

    rows = [
        ("check, analysis off (median)", f"{statistics.median(off) * 1000:.1f} ms", ""),
        ("check, analysis on (median)", f"{statistics.median(on) * 1000:.1f} ms", ""),
        ("wall-clock ratio on / off", f"{ratio:.2f}x", ""),
        ("check, analysis off / on, CPU (medians)",
         f"{statistics.median(off_cpu) * 1000:.0f} / {statistics.median(on_cpu) * 1000:.0f} ms",
         ""),
        ("ratio on / off (CPU)", f"{ratio_cpu:.2f}x", "<= 1.2x"),
        ("explain, per diagnostic (load + table), wall", f"{explain_s * 1000:.1f} ms", ""),
        ("explain, per diagnostic (load + table), CPU", f"{explain_cpu * 1000:.1f} ms",
         "< 200 ms"),
        ("analysis of 40 x 12 multi-choice, wall", f"{big_s * 1000:.1f} ms", ""),
        ("analysis of 40 x 12 multi-choice, CPU", f"{big_cpu * 1000:.1f} ms", "< 1000 ms"),
        (f"the same, 8 conditional ({branch_paths} paths), wall", f"{branch_s * 1000:.1f} ms",
         ""),
        (f"the same, 8 conditional ({branch_paths} paths), CPU",
         f"{branch_cpu * 1000:.1f} ms", "< 1000 ms"),
        ("load average (1 min) while measuring", f"{os.getloadavg()[0]:.1f}", ""),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>10}  {target}")
    met = ratio_cpu <= 1.2 and explain_cpu < 0.2 and big_cpu < 1.0 and branch_cpu < 1.0
    print("all targets met" if met else "a target was missed")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
