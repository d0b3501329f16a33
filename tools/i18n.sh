#!/usr/bin/env bash
# Interface text catalogs (docs/languages.md): extract every gettext string from the Python code
# and the templates into messages.pot, merge it into each language's messages.po (no fuzzy
# guesses: a changed string shows up untranslated), and compile the .mo files the app reads.
#   tools/i18n.sh            extract, update, compile
#   tools/i18n.sh compile    compile only (after editing a .po by hand)
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=${PYBABEL:-.venv/bin/pybabel}
T=site/buyerkit/translations
if [ "${1:-all}" != compile ]; then
  "$PYBABEL" extract -F babel.cfg -k lazy_gettext -k _l --no-location --sort-output \
    --project buyerkit --copyright-holder "buyerkit authors" -o "$T/messages.pot" site/buyerkit
  for po in "$T"/*/LC_MESSAGES/messages.po; do
    lang=$(basename "$(dirname "$(dirname "$po")")")
    "$PYBABEL" update --no-fuzzy-matching --ignore-obsolete -l "$lang" -i "$T/messages.pot" -d "$T"
  done
fi
"$PYBABEL" compile -d "$T" --statistics
