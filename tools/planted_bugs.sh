#!/usr/bin/env bash
# Plant issue 28's bugs one at a time in a temporary copy of the tree and check that the
# default suite's tests for that module fail on each (a reviewer's check, about a minute;
# hypothesis properties run 100 examples each here).
#
#   bash tools/planted_bugs.sh
#
# Like tools/mutation.sh it never touches this checkout: the copy is made with mktemp -d and
# removed on exit or interrupt. Exit status 1 when a planted bug survives, or when a line to
# plant into is no longer in the code (the plant list then needs updating).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=${PYTHON:-$ROOT/.venv/bin/python}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/buyerkit-planted.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

(cd "$ROOT" && tar --exclude='__pycache__' --exclude='.hypothesis' -cf - \
  site content tests pyproject.toml) | (cd "$WORK" && tar -xf -)

# name | file | the line as written | the bug | tests that must fail
PLANTS=(
  'problem threshold <= instead of <|site/buyerkit/content/scoring.py|if points["problem"] < t.problem:|if points["problem"] <= t.problem:|tests/content/test_scoring.py tests/content/test_scoring_properties.py'
  'profile threshold <= instead of <|site/buyerkit/content/scoring.py|if points["profile"] < t.profile:|if points["profile"] <= t.profile:|tests/content/test_scoring.py tests/content/test_scoring_properties.py'
  'formula <= evaluated as <|site/buyerkit/content/formula.py|"<=": lambda a, b: a <= b|"<=": lambda a, b: a < b|tests/content/test_formula.py tests/content/test_formula_semantics.py tests/content/test_calculators.py'
  'formula >= evaluated as >|site/buyerkit/content/formula.py|">=": lambda a, b: a >= b|">=": lambda a, b: a > b|tests/content/test_formula.py tests/content/test_formula_semantics.py tests/content/test_calculators.py'
  'suppression < 5 as <= 5|site/buyerkit/reports/suppress.py|return SMALL if 0 < n < THRESHOLD else n|return SMALL if 0 < n <= THRESHOLD else n|tests/reports/test_suppress.py tests/reports/test_suppress_properties.py'
)

survived=0
for plant in "${PLANTS[@]}"; do
  IFS='|' read -r name file before after tests <<<"$plant"
  cp "$WORK/$file" "$WORK/$file.orig"
  if ! "$PY" - "$WORK/$file" "$before" "$after" <<'PYTHON'
import sys
from pathlib import Path

path, before, after = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
text = path.read_text()
if text.count(before) != 1:
    sys.exit(f"the line '{before}' is not in {path.name} exactly once")
path.write_text(text.replace(before, after))
PYTHON
  then
    survived=1
    continue
  fi
  # shellcheck disable=SC2086
  if (cd "$WORK" && PYTHONPATH="$WORK/site" BUYERKIT_MAX_EXAMPLES=100 "$PY" -m pytest \
      -p no:cacheprovider -q -o addopts="" $tests >"$WORK/out.txt" 2>&1); then
    echo "SURVIVED  $name"
    survived=1
  else
    failed=$(grep -c -E '^FAILED' "$WORK/out.txt" || true)
    first=$(grep -m1 -E '^FAILED' "$WORK/out.txt" | cut -c8-110 || true)
    echo "killed    $name: $failed tests fail, e.g. ${first:-(see the output)}"
  fi
  mv "$WORK/$file.orig" "$WORK/$file"
done
exit $survived
