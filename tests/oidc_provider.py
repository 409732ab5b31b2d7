"""A real OpenID Connect provider for the sign-in tests: LemonLDAP::NG, from Debian's packages
(`make lemonldap`, part of `make test`), configured by the test and served by plackup.

The portal is the one the Debian FastCGI server runs (`Lemonldap::NG::Portal::Main`, a PSGI
application); plackup's standalone HTTP server serves it here without systemd, nginx or a
FastCGI socket, with its static files. Everything lives in a temporary folder given by the test
(configuration, keys, sessions, caches): the machine's /etc/lemonldap-ng and /var/lib are not
touched (LLNG_DEFAULTCONFFILE points at the test's own lemonldap-ng.ini).

Users: the "Demo" authentication backend's built-in accounts, password = login:
dwho (Doctor Who, dwho@badwolf.org), rtyler (Rose Tyler, rtyler@badwolf.org), msmith.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

PORTAL_MODULES = ("Lemonldap::NG::Portal::Main", "Lemonldap::NG::Portal::Issuer::OpenIDConnect",
                  "Lemonldap::NG::Portal::Captcha::SecurityImage")
STATIC = Path("/usr/share/lemonldap-ng/portal/htdocs/static")
TEMPLATES = Path("/usr/share/lemonldap-ng/portal/templates")
START_DEADLINE = 60.0
USERS = {"dwho": ("dwho@badwolf.org", "Doctor Who"), "rtyler": ("rtyler@badwolf.org", "Rose Tyler")}

PSGI = """\
use Plack::Builder;
use Plack::App::File;
use Lemonldap::NG::Portal::Main;
my $portal = Lemonldap::NG::Portal::Main->run({});
builder {
    mount '/static' => Plack::App::File->new(root => '%(static)s')->to_app;
    mount '/javascript' => Plack::App::File->new(root => '/usr/share/javascript')->to_app;
    mount '/' => $portal;
};
"""

INI = """\
[all]
logLevel = info
checkTime = 1
[configuration]
type = File
dirName = %(conf)s
localStorage = Cache::FileCache
localStorageOptions = {'namespace' => 'llng-config', 'default_expires_in' => 600, 'cache_root' => '%(cache)s', 'cache_depth' => 3}
[portal]
staticPrefix = /static
templateDir = %(templates)s
languages = fr, en
[handler]
status = 0
"""


def missing() -> str | None:
    """What is missing to run the provider here, in French (None: nothing)."""
    if shutil.which("plackup") is None:
        return "plackup absent (paquet Debian libplack-perl)"
    check = subprocess.run(["perl", *[f"-M{module}" for module in PORTAL_MODULES], "-e1"],
                           capture_output=True, text=True)
    if check.returncode != 0:
        return f"LemonLDAP::NG incomplet : {check.stderr.strip().splitlines()[0] if check.stderr else '?'}"
    return None


def _rsa_key_pair() -> tuple[str, str]:
    """The provider's signing key, new for each test run (PEM, private then public)."""
    from joserfc.jwk import RSAKey

    key = RSAKey.generate_key(2048)
    return key.as_pem(private=True).decode(), key.as_pem(private=False).decode()


