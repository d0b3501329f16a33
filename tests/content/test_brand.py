"""The vendor's brand in content: contrast held to WCAG AA, files checked, overrides parsed."""

from __future__ import annotations

from pathlib import Path

import pytest

from buyerkit.content.brand import LIGHT, contrast, luminance, resolved
from buyerkit.content.schema.brand import Palette

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "site/buyerkit/pages/templates"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
WOFF2 = b"wOF2" + b"\x00" * 64


def with_brand(content_dir: Path, block: str) -> None:
    """Replace site.yaml's brand: block with `block` (YAML at top level)."""
    site = content_dir / "site.yaml"
    text = site.read_text()
    start = text.index("\nbrand:")
    end = text.index("\ntarget_profile:")
    site.write_text(text[:start] + "\n" + block.strip("\n") + "\n" + text[end:])


def line_of(content_dir: Path, needle: str) -> int:
    lines = (content_dir / "site.yaml").read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_contrast_matches_wcag_examples():
    # Black on white is 21:1; white on white 1:1; #767676 on white is the AA edge (4.54:1).
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#fff", "#ffffff") == pytest.approx(1.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert luminance("#ffffff") == pytest.approx(1.0)


def test_button_text_follows_the_primary_colour():
    dark_primary = resolved(Palette(primary="#0a5c63"), LIGHT)
    light_primary = resolved(Palette(primary="#ffd166"), LIGHT)
    assert dark_primary["primary_text"] == "#ffffff"
    assert light_primary["primary_text"] == LIGHT["text"]  # the ink reads better on yellow


def test_the_demo_brand_passes(runner):
    done = runner.invoke(["check", "content"])
    assert done.exit_code == 0, done.stderr


def test_a_brand_below_aa_is_refused_naming_the_pair_and_the_line(runner, content_dir,
                                                                  monkeypatch):
    monkeypatch.chdir(content_dir.parent)
    with_brand(content_dir, """
brand:
  colors:
    light:
      primary: "#7fb2e5"
""")
    done = runner.invoke(["check", "content"])
    line = line_of(content_dir, "primary:")
    assert done.exit_code == 1
    assert done.stderr.splitlines() == [
        f"content/site.yaml:{line}:16: light colours: primary text #7fb2e5 on background "
        "#ffffff has a contrast of 2.23:1, below WCAG AA's 4.5:1; set "
        "brand.colors.light.primary or .background",
        f"content/site.yaml:{line}:16: light colours: primary text #7fb2e5 on surface "
        "#f3f6f9 has a contrast of 2.06:1, below WCAG AA's 4.5:1; set "
        "brand.colors.light.primary or .surface",
        "Aborted with 2 content errors",
    ]


def test_a_dark_background_that_hides_buyerkits_default_colours_is_named(runner, content_dir,
                                                                         monkeypatch):
    monkeypatch.chdir(content_dir.parent)
    with_brand(content_dir, """
brand:
  colors:
    light:
      primary: "#0a5c63"
      background: "#0a0a0a"
      text: "#f0f0f0"
      muted: "#c0c0c0"
      surface: "#1a1a1a"
""")
    done = runner.invoke(["check", "content"])
    line = line_of(content_dir, "background:")
    # The default good/warn/bad colours were made for a light page: each is named.
    assert f"content/site.yaml:{line}:19: light colours: good text #1d6b3a on background " \
           "#0a0a0a has a contrast of 3.03:1, below WCAG AA's 4.5:1; set " \
           "brand.colors.light.good or .background" in done.stderr.splitlines()
    assert done.stderr.splitlines()[-1].startswith("Aborted with ")


