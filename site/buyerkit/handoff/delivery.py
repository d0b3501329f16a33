"""The delivery loop: claims due deliveries, sends them concurrently, retries with backoff.

Nothing is kept in memory between turns: every state lives in the outbox, so a loop started
again (a restart, another process, `buyerkit handoff run`) carries on where the last one
stopped. A loop killed between sending and recording leaves the delivery claimed for a lease;
when the lease ends it is sent again with the same webhook-id, which the receiver deduplicates.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from buyerkit.handoff.outbox import Claim, Outbox
from buyerkit.handoff.targets import Attempt, Target

log = logging.getLogger("buyerkit.handoff")


@dataclass(frozen=True)
class Policy:
    """Retries: at most `max_attempts`, waiting backoff * 2**(n-1) seconds (capped) after the
    n-th failure; a claim is leased for `lease` seconds (longer than a send can take)."""

    concurrency: int = 8
    max_attempts: int = 10
    backoff: float = 5.0
    backoff_max: float = 3600.0
    lease: float = 60.0

    def retry_at(self, attempt: int, now: float) -> float | None:
        """When to try again after failed attempt number `attempt`, or None to give up."""
        if attempt >= self.max_attempts:
            return None
        return now + min(self.backoff * 2 ** (attempt - 1), self.backoff_max)


class Deliverer:
    """Sends what the outbox says is due, `policy.concurrency` at a time."""

    def __init__(self, outbox: Outbox, targets: Mapping[str, Target], policy: Policy) -> None:
        self.outbox, self.targets, self.policy = outbox, dict(targets), policy
        self.pool = ThreadPoolExecutor(max_workers=policy.concurrency,
                                       thread_name_prefix="handoff")
        self.wake = threading.Event()

    def deliver(self, claim: Claim) -> Attempt:
        """One attempt for one claimed delivery, recorded in the outbox before returning."""
        target = self.targets.get(claim.target)
        try:
            got = (Attempt(False, f"no target named '{claim.target}' is configured")
                   if target is None else target.send(claim))
        except Exception as e:  # a bug in a target must not stop the loop or lose the request
            # Named, not printed: an exception's text may quote the prospect's address.
            log.error("hand-off %s to %s: unexpected %s", claim.id, claim.target,
                      type(e).__name__)
            got = Attempt(False, f"unexpected error: {type(e).__name__}")
        now = time.time()
        if got.ok:
            self.outbox.delivered(claim.id, now)
            log.info("hand-off %s delivered to %s (attempt %d)", claim.id, claim.target,
                     claim.attempt)
            return got
        retry_at = None if got.permanent else self.policy.retry_at(claim.attempt, now)
        self.outbox.failed(claim.id, got.error, retry_at, now)
        if retry_at is None:
            log.warning("hand-off %s to %s given up after attempt %d: %s", claim.id,
                        claim.target, claim.attempt, got.error)
        else:
            log.info("hand-off %s to %s failed (attempt %d: %s); next try in %.0f s", claim.id,
                     claim.target, claim.attempt, got.error, retry_at - now)
        return got

    def run_once(self, now: float | None = None) -> int:
        """Claim and send one batch (as many as may run at once, twice over); how many."""
        claims = self.outbox.claim(self.policy.concurrency * 2, self.policy.lease, now)
        list(self.pool.map(self.deliver, claims))
        return len(claims)

    def run(self, stop: threading.Event, poll: float = 1.0) -> None:
        """Deliver until `stop` is set, sleeping `poll` seconds (or until woken) when idle."""
        while not stop.is_set():
            try:
                busy = self.run_once()
            except Exception as e:  # the database away for a moment: try again after a pause
                log.error("hand-off delivery loop: the outbox is unavailable (%s)",
                          type(e).__name__)
                busy = 0
            if not busy:
                self.wake.wait(poll)
                self.wake.clear()

    def close(self) -> None:
        self.pool.shutdown(wait=True)


class Worker:
    """The loop in a daemon thread of the web process, started on first use."""

    def __init__(self, deliverer: Deliverer, poll: float = 1.0) -> None:
        self.deliverer, self.poll = deliverer, poll
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()

    def kick(self) -> None:
        """Start the loop if it is not running, and wake it: a request is waiting."""
        with self.lock:
            if self.thread is None:
                self.thread = threading.Thread(target=self.deliverer.run,
                                               args=(self.stop, self.poll),
                                               name="handoff-delivery", daemon=True)
                self.thread.start()
        self.deliverer.wake.set()

    def close(self) -> None:
        self.stop.set()
        self.deliverer.wake.set()
        if self.thread is not None:
            self.thread.join(timeout=30)
        self.deliverer.close()
