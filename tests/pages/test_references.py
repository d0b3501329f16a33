"""Customer story pages as Flask serves and freezes them: figures with sources, the player that
loads nothing before play, only the files a story names, every story in the build and sitemap,
and story events through the API with nothing that identifies anyone."""

from __future__ import annotations

import json
import uuid

from buyerkit.freeze.build import freeze_site
from tests.conftest import DEMO_CONTENT, make_app

SLUGS = ("tidewater-payroll", "logistics-software-team", "lanternfish-learning")


def test_index_lists_every_story_with_its_time_to_value(client):
    html = client.get("/customers/").get_data(as_text=True)
    for slug in SLUGS:
        assert f'href="/customers/{slug}/"' in html
    assert '<span class="story-value">7 weeks</span> to the first at-risk renewal' in html


def test_story_page_player_figures_transcript_and_office_hours(client):
    resp = client.get("/customers/tidewater-payroll/")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Set-Cookie" not in resp.headers
    assert '<video controls preload="none" playsinline width="640" height="360" ' \
           'poster="/customers/files/media/tidewater-payroll-poster.png"' in html
    assert '<track kind="captions" src="/customers/files/media/tidewater-payroll.en.vtt" ' \
           'srclang="en" label="Captions (English)" default>' in html
    assert "<strong>Demo clip:</strong>" in html
    assert '<p class="story-value"><span class="visually-hidden">from </span>12.4% ' \
           '<span aria-hidden="true">→</span><span class="visually-hidden"> to</span> 8.1%</p>' \
           in html
    assert "Source: Tidewater&#39;s finance team, from their billing system, August 2026." in html
    assert '<span class="small">0:28</span> In their words: We did not need more data.' in html
    assert 'href="https://harborline.example/schedule?office-hours=tidewater"' in html
    assert "media-src 'self'" in resp.headers["Content-Security-Policy"]
    anon = client.get("/customers/logistics-software-team/").get_data(as_text=True)
    assert "<video" not in anon and "the customer asked not to be named" in anon


def test_media_route_serves_only_what_a_story_names(client):
    with client.get("/customers/files/media/tidewater-payroll.webm") as clip:
        assert clip.status_code == 200 and clip.mimetype == "video/webm"
        assert clip.data[:4] == b"\x1a\x45\xdf\xa3"
    with client.get("/customers/files/media/tidewater-payroll.en.vtt") as vtt:
        assert vtt.mimetype == "text/vtt" and vtt.data.startswith(b"WEBVTT")
    for path in ("/customers/files/tidewater-payroll.md", "/customers/files/../site.yaml",
                 "/customers/files/media/other.webm", "/customers/removed-story/"):
        assert client.get(path).status_code == 404, path


def test_freeze_writes_every_story_its_media_and_sitemap_entries(tmp_path):
    app = make_app(tmp_path, DEMO_CONTENT)
    try:
        freeze_site(app, tmp_path / "build", "https://score.harborline.example")
    finally:
        app.extensions["buyerkit.store"].dispose()
    build = tmp_path / "build"
    assert (build / "customers/index.html").is_file()
    for slug in SLUGS:
        assert (build / "customers" / slug / "index.html").is_file()
    media = build / "customers/files/media"
    assert sorted(p.name for p in media.iterdir()) == [
        "tidewater-payroll-poster.png", "tidewater-payroll.de.vtt",  # the German story's
        "tidewater-payroll.en.vtt", "tidewater-payroll.webm"]
    assert (media / "tidewater-payroll.webm").read_bytes() == \
        (DEMO_CONTENT / "references/media/tidewater-payroll.webm").read_bytes()
    assert (media / "tidewater-payroll-poster.png").stat().st_size <= 150 * 1024
    sitemap = (build / "sitemap.xml").read_text()
    for slug in SLUGS:
        assert f"/customers/{slug}/</loc>" in sitemap
    assert "/customers/files/" not in sitemap


def test_story_events_are_stored_without_identifiers(client, store):
    journey = str(uuid.uuid4())
    body = {"events": [
        {"id": str(uuid.uuid4()), "kind": "reference_viewed", "subject": "tidewater-payroll",
         "journey": journey, "props": {"verdict": "fit", "bucket": "retain_expand"}},
        {"id": str(uuid.uuid4()), "kind": "reference_played", "subject": "tidewater-payroll",
         "journey": journey, "props": {"verdict": "fit", "bucket": "retain_expand",
                                       "quartile": 3}}]}
    resp = client.post("/api/v1/events", json=body, headers={"User-Agent": "Mozilla/5.0"})
    assert resp.status_code == 200, resp.get_json()
    rows = {r["kind"]: r for r in store.rows()}
    played = rows["reference_played"]
    assert (played["verdict"], played["bucket"], json.loads(played["props"])) == \
        ("fit", "retain_expand", {"quartile": 3})
    bad = client.post("/api/v1/events", json={"events": [
        {"id": str(uuid.uuid4()), "kind": "reference_played", "subject": "tidewater-payroll",
         "props": {"quartile": 5, "email": "a@b.example"}}]})
    assert bad.status_code == 400
    assert {e["field"] for e in bad.get_json()["errors"]} == \
        {"events.0.props.quartile", "events.0.props.email"}
