"""content/references/<slug>.md: a customer story's front matter, and the story once loaded.

Every number a story shows carries its source and date; a video carries WebVTT captions and a
poster; the customer's consent is recorded. The loader (content/references.py) checks what a
schema cannot: files on disk, the diagnostic's own values, the consent's scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from buyerkit.content.schema import Model, ShortText, Slug, StrictBool, StrictInt, Text, Url


def _as_text(value: Any) -> Any:
    """YAML reads 2026-03-02 as a date: keep it as the text the author wrote."""
    return value.isoformat() if isinstance(value, dt.date) else value


# When a figure was measured or consent given: a year-month or a full date, as written.
When = Annotated[str, BeforeValidator(_as_text),
                 Field(strict=True, pattern=r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$")]
# A media file beside the story, relative to content/references/ (no leading /, no ..).
_SEGMENT = r"[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*"
MediaPath = Annotated[str, Field(strict=True, min_length=1, max_length=200,
                                 pattern=rf"^{_SEGMENT}(/{_SEGMENT})*$")]
Covers = Literal["name", "quote", "numbers", "video"]


class Consent(Model):
    """What the customer agreed to publish, who agreed and when."""

    by: ShortText
    date: When
    covers: Annotated[tuple[Covers, ...], Field(min_length=1)]


class Figure(Model):
    """One before/after number, with where it was measured and when."""

    label: ShortText
    before: ShortText
    after: ShortText
    source: ShortText | None = None  # required: the loader says so in its own words
    date: When | None = None


class TimeToValue(Model):
    """How long from signing to the first result the customer counts as value."""

    value: ShortText
    to: ShortText
    source: ShortText | None = None
    date: When | None = None


class Quote(Model):
    text: Annotated[str, Field(strict=True, min_length=1, max_length=400)]
    by: ShortText


class Video(Model):
    """A short self-hosted clip: the file, a poster, WebVTT captions in the clip's language."""

    file: MediaPath
    poster: MediaPath | None = None
    captions: MediaPath | None = None
    language: Annotated[str, Field(strict=True, pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")] \
        = "en"
    title: ShortText
    demo: StrictBool = False
    width: Annotated[StrictInt, Field(ge=16, le=3840)] = 640
    height: Annotated[StrictInt, Field(ge=16, le=2160)] = 360


class OfficeHours(Model):
    """A customer who agreed to talk to prospects: a scheduling link, never a form."""

    label: ShortText
    url: Url
    note: Text | None = None


class ReferenceMeta(Model):
    """The YAML front matter between the two `---` lines at the top of a customer story."""

    title: ShortText
    customer: ShortText
    anonymised: StrictBool = False
    consent: Consent
    diagnostic: Slug | None = None
    size: Annotated[str, Field(strict=True, min_length=1, max_length=64)]
    industry: ShortText
    bucket: Annotated[str, Field(strict=True, min_length=1, max_length=64)]
    trigger: Annotated[str, Field(strict=True, min_length=1, max_length=64)]
    summary: Annotated[str, Field(strict=True, min_length=1, max_length=300)]
    why_they_bought: Annotated[tuple[ShortText, ...], Field(min_length=1, max_length=6)]
    time_to_value: TimeToValue
    numbers: Annotated[tuple[Figure, ...], Field(min_length=1, max_length=6)]
    quote: Quote
    video: Video | None = None
    office_hours: OfficeHours | None = None
    order: Annotated[StrictInt, Field(ge=0, le=1000)] = 100


@dataclass(frozen=True)
class Cue:
    """One caption: when it shows (seconds) and its text."""

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Reference:
    """A validated story: its front matter, its body as safe HTML, and its captions' cues
    (which are also the transcript shown on the page)."""

    slug: str
    meta: ReferenceMeta
    html: str
    cues: tuple[Cue, ...] = ()
    media: tuple[str, ...] = ()  # the files the page links, relative to content/references/
    # A translation (content/localized.py): the language it was translated from, the
    # customer's own words when the quote is translated (the page shows both), the language
    # of a quote left as the customer said it, and the language of the captions.
    translated_from: str = ""
    quote_original: Quote | None = None
    quote_lang: str = ""
    captions_lang: str = ""
