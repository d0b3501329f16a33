#!/usr/bin/env bash
# The freeze / plain-Jinja2 ratio in CPU instructions (valgrind's callgrind), which a busy
# shared machine does not blur the way it blurs seconds. Three runs of tools/bench_freeze.py
# --phase: the shared set-up alone, set-up + cold freeze, set-up + floor; each part's count is
# its run minus the set-up. Slow (callgrind runs Python about 50 times slower):
#   bash tools/bench_freeze_instructions.sh [PAGES]     (default 1000; about 5 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
pages="${1:-1000}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
count() {
  valgrind --tool=callgrind --callgrind-out-file="$out/$1.out" \
    .venv/bin/python tools/bench_freeze.py --phase "$1" --pages "$pages" 2>&1 \
    | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
setup="$(count setup)"; freeze="$(count freeze)"; floor="$(count floor)"
.venv/bin/python - "$pages" "$setup" "$freeze" "$floor" <<'PY'
import sys
pages, setup, freeze, floor = (int(x) for x in sys.argv[1:])
f, j = freeze - setup, floor - setup
print(f"{pages} pages: cold freeze {f / 1e9:.3f} G instructions, plain Jinja2 floor "
      f"{j / 1e9:.3f} G, ratio {f / j:.3f} (target <= 1.5)")
PY
