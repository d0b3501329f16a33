#!/usr/bin/env bash
# The endpoint under attack, the long run: schemathesis (pinned in pyproject's test extras)
# against a real `buyerkit api` on 127.0.0.1, every check, positive and negative data, every
# phase (examples, coverage, fuzzing, stateful). Bounded: --max-examples per operation and
# --max-time for the whole run. Exits non-zero on any failure (a 5xx is one).
#   bash tools/schemathesis_long.sh [MAX_EXAMPLES=1000] [MAX_SECONDS=900]
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${1:-1000}"
seconds="${2:-900}"
work="$(mktemp -d)"
port="$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BUYERKIT_INSTANCE_PATH="$work/instance" .venv/bin/buyerkit api --port "$port" 2>"$work/api.log" &
api=$!
trap 'status=$?; kill "$api" 2>/dev/null; wait "$api" 2>/dev/null; rm -rf "$work"; exit $status' EXIT
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/api/v1/health" >/dev/null && break
  sleep 0.1
done
.venv/bin/schemathesis run "http://127.0.0.1:$port/api/openapi.json" \
  --checks all --mode all --max-examples "$examples" --max-time "$seconds" \
  --generation-deterministic --seed 7
