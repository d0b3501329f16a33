#!/usr/bin/env bash
# Mutation testing of the core (issue 28): the verdict rules, the formula language, calculation
# and rounding, and report suppression. Not part of the default suite; takes minutes.
#
#   bash tools/mutation.sh                 # every module below, one mutmut run each
#   bash tools/mutation.sh scoring         # modules whose path contains "scoring"
#   MUTATION_JOBS=1 bash tools/mutation.sh # fewer parallel workers (default 2)
#
# How it stays bounded and clean:
# - it works in a temporary copy of the tree (mktemp -d), never on the files of this checkout:
#   other people may be editing them. The copy is removed on exit, Ctrl-C or kill (trap), and
#   the running mutmut (a process group of its own) is stopped with it.
# - each mutant's tests get a wall-clock limit of (their measured time + 1 s) x 3; past it,
#   mutmut kills the worker and counts the mutant as "timeout" (a detected mutant);
# - the whole run stops after MUTATION_BUDGET seconds (default 1140 = 19 minutes);
# - hypothesis runs with a fixed seed and at most MUTATION_EXAMPLES examples per property
#   (default 60; the default suite uses each test's own, larger number).
#
# mutmut 3 imports mutants from ./, src/ or source/ only, so the copy moves site/ to src/.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=${PYTHON:-$ROOT/.venv/bin/python}
JOBS=${MUTATION_JOBS:-2}
BUDGET=${MUTATION_BUDGET:-1140}
FILTER=${1:-}

