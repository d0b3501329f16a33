"""The customer-story tools run: the demo clip is made again byte for byte from the story's
text (ffmpeg and espeak-ng, which tools/test.sh installs), and the match benchmark reports."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STORY = ROOT / "content/references/tidewater-payroll.md"
MEDIA = ROOT / "content/references/media"


def test_demo_clip_is_remade_byte_for_byte_from_the_story(tmp_path: Path):
    proc = subprocess.run([sys.executable, str(ROOT / "tools/make_demo_clip.py"), str(STORY),
                           "--out", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == ["tidewater-payroll-poster.png", "tidewater-payroll.en.vtt",
                    "tidewater-payroll.webm"]
    for name in made:
        assert (tmp_path / name).read_bytes() == (MEDIA / name).read_bytes(), name
    assert (tmp_path / "tidewater-payroll.webm").stat().st_size < 1_500_000
    vtt = (tmp_path / "tidewater-payroll.en.vtt").read_text()
    assert "We needed someone to tell us on Monday" in vtt  # the story's quote, spoken


def test_bench_references_reports_the_cost_of_the_match():
    proc = subprocess.run([sys.executable, str(ROOT / "tools/bench_references.py"),
                           "--renders", "5"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert re.search(r"match \+ stories partial: +[\d.]+ µs per render", proc.stdout)
    assert re.search(r"match\(\) alone: +[\d.]+ µs", proc.stdout)
