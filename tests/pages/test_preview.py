"""The verdict table as a page under the dev server only: never frozen, never in the sitemap,
never under `buyerkit api`."""

from __future__ import annotations

import html

from buyerkit.freeze.build import freeze_site
from tests.conftest import make_app

PATH = "/_preview/explain/renewal-risk-check/"


def test_the_preview_page_shows_the_verdict_table(tmp_path, content_dir):
    app = make_app(tmp_path, content_dir, PREVIEW=True)
    page = html.unescape(app.test_client().get(PATH).get_data(as_text=True))
    assert "<h1>Verdict table: Is renewal risk the problem you need to solve now?</h1>" in page
    assert "<code>too_small_yet</code>: Too small yet (fewer than 50 people)</th>" in page
    assert "<td>Not a fit</td>" in page and "size = “Fewer than 50”" in page
    assert '<meta name="robots" content="noindex">' in page
    assert "<th scope=\"row\"><code>warning_time</code></th><td>symptom = “Customers we " \
           "thought were healthy cancelled, and we found out at renewal time”</td>" in page
    assert app.test_client().get("/_preview/explain/no-such/").status_code == 404
    assert "_preview" not in app.test_client().get("/sitemap.xml").get_data(as_text=True)
    app.extensions["buyerkit.store"].dispose()


def test_no_preview_without_the_dev_server(tmp_path, content_dir):
    for config in ({}, {"PREVIEW": True, "API_ONLY": True}):
        app = make_app(tmp_path / str(len(config)), content_dir, **config)
        assert app.test_client().get(PATH).status_code == 404
        assert "preview" not in {r.endpoint.split(".")[0] for r in app.url_map.iter_rules()}
        app.extensions["buyerkit.store"].dispose()


def test_the_preview_is_never_frozen(tmp_path, content_dir):
    app = make_app(tmp_path, content_dir, PREVIEW=True)
    result = freeze_site(app, tmp_path / "build", "https://api.example.com")
    assert not (tmp_path / "build" / "_preview").exists()
    assert not any("_preview" in str(f) for f in result.files)
    app.extensions["buyerkit.store"].dispose()


def test_a_diagnostic_too_branched_to_analyse_says_so(tmp_path, monkeypatch):
    from buyerkit.content.scaffold import new
    from tests.content.test_analysis_conditions import many_paths

    new(tmp_path / "site1", ("cfo",), "Example Vendor")
    (tmp_path / "site1" / "diagnostics" / "many.yaml").write_text(many_paths(8))
    app = make_app(tmp_path, tmp_path / "site1", PREVIEW=True)
    resp = app.test_client().get("/_preview/explain/many/")
    assert resp.status_code == 422
    assert "diagnostic 'many' has more than 128 paths through its conditions, too many to " \
           "analyse; `buyerkit check` says where" in html.unescape(resp.get_data(as_text=True))
    app.extensions["buyerkit.store"].dispose()
