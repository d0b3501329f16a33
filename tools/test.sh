#!/usr/bin/env bash
# The README's test command: install what the tests need on a fresh machine, run the suite.
# Extra arguments go to pytest (e.g. `bash tools/test.sh -k scoring`).
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -e '.[test]'

# Playwright cannot download browsers here: use Debian's chromium, else Playwright's own.
# wrk is the ingest benchmark's other load generator (its test skips, saying so, without it).
missing=()
if [ -z "${BUYERKIT_CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then missing+=(chromium); fi
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
# The demo customer clip is remade and compared byte for byte (tests/test_references_tools.py).
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  elif [[ " ${missing[*]} " == *" chromium "* ]]; then
    .venv/bin/playwright install chromium
  fi
fi

.venv/bin/ruff check site tests tools
.venv/bin/python -m pytest "$@"
