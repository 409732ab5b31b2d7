"""The browser's viewport width, known before a session's first script run (issue 25).

The Carte page fits its map to the width of its column (app/map_width.py). The browser reports
that width only once the page is drawn, so the map was drawn twice on a first visit: at an
assumed width, then at the real one. Chromium-based browsers can say their viewport width
before: a page that answers with `Accept-CH: Sec-CH-Viewport-Width, Viewport-Width` gets that
width in a header on every request the page then makes to the same site ("client hints").

Streamlit's websocket handshake carries no client hint, but the request before it does: the
frontend asks `/_stcore/health`, whose answer sets Streamlit's `_streamlit_xsrf` cookie, and
the websocket then carries that cookie (`st.context.cookies`). This middleware notes, for each
such request, the token of that cookie (the one it carries or the one its answer sets) with the
width the request announced; a session's first run reads it back by its own cookie.

Nothing is stored in the browser beyond Streamlit's own cookie. The token is Streamlit's random
XSRF token (its masked form changes at each answer, the token does not); at most MAX_ENTRIES are
kept, the oldest dropped first. The width is a number parsed strictly (digits, within bounds);
any other value is ignored. Without hints (Firefox, Safari, a script), nothing is known and the
page does as before.
"""
from __future__ import annotations

import binascii
import re
import threading
from collections import OrderedDict
from http.cookies import SimpleCookie

from starlette.middleware import Middleware

from app import web

XSRF_COOKIE = "_streamlit_xsrf"
HINT_HEADERS = (b"sec-ch-viewport-width", b"viewport-width")
ACCEPT_CH = (b"accept-ch", b"Sec-CH-Viewport-Width, Viewport-Width")
MAX_ENTRIES = 20_000
MIN_WIDTH, MAX_WIDTH = 200, 10_000
DIGITS = re.compile(r"[0-9]{1,5}")
HEX = re.compile(r"[0-9a-f]{2,128}")


def parse_width(raw: bytes | str | None) -> int | None:
    """A viewport width from a header: ASCII digits within MIN_WIDTH–MAX_WIDTH, else None."""
    if raw is None:
        return None
    text = raw.decode("latin-1") if isinstance(raw, bytes) else raw
    text = text.strip()
    if not DIGITS.fullmatch(text):
        return None
    width = int(text)
    return width if MIN_WIDTH <= width <= MAX_WIDTH else None


def xsrf_token(cookie_value: str | None) -> str | None:
    """The token inside Streamlit's XSRF cookie (format 2: `2|mask|masked token|time`; format 1:
    the token itself), as hex; None for anything else."""
    if not cookie_value or len(cookie_value) > 300:
        return None
    parts = cookie_value.split("|")
    try:
        if parts[0] == "2" and len(parts) == 4 and HEX.fullmatch(parts[1]) and HEX.fullmatch(parts[2]):
            mask, masked = binascii.unhexlify(parts[1]), binascii.unhexlify(parts[2])
            return bytes(byte ^ mask[index % len(mask)] for index, byte in enumerate(masked)).hex()
        if len(parts) == 1 and HEX.fullmatch(cookie_value):
            return cookie_value
    except (binascii.Error, ZeroDivisionError):
        return None
    return None


class ViewportWidths:
    """token → viewport width, the most recent MAX_ENTRIES."""

    def __init__(self, max_entries: int = MAX_ENTRIES):
        self._widths: OrderedDict[str, int] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries

    def note(self, token: str, width: int) -> None:
        with self._lock:
            self._widths[token] = width
            self._widths.move_to_end(token)
            while len(self._widths) > self.max_entries:
                self._widths.popitem(last=False)

    def of(self, token: str | None) -> int | None:
        if token is None:
            return None
        with self._lock:
            return self._widths.get(token)


WIDTHS = ViewportWidths()


def viewport_width(cookies) -> int | None:
    """The viewport width the browser of this session announced, from its cookies
    (`st.context.cookies`), or None."""
    return WIDTHS.of(xsrf_token(cookies.get(XSRF_COOKIE)))


def _header(scope, names: tuple[bytes, ...]) -> bytes | None:
    for name, value in scope.get("headers", []):
        if name.lower() in names:
            return value
    return None


def _cookie_value(header: bytes | None) -> str | None:
    if not header:
        return None
    jar = SimpleCookie()
    try:
        jar.load(header.decode("latin-1"))
    except Exception:  # a malformed cookie header: no token, nothing noted
        return None
    morsel = jar.get(XSRF_COOKIE)
    return morsel.value if morsel is not None else None


class ViewportHintMiddleware:
    def __init__(self, app, widths: ViewportWidths = WIDTHS):
        self.app = app
        self.widths = widths

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        width = parse_width(_header(scope, HINT_HEADERS))
        if width is not None:
            token = xsrf_token(_cookie_value(_header(scope, (b"cookie",))))
            if token is not None:
                self.widths.note(token, width)
        widths = self.widths

        async def send_noting(message):
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                if width is not None:  # the cookie this answer sets, if any
                    for name, value in headers:
                        if name.lower() == b"set-cookie":
                            token = xsrf_token(_cookie_value(value.split(b";", 1)[0]))
                            if token is not None:
                                widths.note(token, width)
                if any(name.lower() == b"content-type" and value.startswith(b"text/html") for name, value in headers):
                    message["headers"] = [*headers, ACCEPT_CH]
            await send(message)

        await self.app(scope, receive, send_noting)


web.MIDDLEWARE.append(Middleware(ViewportHintMiddleware))