class LemonLDAP:
    """LemonLDAP::NG with its OpenID Connect provider and one relying party (the dashboard).

    The relying party is set up as ProConnect treats its clients: the ID token carries the
    subject and the sign-in's claims only; the address and the name come from the userinfo
    endpoint, as a JWT signed with the provider's key (RS256)."""

    def __init__(self, directory: Path, port: int, redirect_uris: list[str], log: Path):
        self.directory, self.port, self.log = directory, port, log
        self.issuer = f"http://127.0.0.1:{port}"
        self.metadata_url = f"{self.issuer}/.well-known/openid-configuration"
        self.client_id = "tableau-fabriques"
        self.client_secret = secrets.token_urlsafe(24)
        self.redirect_uris = redirect_uris  # the dashboards allowed to sign people in
        self.process: subprocess.Popen | None = None

    def _write_configuration(self) -> dict:
        d = self.directory
        for sub in ("conf", "cache", "sessions/lock", "psessions/lock"):
            (d / sub).mkdir(parents=True, exist_ok=True)
        private, public = _rsa_key_pair()
        conf = {
            "cfgNum": 1, "cfgVersion": "2.16.1", "cfgAuthor": "tests", "cfgDate": str(int(time.time())),
            "authentication": "Demo", "userDB": "Same", "passwordDB": "Demo",
            "demoExportedVars": {"cn": "cn", "mail": "mail", "uid": "uid"},
            "exportedVars": {}, "macros": {}, "groups": {}, "locationRules": {}, "exportedHeaders": {},
            "reloadUrls": {}, "notification": 0, "loginHistoryEnabled": 0, "portalSkin": "bootstrap",
            "whatToTrace": "uid", "domain": "127.0.0.1", "portal": f"{self.issuer}/", "https": 0,
            "securedCookie": 0, "cookieName": "llngtests",
            "globalStorage": "Apache::Session::File",
            "globalStorageOptions": {"Directory": str(d / "sessions"), "LockDirectory": str(d / "sessions/lock"),
                                     "generateModule": "Lemonldap::NG::Common::Apache::Session::Generate::SHA256"},
            "persistentStorage": "Apache::Session::File",
            "persistentStorageOptions": {"Directory": str(d / "psessions"),
                                         "LockDirectory": str(d / "psessions/lock")},
            "localSessionStorage": "Cache::FileCache",
            "localSessionStorageOptions": {"cache_root": str(d / "cache"), "namespace": "llng-sessions",
                                           "default_expires_in": 600, "cache_depth": 3},
            "issuerDBOpenIDConnectActivation": 1,
            "oidcServiceMetaDataIssuer": self.issuer,
            "oidcServicePrivateKeySig": private, "oidcServicePublicKeySig": public, "oidcServiceKeyIdSig": "tests",
            "oidcRPMetaDataOptions": {"fabriques": {
                "oidcRPMetaDataOptionsClientID": self.client_id,
                "oidcRPMetaDataOptionsClientSecret": self.client_secret,
                "oidcRPMetaDataOptionsRedirectUris": " ".join(self.redirect_uris),
                "oidcRPMetaDataOptionsPostLogoutRedirectUris": " ".join(self.redirect_uris),
                "oidcRPMetaDataOptionsDisplayName": "Tableau de bord Fabriques de territoire",
                "oidcRPMetaDataOptionsBypassConsent": 1, "oidcRPMetaDataOptionsLogoutBypassConfirm": 1,
                "oidcRPMetaDataOptionsIDTokenSignAlg": "RS256",
                "oidcRPMetaDataOptionsIDTokenForceClaims": 0,
                "oidcRPMetaDataOptionsUserInfoSignAlg": "RS256",
            }},
            "oidcRPMetaDataExportedVars": {"fabriques": {"email": "mail", "name": "cn",
                                                         "preferred_username": "uid"}},
        }
        (d / "conf" / "lmConf-1.json").write_text(json.dumps(conf, indent=1))
        (d / "lemonldap-ng.ini").write_text(INI % {"conf": d / "conf", "cache": d / "cache",
                                                   "templates": TEMPLATES})
        (d / "portal.psgi").write_text(PSGI % {"static": STATIC})
        return conf

    def start(self) -> "LemonLDAP":
        problem = missing()
        if problem:
            raise RuntimeError(f"{problem} : lancez `make lemonldap` (fait par `make test`).")
        self._write_configuration()
        self.process = subprocess.Popen(
            ["plackup", "-s", "HTTP::Server::PSGI", "--host", "127.0.0.1", "--port", str(self.port),
             str(self.directory / "portal.psgi")],
            cwd=self.directory, env={**os.environ, "LLNG_DEFAULTCONFFILE": str(self.directory / "lemonldap-ng.ini")},
            stdout=self.log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + START_DEADLINE
        while True:  # ready when its discovery document names the expected issuer
            try:
                with urllib.request.urlopen(self.metadata_url, timeout=2) as response:
                    if json.loads(response.read()).get("issuer") == self.issuer:
                        return self
            except (OSError, ValueError):
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"LemonLDAP::NG n'a pas démarré : {self.log.read_text()[-2000:]}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def sign_in_on_portal(page, login: str) -> None:
    """Fill the portal's login form (the Demo backend: the password is the login)."""
    page.locator("input[name='user']").wait_for(timeout=30_000)
    page.locator("input[name='user']").fill(login)
    page.locator("input[name='password']").fill(login)
    page.locator("button[type='submit']").first.click()


class ScriptedEndpoints:
    """Fixed answers at a provider's URLs, for the unit tests of what the dashboard does with
    them (a discovery document, a token endpoint refusing the client, a userinfo JWT signed with
    another key…). The sign-in itself is tested against LemonLDAP::NG above."""

    def __init__(self):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.routes: dict[str, tuple[int, str, bytes]] = {}
        self.requests: list[tuple[str, str, dict]] = []
        endpoints = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                endpoints.requests.append((self.command, self.path, dict(self.headers)))
                status, kind, body = endpoints.routes.get(self.path.split("?")[0], (404, "text/plain", b"absent"))
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, path: str, body, status: int = 200, kind: str = "application/json") -> None:
        raw = body if isinstance(body, bytes) else (body.encode() if isinstance(body, str) else json.dumps(body).encode())
        self.routes[path] = (status, kind, raw)

    def discovery(self, issuer: str | None = None) -> str:
        issuer = issuer or self.url
        self.answer("/.well-known/openid-configuration", {
            "issuer": issuer, "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token", "userinfo_endpoint": f"{self.url}/userinfo",
            "jwks_uri": f"{self.url}/jwks", "end_session_endpoint": f"{self.url}/logout"})
        return f"{self.url}/.well-known/openid-configuration"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
