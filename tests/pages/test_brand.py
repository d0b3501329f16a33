"""The brand on the pages (brand.css, logo, overrides) and embedding (CSP, snippet, frame.js)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import make_app

CSP_NO_FRAMING = ("default-src 'none'; script-src 'self'; style-src 'self'; "
                  "img-src 'self' data:; media-src 'self'; font-src 'self'; connect-src 'self'; "
                  "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


def test_pages_link_the_brand_and_show_the_logo(client):
    page = client.get("/").get_data(as_text=True)
    assert '<link rel="stylesheet" href="/brand/brand.css">' in page
    assert '<img class="brand-logo" src="/brand/theme/logo.svg" alt="Harborline">' in page
    css = client.get("/brand/brand.css")
    assert css.mimetype == "text/css"
    assert ":root { --accent: #0a5c63;" in css.get_data(as_text=True)
    logo = client.get("/brand/theme/logo.svg")
    assert (logo.status_code, logo.mimetype) == (200, "image/svg+xml")


@pytest.mark.parametrize("path", ["/brand/site.yaml", "/brand/theme/../site.yaml",
                                  "/brand/guides/cfo.md", "/brand/theme/nothing.svg"],
                         ids=["site-yaml", "dotdot", "guide", "unnamed"])
def test_only_named_brand_files_are_served(client, path):
    assert client.get(path).status_code == 404


def test_without_a_brand_pages_keep_buyerkits_look(tmp_path, content_dir):
    site = content_dir / "site.yaml"
    text = site.read_text()
    site.write_text(text[:text.index("\nbrand:")] + text[text.index("\ntarget_profile:"):])
    app = make_app(tmp_path, content_dir)
    page = app.test_client().get("/").get_data(as_text=True)
    assert "brand.css" not in page and "brand-logo" not in page
    assert '<a class="brand" href="/">Harborline</a>' in page
    app.extensions["buyerkit.store"].dispose()


def test_an_override_template_wins_and_can_extend_buyerkits_own(tmp_path, content_dir):
    folder = content_dir / "theme" / "templates"
    folder.mkdir(parents=True)
    (folder / "base.html").write_text(
        "{% extends 'buyerkit/base.html' %}\n"
        "{% block brand %}<a class=\"brand\" href=\"/\">Harborline, by the sea</a>{% endblock %}\n")
    app = make_app(tmp_path, content_dir)
    page = app.test_client().get("/guides/cfo/").get_data(as_text=True)
    assert "Harborline, by the sea" in page
    assert "brand-logo" not in page  # the block replaced buyerkit's own
    assert "<main id=\"main\"" in page  # everything else is buyerkit's base
    app.extensions["buyerkit.store"].dispose()


def test_no_embedders_means_no_framing_at_all(client):
    resp = client.get("/diagnostics/renewal-risk-check/")
    assert resp.headers["Content-Security-Policy"] == CSP_NO_FRAMING
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert "frame.js" not in resp.get_data(as_text=True)


def test_embedders_from_config_and_site_yaml_are_the_only_frame_ancestors(tmp_path, content_dir):
    site = content_dir / "site.yaml"
    site.write_text(site.read_text() + "\nembed:\n  origins: [\"https://www.harborline.example\"]\n")
    app = make_app(tmp_path, content_dir, EMBED_ORIGINS=["http://127.0.0.1:8001"])
    resp = app.test_client().get("/diagnostics/renewal-risk-check/")
    csp = resp.headers["Content-Security-Policy"]
    assert csp.endswith("frame-ancestors 'self' http://127.0.0.1:8001 "
                        "https://www.harborline.example")
    assert "X-Frame-Options" not in resp.headers
    page = resp.get_data(as_text=True)
    assert ('<meta name="buyerkit-embedders" content="http://127.0.0.1:8001 '
            'https://www.harborline.example">') in page
    assert '<script src="/static/frame.js" defer></script>' in page
    app.extensions["buyerkit.store"].dispose()


def test_an_embed_origin_with_a_path_is_refused(runner, content_dir, monkeypatch):
    monkeypatch.chdir(content_dir.parent)
    site = content_dir / "site.yaml"
    site.write_text(site.read_text() + "\nembed:\n  origins: [\"https://www.example.com/x\"]\n")
    done = runner.invoke(["check", "content"])
    line = len(site.read_text().splitlines())
    assert done.stderr.splitlines() == [
        f"content/site.yaml:{line}:13: 'origins[0]' must be an origin: http(s)://host[:port], no "
        "path (got 'https://www.example.com/x')",
        "Aborted with 1 content error",
    ]


def test_embed_prints_a_snippet_per_page_and_what_the_host_csp_needs(runner, content_dir,
                                                                    monkeypatch):
    monkeypatch.chdir(content_dir.parent)
    done = runner.invoke(["embed", "renewal-roi", "--base", "https://tools.harborline.example/"])
    assert done.exit_code == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == ("<!-- Host page CSP must allow: script-src "
                        "https://tools.harborline.example; frame-src "
                        "https://tools.harborline.example -->")
    assert '<script src="https://tools.harborline.example/static/embed.js" ' \
           'data-src="https://tools.harborline.example/calculators/renewal-roi/" ' in done.stdout
    assert '<noscript><a href="https://tools.harborline.example/calculators/renewal-roi/">' \
        in done.stdout


@pytest.mark.parametrize(("args", "error"), [
    (["embed", "nope"], "Error: no diagnostic, calculator or guide 'nope'; there are: cfo, "),
    (["embed", "--base", "ftp://x"], "Error: --base must be an http(s) URL, not 'ftp://x'"),
], ids=["unknown-slug", "bad-base"])
def test_embed_refuses_bad_arguments_in_one_line(runner, content_dir, monkeypatch, args, error):
    monkeypatch.chdir(content_dir.parent)
    done = runner.invoke(args)
    assert done.exit_code == 1
    assert done.stderr.startswith(error) and done.stderr.count("\n") == 1


def test_the_embed_script_stays_small():
    import gzip

    static = Path(__file__).resolve().parents[2] / "site/buyerkit/pages/static"
    for name, limit in (("embed.js", 2048), ("frame.js", 1024)):
        assert len(gzip.compress((static / name).read_bytes(), 9)) <= limit, name


def test_the_freeze_writes_the_brand_files(tmp_path, content_dir):
    from buyerkit.freeze.build import freeze_site

    app = make_app(tmp_path, content_dir)
    dest = tmp_path / "build"
    freeze_site(app, dest, "https://api.harborline.example")
    assert (dest / "brand" / "brand.css").read_text().startswith("/* Made by buyerkit")
    assert (dest / "brand" / "theme" / "logo.svg").read_bytes() == \
        (content_dir / "theme" / "logo.svg").read_bytes()
    app.extensions["buyerkit.store"].dispose()
