"""Issue 27, items 1 and 2: one rule for who a client is (services/clients.py), applied once per
request (app/web/clients.py), for the import's lockout, the API's buckets and the log lines;
a forged X-Forwarded-For changes nothing, from loopback (`make run`) or through nginx."""
from __future__ import annotations

import http.client
import logging
import re

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient

from app import web
from app.web import api, config
from bench.load_attack import PASSWORD_LABEL, AttackerSession
from conftest import ServedApp, copy_data
from deploy.scale_out import ScaleOut
from pipeline import import_auth
from pipeline.import_auth import CLIENT_FREE_FAILURES
from services import clients
from services.clients import client_address

ROWS = [
    # (direct peer, X-Forwarded-For, client)
    ("10.0.0.7", None, "10.0.0.7"),
    ("10.0.0.7", "1.2.3.4", "10.0.0.7"),  # a direct client cannot choose its address
    ("127.0.0.1", "1.2.3.4, 10.0.0.7", "10.0.0.7"),  # behind nginx: the address nginx appended
    # A visitor on nginx's own machine is 127.0.0.1 in the entry nginx appended: only that entry
    # counts (uvicorn's rule walked on to the left, to the address the visitor wrote).
    ("127.0.0.1", "10.66.0.5, 127.0.0.1", "127.0.0.1"),
    # `make run` listens on every address: a local client is ::ffff:127.0.0.1 or ::1, not a
    # proxy (the old rule believed it, and each forged header was a new lockout budget).
    ("::ffff:127.0.0.1", "1.2.3.4, 10.0.0.7", "::ffff:127.0.0.1"),
    ("::1", "10.66.0.5", "::1"),
    ("::ffff:10.0.0.7", "1.2.3.4", "::ffff:10.0.0.7"),
    ("127.0.0.1", "2001:db8::1", "2001:db8::1"),
    ("127.0.0.1", "1.2.3.4, ::FFFF:10.0.0.7", "::ffff:10.0.0.7"),  # one spelling per address
    # Whatever nginx appended is not an address: the proxy is all that is known; never the text.
    ("127.0.0.1", "inconnu", "127.0.0.1"),
    ("127.0.0.1", "10.0.0.7\r\nX-Autre: 1", "127.0.0.1"),
    ("127.0.0.1", "1.2.3.4,", "127.0.0.1"),
    ("127.0.0.1", "10.0.0.7:5555", "127.0.0.1"),
    ("127.0.0.1", "", "127.0.0.1"),
    ("127.0.0.1", "9" * 5000, "127.0.0.1"),
    (None, "10.0.0.7", "local"),  # AppTest, or a session Streamlit shows without address
    ("testclient", None, "local"),
]


@pytest.mark.parametrize("peer, forwarded, expected", ROWS)
def test_client_address(peer, forwarded, expected):
    assert client_address(peer, forwarded) == expected


@pytest.mark.parametrize("peer, forwarded, expected", ROWS)
def test_a_decided_client_is_its_own_answer(peer, forwarded, expected):
    """The middleware writes the client in place of the peer; the page and the limiter apply
    the rule again to it, with the same header: they must get the same client."""
    assert client_address(expected, forwarded) == expected


def test_the_operator_lists_the_proxies(monkeypatch):
    monkeypatch.setenv(clients.TRUSTED_PROXIES_ENV, "10.0.0.5, 192.168.10.0/24")
    assert client_address("10.0.0.5", "1.2.3.4, 10.9.9.9") == "10.9.9.9"
    assert client_address("192.168.10.20", "10.9.9.9") == "10.9.9.9"
    assert client_address("127.0.0.1", "10.9.9.9") == "127.0.0.1"  # no longer listed
    monkeypatch.setenv(clients.TRUSTED_PROXIES_ENV, "")
    assert client_address("127.0.0.1", "10.9.9.9") == "127.0.0.1"  # none listed: none believed


@pytest.mark.parametrize("value", ["nginx", "127.0.0.1 *", "10.0.0.0/33", "testclient"])
def test_a_malformed_proxy_list_stops_the_server_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv(clients.TRUSTED_PROXIES_ENV, value)
    with pytest.raises(config.ConfigError, match=clients.TRUSTED_PROXIES_ENV):
        config.check()


def _echo_app() -> TestClient:
    async def who(request):
        return PlainTextResponse(request.client.host)

    async def who_ws(websocket):
        await websocket.accept()
        await websocket.send_text(websocket.client.host)
        await websocket.close()

    app = Starlette(routes=[Route("/qui", who), WebSocketRoute("/flux", who_ws)], middleware=web.MIDDLEWARE)
    return app


