"""Who may import and who signed (issue 26): the allow list, the identity from a provider's
claims, the access decision, the settings' problems named in French, the history shown to
visitors without addresses, the signature in the history file and the log, the way back from
the provider (middleware), and what the dashboard does with a provider's answers."""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from app.web import sign_in as way_back
from conftest import copy_data
from oidc_provider import ScriptedEndpoints
from pipeline import import_workflow, versions
from pipeline.import_identity import (COMMAND_LINE, SHARED_PASSWORD, SIGNED_IN, Signer, identity_from_claims,
                                      parse_allowed, public_name, typed_signer)
from services import sign_in
from test_page_donnees import listing_bytes
from views import donnees as dv

NOW = 1_800_000_000.0
COOKIE_SECRET = "s" * 40


def auth(url: str = "http://127.0.0.1:9/.well-known/openid-configuration", **changes) -> dict:
    section = {"redirect_uri": "https://fabriques.example.gouv.fr/oauth2callback", "cookie_secret": COOKIE_SECRET,
               "client_id": "tableau", "client_secret": "secret-du-client", "server_metadata_url": url}
    section.update(changes)
    return {key: value for key, value in section.items() if value is not None}


def settings(allowed=("dwho@badwolf.org", "@anct.gouv.fr"), **auth_changes) -> sign_in.Settings:
    return sign_in.settings_from_secrets({"import_allowed": list(allowed), "import_contact": "le pôle données",
                                          "auth": auth(**auth_changes)})


def claims(**changes) -> dict:
    base = {"is_logged_in": True, "provider": "default", "sub": "dwho", "iss": "https://idp.example",
            "iat": NOW - 60, "email": "dwho@badwolf.org", "name": "Doctor Who"}
    base.update(changes)
    return {key: value for key, value in base.items() if value is not None}


@pytest.fixture(autouse=True)
def fresh_provider_caches():
    sign_in._checks.clear()
    sign_in._userinfo.clear()
    yield
    sign_in._checks.clear()
    sign_in._userinfo.clear()


@pytest.fixture
def endpoints():
    scripted = ScriptedEndpoints()
    yield scripted
    scripted.close()


# --- The allow list and the identity ------------------------------------------------------

def test_allow_list_reads_addresses_and_domains_and_names_what_it_ignores():
    allowed, ignored = parse_allowed(["Dwho@BadWolf.org", "@anct.gouv.fr", "interieur.gouv.fr, x@y", "pas-un-domaine"])
    assert allowed.addresses == {"dwho@badwolf.org"}
    assert allowed.domains == {"anct.gouv.fr", "interieur.gouv.fr"}
    assert ignored == ["x@y", "pas-un-domaine"]
    assert parse_allowed("a@b.fr; @c.fr")[0].domains == {"c.fr"}
    assert not parse_allowed(None)[0] and not parse_allowed({"a": "b"})[0]


@pytest.mark.parametrize("email, allowed", [
    ("dwho@badwolf.org", True), ("DWHO@badwolf.org ", True), ("rtyler@badwolf.org", False),
    ("agent@anct.gouv.fr", True), ("agent@sous.anct.gouv.fr", False), ("agent@anct.gouv.fr.evil.example", False),
    ("x@anct.gouv.fr@evil.example", False), ("@anct.gouv.fr", False), ("", False), (None, False),
])
def test_allow_list_matches_whole_addresses_and_exact_domains(email, allowed):
    assert parse_allowed(["dwho@badwolf.org", "@anct.gouv.fr"])[0].allows(email) is allowed


@pytest.mark.parametrize("name, shown", [
    ("Doctor Who", "Doctor Who"), ("dwho@badwolf.org", "agent habilité"), ("", "agent habilité"),
    (None, "agent habilité"), ("Rose\u202eTyler\n", "Rose Tyler"), ("x" * 200, "x" * 80),
])
def test_a_name_shown_to_visitors_is_never_an_address(name, shown):
    assert public_name(name) == shown


