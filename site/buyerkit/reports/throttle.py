"""Failed log-in attempts counted per client address, in this process's memory only (never
stored or logged), so guessing is slowed to a crawl while the real user, elsewhere, can still
log in."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque


class FailureThrottle:
    """At most `limit` failures per `window` seconds per key; then wait for the oldest to age."""

    def __init__(self, limit: int = 10, window: float = 600.0, max_keys: int = 10_000) -> None:
        self.limit, self.window, self.max_keys = limit, window, max_keys
        self._fails: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        fails = self._fails.get(key, deque())
        while fails and fails[0] <= now - self.window:
            fails.popleft()
        return fails

    def retry_after(self, key: str) -> int:
        """Seconds until this key may try again (0 when it may try now)."""
        now = time.monotonic()
        with self._lock:
            fails = self._recent(key, now)
            if len(fails) < self.limit:
                return 0
            return max(1, int(fails[0] + self.window - now) + 1)

    def failed(self, key: str) -> None:
        now = time.monotonic()
        with self._lock:
            fails = self._recent(key, now)
            fails.append(now)
            self._fails[key] = fails
            self._fails.move_to_end(key)
            while len(self._fails) > self.max_keys:
                self._fails.popitem(last=False)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._fails.pop(key, None)
