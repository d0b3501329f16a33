#!/usr/bin/env python3
"""Make a customer story's demo clip from the story's own text: slides, a synthetic voice, and
WebVTT captions of the very words spoken, so the three always agree.

    .venv/bin/python tools/make_demo_clip.py content/references/tidewater-payroll.md

Needs ffmpeg (drawtext, libvpx-vp9, libopus) and espeak-ng (`apt-get install -y ffmpeg
espeak-ng`). Writes the files the story's `video` fields name (WebM with VP9 and Opus, a PNG
poster, the .vtt captions), byte for byte the same on every run with the same tools, and every
slide says "Demo clip": it is a demonstration, not a customer's recording. `--out DIR` writes
the three files to DIR instead (the test compares them with the committed ones).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import textwrap
import wave
from pathlib import Path

import yaml

WIDTH, HEIGHT, FPS = 640, 360, 5
RATE = 22050  # espeak-ng's sample rate
PAUSE = 0.7  # seconds of silence after each slide's sentence
VOICE, SPEED = "en-gb", "160"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
BG, FG, ACCENT = "0x0b3d5c", "white", "0x9fd3ff"


def front_matter(path: Path) -> dict:
    """The story's YAML front matter (between the first two `---` lines)."""
    text = path.read_text(encoding="utf-8")
    _, front, _ = text.split("---\n", 2)
    return yaml.safe_load(front)


def slides(meta: dict) -> list[tuple[str, str, str]]:
    """(heading, text on the slide, words spoken) for each slide, all from the story."""
    ttv = meta["time_to_value"]
    first = meta["numbers"][0]
    quote = " ".join(meta["quote"]["text"].split())
    return [
        ("Demo clip: " + meta["customer"], meta["title"],
         f"A demo clip, made from {meta['customer']}'s story. {meta['title']}."),
        ("Why they bought", meta["why_they_bought"][0], meta["why_they_bought"][0] + "."),
        ("Time to value", f"{ttv['value']}: {ttv['to']}",
         f"Time to value: {ttv['value']}, to {ttv['to']}."),
        (first["label"], f"{first['before']}  ->  {first['after']}",
         f"{first['label']}: from {first['before']} to {first['after']}."),
        ("In their words", f"\u201c{quote}\u201d\n\u2014 {meta['quote']['by']}",
         f"In their words: {quote}"),
    ]


def run(*cmd: str) -> None:
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def say(text: str, out: Path) -> float:
    """Speak `text` into a WAV file; its length in seconds."""
    run("espeak-ng", "-v", VOICE, "-s", SPEED, "-w", str(out), text)
    with wave.open(str(out)) as w:
        return w.getnframes() / w.getframerate()


def draw(tmp: Path, i: int, heading: str, body: str) -> Path:
    """One slide as a PNG: the heading, the wrapped text and a "Demo clip" mark."""
    (tmp / f"h{i}.txt").write_text(heading)
    wrapped = "\n".join(textwrap.fill(p, 44) for p in body.split("\n"))
    (tmp / f"b{i}.txt").write_text(wrapped)
    (tmp / "mark.txt").write_text("DEMO CLIP - synthetic voice - buyerkit")
    text = "drawtext=fontfile={font}:textfile={file}:expansion=none:fontcolor={color}:" \
           "fontsize={size}:x=36:y={y}:line_spacing=8"
    chain = ",".join([
        text.format(font=BOLD, file=tmp / f"h{i}.txt", color=ACCENT, size=24, y=34),
        text.format(font=FONT, file=tmp / f"b{i}.txt", color=FG, size=22, y=96),
        text.format(font=FONT, file=tmp / "mark.txt", color=ACCENT, size=14, y=HEIGHT - 34),
    ])
    out = tmp / f"slide{i}.png"
    run("ffmpeg", "-hide_banner", "-y", "-f", "lavfi", "-i", f"color=c={BG}:s={WIDTH}x{HEIGHT}",
        "-frames:v", "1", "-vf", chain, "-fflags", "+bitexact", "-flags", "+bitexact", str(out))
    return out


def stamp(t: float) -> str:
    ms = round(t * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def captions(parts: list[tuple[float, float, str]]) -> str:
    """WebVTT with each slide's words in cues of at most two short lines, timed by length."""
    out = ["WEBVTT", "Kind: captions", "Language: en", ""]
    n = 0
    for start, end, words in parts:
        chunks = textwrap.wrap(words, 84, break_on_hyphens=False)
        total = sum(len(c) for c in chunks)
        t = start
        for c in chunks:
            step = (end - start) * len(c) / total
            n += 1
            out += [str(n), f"{stamp(t)} --> {stamp(t + step)}",
                    *textwrap.wrap(c, 42, break_on_hyphens=False), ""]
            t += step
    return "\n".join(out)


def make(story: Path, out_dir: Path | None = None) -> list[Path]:
    """Write the clip, poster and captions the story names; the paths written."""
    meta = front_matter(story)
    video = meta["video"]
    base = story.parent
    targets = {k: (out_dir / Path(video[k]).name if out_dir else base / video[k])
               for k in ("file", "poster", "captions")}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        listing, frames, parts, t = [], b"", [], 0.0
        for i, (heading, body, spoken) in enumerate(slides(meta)):
            png = draw(tmp, i, heading, body)
            length = say(spoken, tmp / f"v{i}.wav")
            with wave.open(str(tmp / f"v{i}.wav")) as w:
                frames += w.readframes(w.getnframes())
            pad = round((length + PAUSE) * FPS) / FPS - length  # slides end on a frame
            frames += b"\0\0" * round(pad * RATE)
            parts.append((t, t + length, spoken))
            t += length + pad
            listing += [f"file '{png}'", f"duration {length + pad:.3f}"]
        listing.append(f"file '{tmp / f'slide{i}.png'}'")
        (tmp / "slides.txt").write_text("\n".join(listing) + "\n")
        with wave.open(str(tmp / "voice.wav"), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(frames)
        for path in targets.values():
            path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(tmp / "slide0.png", targets["poster"])
        run("ffmpeg", "-hide_banner", "-y", "-f", "concat", "-safe", "0",
            "-i", str(tmp / "slides.txt"), "-i", str(tmp / "voice.wav"),
            "-map", "0:v", "-map", "1:a", "-r", str(FPS), "-pix_fmt", "yuv420p",
            "-c:v", "libvpx-vp9", "-crf", "42", "-b:v", "0", "-deadline", "good",
            "-cpu-used", "4", "-threads", "1", "-row-mt", "0",
            "-c:a", "libopus", "-b:a", "24k", "-ac", "1", "-shortest",
            "-map_metadata", "-1", "-fflags", "+bitexact", "-flags", "+bitexact",
            str(targets["file"]))
    targets["captions"].write_text(captions(parts), encoding="utf-8")
    return list(targets.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("story", type=Path, help="content/references/<slug>.md with a video")
    parser.add_argument("--out", type=Path, help="write the files here instead")
    args = parser.parse_args(argv)
    missing = [t for t in ("ffmpeg", "espeak-ng") if shutil.which(t) is None]
    if missing:
        print(f"Error: {' and '.join(missing)} not found: apt-get install -y ffmpeg espeak-ng",
              file=sys.stderr)
        return 1
    for path in make(args.story, args.out):
        print(f"{path}  {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
