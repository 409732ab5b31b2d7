"""What a visitor sees when a page fails: French, and never a server path or a traceback.

`client.showErrorDetails = "none"` (.streamlit/config.toml) already keeps the details out of
the browser; Streamlit's own replacement text is English, so the router shows these pages
instead (the details go to the server's log, with a reference the visitor can quote).
"""
from __future__ import annotations

import logging
import secrets

import streamlit as st

LOGGER = logging.getLogger("fabriques.erreurs")

# Streamlit's redacted error box (English, no detail) stays in the page for tests and tools
# that look for it; the French page above says the same thing to the visitor.
HIDE_STREAMLIT_ERROR = "<style>[data-testid='stException'] { display: none; }</style>"


def unavailable(error: Exception) -> None:
    """A data version cannot be read (malformed manifest, missing extract, broken archive)."""
    LOGGER.warning("Données indisponibles : %s", error)
    st.title("Données indisponibles", anchor=False)
    st.error(f"{error}\n\nLa version en service reste consultable depuis l'accueil du tableau de "
             "bord. Si le problème persiste, prévenez l'administrateur du tableau de bord.",
             icon=":material/database_off:")
    st.page_link("pages/synthese.py", label="Retour à l'accueil", icon=":material/home:")


def failed() -> None:
    """An unexpected error: a French page with a reference that the log repeats."""
    reference = secrets.token_hex(4)
    LOGGER.error("Erreur inattendue, référence %s", reference, exc_info=True)
    st.title("Une erreur est survenue", anchor=False)
    st.error("Cette page n'a pas pu être affichée. L'erreur est enregistrée sur le serveur sous la "
             f"référence {reference} : citez-la à l'administrateur du tableau de bord. Rechargez la "
             "page ou revenez à l'accueil.", icon=":material/error:")
    st.html(HIDE_STREAMLIT_ERROR)
