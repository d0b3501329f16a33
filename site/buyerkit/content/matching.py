"""Which customer stories are closest to a prospect: one pure function, and its table.

Same problem bucket first (a story about another problem proves nothing to this prospect),
then the same size band, then the same trigger. "Not a fit" gets no story: no persuasion after
an honest no. Pages whose prospect is known only to the browser (a guide forwarded with the
sender's answers in the fragment) get `match_table`: the same function's answer for every
combination the diagnostics can produce, so the page script only looks it up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from buyerkit.content.schema.reference import Reference

LIMIT = 2
# The match as the page states it, by (same size band, same trigger); a size of None means
# the prospect's size is not known (a link without it, or with a size band the content does
# not define), so the sentence says the match was made without it.
SAID: dict[tuple[bool | None, bool], str] = {
    (True, True): "A company of your size with the same problem and the same reason to act",
    (True, False): "A company of your size with the same problem",
    (False, True): "The same problem and the same reason to act, at a company of another size",
    (False, False): "The same problem, at a company of another size",
    (None, True): "The same problem and the same reason to act (matched without your "
                  "company's size)",
    (None, False): "The same problem (matched without your company's size)",
}


@dataclass(frozen=True)
class Match:
    """One story shown to a prospect, and why it was chosen."""

    slug: str
    same_size: bool | None  # None: the prospect's size is not known
    same_trigger: bool

    @property
    def code(self) -> str:
        """Short form for the page's data: s (same size), u (size unknown), t (trigger)."""
        size = {True: "s", False: "", None: "u"}[self.same_size]
        return size + ("t" if self.same_trigger else "") or "-"

    @property
    def said(self) -> str:
        return SAID[(self.same_size, self.same_trigger)]


def match(references: Mapping[str, Reference], verdict: str | None, bucket: str | None,
          size: str | None = None, trigger: str | None = None,
          limit: int = LIMIT) -> tuple[Match, ...]:
    """The `limit` stories closest to a prospect; none for "not a fit" or an unknown problem."""
    if verdict not in ("fit", "not_now") or not bucket:
        return ()
    found = [Match(r.slug, r.meta.size == size if size else None,
                   bool(trigger) and r.meta.trigger == trigger)
             for r in references.values() if r.meta.bucket == bucket]
    # references are in the content's order; sorted() keeps it among equals
    found.sort(key=lambda m: (m.same_size is not True, not m.same_trigger))
    return tuple(found[:limit])


def match_table(references: Mapping[str, Reference], buckets: Iterable[str],
                sizes: Iterable[str], triggers: Iterable[str]) -> dict[str, str]:
    """`match` for every bucket/size/trigger a fragment may carry ("" for size or trigger
    unknown), as {"bucket|size|trigger": "slug:code slug:code"}; empty answers left out."""
    table: dict[str, str] = {}
    for b in sorted(buckets):
        for s in ("", *sorted(sizes)):
            for t in ("", *sorted(triggers)):
                found = match(references, "fit", b, s or None, t or None)
                if found:
                    table[f"{b}|{s}|{t}"] = " ".join(f"{m.slug}:{m.code}" for m in found)
    return table
