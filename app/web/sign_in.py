"""The way back from the identity provider leads to the Données page, and a failure is said there.

Streamlit's sign-in routes (`/auth/login`, `/oauth2callback`) always send the browser to the
home page: a person who signed in from Données to import would land on Synthèse, and a
failed sign-in (wrong client secret, provider refusing) would leave them there without a word
(the reason goes to the log only). When the provider cannot be reached, `/auth/login` answers
a bare English "Authentication error". This middleware only rewrites where those answers send
the browser, to fixed paths of this site:

- a sign-in that set the identity cookie: `/donnees`;
- a sign-in that came back without it: `/donnees?connexion=echec` (or `=refusee` when the
  provider returned an error, e.g. the person cancelled), where the page diagnoses the cause
  and names the setting to check (services/sign_in.py);
- the provider's return after a sign-out (no code, no state, no error): `/donnees?connexion=fin`,
  without passing it to Streamlit, which would log it as a stale sign-in;
- `/auth/login` failing (provider unreachable): `/donnees?connexion=indisponible`;
- `/auth/logout` sending the browser home (a provider without an end-session endpoint):
  `/donnees?connexion=fin`.

Pure ASGI middleware: the request, its cookies and the tokens are never read or logged here.
"""
from __future__ import annotations

import logging
import re
from urllib.parse import parse_qs, urljoin

from starlette.middleware import Middleware

from app import web

LOGGER = logging.getLogger("fabriques.connexion")
CALLBACK_PATH = re.compile(r"(?:/.*)?/oauth2callback/?")
LOGIN_PATH = re.compile(r"(?:/.*)?/auth/login/?")
LOGOUT_PATH = re.compile(r"(?:/.*)?/auth/logout/?")
USER_COOKIE = b"_streamlit_user="
PAGE = "donnees"


def sets_identity(headers) -> bool:
    """Whether a response sets Streamlit's identity cookie (and does not merely delete it)."""
    for name, value in headers:
        if name.lower() != b"set-cookie" or not value.startswith(USER_COOKIE):
            continue
        content = value[len(USER_COOKIE):].split(b";", 1)[0].strip()
        if content not in (b"", b'""') and b"max-age=0" not in value.lower():
            return True
    return False


def location(headers) -> str:
    return next((value.decode("latin-1") for name, value in headers if name.lower() == b"location"), "/")


def redirect_start(target: str) -> dict:
    return {"type": "http.response.start", "status": 302,
            "headers": [(b"location", target.encode("latin-1")), (b"content-length", b"0"),
                        (b"cache-control", b"no-store")]}


class SignInMiddleware:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if CALLBACK_PATH.fullmatch(path):
            await self._callback(scope, receive, send)
        elif LOGIN_PATH.fullmatch(path):
            await self._login(scope, receive, send)
        elif LOGOUT_PATH.fullmatch(path):
            await self._logout(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _callback(self, scope, receive, send):
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        base = scope.get("root_path", "") + path_prefix(scope.get("path", ""))
        if not {"code", "state", "error"} & set(query):
            await send(redirect_start(f"{base}{PAGE}?connexion=fin"))
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_to_donnees(message):
            if message["type"] == "http.response.start" and message["status"] in (302, 303, 307):
                headers = message.get("headers", [])
                if sets_identity(headers):
                    target = urljoin(location(headers), PAGE)
                else:
                    outcome = "refusee" if "error" in query else "echec"
                    # The provider's error code only (e.g. access_denied), one line, bounded.
                    reason = (f"erreur du fournisseur : {re.sub(r'[^a-z_]', '', query['error'][0][:40]) or '?'}"
                              if "error" in query else "échange du code contre les jetons refusé")
                    LOGGER.warning("Connexion des agents : retour du fournisseur sans identité (%s).", reason)
                    target = urljoin(location(headers), f"{PAGE}?connexion={outcome}")
                message = {**message, "headers": [(n, v) for n, v in headers if n.lower() != b"location"]
                           + [(b"location", target.encode("latin-1"))]}
            await send(message)

        await self.app(scope, receive, send_to_donnees)

    async def _logout(self, scope, receive, send):
        """A provider without an end-session endpoint: Streamlit sends the browser home; Données
        says the sign-out instead. A provider's own logout page is left as it is (it comes back
        through the callback above)."""
        base = scope.get("root_path", "") + path_prefix(scope.get("path", ""))

        async def send_to_donnees(message):
            if message["type"] == "http.response.start" and message["status"] in (302, 303, 307):
                headers = message.get("headers", [])
                if location(headers) in ("/", base):
                    message = {**message, "headers": [(n, v) for n, v in headers if n.lower() != b"location"]
                               + [(b"location", f"{base}{PAGE}?connexion=fin".encode("latin-1"))]}
            await send(message)

        await self.app(scope, receive, send_to_donnees)

    async def _login(self, scope, receive, send):
        failed = False

        async def send_or_redirect(message):
            nonlocal failed
            if message["type"] == "http.response.start" and message["status"] == 400:
                failed = True
                LOGGER.error("Connexion des agents : le fournisseur d'identité est injoignable ou mal configuré "
                             "(la page Données nomme le réglage à vérifier).")
                await send(redirect_start(f"{scope.get('root_path', '')}{path_prefix(scope.get('path', ''))}"
                                          f"{PAGE}?connexion=indisponible"))
                await send({"type": "http.response.body", "body": b""})
                return
            if failed:  # the body of the English error answer is not sent
                return
            await send(message)

        await self.app(scope, receive, send_or_redirect)


def path_prefix(path: str) -> str:
    """The site's base path ('/' unless Streamlit serves under a prefix) from a route's path."""
    for route in ("oauth2callback", "auth/login", "auth/logout"):
        index = path.rfind("/" + route)
        if index >= 0:
            return path[:index] + "/"
    return "/"


web.MIDDLEWARE.append(Middleware(SignInMiddleware))
