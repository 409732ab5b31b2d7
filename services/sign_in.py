"""Sign-in for the import with the operator's OpenID Connect provider (ProConnect, the ministry's
LemonLDAP::NG…), through Streamlit's st.login: what the secrets configure, whether the provider
answers, who is signed in and whether they may import.

Streamlit signs the person in (Authlib underneath) and keeps their ID token's claims in a signed
cookie; the page passes those claims here as st.user gives them. This module holds no Streamlit
code; it talks to the provider (discovery document, userinfo, a probe of the token endpoint
after a failed sign-in) with short timeouts, and never logs a token or a secret.

Settings (.streamlit/secrets.toml, docs/deploy.md): the `[auth]` section as Streamlit reads it
(redirect_uri, cookie_secret, and client_id, client_secret, server_metadata_url for the default
provider or in `[auth.<name>]`), and, before any section, `import_allowed` (addresses and domains
allowed to import) and `import_contact` (whom a refused person should ask).
"""
from __future__ import annotations

import base64
import json
import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field

from pipeline.import_identity import AllowList, Identity, Signer, identity_from_claims, parse_allowed
from services.upload_access import AUTHORISATION_SECONDS

LOGGER = logging.getLogger("fabriques.connexion")
SECRETS = ".streamlit/secrets.toml"
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
CALLBACK_PATH = "/oauth2callback"
MIN_COOKIE_SECRET = 32
# A sign-in lets its person import for a working day, as an authorised upload session does.
SIGN_IN_VALIDITY_SECONDS = AUTHORISATION_SECONDS
CLOCK_SKEW_SECONDS = 300
TIMEOUT_SECONDS = 5.0
CHECK_EVERY_SECONDS = 60.0  # the discovery document is asked at most once a minute per process
DEFAULT_CONTACT = "l'administrateur du tableau de bord (la personne qui gère son serveur)"

VISITOR, ALLOWED, REFUSED, EXPIRED, INCOMPLETE = "visiteur", "autorise", "refuse", "expire", "incomplet"


@dataclass(frozen=True)
class Provider:
    """One identity provider of the secrets: the default one ([auth]) or a named one."""
    name: str | None
    client_id: str
    client_secret: str = field(repr=False)
    metadata_url: str
    token_auth_method: str = "client_secret_basic"

    @property
    def section(self) -> str:
        return "[auth]" if self.name is None else f"[auth.{self.name}]"

    @property
    def login_name(self) -> str | None:
        """What st.login takes: None for the default provider."""
        return self.name


@dataclass(frozen=True)
class Settings:
    configured: bool  # an [auth] section exists: sign-in replaces the shared password
    providers: tuple[Provider, ...]
    problems: tuple[str, ...]  # French, each naming the setting to correct
    allowed: AllowList
    ignored_allowed: tuple[str, ...]
    contact: str
    redirect_uri: str = ""


def _section(secrets: Mapping, key: str) -> Mapping:
    value = secrets.get(key)
    return value if isinstance(value, Mapping) else {}


def settings_from_secrets(secrets: Mapping) -> Settings:
    """What the secrets configure; each problem found names its setting in French."""
    auth = _section(secrets, "auth")
    allowed, ignored = parse_allowed(secrets.get("import_allowed"))
    contact = secrets.get("import_contact")
    contact = contact.strip()[:200] if isinstance(contact, str) and contact.strip() else DEFAULT_CONTACT
    if not auth:
        return Settings(False, (), (), allowed, tuple(ignored), contact)
    problems = []
    redirect_uri = auth.get("redirect_uri") if isinstance(auth.get("redirect_uri"), str) else ""
    parsed = urllib.parse.urlparse(redirect_uri)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or not parsed.path.endswith(CALLBACK_PATH):
        problems.append(f"`redirect_uri` de la section [auth] : l'adresse complète du tableau de bord suivie "
                        f"de `{CALLBACK_PATH}` est attendue (par exemple https://fabriques.example.gouv.fr"
                        f"{CALLBACK_PATH}), déclarée telle quelle chez le fournisseur d'identité.")
    cookie_secret = auth.get("cookie_secret")
    if not isinstance(cookie_secret, str) or len(cookie_secret) < MIN_COOKIE_SECRET:
        problems.append(f"`cookie_secret` de la section [auth] : une valeur aléatoire d'au moins "
                        f"{MIN_COOKIE_SECRET} caractères est attendue (elle signe le cookie de connexion).")
    named = [(name, section) for name, section in auth.items() if isinstance(section, Mapping)]
    sections = named if named else [(None, auth)]
    providers = []
    for name, section in sections:
        where = "[auth]" if name is None else f"[auth.{name}]"
        missing = [key for key in PROVIDER_KEYS if not (isinstance(section.get(key), str) and section.get(key).strip())]
        if name is not None and "_" in name:
            problems.append(f"Section {where} : Streamlit n'accepte pas de tiret bas dans le nom d'un fournisseur.")
            continue
        if missing:
            problems.append(f"Section {where} : réglage(s) absent(s) ou vide(s) : "
                            + ", ".join(f"`{key}`" for key in missing) + ".")
            continue
        if urllib.parse.urlparse(section["server_metadata_url"]).scheme not in ("http", "https"):
            problems.append(f"`server_metadata_url` de la section {where} : une adresse http(s) du document "
                            "de découverte est attendue (…/.well-known/openid-configuration).")
            continue
        method = section.get("token_endpoint_auth_method", "client_secret_basic")
        providers.append(Provider(name, section["client_id"].strip(), section["client_secret"],
                                  section["server_metadata_url"].strip(),
                                  method if method in ("client_secret_basic", "client_secret_post")
                                  else "client_secret_basic"))
    return Settings(True, tuple(providers), tuple(problems), allowed, tuple(ignored), contact, redirect_uri)


