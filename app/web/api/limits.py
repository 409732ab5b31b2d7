"""A per-client rate limit: so many requests per client in any 60 seconds (the API, the
map's point files).

Counted per process (each replica behind nginx counts its own clients). The client is the one
services/clients.py names, as the import's lockout and the log lines do: the direct peer, or
the address a listed proxy (the local nginx of docs/deploy.md) appended to X-Forwarded-For.
"""
from __future__ import annotations

import math
import time
from collections import deque

from starlette.requests import Request

from app.web.clients import forwarded_for
from services import clients

WINDOW_SECONDS = 60.0


def client_key(request: Request) -> str:
    """The client of a request. Behind app/web/clients.py's middleware the peer is already
    that client, which the rule returns unchanged; without it (a bare test app) the rule
    still applies."""
    return clients.client_address(request.client.host if request.client else None, forwarded_for(request.scope))


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
