"""Customer stories as content: the demo loads, `buyerkit check` names every mistake with its
place, and matching a prospect to stories is one pure function with a table that agrees."""

from __future__ import annotations

import itertools
import re
import shutil
from pathlib import Path

import pytest

from buyerkit.content.catalog import load_catalog
from buyerkit.content.matching import match, match_table
from buyerkit.content.references import defined_values, parse_webvtt
from tests.conftest import DEMO_CONTENT

STORY = "content/references/tidewater-payroll.md"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(DEMO_CONTENT, tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def check(runner) -> list[str]:
    result = runner.invoke(["check", "content"])
    assert result.exit_code == 1, result
    lines = result.stderr.strip().splitlines()
    assert re.fullmatch(r"Error: Aborted with \d+ content errors?", lines[-1]) or \
        lines[-1].startswith("Aborted with"), lines
    return [line.removeprefix("Error: ") for line in lines[:-1]]


def test_demo_stories_load_with_captions_as_transcript():
    catalog = load_catalog(DEMO_CONTENT)
    assert list(catalog.references) == ["tidewater-payroll", "logistics-software-team",
                                        "lanternfish-learning"]
    tide = catalog.references["tidewater-payroll"]
    assert tide.meta.video is not None and tide.meta.video.demo
    assert tide.cues[0].text.startswith("A demo clip, made from Tidewater Payroll's story.")
    assert tide.media == ("media/tidewater-payroll.webm", "media/tidewater-payroll-poster.png",
                          "media/tidewater-payroll.en.vtt")
    anon = catalog.references["logistics-software-team"]
    assert anon.meta.anonymised and "name" not in anon.meta.consent.covers


CASES = {
    "video without captions": (
        "  captions: media/tidewater-payroll.en.vtt\n", "",
        ["content/references/tidewater-payroll.md:43:3: video has no captions: add captions: "
         "a WebVTT (.vtt) file in the clip's language"]),
    "number without source": (
        "    source: Tidewater's finance team, from their billing system\n", "",
        ["content/references/tidewater-payroll.md:27:5: numbers[1] 'Gross revenue churn, "
         "trailing twelve months' has no source: say where the number comes from "
         "(source: ...)"]),
    "unknown size band": (
        'size: "200_999"', 'size: "10_49"',
        ["content/references/tidewater-payroll.md:10:7: size '10_49' is not a size band the "
         "diagnostic defines: use one of 1000_plus, 200_999, 50_199, under_50"]),
    "unknown bucket and trigger": (
        "bucket: retain_expand\ntrigger: authority_shift",
        "bucket: keep_customers\ntrigger: new_cfo",
        ["content/references/tidewater-payroll.md:12:9: bucket 'keep_customers' is not a "
         "problem bucket the diagnostic defines: use one of acquire, efficiency, retain_expand",
         "content/references/tidewater-payroll.md:13:10: trigger 'new_cfo' is not a trigger "
         "the diagnostic defines: use one of authority_shift, mandate, none, personal_drive"]),
    "video in a format we do not serve": (
        "file: media/tidewater-payroll.webm", "file: media/tidewater-payroll.mov",
        ["content/references/tidewater-payroll.md:43:9: file: 'media/tidewater-payroll.mov' "
         "must be a WebM (.webm) or MP4 (.mp4) video"]),
    "named without consent to the name": (
        "covers: [name, quote, numbers, video]", "covers: [quote, numbers, video]",
        ["content/references/tidewater-payroll.md:9:11: consent does not cover the customer's "
         "name: add 'name', or set anonymised: true and describe them"]),
    "a diagnostic that does not exist": (
        "industry: Payroll", "diagnostic: churn-check\nindustry: Payroll",
        ["content/references/tidewater-payroll.md:11:13: unknown diagnostic 'churn-check'"]),
    "consent without the video": (
        "covers: [name, quote, numbers, video]", "covers: [name, quote, numbers]",
        ["content/references/tidewater-payroll.md:9:11: consent does not cover the video: add "
         "'video' once the customer agreed, or remove it"]),
}


@pytest.mark.parametrize("case", CASES)
def test_story_mistakes_are_located_word_for_word(workdir, runner, case):
    old, new, expected = CASES[case]
    edit(workdir / STORY, old, new)
    assert check(runner) == expected


def test_media_that_is_not_what_it_claims(workdir, runner):
    media = workdir / "content/references/media"
    (media / "tidewater-payroll.webm").write_bytes(b"<html>not a video</html>")
    (media / "tidewater-payroll.en.vtt").write_text("1\n00:00:00,000 --> 00:00:02,000\nHi\n")
    (media / "tidewater-payroll-poster.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 160_000)
    assert check(runner) == [
        "content/references/tidewater-payroll.md:43:9: file: 'media/tidewater-payroll.webm' is "
        "not a video: it does not start like a WEBM file",
        "content/references/tidewater-payroll.md:44:11: poster: "
        "'media/tidewater-payroll-poster.png' is 156 KB; a poster may be at most 150 KB",
        "content/references/tidewater-payroll.md:45:13: captions: "
        "'media/tidewater-payroll.en.vtt' is not WebVTT: its first line must be WEBVTT",
    ]


def test_a_500_mb_video_is_refused_without_reading_it(workdir, runner):
    clip = workdir / "content/references/media/tidewater-payroll.webm"
    with clip.open("r+b") as f:  # a sparse file: the size is real, the disk is not used
        f.truncate(500 * 1024 * 1024)
    assert check(runner) == [
        "content/references/tidewater-payroll.md:43:9: file: 'media/tidewater-payroll.webm' is "
        "500.0 MB; a story's clip may be at most 20.0 MB"]


def test_a_new_story_file_is_told_what_is_missing(workdir, runner):
    (workdir / "content/references/acme.md").write_text(
        "---\ntitle: Acme\ncustomer: Acme\n---\nHow Acme kept its customers.\n")
    lines = check(runner)
    assert all(line.startswith("content/references/acme.md:2:1: ") for line in lines)
    assert {line.rsplit(": ", 1)[1] for line in lines} >= {
        "missing required field 'size'", "missing required field 'numbers'",
        "missing required field 'time_to_value'", "missing required field 'quote'"}


def test_webvtt_parser_reads_cues_and_names_the_bad_line():
    cues, error = parse_webvtt("WEBVTT\n\n1\n00:00.000 --> 00:02.500\nHello <v A>there</v>\n"
                               "&amp; welcome\n\nNOTE ignored\n\n00:03.000 --> 00:04.000 "
                               "align:start\nBye\n")
    assert error is None
    assert [(c.start, c.end, c.text) for c in cues] == [(0.0, 2.5, "Hello there & welcome"),
                                                        (3.0, 4.0, "Bye")]
    assert parse_webvtt("WEBVTT\n\n00:00.000 --> 00:00.000\nx\n")[1] == \
        "line 3: a cue must end after it starts"
    assert parse_webvtt("WEBVTT\n\n00:00 --> 00:01\nx\n")[1] == \
        "line 3: bad cue timing '00:00 --> 00:01'"
    assert parse_webvtt("WEBVTT\n")[1] == "has no cues: add at least one timed caption"


def test_matching_prefers_bucket_then_size_then_trigger():
    refs = load_catalog(DEMO_CONTENT).references
    # a 200-person company with surprise churn and a new leader: Tidewater first, said why
    found = match(refs, "fit", "retain_expand", "200_999", "authority_shift")
    assert [(m.slug, m.said) for m in found] == [
        ("tidewater-payroll",
         "A company of your size with the same problem and the same reason to act"),
        ("lanternfish-learning", "The same problem, at a company of another size")]
    # size outranks trigger: Lanternfish (50-199, mandate) before Tidewater (authority shift)
    found = match(refs, "not_now", "retain_expand", "50_199", "authority_shift")
    assert [m.slug for m in found] == ["lanternfish-learning", "tidewater-payroll"]
    assert [(m.slug, m.said) for m in match(refs, "fit", "efficiency", None, None)] == [
        ("logistics-software-team",
         "The same problem (matched without your company's size)")]  # size not known
    assert match(refs, "not_a_fit", "retain_expand", "200_999", "mandate") == ()
    assert match(refs, "fit", None, "200_999", "mandate") == ()
    assert match(refs, "fit", "acquire", "200_999", "mandate") == ()
    assert len(match(refs, "fit", "retain_expand", limit=1)) == 1


def test_the_page_table_is_the_function_for_every_combination():
    catalog = load_catalog(DEMO_CONTENT)
    values = defined_values(catalog.diagnostics, None)
    table = match_table(catalog.references, values["bucket"], values["size"],
                        values["trigger"])
    for b, s, t in itertools.product(values["bucket"], ["", *values["size"]],
                                     ["", *values["trigger"]]):
        expected = " ".join(f"{m.slug}:{m.code}"
                            for m in match(catalog.references, "fit", b, s or None, t or None))
        assert table.get(f"{b}|{s}|{t}", "") == expected