def test_identity_from_claims_composes_the_name_and_needs_a_subject():
    identity = identity_from_claims({"sub": "abc", "given_name": "Marie", "usual_name": "Curie",
                                     "email": "Marie.Curie@Anct.Gouv.fr", "iat": 5, "iss": "https://pc"})
    assert (identity.name, identity.email, identity.signed_in_at) == ("Marie Curie", "marie.curie@anct.gouv.fr", 5.0)
    assert identity.signer().history_fields() == {"user": "Marie Curie", "method": SIGNED_IN,
                                                  "email": "marie.curie@anct.gouv.fr", "sub": "abc",
                                                  "issuer": "https://pc"}
    assert identity_from_claims({"email": "a@b.fr"}) is None
    assert identity_from_claims({"sub": "a", "iat": True}).signed_in_at is None


# --- The access decision ------------------------------------------------------------------

def test_allowed_agent_may_import_for_what_is_left_of_eight_hours():
    access = sign_in.access(settings(), claims(), NOW)
    assert access.state == sign_in.ALLOWED
    assert access.signer == Signer("Doctor Who", SIGNED_IN, "dwho@badwolf.org", "dwho", "https://idp.example")
    assert access.seconds_left == pytest.approx(8 * 3600 - 60)
    assert sign_in.access(settings(), claims(email="agent@anct.gouv.fr"), NOW).state == sign_in.ALLOWED


@pytest.mark.parametrize("changes, state, words", [
    ({"is_logged_in": False}, sign_in.VISITOR, ""),
    ({"email": "rtyler@badwolf.org"}, sign_in.REFUSED, "n'est pas sur la liste des agents habilités"),
    ({"email_verified": False}, sign_in.REFUSED, "n'est pas vérifiée"),
    ({"iat": NOW - 8 * 3600 - 1}, sign_in.EXPIRED, "plus de 8 heures"),
    ({"iat": NOW + 3600}, sign_in.EXPIRED, "plus de 8 heures"),
    ({"iat": None}, sign_in.EXPIRED, "plus de 8 heures"),
    ({"sub": None}, sign_in.INCOMPLETE, "identifiant « sub »"),
    ({"email": None}, sign_in.INCOMPLETE, "n'a pas transmis votre adresse"),
])
def test_anyone_else_gets_a_french_reason_and_whom_to_ask(changes, state, words):
    access = sign_in.access(settings(), claims(**changes), NOW)
    assert access.state == state and words in access.message and access.signer is None
    if state in (sign_in.REFUSED, sign_in.INCOMPLETE):
        assert "À qui demander : le pôle données" in access.details
    # The words of the alert are fixed: an address (the provider's words) is shown as text apart.
    assert "@" not in access.message


def test_an_empty_allow_list_refuses_everybody_and_says_so():
    access = sign_in.access(settings(allowed=()), claims(), NOW)
    assert access.state == sign_in.REFUSED and "liste des agents habilités est vide" in access.message
    assert sign_in.DEFAULT_CONTACT in sign_in.settings_from_secrets({"auth": auth()}).contact


# --- Settings: each problem names its setting ------------------------------------------------

@pytest.mark.parametrize("changes, named", [
    ({"redirect_uri": None}, "`redirect_uri`"),
    ({"redirect_uri": "https://fabriques.example.gouv.fr/"}, "`redirect_uri`"),
    ({"cookie_secret": "court"}, "`cookie_secret`"),
    ({"client_secret": None}, "`client_secret`"),
    ({"client_id": " "}, "`client_id`"),
    ({"server_metadata_url": "ftp://idp.example/conf"}, "`server_metadata_url`"),
])
def test_a_misconfigured_section_is_named(changes, named):
    configured = settings(**changes)
    assert configured.configured and named in sign_in.settings_problem_sentence(configured)


def test_named_providers_and_no_auth_section():
    named = sign_in.settings_from_secrets({"auth": {"redirect_uri": "http://localhost:8501/oauth2callback",
                                                    "cookie_secret": COOKIE_SECRET,
                                                    "proconnect": auth(), "llng_ministere": auth()}})
    assert [p.name for p in named.providers] == ["proconnect"]
    assert any("[auth.llng_ministere]" in problem and "tiret bas" in problem for problem in named.problems)
    assert not sign_in.settings_from_secrets({"import_password_hash": "x"}).configured
    assert not settings().problems


