#!/usr/bin/env bash
# Lighthouse on the frozen site, mobile settings, median of 3 runs per page, with Debian's
# chromium. Installs the npm package once into tools/.lighthouse (not committed).
# Freezes into a temporary folder, serves it with `python -m http.server` and runs the endpoint
# (`buyerkit api`) beside it, both on 127.0.0.1.
#   bash tools/lighthouse.sh [PATH ...]   (default: the home, a diagnostic step, a calculator
#                                          and a guide)
set -euo pipefail
cd "$(dirname "$0")/.."
here="$PWD"
if [ ! -x tools/.lighthouse/node_modules/.bin/lighthouse ]; then
  mkdir -p tools/.lighthouse
  (cd tools/.lighthouse && npm install --silent --no-audit --no-fund lighthouse@12.8.2 >/dev/null)
fi
pages=("$@")
[ ${#pages[@]} -gt 0 ] || pages=(/ /diagnostics/renewal-risk-check/ /calculators/renewal-roi/ /guides/cfo/)
work="$(mktemp -d)"
free_port() { .venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
api_port="$(free_port)"; web_port="$(free_port)"
export BUYERKIT_INSTANCE_PATH="$work/instance"
.venv/bin/buyerkit freeze --dest "$work/build" --endpoint "http://127.0.0.1:$api_port" 2>/dev/null
.venv/bin/buyerkit api --port "$api_port" --allow-origin "http://127.0.0.1:$web_port" 2>/dev/null &
api=$!
.venv/bin/python -m http.server --bind 127.0.0.1 --directory "$work/build" "$web_port" >/dev/null 2>&1 &
web=$!
trap 'status=$?; kill "$api" "$web" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; exit $status' EXIT
sleep 2
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
flags="--no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run --headless"
printf '%-36s %6s %6s %6s %6s  %-12s %s\n' page perf a11y best seo "perf runs" "load (1 min)"
for page in "${pages[@]}"; do
  load="$(cut -d' ' -f1 /proc/loadavg)"
  for run in 1 2 3; do
    tools/.lighthouse/node_modules/.bin/lighthouse "http://127.0.0.1:$web_port$page" \
      --quiet --output=json --output-path="$work/lh-$run.json" --form-factor=mobile \
      --only-categories=performance,accessibility,best-practices,seo \
      --chrome-flags="$flags" >/dev/null 2>&1 || true
  done
  "$here/.venv/bin/python" - "$page" "$load" "$work"/lh-{1,2,3}.json <<'PY'
import json, statistics, sys
page, load, files = sys.argv[1], sys.argv[2], sys.argv[3:]
runs = [json.load(open(f))["categories"] for f in files]
keys = ["performance", "accessibility", "best-practices", "seo"]
med = [statistics.median(round(r[k]["score"] * 100) for r in runs) for k in keys]
perf = ",".join(str(round(r["performance"]["score"] * 100)) for r in runs)
print(f"{page:36} " + " ".join(f"{m:6.0f}" for m in med) + f"  {perf:12} {load}")
PY
done
