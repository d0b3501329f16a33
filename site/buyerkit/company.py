"""A company known only as a keyed hash of its web domain.

Placeholder until the signals branch lands: the same name and result as its `org_hash`
(HMAC-SHA256 of the normalised domain with DOMAIN_HMAC_KEY, first 32 hex digits), which the
reports use to name a target account when a stored hash matches its domain.
"""

from __future__ import annotations

import hashlib
import hmac

ORG_HEX = 32


def org_hash(key: str, domain: str) -> str:
    """The stored stand-in for a company: HMAC-SHA256 of its normalised domain."""
    return hmac.new(key.encode(), domain.encode(), hashlib.sha256).hexdigest()[:ORG_HEX]