# --- The history and the log: who signed -----------------------------------------------------

HISTORY = [
    {"action": "import", "at": "2026-01-05T10:00:00+01:00", "user": "Agent ANCT", "file_name": "ancienne.csv",
     "from_version": "a", "to_version": "b", "laureates": 382},
    {"action": "import", "at": "2026-02-05T10:00:00+01:00", "user": "Doctor Who", "method": SIGNED_IN,
     "email": "dwho@badwolf.org", "sub": "dwho", "file_name": "liste.csv", "source": "ANCT, liste",
     "from_version": "b", "to_version": "c", "laureates": 385, "added": ["fabt-383"]},
    {"action": "retour_arriere", "at": "2026-02-06T10:00:00+01:00", "user": "x@evil.example", "method": SIGNED_IN,
     "email": "x@evil.example", "sub": "x", "from_version": "c", "to_version": "b", "laureates": 382},
    {"action": "import", "at": "2026-02-07T10:00:00+01:00", "user": "Agent B", "method": SHARED_PASSWORD,
     "file_name": "b.csv", "from_version": "b", "to_version": "d", "laureates": 383},
]


def test_visitors_read_names_never_addresses_staff_read_both():
    public = dv.history_table(HISTORY)
    assert "Adresse" not in public.columns
    assert not public.astype(str).apply(lambda column: column.str.contains("@")).any().any()
    assert public["Par"].tolist() == ["Agent B", "agent habilité", "Doctor Who", "Agent ANCT"]
    assert public["Connexion"].tolist() == ["mot de passe partagé", "compte personnel", "compte personnel", "—"]
    assert public.loc[2, ["Fichier", "Source"]].tolist() == ["liste.csv", "ANCT, liste"]
    staff = dv.history_table(HISTORY, with_addresses=True)
    assert staff["Adresse"].tolist() == ["", "x@evil.example", "dwho@badwolf.org", ""]


def test_import_and_rollback_record_the_signer_in_the_history_and_the_log(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="fabriques.import")
    data_dir = copy_data(tmp_path / "data")
    base = versions.read_manifest(data_dir)["data_version"]
    signer = Signer("Doctor Who", SIGNED_IN, "dwho@badwolf.org", "dwho", "https://idp.example")
    candidate = import_workflow.preview("liste.csv", listing_bytes(data_dir), data_dir)
    entry = import_workflow.apply(candidate, data_dir, import_workflow.ImportRequest(
        "Doctor Who", source="ANCT, liste", signer=signer))
    versions.rollback(data_dir, base, "", Signer("Rose", SIGNED_IN, "rose@anct.gouv.fr", "r", "https://idp.example"))
    history = versions.read_history(data_dir)
    assert history[0] == entry
    assert {k: history[0][k] for k in ("user", "method", "email", "sub", "issuer", "file_name", "source")} == {
        "user": "Doctor Who", "method": SIGNED_IN, "email": "dwho@badwolf.org", "sub": "dwho",
        "issuer": "https://idp.example", "file_name": "liste.csv", "source": "ANCT, liste"}
    assert (history[1]["action"], history[1]["email"], history[1]["sub"]) == ("retour_arriere", "rose@anct.gouv.fr", "r")
    assert history[1]["source"] == versions.read_manifest(data_dir)["laureates_source"]
    assert versions.read_manifest(data_dir)["data_version"] == base
    lines = [r.getMessage() for r in caplog.records if r.name == "fabriques.import"]
    assert any(line.startswith(f"Import : version {entry['to_version']} en service (385 fabriques")
               and "fichier « liste.csv »" in line and "source « ANCT, liste »" in line
               and "par dwho@badwolf.org (sub dwho, fournisseur https://idp.example)" in line for line in lines)
    assert any(line.startswith(f"Retour arrière : version {base} remise en service")
               and "source « ANCT, liste des Fabriques de territoire" in line
               and "par rose@anct.gouv.fr (sub r" in line for line in lines)


