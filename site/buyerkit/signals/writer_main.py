"""The writer process's own side: open the store the worker names, commit each message's
rows in one durable transaction, answer. Started by writer.WriterProcess only; kept apart from
it so the store (which holds a WriterProcess) and the writer (which opens a Store) do not
import each other."""

from __future__ import annotations

import importlib
import logging
import os
import pickle
import signal
import socket
import sys
from typing import Any

from buyerkit.signals.groupcommit import StoreError
from buyerkit.signals.store import Store
from buyerkit.signals.writer import FD_VARIABLE, WRITER_NICENESS, lower_priority, receive, send

log = logging.getLogger("buyerkit")


def _follower(name: str | None) -> Any:
    """The follower class named `module:attribute` by whoever wired the store (the app
    factory names the reports' FolderProcess), or None."""
    if not name:
        return None
    module, _, attribute = name.partition(":")
    return getattr(importlib.import_module(module), attribute)


def serve(sock: socket.socket) -> None:
    """The writer's loop: open the store the worker names, then commit each message's rows
    in one durable transaction and answer None (or the reason it failed), until the worker's
    end closes. Its own folder folds the committed events into the roll-ups meanwhile."""
    config = receive(sock)
    try:
        follower = _follower(config.get("follower"))  # imports the stage that owns it first
        store = Store(config["url"])
    except Exception as e:  # unreachable or unusable: the worker's requests get their 503
        log.warning("the store's writer could not open the store (%s)", type(e).__name__)
        return
    if follower is not None:
        store.followers.append(follower(config["url"], config["fold_delay_ms"],
                                        config["fold_batch"]))
    send(sock, "ready")
    try:
        while True:
            try:
                rows = receive(sock)
            except EOFError:
                return
            try:
                store.commit_rows(rows)
                answer = None
            except StoreError as e:  # logged by name only: rows never reach a log
                cause = e.__cause__ or e
                log.warning("a commit failed (%s)", type(cause).__name__)
                answer = f"{e} ({type(cause).__name__})"
            send(sock, answer)
    finally:
        store.dispose()


def main() -> int:
    """Entry point of `python -m buyerkit.signals.writer_main`, started by WriterProcess only."""
    fd = os.environ.get(FD_VARIABLE)
    if fd is None:
        print("Error: buyerkit.signals.writer_main is started by the store, not by hand",
              file=sys.stderr)
        return 2
    # Ctrl-C reaches the whole process group: the writer finishes with its worker instead.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    lower_priority(WRITER_NICENESS)
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    with socket.socket(fileno=int(fd)) as sock:
        sock.setblocking(True)  # a gevent worker's socket pair comes non-blocking
        try:
            serve(sock)
        except (OSError, EOFError, pickle.UnpicklingError) as e:  # its worker is gone
            log.warning("the store's writer stopped: %s", type(e).__name__)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
