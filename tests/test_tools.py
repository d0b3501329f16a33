"""The benchmarks still run: tiny sizes, checked for their output, not their figures."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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


def _bench_ingest(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    """Run bench_ingest.py (its temporary instances under tmp_path); its JSON summary."""
    proc = subprocess.run([sys.executable, str(TOOLS / "bench_ingest.py"), *args],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "TMPDIR": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc, json.loads(proc.stdout)


def test_bench_ingest_pairs_its_rounds_and_reports_the_machine(tmp_path: Path):
    # Two gunicorn servers on 127.0.0.1 (SQLite), two 1-second rounds each; no steal is
    # small enough for --max-steal -1, so each pair is run once more and the second counts.
    proc, summary = _bench_ingest(tmp_path, "--load", "python", "--seconds", "1",
                                  "--rounds", "2", "--max-steal", "-1", "--reruns", "1")
    assert summary["engine"] == "sqlite"
    assert summary["on_rps"] > 0 and summary["off_rps"] > 0
    assert len(summary["paired_ratios"]) == 2
    assert all(0 < r for r in summary["paired_ratios"])
    assert [len(summary["steal_pct"][n]) for n in ("off", "on")] == [2, 2]
    assert all(0 <= s <= 100 for n in ("off", "on") for s in summary["steal_pct"][n])
    assert summary["pairs_run_again"] == 2
    assert summary["pairs_over_steal"] == 2  # the reruns used up, still above the limit
    assert re.findall(r"round (\d)(?: +(off|on):.* steal +[\d.]+ %|: steal [\d.]+ % > -1.0 %, "
                      r"run again)", proc.stderr) == [
        ("1", "off"), ("1", "on"), ("1", ""), ("1", "off"), ("1", "on"),
        ("2", "off"), ("2", "on"), ("2", ""), ("2", "off"), ("2", "on")]
    assert list(tmp_path.iterdir()) == []  # both instances removed


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (tools/test.sh "
                    "installs it from Debian's packages)")
def test_bench_ingest_drives_the_servers_with_wrk(tmp_path: Path):
    _, summary = _bench_ingest(tmp_path, "--seconds", "1", "--rounds", "1", "--reruns", "0")
    assert summary["load"] == "wrk"  # the default
    assert summary["on_rps"] > 0 and summary["off_rps"] > 0
    assert 0 < summary["on_p50_ms"] <= summary["on_p99_ms"]


def test_bench_ingest_without_wrk_says_so(tmp_path: Path):
    proc = subprocess.run([sys.executable, str(TOOLS / "bench_ingest.py")],
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PATH": str(tmp_path)})
    assert proc.returncode == 2
    assert proc.stderr == ("Error: wrk is not on the PATH: apt-get install wrk, "
                           "or use --load python\n")
    assert proc.stdout == ""
