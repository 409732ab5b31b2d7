"""Issue 27, items 3 and 5: no answer in English, no page where there is none, no forged Host
repeated; robots.txt served on purpose. In process with Streamlit's own routes and middleware,
then on the app served by `make run`."""
from __future__ import annotations

import http.client
import re
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route
from starlette.testclient import TestClient
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string
from streamlit.web.server.starlette.starlette_path_security_middleware import PathSecurityMiddleware
from streamlit.web.server.starlette.starlette_routes import create_media_routes, create_upload_routes
from streamlit.web.server.starlette.starlette_server_config import XSRF_COOKIE_NAME
from streamlit.web.server.starlette.starlette_static_routes import create_streamlit_static_assets_routes

from app import web
from app.web import config, french_errors, robots
from conftest import ServedApp
from pipeline.import_files import MAX_BYTES
from services import upload_access
from services.loopback_session import StreamlitSession

ENGLISH = re.compile(r"Bad Request|Not Found|Method Not Allowed|File not found|too large|Too Large|"
                     r"Internal Server Error|Component|Invalid|Forbidden|XSRF", re.I)
PAGES = ["/", "/territoires", "/carte", "/laureats", "/donnees", "/presentation", "/accessibilite",
         "/mentions-legales"]


def is_french_text(response) -> bool:
    return (response.headers["content-language"] == "fr" and not ENGLISH.search(response.text)
            and response.headers["content-type"].startswith(("text/plain", "application/json")))


def test_the_allowed_pages_are_the_router_s():
    assert french_errors.page_paths() == {path.strip("/") for path in PAGES}


def test_a_page_without_url_path_is_named_as_streamlit_names_it(tmp_path):
    router = tmp_path / "routeur.py"
    router.write_text('import streamlit as st\nst.navigation([st.Page("pages/01_ma_page.py", default=True),\n'
                      '               st.Page("pages/autre.py", url_path="/ailleurs/")])\n', encoding="utf-8")
    assert french_errors.page_paths(router) == {"", "ma_page", "ailleurs"}


# --- In process: Streamlit's own routes and middleware behind the project's ---------------------

@pytest.fixture(scope="module")
def stack():
    """The app as st.App assembles it (project routes and middleware first, then Streamlit's),
    with a runtime in which every session is active."""
    runtime = SimpleNamespace(is_active_session=lambda session_id: True)

    async def boom(_request):
        raise RuntimeError("panne")

    routes = [*web.ROUTES, Route("/panne", boom),
              *create_media_routes(MemoryMediaFileStorage("/media"), None),
              *create_upload_routes(runtime, MemoryUploadedFileManager("/_stcore/upload_file"), None),
              *create_streamlit_static_assets_routes(None)]
    app = Starlette(routes=routes, middleware=[*web.MIDDLEWARE, Middleware(PathSecurityMiddleware)],
                    exception_handlers=web.EXCEPTION_HANDLERS)
    return TestClient(app, raise_server_exceptions=False, client=("203.0.113.5", 50000))


@pytest.mark.parametrize("method, path, status", [
    # (The test client would resolve a literal `..` or `//`; the served test sends them as written.)
    ("GET", "/static/..%2f..%2fetc%2fpasswd", 400), ("GET", "/..%2f..%2fdata%2fmanifest.json", 400),
    ("GET", "/media/x", 404), ("GET", "/media/absent.png", 404),
    ("GET", "/app/static/x.png", 404), ("GET", "/.streamlit/secrets.toml", 404),
    ("GET", "/nimporte", 404), ("GET", "/carte/fabt-13", 404), ("GET", "/_stcore/inconnu", 404),
    ("GET", "/static/js/absent.js", 404), ("HEAD", "/app/static/x.png", 404),
    ("POST", "/", 405), ("DELETE", "/carte", 405), ("POST", "/points/rural-encarts.json", 405),
    ("PUT", "/robots.txt", 405), ("POST", "/contours/region-encarts-0.geojson", 405),
    ("GET", "/panne", 500),
])
def test_framework_errors_answer_in_french(stack, method, path, status):
    response = stack.request(method, path)
    assert response.status_code == status
    assert response.headers["content-language"] == "fr"
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    if method != "HEAD":
        assert is_french_text(response), response.text
    if status == 405:
        assert response.headers["allow"] and response.headers["allow"] in response.text
    if status != 500:  # a failure is answered by Starlette's outermost handler, before any middleware
        assert response.headers["x-content-type-options"] == "nosniff"  # the security headers kept


def test_an_upload_over_the_limit_is_a_french_413(stack):
    token = generate_xsrf_token_string()
    upload_access.authorise("session-agent")
    try:
        response = stack.put("/_stcore/upload_file/session-agent/f1", content=b"x" * (MAX_BYTES + 1),
                             headers={"X-Xsrftoken": token}, cookies={XSRF_COOKIE_NAME: token})
    finally:
        upload_access.revoke("session-agent")
    assert response.status_code == 413
    assert is_french_text(response) and "20 Mo" in response.text
    without_token = stack.put("/_stcore/upload_file/inconnue/f1", content=b"x")
    assert without_token.status_code == 403 and is_french_text(without_token)  # the upload guard's own


def test_the_project_s_french_errors_pass_untouched(stack):
    api = stack.post("/api/v1/version.json")
    assert api.status_code == 405 and api.json()["erreur"].startswith("Méthode POST non autorisée")
    points = stack.get("/points/chateaux-encarts.json")
    assert points.status_code == 404 and points.text == "Couche de points inconnue."


