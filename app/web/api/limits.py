"""A per-client rate limit for the API: so many requests per client in any 60 seconds.

Counted per process (each replica behind nginx counts its own clients). The client is the
direct peer, or the first address of X-Forwarded-For when the peer is a trusted proxy (the
local nginx of docs/deploy.md): trusting that header from anyone would let a client pick
its own key.
"""
from __future__ import annotations

import math
import time
from collections import deque

from starlette.requests import Request

from app.web import config

WINDOW_SECONDS = 60.0


def client_key(request: Request) -> str:
    peer = request.client.host if request.client else "inconnu"
    forwarded = request.headers.get("x-forwarded-for")
    if forwarded and peer in config.trusted_proxies():
        return forwarded.split(",")[0].strip() or peer
    return peer


class RateLimiter:
    """Sliding window of request times per client; the handlers call it on the event loop."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.seen: dict[str, deque[float]] = {}

    def retry_after(self, key: str, limit: int) -> int | None:
        """None when the request may go on (and is counted), else seconds to wait."""
        now = self.clock()
        times = self.seen.setdefault(key, deque())
        while times and times[0] <= now - WINDOW_SECONDS:
            times.popleft()
        if len(times) >= limit:
            return max(1, math.ceil(times[0] + WINDOW_SECONDS - now))
        times.append(now)
        if len(self.seen) > 10_000:  # forget idle clients, so the table does not grow forever
            self.seen = {k: v for k, v in self.seen.items() if v and v[-1] > now - WINDOW_SECONDS}
        return None
