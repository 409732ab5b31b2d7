"""Who may import in this session, and the door of the Données page's import section.

Three modes, decided by the operator's secrets (docs/deploy.md, docs/donnees.md):
- **sign-in** (`[auth]` configured): each agent signs in with their own account (st.login,
  OpenID Connect); staff on the allow list import, anyone else signed in is told whom to ask;
  no password form;
- **shared password** (fallback, `import_password_hash` and no `[auth]`): the password form,
  the name typed for the history, said to be a fallback;
- **closed**: nothing configured; visitors read that the import is not enabled, and no command.

The decisions are services/sign_in.py's and services/imports.py's; this module draws them.
"""
from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from domain.signers import SHARED_PASSWORD, SIGNED_IN
from services import imports, sign_in
from views import donnees as dv

CLOSED = "ferme"
NOTICE_KEY = "connexion_notice"


@dataclass(frozen=True)
class ImportAccess:
    mode: str  # SIGNED_IN, SHARED_PASSWORD or CLOSED
    is_open: bool  # this session may import and roll back now
    settings: sign_in.Settings | None = None
    access: sign_in.Access | None = None
    password_hash: str | None = None

    @property
    def sees_addresses(self) -> bool:
        """Signed-in staff allowed to import read the signers' addresses in the history."""
        return self.is_open and self.mode == SIGNED_IN


def session_id() -> str:
    """This browser tab's Streamlit session: the id its file uploads are sent under."""
    return get_script_run_ctx().session_id


def _secrets() -> Mapping:
    try:
        return st.secrets.to_dict()
    except FileNotFoundError:  # no secrets.toml (StreamlitSecretNotFoundError)
        return {}


def current() -> ImportAccess:
    """This session's access, its upload authorisation kept in step (granted for what is left
    of the sign-in, withdrawn as soon as the sign-in expires or the person leaves the list)."""
    secrets = _secrets()
    settings = sign_in.settings_from_secrets(secrets)
    if settings.configured:
        access = None
        if settings.providers and not settings.problems:
            access = sign_in.access(settings, st.user.to_dict(), time.time())
        is_open = access is not None and access.state == sign_in.ALLOWED
        if is_open:
            imports.authorise_uploads(session_id(), access.seconds_left)
        else:
            imports.revoke_uploads(session_id())
        return ImportAccess(SIGNED_IN, is_open, settings, access)
    password_hash = imports.password_hash(secrets.get("import_password_hash"))
    if password_hash:
        is_open = bool(st.session_state.get("import_authorised")) and imports.may_upload(session_id())
        if not is_open:
            st.session_state.pop("import_authorised", None)  # expired, or the server restarted
        return ImportAccess(SHARED_PASSWORD, is_open, password_hash=password_hash)
    return ImportAccess(CLOSED, False)


def door(state: ImportAccess, data_dir: Path) -> imports.Signer | None:
    """Draw who may import (sign-in, password, messages) and return who signs this session's
    imports: None while the import is closed to it, or (shared password) while no name is given."""
    if state.mode == SIGNED_IN:
        return _sign_in_door(state)
    if state.mode == SHARED_PASSWORD:
        return _password_door(state, data_dir)
    st.info(dv.IMPORT_NOT_ENABLED, icon=":material/lock:")
    return None


def operator_notes(state: ImportAccess) -> None:
    """The operator's instructions, for authorised staff only (visitors never see a command)."""
    if state.is_open:
        with st.expander("Administration de l'import (pour l'administrateur du serveur)"):
            st.markdown(dv.OPERATOR_NOTES_SIGN_IN if state.mode == SIGNED_IN else dv.OPERATOR_NOTES_PASSWORD)


# --- Sign-in with the operator's identity provider ----------------------------------------

def _notice(settings: sign_in.Settings, access: sign_in.Access) -> None:
    """What the way back from the provider reported (app/web/sign_in.py), said once."""
    outcome = st.query_params.get("connexion")
    if outcome:
        del st.query_params["connexion"]
        redirect_uri = settings.redirect_uri
        if outcome == "fin" and access.state == sign_in.VISITOR:
            notice = ("success", "Vous êtes déconnecté(e). Le reste du tableau de bord reste ouvert.")
        elif outcome == "refusee":
            notice = ("warning", "Le fournisseur d'identité n'a pas confirmé votre identité (connexion "
                                 "annulée ou refusée) : réessayez de vous connecter.")
        elif outcome in ("echec", "indisponible"):
            causes = dict.fromkeys(sign_in.diagnose_failed_sign_in(provider, redirect_uri)
                                   for provider in settings.providers)
            notice = ("error", "\n\n".join(causes) or "La connexion a échoué : réessayez.")
        else:
            notice = None
        st.session_state[NOTICE_KEY] = notice
    notice = st.session_state.get(NOTICE_KEY)
    if notice:
        getattr(st, notice[0])(notice[1], icon=":material/key:")


