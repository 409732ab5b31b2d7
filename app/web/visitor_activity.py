"""When visitors last made the server work, for the warm-up to yield to them (issue 25).

The warm-up (app/web/warm_start.py) runs page after page in this same process: Python runs one
thread at a time, so a visitor arriving meanwhile shared the interpreter with it, from the first
file of the page to the last message of its run. This middleware notes the moment of every
visitor's request and of every websocket message to or from a visitor (a message flows while a
script runs for them); the warm-up starts its next page only once visitors have been quiet
for a moment.

The warm-up's own loopback sessions say who they are with WARM_UP_HEADER (on the page request
and on the websocket handshake) and are not counted; neither is the health check. A client
that sends the header only makes the warm-up not wait for it.
Pure ASGI (an upload streams through untouched); one clock read per message.
"""
from __future__ import annotations

import threading
import time

from starlette.middleware import Middleware

from app import web

WARM_UP_HEADER = "X-Fabriques-Prechauffage"
_WARM_UP_HEADER = WARM_UP_HEADER.lower().encode("latin-1")
NOT_COUNTED_PATHS = ("/_stcore/health", "/healthz")


class Activity:
    """The monotonic time of the last visitor activity, and how many requests are in flight."""

    def __init__(self):
        self._lock = threading.Lock()
        self.last = float("-inf")
        self.in_flight = 0

    def touch(self) -> None:
        self.last = time.monotonic()  # one float assignment: atomic under the interpreter lock

    def begin(self) -> None:
        with self._lock:
            self.in_flight += 1
        self.touch()

    def end(self) -> None:
        with self._lock:
            self.in_flight -= 1
        self.touch()

    def quiet_for(self) -> float:
        """Seconds since visitors last made the server work (0 while a request is in flight)."""
        if self.in_flight > 0:
            return 0.0
        return max(0.0, time.monotonic() - self.last)


ACTIVITY = Activity()


def is_warm_up(scope) -> bool:
    return any(name.lower() == _WARM_UP_HEADER for name, _ in scope.get("headers", []))


def counted(scope) -> bool:
    if scope["type"] not in ("http", "websocket") or is_warm_up(scope):
        return False
    return not scope.get("path", "").endswith(NOT_COUNTED_PATHS)


class VisitorActivityMiddleware:
    def __init__(self, app, activity: Activity = ACTIVITY):
        self.app = app
        self.activity = activity

    async def __call__(self, scope, receive, send):
        if not counted(scope):
            await self.app(scope, receive, send)
            return
        activity = self.activity
        if scope["type"] == "websocket":
            # Every message either way: a rerun asked for, the deltas of a run, its end.
            async def receive_noted():
                message = await receive()
                activity.touch()
                return message

            async def send_noted(message):
                activity.touch()
                await send(message)

            await self.app(scope, receive_noted, send_noted)
            return
        activity.begin()
        try:
            await self.app(scope, receive, send)
        finally:
            activity.end()


web.MIDDLEWARE.append(Middleware(VisitorActivityMiddleware))
