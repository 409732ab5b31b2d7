"""The Données page with sign-in configured (AppTest, st.user as Streamlit gives it): the door
of the import section for a visitor, an allowed agent, a refused one; a misconfigured provider
named on the page while the rest of the dashboard is unaffected; the password form gone."""
from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, copy_data
from oidc_provider import ScriptedEndpoints
from pipeline import import_auth, import_workflow, versions
from pipeline.import_identity import SIGNED_IN, Signer
from services import sign_in, upload_access
from test_page_donnees import PASSWORD_HASH, listing_bytes, table_with, texts

CONTACT = "le pôle données de l'ANCT"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    directory = copy_data(tmp_path / "data")
    monkeypatch.setenv("FABRIQUES_DATA_DIR", str(directory))
    # A shared password hash is configured too: with a provider, its form must be gone.
    monkeypatch.setenv(import_auth.PASSWORD_ENV, PASSWORD_HASH)
    sign_in._checks.clear()
    sign_in._userinfo.clear()
    return directory


@pytest.fixture
def endpoints():
    scripted = ScriptedEndpoints()
    yield scripted
    scripted.close()


def secrets_for(metadata_url: str, **auth_changes) -> dict:
    auth = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "c" * 40,
            "client_id": "tableau", "client_secret": "secret-du-client", "server_metadata_url": metadata_url,
            **auth_changes}
    return {"import_allowed": ["dwho@badwolf.org"], "import_contact": CONTACT,
            "auth": {key: value for key, value in auth.items() if value is not None}}


def open_page(secrets: dict, user: dict | None = None, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for key, value in secrets.items():
        at.secrets[key] = value
    if user is not None:
        at.user = user
    at.run()
    at.switch_page("pages/donnees.py")
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def signed_in(email: str = "dwho@badwolf.org", **changes) -> dict:
    return {"is_logged_in": True, "provider": "default", "sub": email.split("@")[0], "iss": "https://idp.example",
            "iat": time.time() - 60, "email": email, "name": "Doctor Who", **changes}


def labels(at) -> list[str]:
    return [b.label for b in at.button]


def session_authorised() -> bool:
    return bool(upload_access._authorised)


def test_visitor_is_offered_to_sign_in_and_no_password_form(data_dir, endpoints):
    at = open_page(secrets_for(endpoints.discovery()), {"is_logged_in": False})
    assert "Se connecter" in labels(at)
    assert not [t for t in at.text_input if t.label == "Mot de passe d'import"]
    assert len(at.file_uploader) == 0 and "Mode de secours" not in texts(at)
    assert "connectés avec leur compte professionnel" in texts(at)
    assert not any(word in texts(at) for word in ("import_allowed", "secrets.toml", "--hash-password"))


def test_allowed_agent_imports_signed_and_reads_addresses_in_the_history(data_dir, endpoints):
    signer = Signer("Doctor Who", SIGNED_IN, "dwho@badwolf.org", "dwho", "https://idp.example")
    candidate = import_workflow.preview("liste.csv", listing_bytes(data_dir), data_dir)
    import_workflow.apply(candidate, data_dir, import_workflow.ImportRequest("Doctor Who", source="ANCT", signer=signer))
    upload_access._authorised.clear()
    at = open_page(secrets_for(endpoints.discovery()), signed_in())
    assert "Connecté(e) : Doctor Who (dwho@badwolf.org)" in [t.value for t in at.text]
    assert "Se déconnecter" in labels(at) and len(at.file_uploader) == 1
    assert session_authorised()  # this session may now send a file (app/web/security.py)
    history = table_with(at, "Action")
    assert history.iloc[0][["Par", "Adresse", "Connexion"]].tolist() == ["Doctor Who", "dwho@badwolf.org",
                                                                         "compte personnel"]
    # The operator's instructions are for authorised staff, in the import section.
    assert "import_allowed" in "\n".join(m.value for m in at.markdown)

    # The same history read by a visitor (a new session, another process: read from the file).
    visitor = open_page(secrets_for(endpoints.discovery()), {"is_logged_in": False})
    public = table_with(visitor, "Action")
    assert "Adresse" not in public.columns and public.iloc[0]["Par"] == "Doctor Who"
    assert not any("@badwolf.org" in value for value in public.astype(str).to_numpy().ravel())

    # The rollback is signed by the same identity.
    at.checkbox(key="rollback_confirm").check().run()
    at.button(key="rollback_apply").click().run()
    assert not at.exception, at.exception
    last = versions.read_history(data_dir)[-1]
    assert (last["action"], last["email"], last["sub"], last["method"]) == (
        "retour_arriere", "dwho@badwolf.org", "dwho", SIGNED_IN)


def test_agent_not_on_the_list_is_told_whom_to_ask_and_cannot_upload(data_dir, endpoints):
    upload_access._authorised.clear()
    at = open_page(secrets_for(endpoints.discovery()), signed_in("rtyler@badwolf.org", name="Rose Tyler"))
    assert any("n'est pas sur la liste des agents habilités" in w.value for w in at.warning)
    assert "Adresse de connexion : rtyler@badwolf.org\nÀ qui demander : le pôle données de l'ANCT" in [
        t.value for t in at.text]
    assert "Se déconnecter" in labels(at) and len(at.file_uploader) == 0
    assert "Revenir à cette version" not in labels(at)
    assert not session_authorised()


def test_expired_sign_in_asks_to_sign_in_again(data_dir, endpoints):
    at = open_page(secrets_for(endpoints.discovery()), signed_in(iat=time.time() - 9 * 3600))
    assert any("plus de 8 heures" in w.value for w in at.warning)
    assert {"Se reconnecter", "Se déconnecter"} <= set(labels(at)) and len(at.file_uploader) == 0


def test_unreachable_provider_is_named_and_the_rest_of_the_dashboard_is_unaffected(data_dir):
    at = open_page(secrets_for("http://127.0.0.1:9/.well-known/openid-configuration"), {"is_logged_in": False})
    errors = [e.value for e in at.error]
    assert any("`server_metadata_url` de la section [auth]" in e for e in errors), errors
    assert "Se connecter" not in labels(at)
    assert not [t for t in at.text_input if t.label == "Mot de passe d'import"]
    at.switch_page("pages/synthese.py").run()
    assert not at.exception and "382" in [m.value for m in at.metric]


def test_incomplete_settings_name_what_is_missing(data_dir):
    at = open_page(secrets_for("http://127.0.0.1:9/x", client_secret=None, cookie_secret="court"))
    error = next(e.value for e in at.error if "configurée mais incomplète" in e.value)
    assert "`client_secret`" in error and "`cookie_secret`" in error and "Se connecter" not in labels(at)


def test_a_failed_sign_in_names_the_client_settings(data_dir, endpoints):
    endpoints.answer("/token", {"error": "invalid_client"}, 401)
    at = open_page(secrets_for(endpoints.discovery()), {"is_logged_in": False}, {"connexion": "echec"})
    assert any("`client_id` et `client_secret`" in e.value for e in at.error)
    assert "connexion" not in at.query_params  # said once: a reload does not repeat the diagnosis
    assert "Se connecter" in labels(at)
