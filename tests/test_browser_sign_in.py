"""Staff sign in with their own account to import (issue 26), against a real OpenID Connect
provider: LemonLDAP::NG from Debian's packages (tests/oidc_provider.py), in Chromium.

One provider with two users: dwho is on the allow list, rtyler is not. The app is started with
a secrets file naming the provider, the allow list and a contact, and also with a shared
password hash in its environment: with a provider configured the password form must be gone.
"""
from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from itsdangerous import URLSafeTimedSerializer

from conftest import (ARTIFACTS, ServedApp, _free_port, copy_data, new_page, screenshot, wait_for_app,
                      wait_until)
from oidc_provider import USERS, LemonLDAP, sign_in_on_portal
from pipeline import import_auth, versions
from test_page_donnees import PASSWORD_HASH, listing_bytes

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ALLOWED, REFUSED = "dwho", "rtyler"
CONTACT = "le pôle données de l'ANCT (donnees@anct.example)"
USER_COOKIE = "_streamlit_user"


@dataclass
class SignInServer:
    url: str
    provider: LemonLDAP
    data_dir: Path
    cookie_secret: str
    log: Path
    spare_port: int  # a second dashboard registered with the provider (wrong settings)

    def secret_values(self) -> list[str]:
        return [self.cookie_secret, self.provider.client_secret]


def secrets_toml(port: int, provider: LemonLDAP, cookie_secret: str, client_secret: str) -> str:
    # Top-level keys first: in TOML, a key after [auth] belongs to [auth].
    return "\n".join([
        f"import_allowed = {json.dumps([USERS[ALLOWED][0], '@anct.example'])}",
        f"import_contact = {json.dumps(CONTACT, ensure_ascii=False)}",
        "[auth]",
        f'redirect_uri = "http://localhost:{port}/oauth2callback"',
        f"cookie_secret = {json.dumps(cookie_secret)}",
        # The provider gives the address in userinfo only, as ProConnect does: the app asks it
        # with the access token Streamlit exposes.
        'expose_tokens = ["access"]',
        f"client_id = {json.dumps(provider.client_id)}",
        f"client_secret = {json.dumps(client_secret)}",
        f"server_metadata_url = {json.dumps(provider.metadata_url)}",
        "",
    ])


def start_app(directory: Path, provider: LemonLDAP, port: int, data_dir: Path, client_secret: str):
    cookie_secret = secrets.token_urlsafe(36)
    secrets_file = directory / f"secrets-{port}.toml"
    secrets_file.write_text(secrets_toml(port, provider, cookie_secret, client_secret), encoding="utf-8")
    served = ServedApp(port=port, env={"FABRIQUES_DATA_DIR": str(data_dir), "STREAMLIT_SECRETS_FILES": str(secrets_file),
                                       import_auth.PASSWORD_ENV: PASSWORD_HASH})
    return served, cookie_secret


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    directory = tmp_path_factory.mktemp("connexion")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    app_port, spare_port, provider_port = _free_port(), _free_port(), _free_port()
    started = time.monotonic()
    provider = LemonLDAP(directory / "lemonldap", provider_port,
                         [f"http://localhost:{port}/oauth2callback" for port in (app_port, spare_port)],
                         ARTIFACTS / f"lemonldap-{provider_port}.log").start()
    print(f"LemonLDAP::NG prêt en {time.monotonic() - started:.1f} s")
    data_dir = copy_data(directory / "data")
    try:
        served, cookie_secret = start_app(directory, provider, app_port, data_dir, provider.client_secret)
    except Exception:
        provider.stop()
        raise
    yield SignInServer(served.url, provider, data_dir, cookie_secret, served.log, spare_port)
    served.stop()
    provider.stop()


def open_donnees(page, url: str) -> None:
    page.goto(url + "/donnees")
    settled(page)


def settled(page) -> None:
    """The Données page drawn to its end: the import section's door and the footer."""
    page.get_by_role("heading", name="Import et retour arrière (agents habilités)").wait_for(timeout=60_000)
    page.locator(".st-key-pied_de_page a").last.wait_for(timeout=60_000)
    wait_for_app(page)