def _sign_out_button(label: str = "Se déconnecter") -> None:
    if st.button(label, icon=":material/logout:", key="import_sign_out"):
        imports.revoke_uploads(session_id())
        st.session_state.pop(NOTICE_KEY, None)
        st.logout()


def _sign_in_buttons(settings: sign_in.Settings, label: str) -> None:
    for provider in settings.providers:
        try:
            sign_in.discovery(provider)
        except sign_in.ProviderError as error:
            st.error(str(error), icon=":material/cloud_off:")
            continue
        name = label if len(settings.providers) == 1 else f"{label} ({provider.name})"
        if st.button(name, type="primary", icon=":material/login:", key=f"import_sign_in_{provider.name}"):
            st.session_state.pop(NOTICE_KEY, None)
            st.login(provider.login_name)


def _sign_in_door(state: ImportAccess) -> imports.Signer | None:
    settings, access = state.settings, state.access
    if settings.problems or not settings.providers:
        st.error(sign_in.settings_problem_sentence(settings), icon=":material/settings:")
        return None
    _notice(settings, access)
    if access.state == sign_in.VISITOR:
        st.info(dv.SIGN_IN_INVITE, icon=":material/lock:")
        _sign_in_buttons(settings, "Se connecter")
        return None
    if access.state == sign_in.ALLOWED:
        signer = access.signer
        st.success("Vous êtes connecté(e) avec votre compte professionnel : chaque import et retour arrière "
                   "est inscrit à votre nom dans l'historique.", icon=":material/verified_user:")
        st.text(f"Connecté(e) : {signer.shown_name} ({signer.email})")  # the provider's words: text only
        _sign_out_button()
        return signer
    if access.state == sign_in.EXPIRED:
        st.warning(access.message, icon=":material/lock_clock:")
        _sign_in_buttons(settings, "Se reconnecter")
    else:
        st.warning(access.message, icon=":material/block:")
        if access.details:
            st.text("\n".join(access.details))  # an address and the operator's contact: text only
    _sign_out_button()
    return None


# --- Fallback: the shared password ----------------------------------------------------------

def _client() -> str:
    return imports.client_address(st.context.ip_address, st.context.headers.get("X-Forwarded-For"))


def _password_form(data_dir: Path, password_hash: str) -> None:
    try:
        wait = imports.login_wait(data_dir, _client())
    except imports.LoginStateError as error:
        st.error(str(error), icon=":material/lock:")
        return
    if wait > 0:
        st.error(dv.login_wait_sentence(wait), icon=":material/lock_clock:")
        return
    with st.form("import_login"):
        password = st.text_input("Mot de passe d'import", type="password", max_chars=200)
        submitted = st.form_submit_button("Accéder à l'import", icon=":material/lock_open:")
    if submitted:
        try:
            outcome = imports.try_password(data_dir, _client(), password, password_hash)
        except imports.LoginStateError as error:
            st.error(str(error), icon=":material/lock:")
            return
        if outcome.accepted:
            st.session_state["import_authorised"] = True
            imports.authorise_uploads(session_id())
            st.rerun()
        st.error("Mot de passe incorrect." if outcome.checked else dv.login_wait_sentence(outcome.wait_seconds))
        if outcome.checked and outcome.wait_seconds > 0:
            st.warning(dv.login_wait_sentence(outcome.wait_seconds), icon=":material/lock_clock:")


def _password_door(state: ImportAccess, data_dir: Path) -> imports.Signer | None:
    st.caption(dv.PASSWORD_FALLBACK)
    if not state.is_open:
        _password_form(data_dir, state.password_hash)
        return None
    if st.button("Fermer l'accès à l'import", icon=":material/lock:", key="import_logout"):
        st.session_state.pop("import_authorised", None)
        imports.revoke_uploads(session_id())
        st.rerun()
    # A widget's value is dropped when the user visits another page: keep the name apart.
    if "import_user" not in st.session_state:
        st.session_state["import_user"] = st.session_state.get("import_user_kept", "")
    user = st.text_input("Votre nom (inscrit dans l'historique)", max_chars=80, key="import_user").strip()
    st.session_state["import_user_kept"] = user
    # The hint's slot stays when the name is given: were it removed, everything below would move
    # up one place and the browser would draw the uploader anew, dropping a file given meanwhile.
    hint = st.empty()
    if not user:
        hint.caption("Indiquez votre nom pour pouvoir importer ou revenir à une version antérieure.")
        return None
    return imports.typed_signer(user, SHARED_PASSWORD)
