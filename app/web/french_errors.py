"""No answer of the server in English, and no page where there is none.

Streamlit and Starlette answer some requests themselves, before any page runs, in English:
a path with `..` or `//` is a 400 "Bad Request", a wrong method a 405 "Method Not Allowed",
an unknown media file "File not found", an upload over the limit "File too large". And
Streamlit's static files fall back to the app's HTML page (200) for any path they do not
hold, so `/app/static/x.png`, `/.streamlit/secrets.toml` or `/nimporte` looked like pages.

FrenchErrorsMiddleware, in front of everything (app/web/__init__.py):
- answers every error (status 400 and above) that does not say `Content-Language: fr` with a
  French text of its status, keeping what the client needs of the original (Allow,
  Retry-After, Content-Range, the security headers). The project's own refusals (the API's
  JSON, the map files', the upload guard's) say `Content-Language: fr` and pass untouched;
- turns into a French 404 what Streamlit's static files serve for a path that is neither a
  page of the router (dashboard.py's `st.Page` url paths, read from that file) nor one of
  Streamlit's own files. Streamlit's routes (`/_stcore/…`, `/media/…`, `/component/…`, the
  websocket) and the project's are matched before the static files and are not concerned.

A failure inside a route never reaches this middleware as a response (Starlette's outermost
error handler answers it): `server_error` is that handler, registered in EXCEPTION_HANDLERS.
"""
from __future__ import annotations

import ast
import logging
from pathlib import Path

from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from streamlit.file_util import get_static_dir
from streamlit.source_util import page_icon_and_name

from pipeline.import_files import MAX_BYTES

ROOT = Path(__file__).resolve().parent.parent.parent
ROUTER = ROOT / "dashboard.py"
STREAMLIT_STATIC_MOUNT = "static-assets"  # the name of the Mount of Streamlit's static files
TEXT = "text/plain; charset=utf-8"
LOGGER = logging.getLogger("fabriques.erreurs")

MESSAGES = {
    400: "Requête refusée : l'adresse ou la requête est mal formée.",
    403: "Accès refusé.",
    404: "Page introuvable : cette adresse n'existe pas sur le tableau de bord des Fabriques de "
         "territoire. L'accueil est à la racine du site (/).",
    405: "Méthode non autorisée pour cette adresse.",
    413: f"Envoi trop volumineux : {MAX_BYTES // (1024 * 1024)} Mo au plus par fichier.",
    416: "Plage d'octets impossible à servir pour ce fichier.",
    429: "Trop de requêtes : réessayez un peu plus tard.",
    500: "Erreur interne du serveur. Réessayez ; si le problème persiste, prévenez l'administrateur "
         "du tableau de bord.",
    502: "Service momentanément indisponible. Réessayez dans quelques instants.",
    503: "Service momentanément indisponible. Réessayez dans quelques instants.",
}
# What the French answer keeps of the original one; the rest described a body now replaced.
KEPT = {b"allow", b"retry-after", b"content-range", b"www-authenticate", b"content-security-policy",
        b"x-frame-options", b"x-content-type-options", b"referrer-policy", b"set-cookie", b"vary"}


def page_paths(router: Path = ROUTER) -> frozenset[str]:
    """The url paths of the router's pages, "" (the root) included, read from dashboard.py
    itself: a page added there is served without a second list to keep in step."""
    paths = {""}
    for node in ast.walk(ast.parse(router.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "Page"):
            continue
        given = [k.value for k in node.keywords if k.arg == "url_path"]
        if given and isinstance(given[0], ast.Constant):
            paths.add(str(given[0].value).strip().strip("/"))
        elif not given and node.args and isinstance(node.args[0], ast.Constant):
            paths.add(page_icon_and_name(Path(str(node.args[0].value)))[1])  # Streamlit's own inference
        else:
            raise ValueError(f"{router.name} : url_path d'une page illisible (ligne {node.lineno})")
    return frozenset(paths)


def message(status: int, headers: list[tuple[bytes, bytes]], method: str = "GET") -> str:
    named = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in headers}
    if status == 405 and "allow" in named:
        return f"Méthode {method[:10]} non autorisée pour cette adresse (acceptées : {named['allow']})."
    if status == 429 and named.get("retry-after", "").isdigit():
        return f"Trop de requêtes : réessayez dans {named['retry-after']} s."
    return MESSAGES.get(status, f"Erreur {status}." if status < 500 else MESSAGES[500])


def french_start(status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> dict:
    kept = [(name, value) for name, value in headers if name.lower() in KEPT]
    return {"type": "http.response.start", "status": status, "headers": [
        *kept, (b"content-type", TEXT.encode()), (b"content-length", str(len(body)).encode()),
        (b"content-language", b"fr"), (b"cache-control", b"no-store")]}


class FrenchErrorsMiddleware:
    def __init__(self, app, pages: frozenset[str] | None = None, static_dir: str | None = None):
        self.app = app
        self.pages = page_paths() if pages is None else pages
        self.static_dir = Path(static_dir or get_static_dir()).resolve()

    def is_served_path(self, scope) -> bool:
        """A page of the router or a file of Streamlit's static folder (its scripts, styles, icon)."""
        relative = scope.get("path", "")[len(scope.get("root_path", "")):].lstrip("/")
        if relative.rstrip("/") in self.pages:
            return True
        candidate = (self.static_dir / relative).resolve()
        return candidate.is_relative_to(self.static_dir) and candidate.is_file()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        replaced = False

        async def send_in_french(message_: dict) -> None:
            nonlocal replaced
            if replaced:
                return  # the original body, not sent: the French one already was
            if message_["type"] != "http.response.start":
                await send(message_)
                return
            status, headers = message_["status"], message_.get("headers", [])
            route = scope.get("route")
            if getattr(route, "name", None) == STREAMLIT_STATIC_MOUNT and (status < 300 or status == 304) \
                    and not self.is_served_path(scope):
                status = 404  # the app's HTML page for a path that is no page
            elif status < 400 or any(name.lower() == b"content-language" for name, _ in headers):
                await send(message_)
                return
            replaced = True
            body = message(status, headers, scope.get("method", "GET")).encode("utf-8")
            await send(french_start(status, headers, body))
            await send({"type": "http.response.body", "body": body, "more_body": False})

        await self.app(scope, receive, send_in_french)


async def server_error(request, error) -> PlainTextResponse:
    """Starlette's answer to an exception no route caught (logged by Starlette with its trace)."""
    return PlainTextResponse(MESSAGES[500], status_code=500,
                             headers={"Content-Language": "fr", "Cache-Control": "no-store"})


MIDDLEWARE = Middleware(FrenchErrorsMiddleware)