# module -> the tests that must kill its mutants (files, or file::test node ids). Each module
# is a separate mutmut run, so a mutant only ever runs the fast tests chosen for its module.
# (tests/reports/test_suppress.py renders whole reports through SQL for each example: too slow
# to run per mutant; the properties and written-out cases test suppress.py directly.)
MODULES=(
  "content/scoring.py|tests/content/test_scoring.py tests/content/test_scoring_properties.py tests/content/test_branching.py"
  "content/formula.py|tests/content/test_formula.py tests/content/test_formula_semantics.py tests/content/test_calculators.py::test_formula_vectors_in_python"
  "content/calculation.py|tests/content/test_calculation_edges.py tests/content/test_vector_derivations.py tests/content/test_calculators.py::test_vectors_in_python tests/content/test_calculators.py::test_error_vectors_in_python tests/content/test_calculators.py::test_default_roi_by_hand"
  "reports/suppress.py|tests/reports/test_suppress_properties.py"
)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/buyerkit-mutation.XXXXXX")
CHILD=""
cleanup() {
  if [[ -n "$CHILD" ]] && kill -0 "$CHILD" 2>/dev/null; then
    kill -TERM -- "-$CHILD" 2>/dev/null || kill -TERM "$CHILD" 2>/dev/null || true
    wait "$CHILD" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "mutation: interrupted; removing $WORK" >&2; exit 130' INT TERM

(cd "$ROOT" && tar --exclude='__pycache__' --exclude='.hypothesis' -cf - \
  site content tests pyproject.toml) | (cd "$WORK" && tar -xf -)
mv "$WORK/site" "$WORK/src"
# mutmut's trampolines add frames to every call: the 60-level nesting tests need more stack.
cat >"$WORK/tests/_mutation_limits.py" <<'PYTHON'
"""Loaded by tools/mutation.sh only: room for mutmut's extra frames per call."""
import sys

sys.setrecursionlimit(20_000)
PYTHON
cp "$WORK/pyproject.toml" "$WORK/pyproject.orig"
cd "$WORK"
export BUYERKIT_MAX_EXAMPLES=${MUTATION_EXAMPLES:-60} PYTHONDONTWRITEBYTECODE=1
mkdir -p results

join() { local IFS=,; echo "$*"; }
start=$(date +%s)
ran=0
for entry in "${MODULES[@]}"; do
  module=${entry%%|*}
  [[ -z "$FILTER" || "$module" == *"$FILTER"* ]] || continue
  key=${module//\//_}
  tests=()
  for t in ${entry#*|}; do
    if [[ -f "${t%%::*}" ]]; then tests+=("\"$t\""); fi
  done
  cp pyproject.orig pyproject.toml
  {
    echo
    echo "[tool.mutmut]"
    echo "source_paths = [\"src/buyerkit\"]"
    echo "only_mutate = [\"src/buyerkit/$module\"]"
    echo "also_copy = [\"content\"]"
    echo "pytest_add_cli_args = [\"-p\", \"no:cacheprovider\", \"-p\", \"tests._mutation_limits\","
    echo "                       \"--hypothesis-seed=28\"]"
    echo "pytest_add_cli_args_test_selection = [$(join "${tests[@]}")]"
    echo "timeout_multiplier = 3.0"
    echo "timeout_constant = 1.0"
  } >>pyproject.toml
  rm -rf mutants
  left=$((BUDGET - ($(date +%s) - start)))
  if ((left < 30)); then
    echo "mutation: the ${BUDGET}s budget is spent; $module not run" >&2
    break
  fi
  t0=$(date +%s)
  set +e
  setsid timeout --signal=INT --kill-after=30 "$left" \
    "$PY" -m mutmut run --max-children "$JOBS" >"results/$key.log" 2>&1 &
  CHILD=$!
  wait "$CHILD"
  status=$?
  CHILD=""
  set -e
  secs=$(($(date +%s) - t0))
  if [[ $status -ne 0 ]]; then
    echo "mutation: mutmut exited with $status on $module after ${secs}s" \
      "(124 = stopped by the ${BUDGET}s budget)" >&2
    tail -c 1500 "results/$key.log" | tr '\r' '\n' | grep -v '^\s*$' | tail -8 >&2 || true
  fi
  meta="mutants/src/buyerkit/$module.meta"
  if [[ -f "$meta" ]]; then
    cp "$meta" "results/$key.meta"
    echo "$secs" >"results/$key.seconds"
    "$PY" - "$meta" >"results/$key.survivors" 2>/dev/null <<'PYTHON' || true
"""Each surviving mutant's name and diff (mutmut's own diff, one process for all)."""
import json
import sys

from mutmut.__main__ import Config, find_mutant, get_diff_for_mutant

Config.ensure_loaded()
codes = json.load(open(sys.argv[1]))["exit_code_by_key"]
for name in sorted(k for k, c in codes.items() if c == 0):
    print(f"  {name}")
    diff = get_diff_for_mutant(name, path=find_mutant(name).path).splitlines()
    for line in diff[2:]:
        if line[:1] in "-+":
            print(f"      {line}")
PYTHON
  fi
  ran=$((ran + 1))
done
[[ $ran -gt 0 ]] || { echo "mutation: no module matches '$FILTER'" >&2; exit 2; }
elapsed=$(($(date +%s) - start))

"$PY" - "$elapsed" <<'PYTHON'
"""Score per module from mutmut's result files (one .meta per module run)."""
import json
import sys
from pathlib import Path

KILLED = {1, 3, -24, 24, 36, 152, 255, 37}  # a test failed or errored, or the time limit hit
print(f"\n{'module':<24} {'mutants':>7} {'killed':>7} {'survived':>8} {'unchecked':>9}"
      f" {'score':>7} {'seconds':>7}")
for meta in sorted(Path("results").glob("*.meta")):
    codes = json.loads(meta.read_text())["exit_code_by_key"]
    killed = sum(c in KILLED for c in codes.values())
    survived = sum(c == 0 for c in codes.values())
    unchecked = len(codes) - killed - survived
    checked = killed + survived
    score = f"{100 * killed / checked:.1f}%" if checked else "-"
    name = meta.name.removesuffix(".meta").replace("_", "/", 1)
    secs = meta.with_suffix(".seconds").read_text().strip()
    print(f"{name:<24} {len(codes):>7} {killed:>7} {survived:>8} {unchecked:>9} {score:>7}"
          f" {secs:>7}")
print(f"\nwhole run: {sys.argv[1]} s on {sys.argv[1] and __import__('os').cpu_count()} CPUs")
PYTHON

for f in results/*.survivors; do
  [[ -s "$f" ]] || continue
  name=$(basename "$f" .survivors)
  echo
  echo "survivors in ${name/_//} (each must be explained in docs/testing.md):"
  cat "$f"
done