def test_pages_and_streamlit_files_are_still_served(stack):
    for path in PAGES + ["/carte?region=53&embed=true", "/favicon.png", "/manifest.json"]:
        response = stack.get(path)
        assert response.status_code == 200, path
    index = stack.get("/").text
    assert 'id="root"' in index
    for asset in re.findall(r'(?:src|href)="\./(static/[^"]+)"', index):
        assert stack.get(f"/{asset}").status_code == 200, asset
    assert stack.get("/carte/", follow_redirects=False).headers["location"] == "/carte"


def test_robots_txt_says_what_the_operator_chose(stack, monkeypatch):
    response = stack.get("/robots.txt")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    assert re.search(r"^User-agent: \*\nDisallow: /$", response.text, re.M)
    monkeypatch.setenv("FABRIQUES_ALLOW_INDEXING", "1")
    indexed = stack.get("/robots.txt").text
    assert "Disallow: /\n" not in indexed and "Disallow: /api/" in indexed and "Disallow: /points/" in indexed
    monkeypatch.setenv("FABRIQUES_ALLOW_INDEXING", "oui")
    with pytest.raises(config.ConfigError, match="FABRIQUES_ALLOW_INDEXING"):
        config.check()
    assert robots.NOT_INDEXED.endswith("Disallow: /\n")


def test_links_come_from_the_public_address_never_from_the_host(stack, monkeypatch):
    headers = {"Host": "ailleurs.example"}
    relative = stack.get("/api/v1/fabriques.json?limit=2&region=53", headers=headers)
    assert relative.headers["link"] == '</api/v1/fabriques.json?limit=2&region=53&offset=2>; rel="next"'
    assert relative.json()["suivant"] == "/api/v1/fabriques.json?limit=2&region=53&offset=2"
    monkeypatch.setenv("FABRIQUES_PUBLIC_URL", "https://fabriques.example.gouv.fr/")
    absolute = stack.get("/api/v1/fabriques.json?limit=2", headers=headers)
    assert absolute.json()["suivant"] == "https://fabriques.example.gouv.fr/api/v1/fabriques.json?limit=2&offset=2"
    assert "ailleurs.example" not in absolute.text and "ailleurs.example" not in str(absolute.headers)
    for value in ("fabriques.example.gouv.fr", "https://a.fr/?x=1", "javascript:alert(1)", "https://a.fr>; rel=x"):
        monkeypatch.setenv("FABRIQUES_PUBLIC_URL", value)
        with pytest.raises(config.ConfigError, match="FABRIQUES_PUBLIC_URL"):
            config.check()


# --- On the served app ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def served():
    app = ServedApp()
    yield app
    app.stop()


def raw(url: str, method: str, path: str, headers: dict | None = None):
    """A request sent as written (no client-side normalisation of `..`)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("method, path, status", [
    ("GET", "/static/../../etc/passwd", 400), ("GET", "/..%2f..%2fetc%2fpasswd", 400),
    ("GET", "//ailleurs.example/x", 400), ("GET", "/media/x", 404), ("GET", "/app/static/x.png", 404), ("GET", "/.streamlit/secrets.toml", 404),
    ("GET", "/nimporte", 404), ("GET", "/_stcore/inconnu", 404),
    ("POST", "/", 405), ("DELETE", "/_stcore/health", 405), ("POST", "/points/rural-encarts.json", 405),
])
def test_the_served_app_answers_its_errors_in_french(served, method, path, status):
    got, headers, body = raw(served.url, method, path)
    assert got == status
    assert headers["content-language"] == "fr" and headers["content-type"] == "text/plain; charset=utf-8"
    assert not ENGLISH.search(body.decode("utf-8")), body


def test_the_served_app_still_serves_its_pages_files_and_sessions(served):
    for path in [*PAGES, "/carte?region=53", "/robots.txt", "/_stcore/health", "/_stcore/host-config"]:
        assert raw(served.url, "GET", path)[0] == 200, path
    session = StreamlitSession(served.url.replace("localhost", "127.0.0.1"), page="carte", query_string="region=53")
    try:
        result = session.open().rerun()
    finally:
        session.close()
    assert result.status == "FINISHED_SUCCESSFULLY" and not result.exceptions


FORGED_HOST = "ailleurs.example"


@pytest.mark.parametrize("method, path", [
    ("GET", "/api/v1/fabriques.json?limit=1"), ("GET", "/api/v1/fabriques.csv?limit=1"),
    ("GET", "/api/v1/fabriques.json?limit=abc"), ("GET", "/api/v1/inconnue"), ("POST", "/api/v1/version.json"),
    ("GET", "/api/v1/openapi.json"), ("GET", "/"), ("GET", "/carte/"), ("GET", "/territoires?region=53"),
    ("GET", "/nimporte"), ("GET", "/points/rural-encarts.json"), ("GET", "/contours/x.geojson"),
    ("GET", "/robots.txt"), ("GET", "/_stcore/host-config"), ("OPTIONS", "/_stcore/upload_file/a/b"),
    ("PUT", "/_stcore/upload_file/a/b"),
])
def test_a_forged_host_never_appears_in_a_response(served, method, path):
    """Issue 27, item 3: `curl -H 'Host: evil.example' …/fabriques.json?limit=1` gave
    `Link: <http://evil.example/…>`. Links are relative unless FABRIQUES_PUBLIC_URL says."""
    status, headers, body = raw(served.url, method, path, {"Host": FORGED_HOST})
    assert FORGED_HOST not in body.decode("utf-8", errors="replace")
    assert all(FORGED_HOST not in f"{name}: {value}" for name, value in headers.items()), headers
    if path == "/api/v1/fabriques.json?limit=1":
        assert status == 200 and headers["link"] == '</api/v1/fabriques.json?limit=1&offset=1>; rel="next"'