@pytest.mark.parametrize(("block", "message"), [
    ("brand:\n  colors:\n    light:\n      primary: blue\n",
     "'primary' must be a colour written #rrggbb or #rgb (got 'blue')"),
    ("brand:\n  logo:\n    file: theme/missing.svg\n    alt: Us\n",
     "file not found: content/theme/missing.svg"),
    ("brand:\n  logo:\n    file: theme/fake.png\n    alt: Us\n",
     "theme/fake.png is not a PNG or SVG image"),
    ("brand:\n  logo:\n    file: theme/huge.png\n    alt: Us\n",
     "theme/huge.png is 300 KB; at most 200 KB"),
    ("brand:\n  logo:\n    file: theme/evil.svg\n    alt: Us\n",
     "theme/evil.svg holds a script; a logo must be a plain SVG"),
    ("brand:\n  logo:\n    file: ../outside.png\n    alt: Us\n",
     "../outside.png is outside the content folder"),
    ("brand:\n  fonts:\n    - family: Brand Sans\n      files:\n        - file: theme/font.woff2\n",
     "theme/font.woff2 is not a WOFF2, WOFF, TTF or OTF font"),
    ("brand:\n  stylesheet: theme/cdn.css\n",
     "theme/cdn.css loads from another origin (@import or an absolute url()): keep every "
     "file local"),
], ids=["not-a-colour", "missing-logo", "logo-not-an-image", "logo-too-large", "svg-script",
        "outside-content", "font-not-a-font", "css-from-a-cdn"])
def test_bad_brand_files_get_one_located_line(runner, content_dir, block, message,
                                              monkeypatch):
    monkeypatch.chdir(content_dir.parent)
    theme = content_dir / "theme"
    (theme / "fake.png").write_bytes(b"GIF89a not a png")
    (theme / "huge.png").write_bytes(PNG + b"\x00" * (300 * 1024 - len(PNG)))
    (theme / "evil.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg">'
                                    "<script>alert(1)</script></svg>")
    (content_dir.parent / "outside.png").write_bytes(PNG)
    (theme / "font.woff2").write_bytes(b"<html>not a font</html>")
    (theme / "cdn.css").write_text("@import url(https://fonts.example/x.css);")
    with_brand(content_dir, block)
    done = runner.invoke(["check", "content"])
    errors = done.stderr.splitlines()
    assert done.exit_code == 1
    assert len(errors) == 2 and errors[1] == "Aborted with 1 content error"
    assert errors[0].startswith("content/site.yaml:") and message in errors[0], errors


def test_an_override_template_with_a_syntax_error_is_located(runner, content_dir,
                                                               monkeypatch):
    monkeypatch.chdir(content_dir.parent)
    folder = content_dir / "theme" / "templates"
    folder.mkdir(parents=True)
    (folder / "base.html").write_text("{% extends 'buyerkit/base.html' %}\n"
                                      "{% block brand %}\n<p>{{ site.vendor.name }</p>\n"
                                      "{% endblock %}\n")
    (folder / "nothing.html").write_text("<p>hi</p>\n")
    done = runner.invoke(["check", "content"])
    assert done.stderr.splitlines()[:2] == [
        "content/theme/templates/base.html:3:1: unexpected '}'",
        "content/theme/templates/nothing.html:1:1: overrides no buyerkit template; known: "
        + ", ".join(sorted(p.name for p in TEMPLATES_DIR
                           .glob("*.html"))),
    ]


def test_fonts_and_files_make_the_stylesheet(runner, content_dir):
    (content_dir / "theme" / "brand.woff2").write_bytes(WOFF2)
    with_brand(content_dir, """
brand:
  fonts:
    - family: Brand Sans
      use: headings
      files:
        - file: theme/brand.woff2
          weight: 400 700
""")
    from buyerkit.content.catalog import load_catalog

    brand = load_catalog(content_dir).brand
    assert set(brand.files) == {"theme/brand.woff2"}
    assert '@font-face { font-family: "Brand Sans"; src: url("theme/brand.woff2"); ' \
           "font-weight: 400 700; font-style: normal; font-display: swap; }" in brand.css
    assert 'h1, h2, h3, .brand { font-family: "Brand Sans", system-ui, sans-serif; }' \
        in brand.css
    assert "body {" not in brand.css  # headings only
