"""Human names for what the roll-ups store as codes: channels from a documented source/medium
mapping (overridable in content/site.yaml `channels:`), bounce reasons from the diagnostic's
own words (a short `labels:` entry, else the reason's first sentence), and roles from their
guides (name, and the `tag` that says which role is finance or security).

The mapping is documented in docs/reports.md; change it there and here together."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from buyerkit.errors import display_path
from buyerkit.reports.state import DIRECT, NONE

# How a source is spelled in a name (anything else is shown as written, first letter upper).
SOURCES = {
    "linkedin": "LinkedIn", "google": "Google", "bing": "Bing", "facebook": "Facebook",
    "meta": "Meta", "instagram": "Instagram", "twitter": "X (Twitter)", "x": "X (Twitter)",
    "youtube": "YouTube", "reddit": "Reddit", "g2": "G2", "g2.com": "G2",
    "capterra": "Capterra", "capterra.com": "Capterra", "newsletter": "Newsletter",
    "duckduckgo": "DuckDuckGo", "hackernews": "Hacker News", "hubspot": "HubSpot",
}
PAID = frozenset({"cpc", "ppc", "paid", "paid-search", "paidsearch", "paid-social",
                  "paidsocial", "paid_social", "display", "cpm", "ads", "sponsored"})
SOCIAL = frozenset({"social", "organic-social", "social-organic", "post"})
EMAIL = frozenset({"email", "e-mail", "newsletter"})
SEARCH = frozenset({"organic", "search"})


def _source(source: str) -> str:
    key = source.lower()
    if key in SOURCES:
        return SOURCES[key]
    return source[:1].upper() + source[1:]


def default_channel_name(source: str, medium: str) -> str:
    """The documented mapping of a (utm_source, utm_medium) pair to a name a marketer says."""
    if (source, medium) == DIRECT[:2]:
        return _("Direct")
    medium = medium.lower()
    if medium in EMAIL or source.lower() == "newsletter":
        return _("Newsletter") if source.lower() in ("newsletter", NONE) else \
            _("%(source)s e-mail", source=_source(source))
    if medium in PAID:
        return _("%(source)s ads", source=_source(source))
    if medium in SOCIAL:
        return _("%(source)s posts", source=_source(source))
    if medium in SEARCH:
        return _("%(source)s search", source=_source(source))
    if medium == "referral":
        return _("Link from %(host)s", host=source) if source.lower() not in SOURCES else \
            _("%(source)s (link)", source=_source(source))
    if medium == "partner":
        return _("%(source)s (partner)", source=_source(source))
    if medium == "affiliate":
        return _("%(source)s (affiliate)", source=_source(source))
    if medium == NONE:
        return _source(source)
    return f"{_source(source)} / {medium}"


class Names:
    """Names for one site's content: channels, reasons and roles."""

    def __init__(self, catalog: Any = None, diagnostic: Any = None) -> None:
        site = getattr(catalog, "site", None)
        self.overrides: list[Any] = list(getattr(site, "channels", ()) or ())
        self.diagnostic = diagnostic
        self.guides = dict(getattr(catalog, "guides", {}) or {})
        self.root = getattr(catalog, "root", None)

    def path(self, *parts: str) -> str:
        """A file or folder of this site's content as its author types it (relative to the
        working directory when inside it), for notes that say where a name comes from."""
        if self.root is None:
            return "/".join(("content", *parts))
        return display_path(Path(self.root).joinpath(*parts))

    def channel(self, source: str, medium: str, campaign: str) -> str:
        """A channel's name: a content override (most specific first), else the mapping,
        with the campaign after a middle dot when there is one."""
        for o in sorted(self.overrides, key=lambda o: -(bool(o.medium) + bool(o.campaign))):
            if o.source.lower() == source.lower() and \
                    (not o.medium or o.medium.lower() == medium.lower()) and \
                    (not o.campaign or o.campaign.lower() == campaign.lower()):
                return o.name if o.campaign or campaign == NONE else f"{o.name} · {campaign}"
        name = default_channel_name(source, medium)
        return name if campaign == NONE else f"{name} · {campaign}"

    def reason(self, code: str) -> str:
        """A reason code as words: the content's short label, else its first sentence."""
        scoring = getattr(self.diagnostic, "scoring", None)
        labels = getattr(scoring, "labels", None) or {}
        if code in labels:
            return labels[code]
        text = (getattr(scoring, "reasons", None) or {}).get(code)
        if not text:
            return code.replace("_", " ").capitalize()
        first = re.split(r"(?<=[.;:!?])\s", text.strip(), maxsplit=1)[0].rstrip(".;:")
        return first if len(first) <= 90 else first[:89].rstrip() + "…"

    def roles_tagged(self, tag: str) -> frozenset[str]:
        """The role slugs whose guide carries this tag (finance, security …)."""
        return frozenset(slug for slug, g in self.guides.items()
                         if getattr(g.meta, "tag", None) == tag)

    def role(self, slug: str) -> str:
        guide = self.guides.get(slug)
        return guide.meta.name if guide is not None else slug

    def role_list(self, slugs: Iterable[str]) -> str:
        return ", ".join(self.role(s) for s in sorted(slugs))