@pytest.mark.parametrize("peer, forwarded, expected", [
    ("127.0.0.1", "6.6.6.6, 10.0.0.7", "10.0.0.7"),
    ("::ffff:127.0.0.1", "6.6.6.6", "::ffff:127.0.0.1"),
    ("203.0.113.9", "6.6.6.6", "203.0.113.9"),
])
def test_every_layer_after_the_middleware_sees_the_decided_client(peer, forwarded, expected):
    """The API, /points/ and Streamlit's websocket (st.context.ip_address) read the peer."""
    client = TestClient(_echo_app(), client=(peer, 50000))
    assert client.get("/qui", headers={"X-Forwarded-For": forwarded}).text == expected
    with client.websocket_connect("/flux", headers={"X-Forwarded-For": forwarded}) as socket:
        assert socket.receive_text() == expected


def _api(peer: str) -> TestClient:
    return TestClient(Starlette(routes=api.routes(), middleware=web.MIDDLEWARE), client=(peer, 50000))


def test_the_api_counts_each_client_behind_the_proxy(monkeypatch):
    monkeypatch.setenv("FABRIQUES_API_RATE_LIMIT", "2")
    behind_nginx = _api("127.0.0.1")
    for address in ("203.0.113.1", "203.0.113.2"):
        headers = {"X-Forwarded-For": f"198.51.100.9, {address}"}  # the first entry is the visitor's own
        assert [behind_nginx.get("/api/v1/version.json", headers=headers).status_code
                for _ in range(3)] == [200, 200, 429]


@pytest.mark.parametrize("peer", ["198.51.100.7", "::ffff:127.0.0.1", "::1"])
def test_a_forwarded_header_from_a_peer_not_listed_does_not_pick_the_bucket(monkeypatch, peer):
    monkeypatch.setenv("FABRIQUES_API_RATE_LIMIT", "2")
    direct = _api(peer)
    codes = [direct.get("/api/v1/version.json", headers={"X-Forwarded-For": f"10.66.0.{n}"}).status_code
             for n in range(3)]
    assert codes == [200, 200, 429]


def test_a_proxy_left_unlisted_is_said_once_in_the_log(caplog):
    caplog.set_level(logging.WARNING, logger="fabriques.securite")
    client = TestClient(_echo_app(), client=("::ffff:127.0.0.1", 50000))
    for n in range(3):
        client.get("/qui", headers={"X-Forwarded-For": f"10.66.0.{n}"})
    said = [r.getMessage() for r in caplog.records if "X-Forwarded-For ignoré" in r.getMessage()]
    assert len(said) == 1 and "::ffff:127.0.0.1" in said[0] and "10.66.0." not in said[0]


# --- The reproductions, on a served app --------------------------------------------------------

PASSWORD = "fabriques-import-essai"


def _guess(url: str, forged: str) -> list[str] | None:
    """One wrong password from a fresh session whose websocket carries a forged header;
    None when the page shows a wait instead of the form (no guess is hashed)."""
    session = AttackerSession(url, page="donnees")
    session.headers["X-Forwarded-For"] = forged
    try:
        session.open()
        session.rerun()
        if PASSWORD_LABEL not in session.form_ids:
            assert any("Trop d'essais de mot de passe" in alert for alert in session.alerts), session.alerts
            return None
        session.submit_password("pas-le-bon")
        return session.alerts
    finally:
        session.close()


def test_forged_forwarded_for_from_loopback_gives_no_new_lockout_budget(tmp_path):
    """Issue 27, item 1: fifteen sessions sending X-Forwarded-For: 10.66.0.N each had their
    guess hashed. Now the sixth session, whatever its header, finds the form closed; from
    127.0.0.1 (seen as ::ffff:127.0.0.1 under make run) and from ::1 alike."""
    served = ServedApp(env={"FABRIQUES_DATA_DIR": str(copy_data(tmp_path / "data")),
                            import_auth.PASSWORD_ENV: import_auth.hash_password(PASSWORD, iterations=1_000)})
    try:
        port = served.url.rsplit(":", 1)[1]
        for base, first in ((f"http://127.0.0.1:{port}", 10), (f"http://[::1]:{port}", 40)):
            answers = [_guess(base, f"10.66.0.{first + n}") for n in range(CLIENT_FREE_FAILURES + 1)]
            assert all(alerts is not None and "Mot de passe incorrect." in alerts
                       for alerts in answers[:CLIENT_FREE_FAILURES]), answers
            assert answers[CLIENT_FREE_FAILURES] is None, (base, answers[CLIENT_FREE_FAILURES])
        log = served.log.read_text(encoding="utf-8", errors="replace")
        failures = [line for line in log.splitlines() if "mot de passe incorrect" in line]
        assert len(failures) == 2 * CLIENT_FREE_FAILURES
        assert all("(client ::ffff:127.0.0.1," in line for line in failures[:CLIENT_FREE_FAILURES])
        assert "10.66.0." not in log  # the log names the client, never a header's text
    finally:
        served.stop()