def settings_problem_sentence(settings: Settings) -> str:
    return ("La connexion des agents est configurée mais incomplète : corrigez dans "
            f"`{SECRETS}` sur le serveur, puis redémarrez l'application :\n\n"
            + "\n".join(f"- {problem}" for problem in settings.problems))


# --- The provider: discovery document, token endpoint, userinfo --------------------------

class ProviderError(RuntimeError):
    """The provider could not be reached or answered something unusable: a French sentence."""


def _reason(error: Exception) -> str:
    if isinstance(error, urllib.error.HTTPError):
        return f"réponse HTTP {error.code}"
    if isinstance(error, urllib.error.URLError):
        error = error.reason if isinstance(error.reason, Exception) else error
    if isinstance(error, TimeoutError) or "timed out" in str(error):
        return f"pas de réponse en {TIMEOUT_SECONDS:.0f} s"
    if isinstance(error, ConnectionRefusedError):
        return "connexion refusée"
    if "Name or service not known" in str(error) or "getaddrinfo" in str(error):
        return "nom d'hôte inconnu"
    return "réseau injoignable ou réponse illisible"


def _get_json(url: str, headers: dict | None = None) -> tuple[object, str]:
    request = urllib.request.Request(url, headers={"Accept": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        kind = response.headers.get_content_type()
        body = response.read(1 << 20).decode("utf-8")
    return (body if kind == "application/jwt" else json.loads(body)), kind


_checks: dict[str, tuple[float, dict | None, str | None]] = {}
_checks_lock = threading.Lock()


def discovery(provider: Provider, fresh: bool = False, clock=time.monotonic) -> dict:
    """The provider's discovery document (cached a minute, failures included); ProviderError
    names `server_metadata_url` when it cannot be had."""
    with _checks_lock:
        cached = _checks.get(provider.metadata_url)
    if cached and not fresh and clock() - cached[0] < CHECK_EVERY_SECONDS:
        metadata, problem = cached[1], cached[2]
    else:
        metadata, problem = None, None
        try:
            document, _ = _get_json(provider.metadata_url)
            if not (isinstance(document, dict)
                    and all(isinstance(document.get(k), str) for k in ("issuer", "authorization_endpoint",
                                                                        "token_endpoint", "jwks_uri"))):
                raise ValueError("not an OpenID Connect discovery document")
            metadata = document
        except (OSError, ValueError) as error:
            LOGGER.error("Connexion des agents : document de découverte illisible (%s, %s) : %s.",
                         provider.section, provider.metadata_url, error)
            problem = (f"Le fournisseur d'identité ne répond pas à l'adresse de découverte ({_reason(error)}) : "
                       f"vérifiez le réglage `server_metadata_url` de la section {provider.section} de "
                       f"`{SECRETS}` et que le serveur peut joindre le fournisseur. La connexion pour "
                       "l'import est impossible pour l'instant ; le reste du tableau de bord n'est pas concerné.")
        with _checks_lock:
            _checks[provider.metadata_url] = (clock(), metadata, problem)
    if problem:
        raise ProviderError(problem)
    return metadata


def _client_authentication(provider: Provider, form: dict) -> tuple[dict, dict]:
    if provider.token_auth_method == "client_secret_post":
        return {**form, "client_id": provider.client_id, "client_secret": provider.client_secret}, {}
    pair = (f"{urllib.parse.quote(provider.client_id, safe='')}:"
            f"{urllib.parse.quote(provider.client_secret, safe='')}")
    return form, {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode("ascii")}


def diagnose_failed_sign_in(provider: Provider, redirect_uri: str) -> str:
    """Why a sign-in came back without an identity, in French, naming the setting to check.

    The token endpoint is asked to exchange a code that does not exist: a provider answers
    `invalid_client` when the client id or secret is wrong (RFC 6749, 5.2), `invalid_grant`
    otherwise. No real code, token or secret is sent anywhere but to the provider itself."""
    try:
        metadata = discovery(provider, fresh=True)
    except ProviderError as error:
        return str(error)
    form, headers = _client_authentication(provider, {"grant_type": "authorization_code",
                                                      "code": "diagnostic-code-inexistant",
                                                      "redirect_uri": redirect_uri})
    request = urllib.request.Request(metadata["token_endpoint"], data=urllib.parse.urlencode(form).encode(),
                                     headers={"Accept": "application/json", **headers}, method="POST")
    error_code = ""
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS):
            pass
    except urllib.error.HTTPError as answer:
        try:
            error_code = str(json.loads(answer.read(1 << 16).decode("utf-8")).get("error", ""))
        except (ValueError, AttributeError):
            error_code = ""
        if answer.code == 401 and not error_code:
            error_code = "invalid_client"
    except OSError as error:
        return (f"Le point d'échange des jetons du fournisseur ne répond pas ({_reason(error)}) : vérifiez "
                f"que le serveur peut joindre le fournisseur (section {provider.section} de `{SECRETS}`).")
    if error_code in ("invalid_client", "unauthorized_client"):
        LOGGER.error("Connexion des agents : le fournisseur refuse le client %r (%s) : identifiant ou secret "
                     "erroné.", provider.client_id, provider.section)
        return (f"Le fournisseur d'identité refuse l'identifiant ou le secret de ce tableau de bord : vérifiez "
                f"les réglages `client_id` et `client_secret` de la section {provider.section} de `{SECRETS}` "
                "(ils doivent être ceux que le fournisseur a enregistrés pour ce tableau de bord).")
    LOGGER.error("Connexion des agents : échec au retour du fournisseur (%s) ; le client est reconnu "
                 "(réponse d'essai : %s).", provider.section, error_code or "aucune erreur")
    return (f"La connexion a échoué au retour du fournisseur d'identité : vérifiez le réglage `redirect_uri` "
            f"de la section [auth] de `{SECRETS}` (il doit être déclaré à l'identique chez le fournisseur) "
            "et l'heure du serveur. Le journal du serveur donne la raison.")


def _verified_jwt(text: str, metadata: dict, provider: Provider) -> dict:
    """Userinfo sent as a signed JWT (as ProConnect sends it), checked with the provider's keys."""
    from joserfc import jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet, OctKey

    header = json.loads(base64.urlsafe_b64decode(text.split(".")[0] + "==").decode("utf-8"))
    if str(header.get("alg", "")).startswith("HS"):
        key = OctKey.import_key(provider.client_secret)
    else:
        keys, _ = _get_json(metadata["jwks_uri"])
        key = KeySet.import_key_set(keys)
    try:
        claims = jwt.decode(text, key, algorithms=["RS256", "RS384", "RS512", "ES256", "ES384", "PS256",
                                                   "HS256", "HS384", "HS512"]).claims
    except JoseError as error:  # a bad signature, an unknown key or algorithm
        raise ValueError(f"userinfo JWT rejected ({type(error).__name__})") from error
    audience = claims.get("aud")
    if claims.get("iss") not in (None, metadata["issuer"]) or (
            audience is not None and provider.client_id not in ([audience] if isinstance(audience, str) else audience)):
        raise ValueError("userinfo JWT for another issuer or client")
    return claims


_userinfo: dict[tuple, tuple[float, dict]] = {}
_userinfo_lock = threading.Lock()
MAX_USERINFO = 500


def userinfo(provider: Provider, identity: Identity, access_token: str | None, now: float) -> dict:
    """The userinfo claims of a sign-in, for providers whose ID token carries only the subject
    (ProConnect): asked once with the access token Streamlit exposes, then kept in this process
    for the sign-in's validity (a reload or a new tab needs no new token). {} when not available."""
    key = (identity.issuer, identity.subject, identity.signed_in_at)
    with _userinfo_lock:
        for stale in [k for k, (until, _) in _userinfo.items() if until <= now]:
            del _userinfo[stale]
        if key in _userinfo:
            return _userinfo[key][1]
    if not access_token:
        return {}
    try:
        metadata = discovery(provider)
        endpoint = metadata.get("userinfo_endpoint")
        if not isinstance(endpoint, str):
            return {}
        body, kind = _get_json(endpoint, {"Authorization": f"Bearer {access_token}"})
        claims = _verified_jwt(body, metadata, provider) if kind == "application/jwt" else body
        if not isinstance(claims, dict) or claims.get("sub") != identity.subject:
            raise ValueError("userinfo for another subject")
    except (ProviderError, OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        # The exception text may quote the request; the token is in a header, never in it.
        LOGGER.warning("Connexion des agents : informations de l'utilisateur %r indisponibles (%s) : %s.",
                       identity.subject, provider.section, type(error).__name__)
        return {}
    with _userinfo_lock:
        while len(_userinfo) >= MAX_USERINFO:
            del _userinfo[next(iter(_userinfo))]
        _userinfo[key] = ((identity.signed_in_at or now) + SIGN_IN_VALIDITY_SECONDS, claims)
    return claims


# --- Who is signed in, and may they import ------------------------------------------------

@dataclass(frozen=True)
class Access:
    state: str  # VISITOR, ALLOWED, REFUSED, EXPIRED or INCOMPLETE
    message: str = ""  # French, fixed words (shown as Markdown)
    details: tuple[str, ...] = ()  # lines holding the person's address or the contact: shown as text
    signer: Signer | None = None
    seconds_left: float = 0.0


def provider_of(settings: Settings, user: Mapping) -> Provider | None:
    """The provider the person signed in with (Streamlit records its name as `provider`)."""
    name = user.get("provider")
    return next((p for p in settings.providers if (p.name or "default") == name), None) or (
        settings.providers[0] if settings.providers else None)


def access(settings: Settings, user: Mapping, now: float) -> Access:
    """Whether the person of these claims (st.user) may import now."""
    if not user.get("is_logged_in"):
        return Access(VISITOR)
    provider = provider_of(settings, user)
    identity = identity_from_claims(user)
    if identity is None or provider is None:
        return Access(INCOMPLETE, "Le fournisseur d'identité n'a pas dit qui vous êtes (identifiant « sub » "
                                  "absent) : déconnectez-vous puis reconnectez-vous. Si ce message revient, "
                                  "signalez-le à la personne indiquée ci-dessous.",
                      (f"À qui demander : {settings.contact}",))
    issued = identity.signed_in_at
    if issued is None or now - issued > SIGN_IN_VALIDITY_SECONDS or issued - now > CLOCK_SKEW_SECONDS:
        hours = SIGN_IN_VALIDITY_SECONDS // 3600
        return Access(EXPIRED, f"Votre connexion date de plus de {hours} heures (ou son heure est invalide) : "
                               "reconnectez-vous pour importer ou revenir à une version antérieure.")
    if not identity.email:
        tokens = user.get("tokens")
        token = tokens.get("access") if isinstance(tokens, Mapping) else None
        identity = identity_from_claims({**user, **userinfo(provider, identity, token, now),
                                         "sub": identity.subject, "iat": issued, "iss": identity.issuer})
    ask = f"À qui demander : {settings.contact}"
    if not identity.email:
        return Access(INCOMPLETE, "Le fournisseur d'identité n'a pas transmis votre adresse électronique, qui "
                                  "dit si vous pouvez importer : reconnectez-vous. Si ce message revient, "
                                  "signalez-le à la personne indiquée ci-dessous.", (ask,))
    you = f"Adresse de connexion : {identity.email}"
    if identity.email_verified is False:
        return Access(REFUSED, "Votre adresse n'est pas vérifiée par le fournisseur d'identité : l'import "
                               "vous est fermé. Adressez-vous à la personne indiquée ci-dessous.", (you, ask))
    if not settings.allowed:
        return Access(REFUSED, "Aucun agent n'est encore habilité à importer sur ce serveur (la liste des "
                               "agents habilités est vide ou illisible). Adressez-vous à la personne indiquée "
                               "ci-dessous.", (you, ask))
    if not settings.allowed.allows(identity.email):
        return Access(REFUSED, "Vous êtes connecté(e), mais votre adresse n'est pas sur la liste des agents "
                               "habilités à importer sur ce serveur. Pour y être ajouté(e), adressez-vous à "
                               "la personne indiquée ci-dessous.", (you, ask))
    return Access(ALLOWED, signer=identity.signer(), seconds_left=issued + SIGN_IN_VALIDITY_SECONDS - now)
