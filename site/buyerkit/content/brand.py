"""The vendor's brand from site.yaml: its files checked, its colours held to WCAG AA, its CSS.

A brand can never break accessibility: every pair of colours the pages draw text with is
checked for contrast here (4.5:1 for text, 3:1 for the focus ring), so `buyerkit check` refuses
a brand axe would fail, naming the pair and the line.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from buyerkit.content.loading import Loc, Source
from buyerkit.content.schema.brand import Brand, Palette
from buyerkit.errors import ContentProblem, display_path

LOGO_MAX = 200 * 1024
FAVICON_MAX = 100 * 1024
FONT_MAX = 500 * 1024
STYLESHEET_MAX = 100 * 1024
TEMPLATE_MAX = 200 * 1024
TEXT_CONTRAST = 4.5  # WCAG 2.x AA, normal text

# buyerkit.css's own colours: what a palette leaves unset keeps these.
LIGHT = {"primary": "#0b5cad", "primary_text": "#ffffff", "accent": "#ffbf47",
         "text": "#1b2430", "muted": "#4a5565", "background": "#ffffff", "surface": "#f3f6f9",
         "good": "#1d6b3a", "warn": "#7a4b00", "bad": "#8a1c1c"}
DARK = {"primary": "#7cb8ff", "primary_text": "#10161d", "accent": "#ffbf47",
        "text": "#e8edf2", "muted": "#b4becb", "background": "#10161d", "surface": "#1b2430",
        "good": "#7fd69b", "warn": "#f2c46d", "bad": "#ff9b9b"}
# The CSS custom property each palette entry sets (buyerkit.css names).
PROPERTIES = {"primary": "--accent", "primary_text": "--accent-ink", "accent": "--focus",
              "text": "--ink", "muted": "--muted", "background": "--paper", "surface": "--tint",
              "good": "--good", "warn": "--warn", "bad": "--bad"}
# (foreground, background, minimum): every pair the pages draw.
PAIRS = [("text", "background", TEXT_CONTRAST), ("text", "surface", TEXT_CONTRAST),
         ("muted", "background", TEXT_CONTRAST), ("muted", "surface", TEXT_CONTRAST),
         ("primary", "background", TEXT_CONTRAST), ("primary", "surface", TEXT_CONTRAST),
         ("primary_text", "primary", TEXT_CONTRAST),
         ("good", "background", TEXT_CONTRAST), ("warn", "background", TEXT_CONTRAST),
         ("bad", "background", TEXT_CONTRAST)]
# The focus ring is two bands, the accent and the text colour (buyerkit.css): it shows wherever
# text does, so the accent needs no pair of its own.

MAGIC = {
    "image": ((b"\x89PNG\r\n\x1a\n", "image/png"),),
    "font": ((b"wOF2", "font/woff2"), (b"wOFF", "font/woff"),
             (b"\x00\x01\x00\x00", "font/ttf"), (b"OTTO", "font/otf")),
    "icon": ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\x00\x00\x01\x00", "image/x-icon")),
}


@dataclass(frozen=True)
class BrandFiles:
    """What the checked brand serves: URL name -> (file, media type), and its stylesheet."""

    files: dict[str, tuple[Path, str]] = field(default_factory=dict)
    css: str = ""
    logo: tuple[str, str] | None = None  # (URL name, alt text)
    favicon: str | None = None
    stylesheet: str | None = None
    templates: Path | None = None  # content/theme/templates, when it holds overrides


def _rgb(colour: str) -> tuple[float, float, float]:
    h = colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    return int(h[0:2], 16) / 255, int(h[2:4], 16) / 255, int(h[4:6], 16) / 255


def luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of a #rgb or #rrggbb colour."""
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def resolved(palette: Palette, defaults: dict[str, str]) -> dict[str, str]:
    """The palette with buyerkit's defaults where it is silent; the button text follows the
    primary colour (white or the ink, whichever reads better) unless it is given."""
    given = {k: v for k, v in palette.model_dump().items() if v is not None}
    out = {**defaults, **given}
    if "primary_text" not in given:
        ink = out["text"] if luminance(out["text"]) < 0.5 else out["background"]
        out["primary_text"] = max(("#ffffff", ink), key=lambda c: contrast(c, out["primary"]))
    return out


def _contrast_problems(src: Source, loc: Loc, palette: Palette, defaults: dict[str, str],
                       scheme: str) -> Iterator[ContentProblem]:
    colours = resolved(palette, defaults)
    given = {k for k, v in palette.model_dump().items() if v is not None}
    for fg, bg, minimum in PAIRS:
        ratio = contrast(colours[fg], colours[bg])
        if ratio + 1e-9 >= minimum:
            continue
        at = fg if fg in given else bg if bg in given else "primary"
        what = f"{fg.replace('_', ' ')} text"
        yield src.problem((*loc, at), (
            f"{scheme} colours: {what} {colours[fg]} on {bg} {colours[bg]} has a contrast of "
            f"{ratio:.2f}:1, below WCAG AA's {minimum:g}:1; set brand.colors.{scheme}.{fg} "
            f"or .{bg}"))


def _sniff(data: bytes, kind: str) -> str | None:
    if kind in ("image", "icon"):
        head = data[:1024].lstrip(b"\xef\xbb\xbf").lstrip()
        if head.startswith((b"<svg", b"<?xml")) and b"<svg" in data[:4096]:
            return "image/svg+xml"
    for magic, media in MAGIC[kind]:
        if data.startswith(magic):
            return media
    return None