def test_a_typed_name_says_how_it_was_given():
    assert typed_signer("Agent ANCT", COMMAND_LINE).log_label() == "« Agent ANCT » (ligne de commande du serveur)"
    assert typed_signer("  ", SHARED_PASSWORD).history_fields() == {"user": "inconnu", "method": SHARED_PASSWORD}


# --- The way back from the provider (app/web/sign_in.py) -----------------------------------

def run_middleware(path: str, query: bytes, status: int, headers: list) -> tuple[list, bool]:
    called = []

    async def streamlit(scope, receive, send):
        called.append(True)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"Authentication error"})

    sent = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b""}

    scope = {"type": "http", "path": path, "query_string": query, "root_path": "", "headers": []}
    # In a thread of its own: Playwright's sync API may hold this thread's event loop.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, way_back.SignInMiddleware(streamlit)(scope, receive, send)).result()
    return sent, bool(called)


def location_of(sent) -> str:
    return dict(sent[0]["headers"])[b"location"].decode()


def test_a_sign_in_leads_back_to_donnees_and_a_failure_says_so():
    signed = [(b"location", b"/"), (b"set-cookie", b"_streamlit_user=eyJhIjoxfQ.sig; HttpOnly; Max-Age=2592000; Path=/")]
    cleared = [(b"location", b"/"), (b"set-cookie", b'_streamlit_user=""; Max-Age=0; Path=/')]
    sent, _ = run_middleware("/oauth2callback", b"code=abc&state=xyz", 302, signed)
    assert location_of(sent) == "/donnees" and sent[1]["body"] == b"Authentication error"
    sent, _ = run_middleware("/oauth2callback", b"code=abc&state=xyz", 302, cleared)
    assert location_of(sent) == "/donnees?connexion=echec"
    sent, _ = run_middleware("/oauth2callback", b"error=access_denied&state=xyz", 302, cleared)
    assert location_of(sent) == "/donnees?connexion=refusee"
    # The provider's return after a sign-out is not passed to Streamlit (a "stale sign-in" to it).
    sent, called = run_middleware("/oauth2callback", b"", 302, [(b"location", b"/")])
    assert location_of(sent) == "/donnees?connexion=fin" and not called
    # /auth/login failing: the English "Authentication error" is replaced by the page's message.
    sent, _ = run_middleware("/auth/login", b"provider=x", 400, [(b"content-type", b"text/plain")])
    assert sent[0]["status"] == 302 and location_of(sent) == "/donnees?connexion=indisponible"
    assert b"Authentication error" not in b"".join(m.get("body", b"") for m in sent)
    # A provider without an end-session endpoint: Streamlit's logout goes home, Données says it.
    sent, _ = run_middleware("/auth/logout", b"", 302, [(b"location", b"/")])
    assert location_of(sent) == "/donnees?connexion=fin"
    sent, _ = run_middleware("/auth/logout", b"", 302, [(b"location", b"https://idp.example/logout?x=1")])
    assert location_of(sent) == "https://idp.example/logout?x=1"
    sent, called = run_middleware("/carte", b"", 200, [])
    assert called and sent[0]["status"] == 200


# --- The provider's answers ----------------------------------------------------------------

def test_an_unreachable_discovery_url_names_server_metadata_url(caplog):
    caplog.set_level(logging.ERROR, logger="fabriques.connexion")
    provider = settings().providers[0]  # port 9: nothing listens there
    with pytest.raises(sign_in.ProviderError, match="`server_metadata_url` de la section \\[auth\\]"):
        sign_in.discovery(provider)
    assert any("document de découverte illisible" in r.getMessage() for r in caplog.records)
    assert "secret-du-client" not in caplog.text


