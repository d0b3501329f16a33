"""The freeze benchmarks still run: tiny sizes, checked for their output, not their figures."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

TOOLS = Path(__file__).resolve().parents[1] / "tools"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=120)


def test_bench_freeze_takes_turns_and_checks_the_floor_both_ways(tmp_path: Path):
    # Two runs: the freeze goes first in the first, the floor in the second; each checks the
    # floor's output byte for byte against the freeze's (an AssertionError would end it).
    proc = subprocess.run([sys.executable, str(TOOLS / "bench_freeze.py"), "--pages", "5",
                           "--big", "10", "--repeat", "2"], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "TMPDIR": str(tmp_path)})
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert proc.returncode in (0, 1), proc.stderr[-2000:]  # 1: a target missed at 5 pages
    runs = re.search(r"cold / floor of each run at 5 pages, wall: ([\d. ]+);", proc.stdout)
    assert runs is not None, proc.stdout
    assert len(runs.group(1).split()) == 2
    assert "floor per page at 10 / at 5, for comparison:" in proc.stdout


def test_bench_files_writes_a_build_per_round(tmp_path: Path):
    proc = _run(str(TOOLS / "bench_files.py"), "--pages", "20", "--rounds", "2", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    rounds = re.findall(r"round (\d): +[\d.]+ s wall, +[\d.]+ s system, +\d+ µs per page",
                        proc.stdout)
    assert rounds == ["1", "2"]
    assert f"{tmp_path}  slowest / fastest round:" in proc.stdout
    assert list(tmp_path.iterdir()) == []  # every tree deleted, and its folder


def test_bench_files_names_a_folder_that_is_not_there(tmp_path: Path):
    missing = tmp_path / "nope"
    proc = _run(str(TOOLS / "bench_files.py"), "--rounds", "1", str(missing))
    assert proc.returncode == 2
    assert proc.stderr == f"Error: {missing} is not a folder\n"
    assert proc.stdout == ""
