"""A prospect's company, known only as a keyed hash of its web domain, matched to targets.

The raw domain is never stored or logged: it is normalised, hashed with DOMAIN_HMAC_KEY (a
secret kept in the instance folder) and dropped. A target account is named only when its own
domain hashes to the same value, so an unlisted company stays a hash nobody can read back.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from urllib.parse import urlsplit

from buyerkit.content.schema.targets import DOMAIN_PATTERN, Target
from buyerkit.signals.events import CompanyGiven, derived_id

ORG_HEX = 32  # 128 bits of HMAC-SHA256: plenty to tell companies apart, nothing to reverse
_LABELS = re.compile(DOMAIN_PATTERN)
# What the form and the endpoint both say, word for word, when the text is not a domain.
INVALID_DOMAIN = "Give your company's web domain, like example.com (not an e-mail address)."

# The endpoint's stricter contract for the same text (ASCII, no spaces, at most TYPED_MAX
# characters; the page turns an international domain into its xn-- form): a domain as people
# type it, with or without https://, www., a trailing dot or a path. Every such text normalises
# to a domain, so the OpenAPI document can promise exactly what the endpoint accepts.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
TYPED_DOMAIN = (rf"^(?:[Hh][Tt][Tt][Pp][Ss]?://)?(?![Ww][Ww][Ww]\.{_LABEL}\.?(?:[/?#]|$))"
                rf"{_LABEL}(?:\.{_LABEL})+\.?(?:[/?#][^\s@]*)?$")
TYPED_MAX = 253


def normalise_domain(text: str) -> str | None:
    """`https://www.Example.com/about` -> `example.com`; None for anything not a domain
    (including an e-mail address: we ask for a company's domain, never a person's address)."""
    text = (text or "").strip().lower()
    if not text or "@" in text or len(text) > 300 or any(c.isspace() for c in text):
        return None
    try:
        host = urlsplit(text if "//" in text else "//" + text).hostname or ""
        host = host.encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        return None
    host = host.rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    return host if _LABELS.fullmatch(host) and len(host) <= 253 else None


def org_hash(key: str, domain: str) -> str:
    """The stored stand-in for a company: HMAC-SHA256 of its normalised domain."""
    digest = hmac.new(key.encode(), domain.encode(), hashlib.sha256).hexdigest()
    return digest[:ORG_HEX]


def company_given(key: str, diagnostic: str, journey: str, group: str | None,
                  typed: str) -> CompanyGiven | None:
    """The event pooling one journey under its company's hash, or None when `typed` is not a
    domain; the form and the endpoint both make it here, so they store the same thing. Its id
    derives from the journey, so a resent form or request is stored once."""
    domain = normalise_domain(typed)
    if domain is None:
        return None
    return CompanyGiven(id=derived_id(journey, "company"), subject=diagnostic, journey=journey,
                        group=group or None, org=org_hash(key, domain))


def target_index(key: str, targets: tuple[Target, ...]) -> dict[str, Target]:
    """Hash -> target account, for naming a target only when a stored hash matches."""
    return {org_hash(key, t.domain): t for t in targets}


def match(key: str, targets: tuple[Target, ...], org: str | None) -> Target | None:
    """The target account whose domain hashes to `org`, or None (not named in reports)."""
    return target_index(key, targets).get(org or "")
