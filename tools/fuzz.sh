#!/usr/bin/env bash
# The fuzz suite's long run (minutes): the same hypothesis tests the suite runs briefly, with
# HYPOTHESIS_PROFILE=long (thousands of examples, a random seed each run), then schemathesis
# against a real endpoint. Every part is bounded by `timeout`; exits non-zero on any finding.
#   bash tools/fuzz.sh [SECONDS_PER_PART=900]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-900}"
export HYPOTHESIS_PROFILE=long
status=0
for part in tests/api/test_hostile_json.py tests/api/test_http_hostility.py \
            tests/pages/test_hostile_forms.py \
            tests/test_cli_hostile.py tests/content/test_hostile_content.py \
            tests/browser/test_hostile_fragments.py; do
  echo "== $part (at most ${seconds} s)"
  timeout -s KILL "$seconds" .venv/bin/python -m pytest -p no:cacheprovider -q -x "$part" \
    || status=$?
done
echo "== schemathesis against buyerkit api (at most ${seconds} s)"
bash tools/schemathesis_long.sh 1000 "$seconds" || status=$?
exit "$status"