def sign_in(page, server: SignInServer, login: str) -> None:
    open_donnees(page, server.url)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{server.provider.issuer}/**", timeout=30_000)
    sign_in_on_portal(page, login)
    # The way back from the provider leads to the Données page (app/web/sign_in.py).
    page.wait_for_url(f"{server.url}/donnees", timeout=30_000)
    settled(page)


def import_section_text(page) -> str:
    return page.locator("[data-testid='stMainBlockContainer']").inner_text()


def assert_no_secret_in(log: Path, server: SignInServer, also: list[str] = ()) -> None:
    text = log.read_text(errors="replace")
    for value in [*server.secret_values(), *also]:
        assert value and value not in text, "un secret ou un jeton figure dans le journal"
    # No JSON Web Token (ID token, access token as ProConnect's, userinfo) of any kind.
    assert not re.search(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}", text)


def test_allowed_agent_signs_in_imports_and_the_history_names_them(server, browser, tmp_path):
    page = new_page(browser)
    codes = []  # the authorization codes the browser carried: they must not reach the log either
    page.on("request", lambda request: codes.extend(re.findall(r"[?&]code=([^&]+)", request.url))
            if "/oauth2callback" in request.url else None)
    try:
        open_donnees(page, server.url)
        shown = import_section_text(page)
        assert "Mot de passe d'import" not in shown and "Mode de secours" not in shown  # a provider: no password
        assert "--hash-password" not in shown and "secrets.toml" not in shown
        show_import_section(page)
        screenshot(page, "connexion-visiteur")
        sign_in(page, server, ALLOWED)
        email, name = USERS[ALLOWED]
        page.get_by_text(f"Connecté(e) : {name} ({email})", exact=True).wait_for(timeout=30_000)
        page.get_by_role("button", name="Se déconnecter").wait_for(timeout=30_000)
        show_import_section(page)
        screenshot(page, "connexion-agent-habilite")

        upload = tmp_path / "liste-vague-10.csv"
        upload.write_bytes(listing_bytes(server.data_dir))
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(upload))
        page.get_by_text("Aperçu de ce qui change").wait_for(timeout=60_000)
        wait_for_app(page)
        page.get_by_role("button", name="Importer cette liste").click()
        page.get_by_text("Import réussi").wait_for(timeout=60_000)
        wait_for_app(page)
        show_import_section(page)
        screenshot(page, "connexion-import-signe")
        assert versions.read_manifest(server.data_dir)["extracts"]["laureates"]["rows"] == 385

        # The history file keeps who signed (address and subject), and survives the process.
        entry = versions.read_history(server.data_dir)[-1]
        assert (entry["user"], entry["email"], entry["sub"], entry["issuer"], entry["method"]) == (
            name, email, ALLOWED, server.provider.issuer, "connexion")
        assert entry["file_name"] == "liste-vague-10.csv" and entry["source"].startswith("ANCT")
        wait_until(page, lambda: "Import : version" in server.log.read_text(), "la ligne d'import dans le journal")
        log = server.log.read_text()
        assert re.search(rf"Import : version \w+ en service \(385 fabriques.*fichier « liste-vague-10.csv ».*"
                         rf"par {re.escape(email)} \(sub {ALLOWED}, fournisseur {re.escape(server.provider.issuer)}\)",
                         log), log[-3000:]

        # A visitor (another browser) reads the name, never the address.
        visitor = new_page(browser)
        try:
            open_donnees(visitor, server.url)
            show_import_section(visitor)
            screenshot(visitor, "connexion-historique-visiteur")
            text = import_section_text(visitor)
            assert email not in text and "@badwolf.org" not in text
            visitor.get_by_role("button", name="Se connecter").wait_for(timeout=30_000)
        finally:
            visitor.context.close()

        # Sign-out: back on Données, signed out, the identity cookie gone, the import closed.
        page.get_by_role("button", name="Se déconnecter").click()
        page.get_by_text("Vous êtes déconnecté(e)").wait_for(timeout=30_000)
        wait_for_app(page)
        page.get_by_role("button", name="Se connecter").wait_for(timeout=30_000)
        assert page.locator("[data-testid='stFileUploaderDropzoneInput']").count() == 0
        assert not [c for c in page.context.cookies() if c["name"].startswith(USER_COOKIE)]
        show_import_section(page)
        screenshot(page, "connexion-deconnecte")
        assert page.locator("[data-testid='stException']").count() == 0
        assert codes, "le navigateur n'a rapporté aucun code d'autorisation"
        assert_no_secret_in(server.log, server, codes)
    finally:
        page.context.close()


def test_signed_in_agent_not_on_the_list_is_told_whom_to_ask(server, browser):
    page = new_page(browser)
    try:
        sign_in(page, server, REFUSED)
        email = USERS[REFUSED][0]
        page.get_by_text("votre adresse n'est pas sur la liste des agents habilités", exact=False).wait_for()
        details = page.get_by_text(f"Adresse de connexion : {email}", exact=False)
        details.wait_for(timeout=30_000)
        assert f"À qui demander : {CONTACT}" in details.inner_text()
        page.get_by_role("button", name="Se déconnecter").wait_for(timeout=30_000)
        # No import, no rollback, no password form: the section stays closed to them.
        assert page.locator("[data-testid='stFileUploaderDropzoneInput']").count() == 0
        assert page.get_by_role("button", name="Revenir à cette version").count() == 0
        assert page.get_by_label("Mot de passe d'import").count() == 0
        show_import_section(page)
        screenshot(page, "connexion-agent-refuse")
        assert_no_secret_in(server.log, server)
    finally:
        page.context.close()


def signed_cookie(secret: str, payload: dict) -> str:
    """An identity cookie as Streamlit signs it (itsdangerous, salted with the cookie's name)."""
    return URLSafeTimedSerializer(secret, salt=USER_COOKIE).dumps(json.dumps(payload))


def test_tampered_or_expired_session_is_refused(server, browser):
    page = new_page(browser)
    try:
        sign_in(page, server, ALLOWED)
        page.get_by_role("button", name="Se déconnecter").wait_for()
        cookie = next(c for c in page.context.cookies() if c["name"] == USER_COOKIE)
        payload = json.loads(URLSafeTimedSerializer(server.cookie_secret, salt=USER_COOKIE).loads(cookie["value"]))
        assert payload["sub"] == ALLOWED and payload["is_logged_in"] is True
    finally:
        page.context.close()

    def opened_with(value: str, name: str):
        visitor = new_page(browser)
        visitor.context.add_cookies([{"name": USER_COOKIE, "value": value, "url": server.url}])
        open_donnees(visitor, server.url)
        show_import_section(visitor)
        screenshot(visitor, name)
        return visitor

    forged = {**payload, "sub": "msmith"}  # another person, signed without the server's secret
    altered = cookie["value"][:-3] + ("AAA" if not cookie["value"].endswith("AAA") else "BBB")
    for value, name in ((signed_cookie("pas-le-secret-du-serveur-" + "x" * 20, forged), "connexion-cookie-falsifie"),
                        (altered, "connexion-signature-alteree")):
        visitor = opened_with(value, name)
        try:  # refused: treated as nobody signed in
            visitor.get_by_role("button", name="Se connecter").wait_for(timeout=30_000)
            assert visitor.locator("[data-testid='stFileUploaderDropzoneInput']").count() == 0
            assert visitor.get_by_role("button", name="Se déconnecter").count() == 0
        finally:
            visitor.context.close()

    # Signed with the server's own secret but nine hours old: the sign-in has expired.
    expired = {**payload, "iat": int(time.time()) - 9 * 3600, "exp": int(time.time()) - 8 * 3600}
    visitor = opened_with(signed_cookie(server.cookie_secret, expired), "connexion-expiree")
    try:
        visitor.get_by_text("Votre connexion date de plus de 8 heures", exact=False).wait_for()
        visitor.get_by_role("button", name="Se reconnecter").wait_for(timeout=30_000)
        assert visitor.locator("[data-testid='stFileUploaderDropzoneInput']").count() == 0
        assert visitor.get_by_role("button", name="Revenir à cette version").count() == 0
    finally:
        visitor.context.close()
    assert_no_secret_in(server.log, server, [cookie["value"]])


def test_wrong_client_secret_is_named_on_the_page_and_logged(server, browser, tmp_path):
    """The operator mistyped the client secret: the person signs in at the provider, comes back
    without an identity, and the page names the settings to check; the rest stays open."""
    provider = server.provider
    wrong = "pas-le-bon-secret-" + secrets.token_urlsafe(12)
    served, cookie_secret = start_app(tmp_path, provider, server.spare_port, copy_data(tmp_path / "data"), wrong)
    page = new_page(browser)
    try:
        page.goto(served.url + "/donnees")
        settled(page)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(f"{provider.issuer}/**", timeout=30_000)
        sign_in_on_portal(page, ALLOWED)
        page.wait_for_url(f"{served.url}/donnees?connexion=echec", timeout=30_000)
        settled(page)
        message = page.get_by_text("refuse l'identifiant ou le secret de ce tableau de bord", exact=False)
        message.wait_for(timeout=30_000)
        assert "client_id" in message.inner_text() and "client_secret" in message.inner_text()
        page.get_by_role("button", name="Se connecter").wait_for(timeout=30_000)
        show_import_section(page)
        screenshot(page, "connexion-secret-errone")
        page.goto(served.url + "/")  # the rest of the dashboard is unaffected
        # Its first figure drawn: a fresh server's first Synthèse takes a while on a loaded machine.
        page.locator("[data-testid='stMetricValue']").first.wait_for(timeout=60_000)
        wait_for_app(page)
        assert page.locator("[data-testid='stException']").count() == 0
        log = served.log.read_text()
        assert "OAuth token exchange failed" in log and "identifiant ou secret erroné" in log
        for value in (wrong, cookie_secret, provider.client_secret):
            assert value not in log
        assert not re.search(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}", log)
    finally:
        page.context.close()
        served.stop()


def show_import_section(page) -> None:
    """Bring the import section into view for the screenshot (the page scrolls inside the app)."""
    page.get_by_role("heading", name="Import et retour arrière (agents habilités)").scroll_into_view_if_needed()
