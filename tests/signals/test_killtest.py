"""The kill test, short version: kill -9 the endpoint under load 3 times, on both engines."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

TOOL = Path(__file__).resolve().parents[2] / "tools" / "killtest.py"


def test_every_acknowledged_event_survives_kill_9(store_url: str):
    url = [] if store_url.startswith("sqlite") else ["--database-url", store_url]
    proc = subprocess.run([sys.executable, str(TOOL), "--kills", "3", "--max-run", "1.0",
                           "--max-seconds", "240", *url],
                          capture_output=True, text=True, timeout=300)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert proc.returncode == 0, (result, proc.stderr[-2000:])
    assert result["ok"] and result["acknowledged"] > 0
    assert result["missing"] == 0 and result["duplicates"] == 0
    assert result["rollups_match_rebuild"] and result["rollup_rows"] > 0
    if store_url.startswith("sqlite"):
        assert result["integrity_check"] == "ok"  # PRAGMA integrity_check
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
