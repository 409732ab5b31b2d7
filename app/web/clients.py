"""Who sent each request, decided once, where the direct peer is still known.

Every HTTP request and websocket goes through ClientMiddleware first: it replaces the ASGI
peer (`scope["client"]`) by the client that services/clients.py's rule names. The layers
after it read that peer and nothing else:
- the API's and the map points' rate limits (`request.client.host`, app/web/api/limits.py);
- the Données page's lockout: Streamlit gives the script the peer of the session's websocket
  (`st.context.ip_address`, None for loopback), and the page passes it to the same rule, which
  returns it unchanged (a decided client is its own answer: the address the proxy appended);
- the log lines (the refused uploads of app/web/security.py, the failed passwords).

The page cannot decide by itself: Streamlit shows it neither 127.0.0.1 (nginx) nor ::1 (a
local client of `make run`), only None for both. uvicorn's own X-Forwarded-For rewriting
(`FORWARDED_ALLOW_IPS`, on by default for 127.0.0.1 and ::1, taking the last address not
listed) is switched off by app/serve.py (app/asgi.py refuses to start without that): it would
trust ::1 under `make run`, and skip nginx's own entry when the visitor is 127.0.0.1.
"""
from __future__ import annotations

import logging

from starlette.middleware import Middleware

from services import clients

LOGGER = logging.getLogger("fabriques.securite")
FORWARDED_FOR = b"x-forwarded-for"


def forwarded_for(scope) -> str | None:
    """Every X-Forwarded-For line of the request, joined as one list (None: no such header)."""
    lines = [value.decode("latin-1") for name, value in scope.get("headers", []) if name.lower() == FORWARDED_FOR]
    return ", ".join(lines) if lines else None


class ClientMiddleware:
    def __init__(self, app):
        self.app = app
        self.ignored_told = False

    async def __call__(self, scope, receive, send):
        if scope["type"] in ("http", "websocket"):
            peer, port = scope.get("client") or (None, 0)
            forwarded = forwarded_for(scope)
            client = clients.client_address(peer, forwarded)
            if forwarded is not None and not self.ignored_told and not clients.is_trusted_proxy(peer):
                # Once per process: a proxy put in front without being listed makes every
                # visitor one client (one lockout, one API budget); the operator should know.
                self.ignored_told = True
                LOGGER.warning("X-Forwarded-For ignoré : le pair %s n'est pas dans %s (docs/deploy.md).",
                               client, clients.TRUSTED_PROXIES_ENV)
            scope["client"] = (client, port)
        await self.app(scope, receive, send)


MIDDLEWARE = Middleware(ClientMiddleware)
