#!/usr/bin/env python3
"""What the file system alone charges for a build: N folders with one index.html each, the
files a freeze of N pages writes, timed round after round in each folder given.

    .venv/bin/python tools/bench_files.py [--pages 4000] [--rounds 4] [DIR ...]

DIR defaults to the temporary folder (TMPDIR) and /dev/shm. Each round writes the tree after
os.sync() and deletes it after, as tools/bench_freeze.py does; it prints the wall and system
seconds and the microseconds per page. No rendering, no Python beyond the calls: when these
figures move from one round to the next, the freeze's and its floor's move with them.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

PAGE = b"<!doctype html>" + b"x" * 25_000  # about a frozen page


def write_tree(root: Path, pages: int) -> tuple[float, float]:
    """One folder and one file per page under `root`; wall and system seconds."""
    os.sync()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_stime
    start = time.perf_counter()
    os.mkdir(root)
    for n in range(pages):
        folder = os.path.join(root, str(n))
        os.mkdir(folder)
        with open(os.path.join(folder, "index.html"), "wb") as f:
            f.write(PAGE)
    wall = time.perf_counter() - start
    return wall, resource.getrusage(resource.RUSAGE_SELF).ru_stime - before


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("dirs", nargs="*", type=Path, help="folders to write in")
    p.add_argument("--pages", type=int, default=4000)
    p.add_argument("--rounds", type=int, default=4)
    args = p.parse_args(argv)
    dirs = args.dirs or [Path(tempfile.gettempdir()), Path("/dev/shm")]
    for base in dirs:
        if not base.is_dir():
            print(f"Error: {base} is not a folder", file=sys.stderr)
            return 2
        walls = []
        with tempfile.TemporaryDirectory(prefix="bench-files-", dir=base) as tmp:
            for r in range(args.rounds):
                root = Path(tmp) / f"round-{r}"
                wall, system = write_tree(root, args.pages)
                walls.append(wall)
                print(f"{base}  round {r + 1}: {wall:6.3f} s wall, {system:6.3f} s system, "
                      f"{wall / args.pages * 1e6:6.0f} µs per page")
                shutil.rmtree(root)
        print(f"{base}  slowest / fastest round: {max(walls) / min(walls):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
