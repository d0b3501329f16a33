"""site.yaml `brand:` and `embed:`: the vendor's logo, colours and fonts, and who may frame us."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Strict
from pydantic import StringConstraints as Chars

from buyerkit.content.loading import PATTERN_WORDS
from buyerkit.content.schema import Model, ShortText

# A file inside the content folder, written relative to it (theme/logo.svg).
FILE = r"^[A-Za-z0-9._/-]+$"
COLOUR = r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"
ORIGIN = r"^https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?$"
PATTERN_WORDS.update({
    FILE: "a path inside the content folder (letters, digits, '.', '_', '-', '/')",
    COLOUR: "a colour written #rrggbb or #rgb",
    ORIGIN: "an origin: http(s)://host[:port], no path",
})
ContentFile = Annotated[str, Strict(), Chars(min_length=1, max_length=200, pattern=FILE)]
Colour = Annotated[str, Strict(), Chars(pattern=COLOUR)]
# An origin that may embed our pages: scheme, host and optional port, no path.
Origin = Annotated[str, Strict(), Chars(max_length=200, pattern=ORIGIN)]


class Logo(Model):
    file: ContentFile
    alt: ShortText


class Palette(Model):
    """One colour scheme. Only `primary` is required; the rest keep buyerkit's defaults."""

    primary: Colour  # links and buttons
    primary_text: Colour | None = None  # text on a primary button (default: white or ink)
    accent: Colour | None = None  # the focus ring and highlights
    text: Colour | None = None
    muted: Colour | None = None  # secondary text
    background: Colour | None = None
    surface: Colour | None = None  # header, footer, tinted panels
    good: Colour | None = None  # "fit" and other good news
    warn: Colour | None = None
    bad: Colour | None = None


class Colours(Model):
    light: Palette
    dark: Palette | None = None  # used when the reader's system prefers a dark scheme


class FontFile(Model):
    file: ContentFile
    weight: Annotated[str, Strict(), Chars(pattern=r"^[1-9]00(?: [1-9]00)?$")] = "400"
    style: Literal["normal", "italic"] = "normal"


class Font(Model):
    family: Annotated[str, Strict(), Chars(min_length=1, max_length=60,
                                             pattern=r"^[A-Za-z0-9 -]+$")]
    files: tuple[FontFile, ...]
    use: Literal["body", "headings", "both"] = "both"


class Brand(Model):
    logo: Logo | None = None
    favicon: ContentFile | None = None
    colors: Colours | None = None
    fonts: tuple[Font, ...] = ()
    stylesheet: ContentFile | None = None  # extra CSS, loaded after buyerkit's own


class Embed(Model):
    """Origins of the vendor's own sites whose pages may frame ours (CSP frame-ancestors)."""

    origins: tuple[Origin, ...] = ()
