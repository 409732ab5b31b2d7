"""Security middleware: uploads only from sessions authorised to import, and safe headers.

- Upload guard: Streamlit stores any file PUT to `/_stcore/upload_file/<session>/<file>` in
  the server's memory for an open session, with or without an uploader on its page. Only the
  sessions the Données page authorised (services/upload_access.py) may; the others get a 403
  before a byte of the body is read.
- Headers on every HTTP response: `Content-Security-Policy: frame-ancestors …` (who may show
  the dashboard in a frame: this site only, plus the origins of $FABRIQUES_FRAME_ANCESTORS),
  a matching `X-Frame-Options` when no other origin is allowed, `X-Content-Type-Options:
  nosniff` and `Referrer-Policy: same-origin`.
- Streamlit's `/_stcore/metrics` answered 404 to visitors: nginx hides it, and a process
  reached without nginx answers it only to a request made on the server itself.

Pure ASGI middleware (not BaseHTTPMiddleware): an upload's body streams through untouched.
"""
from __future__ import annotations

import logging
import os
import re

from starlette.middleware import Middleware

from app import web
from services import upload_access

LOGGER = logging.getLogger("fabriques.securite")

# Space-separated origins allowed to embed the dashboard in a frame, e.g.
# "https://intranet.example.gouv.fr https://portail.example.fr" (docs/deploy.md).
FRAME_ANCESTORS_ENV = "FABRIQUES_FRAME_ANCESTORS"
ORIGIN = re.compile(r"https://[a-z0-9.-]{1,253}(:[0-9]{1,5})?|http://(localhost|127\.0\.0\.1)(:[0-9]{1,5})?")
UPLOAD_PATH = re.compile(r"(?:/.*)?/_stcore/upload_file/([^/]{1,128})/[^/]{1,128}/?")
METRICS_PATH = re.compile(r"(?:/.*)?/_stcore/metrics/?")
LOOPBACK = {"127.0.0.1", "::1", "::ffff:127.0.0.1"}  # ::ffff: when listening on every address


def is_local_operator(scope) -> bool:
    """A request made on the server itself, not relayed by a proxy (nginx adds X-Forwarded-For)."""
    client = (scope.get("client") or ("",))[0]
    relayed = any(name.lower() == b"x-forwarded-for" for name, _ in scope.get("headers", []))
    return client in LOOPBACK and not relayed


def allowed_frame_origins(raw: str | None = None) -> list[str]:
    """The origins besides this site that may frame the dashboard (invalid ones are ignored)."""
    raw = os.environ.get(FRAME_ANCESTORS_ENV, "") if raw is None else raw
    origins = []
    for origin in raw.split():
        origin = origin.rstrip("/").lower()
        if ORIGIN.fullmatch(origin):
            origins.append(origin)
        else:
            LOGGER.warning("%s : origine ignorée (https://hôte[:port] attendu) : %r",
                           FRAME_ANCESTORS_ENV, origin[:100])
    return origins


def security_headers(origins: list[str]) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"content-security-policy", " ".join(["frame-ancestors 'self'", *origins]).encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
    ]
    # X-Frame-Options names one origin at most: with other origins allowed, browsers follow
    # the CSP alone (it takes precedence), and an X-Frame-Options would contradict it.
    if not origins:
        headers.append((b"x-frame-options", b"SAMEORIGIN"))
    return headers


class SecurityMiddleware:
    def __init__(self, app, frame_origins: list[str] | None = None):
        self.app = app
        self.headers = security_headers(allowed_frame_origins() if frame_origins is None else frame_origins)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        upload = UPLOAD_PATH.fullmatch(scope.get("path", ""))
        if upload and scope["method"] in ("PUT", "POST") and not upload_access.may_upload(upload.group(1)):
            LOGGER.warning("Envoi de fichier refusé : session non autorisée à importer (client %s).",
                           (scope.get("client") or ("?",))[0])
            await self._refuse(send)
            return
        if METRICS_PATH.fullmatch(scope.get("path", "")) and not is_local_operator(scope):
            await self._answer(send, 404, "Page introuvable.")
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *[(n, v) for n, v in self.headers if n not in names]]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _refuse(self, send):
        await self._answer(send, 403, "Envoi refusé : seul un agent habilité, connecté sur la page "
                                      "Données, peut envoyer une liste.")

    async def _answer(self, send, status: int, text: str):
        body = text.encode("utf-8")
        await send({"type": "http.response.start", "status": status, "headers": [
            (b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
            (b"content-language", b"fr"), (b"connection", b"close"), *self.headers]})
        await send({"type": "http.response.body", "body": body})


web.MIDDLEWARE.append(Middleware(SecurityMiddleware))
