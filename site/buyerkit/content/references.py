"""Load customer stories (content/references/<slug>.md) and check what a schema cannot say.

A story a prospect can validate: every number has a source and a date, the customer agreed to
what is published, the size band, bucket and trigger are the diagnostic's own values (so a
story can be matched to a verdict), and a video is a real, small, captioned file with a light
poster. Each mistake is `path:line:col: message`, lines counted in the whole file.

A story's translation (`<slug>.de.md`) is a whole story whose facts equal the source's (size,
bucket, trigger, consent, dates, media, and the figures of every text); it may name captions
of its own, in its language. docs/customer-stories.md, "Translations", says how it is shown.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from buyerkit.content.loading import Source, check_slug_name, outside_content, read_front_matter
from buyerkit.content.markup import render_markdown
from buyerkit.content.schema.diagnostic import Diagnostic
from buyerkit.content.schema.reference import Cue, Reference, ReferenceMeta, Video
from buyerkit.content.translations import sources
from buyerkit.errors import ContentProblem

FOLDER = "references"
MAX_VIDEO_BYTES = 20 * 1024 * 1024  # a short clip; a long film belongs on a video host
MAX_POSTER_BYTES = 150 * 1024
MAX_CAPTION_BYTES = 512 * 1024
VIDEO_TYPES = {".webm": "video/webm", ".mp4": "video/mp4"}
IMAGE_MAGIC = ((b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"))
_TIME = r"(?:(\d{1,3}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
TIMING = re.compile(rf"^{_TIME}[ \t]+-->[ \t]+{_TIME}(?:[ \t].*)?$")
TAG = re.compile(r"<[^>]*>")


def _seconds(h: str | None, m: str, s: str, ms: str) -> float:
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def _blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Blank-line separated blocks with the (1-based) line number each starts on."""
    blocks: list[tuple[int, list[str]]] = []
    for no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if blocks and no > 1 and lines[no - 2].strip():
            blocks[-1][1].append(line)
        else:
            blocks.append((no, [line]))
    return blocks