@pytest.mark.parametrize("status, answer, named", [
    (401, {"error": "invalid_client"}, "`client_id` et `client_secret`"),
    (401, {}, "`client_id` et `client_secret`"),
    (400, {"error": "invalid_grant"}, "`redirect_uri`"),
])
def test_a_failed_sign_in_is_diagnosed_by_the_token_endpoint(endpoints, caplog, status, answer, named):
    caplog.set_level(logging.INFO, logger="fabriques.connexion")
    endpoints.answer("/token", answer, status)
    provider = settings(url=endpoints.discovery()).providers[0]
    assert named in sign_in.diagnose_failed_sign_in(provider, "https://fabriques.example.gouv.fr/oauth2callback")
    method, path, headers = endpoints.requests[-1]
    assert (method, path) == ("POST", "/token") and headers["Authorization"].startswith("Basic ")
    assert "secret-du-client" not in caplog.text


def signed_userinfo(key: RSAKey, issuer: str, **claims_) -> bytes:
    return jwt.encode({"alg": "RS256", "kid": key.kid}, {"iss": issuer, "aud": "tableau", **claims_}, key).encode()


def test_userinfo_as_a_signed_jwt_gives_the_address_once_per_sign_in(endpoints):
    key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    endpoints.answer("/jwks", {"keys": [key.as_dict(private=False)]})
    endpoints.answer("/userinfo", signed_userinfo(key, endpoints.url, sub="dwho", email="dwho@badwolf.org",
                                                  given_name="Doctor", usual_name="Who"), kind="application/jwt")
    configured = settings(url=endpoints.discovery())
    user = claims(email=None, name=None, iss=endpoints.url, tokens={"access": "jeton-d-acces"})
    access = sign_in.access(configured, user, NOW)
    assert access.state == sign_in.ALLOWED and access.signer.email == "dwho@badwolf.org"
    assert access.signer.shown_name == "Doctor Who"
    assert [r for r in endpoints.requests if r[1] == "/userinfo"][0][2]["Authorization"] == "Bearer jeton-d-acces"
    # A reload (no token any more, as after ProConnect's 60 s) keeps the same sign-in's address.
    again = sign_in.access(configured, {**user, "tokens": {}}, NOW + 600)
    assert again.state == sign_in.ALLOWED and len([r for r in endpoints.requests if r[1] == "/userinfo"]) == 1


@pytest.mark.parametrize("forgery", ["other key", "other subject", "other audience"])
def test_a_userinfo_jwt_that_does_not_check_out_gives_nothing(endpoints, forgery):
    key, other = RSAKey.generate_key(2048, parameters={"kid": "k1"}), RSAKey.generate_key(2048, parameters={"kid": "k1"})
    endpoints.answer("/jwks", {"keys": [key.as_dict(private=False)]})
    body = {"other key": signed_userinfo(other, endpoints.url, sub="dwho", email="dwho@badwolf.org"),
            "other subject": signed_userinfo(key, endpoints.url, sub="msmith", email="dwho@badwolf.org"),
            "other audience": jwt.encode({"alg": "RS256", "kid": "k1"}, {"iss": endpoints.url, "aud": "autre",
                                                                         "sub": "dwho", "email": "dwho@badwolf.org"},
                                         key).encode()}[forgery]
    endpoints.answer("/userinfo", body, kind="application/jwt")
    configured = settings(url=endpoints.discovery())
    access = sign_in.access(configured, claims(email=None, iss=endpoints.url, tokens={"access": "t"}), NOW)
    assert access.state == sign_in.INCOMPLETE


def test_the_discovery_document_is_asked_at_most_once_a_minute(endpoints):
    provider = settings(url=endpoints.discovery()).providers[0]
    # Stored at 0 s; asked at 0 s and 30 s (kept); asked at 61 s (fetched again, stored at 61 s).
    clock = iter([0.0, 0.0, 30.0, 61.0, 61.0]).__next__
    for _ in range(4):
        assert sign_in.discovery(provider, clock=clock)["token_endpoint"] == f"{endpoints.url}/token"
    assert len([r for r in endpoints.requests if r[1].endswith("openid-configuration")]) == 2