def _get(port: int, source: str, path: str, forged: str | None = None, method: str = "GET",
         body: bytes | None = None) -> tuple[int, dict, bytes]:
    """A request to nginx from a given loopback address (127.0.0.0/8 is all loopback)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, source_address=(source, 0), timeout=60)
    # One process: the buckets counted are that process's (each counts its own clients).
    headers = {"Cookie": "fabriques_replica=essai"}
    if forged:
        headers["X-Forwarded-For"] = forged
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def cluster():
    with ScaleOut(2, env={"FABRIQUES_API_RATE_LIMIT": "3", "FABRIQUES_WARM_AT_START": "0"}) as started:
        yield started


@pytest.mark.xdist_group("nginx")  # one cluster, these two tests in this order (the second stops it)
def test_behind_nginx_each_visitor_has_their_own_api_bucket(cluster):
    """Issue 27, item 2, with deploy/scale_out.py's nginx and two processes: two visitors, two
    buckets; a visitor forging X-Forwarded-For (here from nginx's own machine, which uvicorn's
    rule let through) stays in its one bucket."""
    def codes(source, count, forged=None):
        return [_get(cluster.port, source, "/api/v1/version.json", forged and f"{forged}{n}")[0]
                for n in range(count)]

    assert codes("127.0.0.2", 4) == [200, 200, 200, 429]
    assert codes("127.0.0.3", 3) == [200, 200, 200]
    assert codes("127.0.0.1", 5, forged="10.66.0.") == [200, 200, 200, 429, 429]


@pytest.mark.xdist_group("nginx")
def test_what_nginx_answers_itself_is_french_too(cluster):
    answers = {
        413: _get(cluster.port, "127.0.0.4", "/_stcore/upload_file/a/b", method="PUT", body=b"x" * (22 * 2**20)),
        404: _get(cluster.port, "127.0.0.4", "/_stcore/metrics"),
        414: _get(cluster.port, "127.0.0.4", "/" + "a" * 20_000),
    }
    not_a_page = _get(cluster.port, "127.0.0.4", "/app/static/x.png")  # the process's own 404
    for status, (got, headers, body) in [*answers.items(), (404, not_a_page)]:
        assert got == status and headers["content-language"] == "fr", (status, body[:200])
        assert headers["content-type"] == "text/plain; charset=utf-8" and b"nginx" not in body
    for process in cluster.backend_processes:  # both processes down: nginx answers alone
        process.terminate()
        process.wait(timeout=30)
    got, headers, body = _get(cluster.port, "127.0.0.4", "/")
    assert got == 502 and headers["content-language"] == "fr" and "indisponible" in body.decode()


def test_every_setting_of_the_http_side_is_documented_for_the_operator():
    from conftest import ROOT

    variables = set(re.findall(r"^\| (FABRIQUES_[A-Z_]+) ", config.__doc__, re.M))
    assert {"FABRIQUES_TRUSTED_PROXIES", "FABRIQUES_PUBLIC_URL", "FABRIQUES_ALLOW_INDEXING",
            "FABRIQUES_POINTS_RATE_LIMIT"} <= variables
    deploy = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    api_doc = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for variable in variables:
        assert f"| `{variable}` |" in deploy + api_doc, variable
    default = re.search(r"\| `FABRIQUES_TRUSTED_PROXIES` \| `([^`]*)` \|", deploy).group(1)
    assert default == clients.DEFAULT_TRUSTED_PROXIES


def test_the_server_does_not_start_with_uvicorn_reading_the_header():
    """uvicorn's own rule (FORWARDED_ALLOW_IPS) would decide before ours: app/serve.py turns it
    off, and the app refuses to be served without that."""
    import os
    import subprocess
    import sys

    from conftest import ROOT

    environment = {k: v for k, v in os.environ.items() if k != "FORWARDED_ALLOW_IPS"}
    refused = subprocess.run([sys.executable, "-c", "import app.asgi"], cwd=ROOT, env=environment,
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0 and "python -m app.serve" in refused.stderr
    started = subprocess.run([sys.executable, "-c", "import app.asgi"], cwd=ROOT, timeout=120,
                             env={**environment, "FORWARDED_ALLOW_IPS": ""}, capture_output=True, text=True)
    assert started.returncode == 0, started.stderr[-2000:]
