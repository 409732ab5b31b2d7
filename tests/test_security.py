"""Issue 12, defects 1 and 9: upload size and upload access, security headers, nginx limits."""
from __future__ import annotations

import re
import subprocess
import tomllib
import urllib.request

import pytest
from playwright.sync_api import expect
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from app.web import security
from conftest import ROOT, ServedApp, copy_data, new_page, wait_for_app
from deploy.scale_out import TEMPLATE, ensure_nginx, render_config
from pipeline import import_auth
from pipeline.import_files import MAX_BYTES
from services import upload_access

MB = 1024 * 1024


def test_upload_size_is_the_documented_limit_in_streamlit_and_nginx():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * MB == MAX_BYTES == 20 * MB
    nginx = TEMPLATE.read_text(encoding="utf-8")
    body_limit = int(re.search(r"^\s*client_max_body_size (\d+)m;", nginx, re.M).group(1))
    assert 20 <= body_limit <= 21  # the file plus its multipart envelope, no more
    assert config["client"]["showErrorDetails"] == "none"


def guarded_app(frame_origins=None):
    received = []

    async def upload(request):
        received.append(await request.body())
        return PlainTextResponse("stocké", status_code=204)

    inner = Starlette(routes=[Route("/_stcore/upload_file/{session_id}/{file_id}", upload, methods=["PUT"]),
                              Route("/", lambda request: PlainTextResponse("accueil"))])
    return TestClient(security.SecurityMiddleware(inner, frame_origins)), received


def test_upload_from_a_session_not_authorised_to_import_is_refused_unread():
    client, received = guarded_app()
    response = client.put("/_stcore/upload_file/session-inconnue/f1", content=b"x" * MB)
    assert response.status_code == 403
    assert "agent habilité" in response.text
    assert received == []  # the body never reached Streamlit's handler
    upload_access.authorise("session-agent")
    try:
        assert client.put("/_stcore/upload_file/session-agent/f1", content=b"liste").status_code == 204
        assert received == [b"liste"]
        upload_access.revoke("session-agent")
        assert client.put("/_stcore/upload_file/session-agent/f2", content=b"x").status_code == 403
    finally:
        upload_access.revoke("session-agent")


def test_security_headers_default_to_this_site_only():
    client, _ = guarded_app()
    headers = client.get("/").headers
    assert headers["content-security-policy"] == "frame-ancestors 'self'"
    assert headers["x-frame-options"] == "SAMEORIGIN"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"


def test_frame_ancestors_come_from_the_configuration(monkeypatch):
    monkeypatch.setenv(security.FRAME_ANCESTORS_ENV,
                       "https://intranet.example.gouv.fr javascript:alert(1) https://portail.example.fr:8443/ *")
    assert security.allowed_frame_origins() == ["https://intranet.example.gouv.fr",
                                                "https://portail.example.fr:8443"]
    client, _ = guarded_app(security.allowed_frame_origins())
    headers = client.get("/").headers
    assert headers["content-security-policy"] == (
        "frame-ancestors 'self' https://intranet.example.gouv.fr https://portail.example.fr:8443")
    assert "x-frame-options" not in headers  # it could only contradict the CSP


def test_metrics_are_answered_only_to_an_operator_on_the_server_itself():
    """/_stcore/metrics was public (defect 9): nginx hides it, and a process reached without
    nginx (make run on an open port) answers it only to a local request that no proxy relayed."""
    async def metrics(request):
        return PlainTextResponse("streamlit_cache_memory_bytes 1")

    inner = Starlette(routes=[Route("/_stcore/metrics", metrics)])
    visitor = TestClient(security.SecurityMiddleware(inner, []), client=("10.1.2.3", 50000))
    response = visitor.get("/_stcore/metrics")
    assert response.status_code == 404 and "streamlit" not in response.text
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    local = TestClient(security.SecurityMiddleware(inner, []), client=("127.0.0.1", 50000))
    assert local.get("/_stcore/metrics").status_code == 200
    mapped = TestClient(security.SecurityMiddleware(inner, []), client=("::ffff:127.0.0.1", 50000))
    assert mapped.get("/_stcore/metrics").status_code == 200  # a server listening on every address
    relayed = local.get("/_stcore/metrics", headers={"X-Forwarded-For": "10.1.2.3"})
    assert relayed.status_code == 404  # through nginx: a visitor, whatever nginx's own rule
    assert visitor.get("/_stcore/metrics/").status_code == 404