def parse_webvtt(text: str) -> tuple[tuple[Cue, ...], str | None]:
    """The cues of a WebVTT file, or a message saying why it is not WebVTT."""
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not re.fullmatch(r"WEBVTT([ \t].*)?", lines[0]):
        return (), "is not WebVTT: its first line must be WEBVTT"
    cues: list[Cue] = []
    for start_line, block in _blocks(lines)[1:]:
        if block[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        timing = next((i for i, line in enumerate(block[:2]) if "-->" in line), None)
        if timing is None:
            return (), (f"line {start_line}: a cue needs a timing line such as "
                        "'00:00.000 --> 00:04.000'")
        m = TIMING.match(block[timing].strip())
        if m is None:
            return (), f"line {start_line + timing}: bad cue timing '{block[timing][:60]}'"
        start, end = _seconds(*m.groups()[:4]), _seconds(*m.groups()[4:])
        if end <= start:
            return (), f"line {start_line + timing}: a cue must end after it starts"
        words = " ".join(html.unescape(TAG.sub("", t)).strip() for t in block[timing + 1:])
        if words.strip():
            cues.append(Cue(start, end, words.strip()))
    if not cues:
        return (), "has no cues: add at least one timed caption"
    return tuple(cues), None


def defined_values(diagnostics: Mapping[str, Diagnostic], slug: str | None
                   ) -> dict[str, set[str]]:
    """The size bands, buckets and triggers the diagnostic (or every diagnostic) defines."""
    out: dict[str, set[str]] = {"size": set(), "bucket": set(), "trigger": set()}
    for d in ([diagnostics[slug]] if slug in diagnostics else diagnostics.values()):
        for q in d.questions():
            for o in q.options:
                if q.records == "size":
                    out["size"].add(o.value)
                if o.bucket:
                    out["bucket"].add(o.bucket)
                if o.trigger:
                    out["trigger"].add(o.trigger)
    return out


def _check_values(src: Source, meta: ReferenceMeta, root: Path,
                  diagnostics: Mapping[str, Diagnostic], problems: list[ContentProblem]) -> None:
    if meta.diagnostic and not (root / "diagnostics" / f"{meta.diagnostic}.yaml").is_file():
        problems.append(src.problem(("diagnostic",), f"unknown diagnostic '{meta.diagnostic}'"))
        return
    if not diagnostics or (meta.diagnostic and meta.diagnostic not in diagnostics):
        return  # the diagnostic itself is broken: its own errors say so
    if not meta.diagnostic and any(p.stem not in diagnostics
                                   for p in sources(root / "diagnostics", "*.yaml")):
        return  # one of several is broken: what it defines is unknown until it loads
    defined = defined_values(diagnostics, meta.diagnostic)
    words = {"size": "size band", "bucket": "problem bucket", "trigger": "trigger"}
    for key, word in words.items():
        value = getattr(meta, key)
        if value not in defined[key]:
            known = ", ".join(sorted(defined[key])) or "(none)"
            problems.append(src.problem((key,), f"{key} '{value[:40]}' is not a {word} the "
                                        f"diagnostic defines: use one of {known}"))


def _check_sources(src: Source, meta: ReferenceMeta, problems: list[ContentProblem]) -> None:
    """Every figure a prospect reads carries where it comes from and when it was measured."""
    items = [(("time_to_value",), "time_to_value", meta.time_to_value)]
    items += [(("numbers", i), f"numbers[{i + 1}] '{f.label}'", f)
              for i, f in enumerate(meta.numbers)]
    for loc, what, item in items:
        if item.source is None:
            problems.append(src.problem(loc, f"{what} has no source: say where the number "
                                        "comes from (source: ...)"))
        if item.date is None:
            problems.append(src.problem(loc, f"{what} has no date: say when it was measured "
                                        "(date: YYYY-MM or YYYY-MM-DD)"))


def _check_consent(src: Source, meta: ReferenceMeta, problems: list[ContentProblem]) -> None:
    covers = set(meta.consent.covers)
    loc = ("consent", "covers")
    if not meta.anonymised and "name" not in covers:
        problems.append(src.problem(loc, "consent does not cover the customer's name: add "
                                    "'name', or set anonymised: true and describe them"))
    for part, used in (("quote", True), ("numbers", True), ("video", meta.video is not None)):
        if used and part not in covers:
            problems.append(src.problem(loc, f"consent does not cover the {part}: add "
                                        f"'{part}' once the customer agreed, or remove it"))


def _media(src: Source, folder: Path, loc: tuple[str, ...], rel: str,
           problems: list[ContentProblem]) -> bytes | None:
    """The first bytes of a media file beside the story, or a located problem."""
    path = folder / rel
    if outside_content(path):
        problems.append(src.problem(loc, f"{loc[-1]}: '{rel}' leads outside the content "
                                    "folder: copy the file in instead"))
        return None
    if not path.is_file():
        problems.append(src.problem(loc, f"{loc[-1]}: '{rel}' does not exist (paths are "
                                    "relative to content/references/)"))
        return None
    with path.open("rb") as f:
        return f.read(16)


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def _check_video(src: Source, video: Video, folder: Path,
                 problems: list[ContentProblem]) -> tuple[Cue, ...]:
    """The clip is WebM or MP4 and small, the poster light, the captions WebVTT; the cues."""
    loc = ("video", "file")
    suffix = Path(video.file).suffix.lower()
    if suffix not in VIDEO_TYPES:
        problems.append(src.problem(loc, f"file: '{video.file}' must be a WebM (.webm) or MP4 "
                                    "(.mp4) video"))
    else:
        head = _media(src, folder, loc, video.file, problems)
        ok = head is not None and (head.startswith(b"\x1a\x45\xdf\xa3") if suffix == ".webm"
                                   else head[4:8] == b"ftyp")
        if head is not None and not ok:
            problems.append(src.problem(loc, f"file: '{video.file}' is not a video: it does not "
                                        f"start like a {suffix[1:].upper()} file"))
        size = (folder / video.file).stat().st_size if head is not None else 0
        if size > MAX_VIDEO_BYTES:
            problems.append(src.problem(loc, f"file: '{video.file}' is {_mb(size)}; a story's "
                                        f"clip may be at most {_mb(MAX_VIDEO_BYTES)}"))
    if video.poster is None:
        problems.append(src.problem(("video",), "video has no poster: add poster: an image "
                                    "(PNG or JPEG, at most 150 KB) shown before play"))
    else:
        ploc = ("video", "poster")
        head = _media(src, folder, ploc, video.poster, problems)
        if head is not None:
            if not any(head.startswith(magic) for magic, _ in IMAGE_MAGIC):
                problems.append(src.problem(ploc, f"poster: '{video.poster}' is not a PNG or "
                                            "JPEG image"))
            size = (folder / video.poster).stat().st_size
            if size > MAX_POSTER_BYTES:
                problems.append(src.problem(ploc, f"poster: '{video.poster}' is {size // 1024} "
                                            "KB; a poster may be at most 150 KB"))
    if video.captions is None:
        problems.append(src.problem(("video",), "video has no captions: add captions: a "
                                    "WebVTT (.vtt) file in the clip's language"))
        return ()
    return load_captions(src, video.captions, folder, problems)


def load_captions(src: Source, captions: str, folder: Path,
                  problems: list[ContentProblem]) -> tuple[Cue, ...]:
    """The cues of a story's WebVTT captions file, or a located problem."""
    cloc = ("video", "captions")
    if _media(src, folder, cloc, captions, problems) is None:
        return ()
    path = folder / captions
    if path.stat().st_size > MAX_CAPTION_BYTES:
        problems.append(src.problem(cloc, f"captions: '{captions}' is larger than "
                                    "512 KB"))
        return ()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(src.problem(cloc, f"captions: '{captions}' is not WebVTT: it is "
                                    "not UTF-8 text"))
        return ()
    cues, error = parse_webvtt(text)
    if error:
        problems.append(src.problem(cloc, f"captions: '{captions}' {error}"))
    return cues


def load_reference(path: Path, root: Path, diagnostics: Mapping[str, Diagnostic],
                   problems: list[ContentProblem]) -> Reference | None:
    """Load one story; its slug (and address) is its file name."""
    before = len(problems)
    parts = read_front_matter(path, problems, ReferenceMeta, "a customer story",
                              "see docs/customer-stories.md for the fields a story needs")
    if parts is None:
        return None
    src, meta, body, body_offset = parts
    check_slug_name(src, problems)
    _check_values(src, meta, root, diagnostics, problems)
    _check_sources(src, meta, problems)
    _check_consent(src, meta, problems)
    cues: tuple[Cue, ...] = ()
    media: tuple[str, ...] = ()
    if meta.video is not None:
        cues = _check_video(src, meta.video, path.parent, problems)
        media = tuple(m for m in (meta.video.file, meta.video.poster, meta.video.captions) if m)
    if not body.strip():
        problems.append(ContentProblem(src.name, body_offset, 1,
                                       "the story has no text after its front matter"))
        return None
    rendered, body_problems = render_markdown(body)
    for line, message in body_problems:
        problems.append(ContentProblem(src.name, line + body_offset, 1, message))
    if len(problems) != before:
        return None
    return Reference(slug=path.stem, meta=meta, html=str(rendered), cues=cues, media=media)


def load_references(root: Path, diagnostics: Mapping[str, Diagnostic],
                    problems: list[ContentProblem]) -> Mapping[str, Reference]:
    """Every story under content/references/ (optional folder), in the content's order."""
    refs = [r for path in sources(root / FOLDER, "*.md")  # translations: localized.py
            if (r := load_reference(path, root, diagnostics, problems)) is not None]
    refs.sort(key=lambda r: (r.meta.order, r.slug))
    return MappingProxyType({r.slug: r for r in refs})
