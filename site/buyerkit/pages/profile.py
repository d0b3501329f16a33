"""The target profile as prospects see it: site.yaml's summary and, per question, the answers
declared inside it (target_profile.answers), so the page and `buyerkit check` read one source."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext

from buyerkit.content.catalog import get_catalog

# What a question that records a band is called in the profile (else its own text), in the
# page's language.
BAND_NAMES = {"size": lazy_gettext("Company size"), "billing": lazy_gettext("How customers pay"),
              "tools": lazy_gettext("Where customer records live"),
              "hosting": lazy_gettext("Hosting"), "industry": lazy_gettext("Industry")}


def target_profile_rows() -> list[tuple[str, tuple[str, ...]]]:
    """(name, labels of the answers inside the profile) per declared question, in the
    diagnostic's order; a question declared by several diagnostics is shown once."""
    catalog = get_catalog()
    rows: list[tuple[str, tuple[str, ...]]] = []
    for slug, questions in catalog.site.target_profile.answers.items():
        d = catalog.diagnostics.get(slug)
        if d is None:
            continue
        for q in d.questions():
            if q.id in questions:
                row = (str(BAND_NAMES.get(q.records or "", q.text)),
                       tuple(o.label for o in q.options if o.value in questions[q.id]))
                if row not in rows:
                    rows.append(row)
    return rows


def profile_decided(codes: tuple[str, ...]) -> bool:
    """Whether a result's reasons speak about the profile (so the page shows it)."""
    catalog = get_catalog()
    profile = {o.reason for d in catalog.diagnostics.values() for q in d.questions()
               if q.scores == "profile" for o in q.options if o.reason}
    return bool(set(codes) & (profile | {"profile_fits", "profile_misses"}))


def init_app(app: Flask) -> None:
    """Make the profile available to every template (the home and result pages use it)."""
    app.add_template_global(target_profile_rows, "target_profile_rows")
    app.add_template_global(profile_decided, "profile_decided")