def test_nginx_rate_limits_uploads_and_hides_metrics(tmp_path):
    text = render_config(TEMPLATE.read_text(encoding="utf-8"), run_dir=tmp_path, listen="127.0.0.1:8089",
                         backends=["127.0.0.1:8601"])
    upload = re.search(r"location /_stcore/upload_file/ \{(.*?)\n        \}", text, re.S).group(1)
    assert "limit_req zone=fabriques_uploads" in upload
    assert re.search(r"limit_req_zone \$binary_remote_addr zone=fabriques_uploads:\d+m rate=\d+r/m;", text)
    assert re.search(r"location = /_stcore/metrics \{\s*return 404;", text)
    for folder in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / folder).mkdir()
    (tmp_path / "nginx.conf").write_text(text, encoding="utf-8")
    result = subprocess.run([ensure_nginx(), "-t", "-q", "-c", str(tmp_path / "nginx.conf")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_served_app_sends_headers_and_refuses_uploads_once_the_access_is_closed(tmp_path, browser):
    data_dir = copy_data(tmp_path / "data")
    upload = tmp_path / "liste.csv"
    upload.write_bytes(b"id_territoire;id_geo;lib_territoire\nfabt-01;99999;X\n")
    password = "fabriques-import-essai"
    served = ServedApp(env={"FABRIQUES_DATA_DIR": str(data_dir),
                            import_auth.PASSWORD_ENV: import_auth.hash_password(password, iterations=1_000)})
    try:
        with urllib.request.urlopen(served.url + "/donnees") as response:
            assert response.headers["Content-Security-Policy"] == "frame-ancestors 'self'"
            assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
            assert response.headers["X-Content-Type-Options"] == "nosniff"
        page = new_page(browser)
        puts = []
        page.on("request", lambda request: puts.append(request) if request.method == "PUT" else None)
        page.goto(served.url + "/donnees")
        wait_for_app(page)
        page.get_by_label("Mot de passe d'import").fill(password)
        page.get_by_role("button", name="Accéder à l'import").click()
        # The uploader says its limit in French before anything is sent, then the file's size.
        uploader = page.locator("[data-testid='stFileUploader']")
        expect(uploader).to_contain_text("20\u00a0Mo au plus par fichier", timeout=60_000)
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(upload))
        page.get_by_text("problème(s) bloquant(s)").wait_for(timeout=60_000)
        expect(uploader.get_by_text(re.compile(r"^\d+(,\d+)?\u00a0o$"))).to_have_count(1, timeout=60_000)  # "52,0 o"
        expect(uploader).not_to_contain_text(re.compile(r"\d(B|KB|MB)\b|per file|Drag and drop|Browse files"),
                                             timeout=60_000)
        expect(uploader.get_by_role("button", name="Retirer liste.csv")).to_have_count(1, timeout=60_000)
        expect(uploader.get_by_role("button", name="Choisir un fichier")).to_have_count(1, timeout=60_000)
        sent = puts[0]
        assert "/_stcore/upload_file/" in sent.url and sent.response().status == 204
        xsrf = sent.headers.get("x-xsrftoken")

        def replay() -> int:
            return page.request.put(sent.url, headers={"X-Xsrftoken": xsrf}, multipart={
                "file": {"name": "autre.csv", "mimeType": "text/csv", "buffer": b"x" * 1000}}).status

        assert replay() == 204  # the same session, still authorised: Streamlit stores it
        # A file over the limit is refused by the browser before sending, in French.
        too_big = tmp_path / "trop-gros.csv"
        too_big.write_bytes(b"a;b\n" + b"x" * (MAX_BYTES + 1024))
        puts.clear()
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(too_big))
        page.get_by_text("Fichier refusé avant l'envoi : il dépasse 20 Mo").wait_for(state="attached")
        assert page.get_by_text("or smaller").count() == 0 and puts == []
        page.get_by_role("button", name="Fermer l'accès à l'import").click()
        page.get_by_label("Mot de passe d'import").wait_for()
        assert replay() == 403
        page.context.close()
    finally:
        served.stop()