def _file(root: Path, src: Source, loc: Loc, name: str, kind: str, limit: int,
          problems: list[ContentProblem]) -> tuple[Path, str] | None:
    """A brand file inside the content folder, of its kind and size, or None and a problem."""
    path = root / name
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        problems.append(src.problem(loc, f"file not found: {display_path(path)}"))
        return None
    if not real.is_relative_to(root.resolve()) or ".." in Path(name).parts:
        problems.append(src.problem(loc, f"{name} is outside the content folder"))
        return None
    if not real.is_file():
        problems.append(src.problem(loc, f"{name} is not a file"))
        return None
    size = real.stat().st_size
    if size > limit:
        problems.append(src.problem(loc, f"{name} is {size // 1024} KB; at most "
                                         f"{limit // 1024} KB"))
        return None
    data = real.read_bytes()
    if kind == "css":
        if b"@import" in data or b"url(http" in data or b"url(//" in data:
            problems.append(src.problem(loc, f"{name} loads from another origin (@import or "
                                             "an absolute url()): keep every file local"))
            return None
        return real, "text/css"
    media = _sniff(data, kind)
    if media is None:
        wanted = {"image": "a PNG or SVG image", "font": "a WOFF2, WOFF, TTF or OTF font",
                  "icon": "an SVG, PNG or ICO icon"}[kind]
        problems.append(src.problem(loc, f"{name} is not {wanted}"))
        return None
    if media == "image/svg+xml" and (b"<script" in data.lower() or b"javascript:" in data):
        problems.append(src.problem(loc, f"{name} holds a script; a logo must be a plain SVG"))
        return None
    return real, media


def _templates(root: Path, known: frozenset[str],
               problems: list[ContentProblem]) -> Path | None:
    """content/theme/templates: each override parses, and replaces a template that exists."""
    folder = root / "theme" / "templates"
    if not folder.is_dir():
        return None
    env = jinja2.Environment()
    for path in sorted(folder.rglob("*.html")):
        name = path.relative_to(folder).as_posix()
        shown = display_path(path)
        if known and name not in known:
            problems.append(ContentProblem(shown, 1, 1, f"overrides no buyerkit template; "
                                                        f"known: {', '.join(sorted(known))}"))
            continue
        if path.stat().st_size > TEMPLATE_MAX:
            problems.append(ContentProblem(shown, 1, 1, "template is over 200 KB"))
            continue
        try:
            env.parse(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            problems.append(ContentProblem(shown, 1, 1, "template is not UTF-8 text"))
        except jinja2.TemplateSyntaxError as e:
            problems.append(ContentProblem(shown, e.lineno or 1, 1, e.message or "syntax error"))
    return folder


def _css(brand: Brand, fonts: list[tuple[str, str, str, str]]) -> str:
    """brand.css: the palette as buyerkit.css's custom properties, and the @font-face rules."""
    lines = ["/* Made by buyerkit from site.yaml's brand: the vendor's colours and fonts. */"]
    for family, url, weight, style in fonts:
        lines.append(f'@font-face {{ font-family: "{family}"; src: url("{url}"); '
                     f"font-weight: {weight}; font-style: {style}; font-display: swap; }}")
    body = next((f.family for f in brand.fonts if f.use in ("body", "both")), None)
    heads = next((f.family for f in brand.fonts if f.use in ("headings", "both")), None)
    if brand.colors is not None:
        light = resolved(brand.colors.light, LIGHT)
        lines.append(":root { " + " ".join(f"{PROPERTIES[k]}: {v};" for k, v in light.items())
                     + " }")
        if brand.colors.dark is not None:
            dark = resolved(brand.colors.dark, DARK)
            lines.append("@media (prefers-color-scheme: dark) { :root { color-scheme: dark; "
                         + " ".join(f"{PROPERTIES[k]}: {v};" for k, v in dark.items()) + " } }")
    if body:
        lines.append(f'body {{ font-family: "{body}", system-ui, sans-serif; }}')
    if heads:
        lines.append(f'h1, h2, h3, .brand {{ font-family: "{heads}", system-ui, sans-serif; }}')
    return "\n".join(lines) + "\n"


def load_brand(root: Path, src: Source, brand: Brand | None, known_templates: frozenset[str],
               problems: list[ContentProblem]) -> BrandFiles:
    """Check the brand's files and colours; what the pages need to wear it."""
    templates = _templates(root, known_templates, problems)
    if brand is None:
        return BrandFiles(templates=templates)
    files: dict[str, tuple[Path, str]] = {}

    def add(loc: Loc, name: str, kind: str, limit: int) -> str | None:
        found = _file(root, src, loc, name, kind, limit, problems)
        if found is None:
            return None
        files[name] = found
        return name

    base: Loc = ("brand",)
    logo = None
    if brand.logo is not None:
        url = add((*base, "logo", "file"), brand.logo.file, "image", LOGO_MAX)
        logo = (url, brand.logo.alt) if url else None
    favicon = add((*base, "favicon"), brand.favicon, "icon", FAVICON_MAX) \
        if brand.favicon else None
    sheet = add((*base, "stylesheet"), brand.stylesheet, "css", STYLESHEET_MAX) \
        if brand.stylesheet else None
    fonts = []
    for i, font in enumerate(brand.fonts):
        for j, f in enumerate(font.files):
            if add((*base, "fonts", i, "files", j, "file"), f.file, "font", FONT_MAX):
                fonts.append((font.family, f.file, f.weight, f.style))
    if brand.colors is not None:
        problems.extend(_contrast_problems(src, (*base, "colors", "light"),
                                           brand.colors.light, LIGHT, "light"))
        if brand.colors.dark is not None:
            problems.extend(_contrast_problems(src, (*base, "colors", "dark"),
                                               brand.colors.dark, DARK, "dark"))
    return BrandFiles(files=files, css=_css(brand, fonts), logo=logo, favicon=favicon,
                      stylesheet=sheet, templates=templates)
