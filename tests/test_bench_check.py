"""tools/bench_check.py runs both sides of the check in one run and says whether the targets
were met (its exit status agrees)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_check_reports_the_ratio_and_the_targets():
    proc = subprocess.run([sys.executable, str(ROOT / "tools/bench_check.py"), "--rounds", "3"],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    out = proc.stdout
    ratio = float(re.search(r"ratio on / off \(CPU\)\s+([\d.]+)x", out).group(1))
    assert 0.3 < ratio < 5
    for row in ("explain, per diagnostic (load + table), CPU",
                "analysis of 40 x 12 multi-choice, CPU",
                "the same, 8 conditional (16 paths), CPU"):
        assert re.search(rf"{re.escape(row)}\s+[\d.]+ ms", out), row
    assert out.splitlines()[-1] == ("all targets met" if proc.returncode == 0
                                    else "a target was missed")
