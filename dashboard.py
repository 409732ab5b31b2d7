"""Router: page config, the extract check, the shared filter bar, the navigation."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

import queries
from app import context, errors

st.set_page_config(
    page_title="Fabriques de territoire — tableau de bord",
    # A local image: a Material icon name would make the browser fetch the favicon from a CDN.
    page_icon=str(Path(__file__).parent / "app" / "assets" / "favicon.png"),
    layout="wide",
)

try:
    queries.check_extracts()
except queries.ExtractError as error:
    st.title("Données indisponibles", anchor=False)
    st.error(
        f"{error}\n\nReconstruisez les extraits depuis les sources avec la commande "
        "`make data` (ou `python -m pipeline.build`), puis rechargez la page."
    )
    st.stop()

pages = [
    st.Page("pages/synthese.py", title="Synthèse", icon=":material/dashboard:", url_path="", default=True),
    st.Page("pages/territoires.py", title="Territoires", icon=":material/bar_chart:", url_path="territoires"),
    st.Page("pages/carte.py", title="Carte", icon=":material/map:", url_path="carte"),
    st.Page("pages/laureats.py", title="Lauréats", icon=":material/list:", url_path="laureats"),
    st.Page("pages/donnees.py", title="Données", icon=":material/database:", url_path="donnees"),
    st.Page("pages/presentation.py", title="Présentation", icon=":material/slideshow:", url_path="presentation"),
    st.Page("pages/accessibilite.py", title="Accessibilité", icon=":material/accessibility_new:",
            url_path="accessibilite"),
    st.Page("pages/mentions_legales.py", title="Mentions légales", icon=":material/gavel:",
            url_path="mentions-legales"),
]

# `?embed=true`: the gauges (Synthèse) and the map (Carte) of a scope, for another site's
# iframe, without sidebar (app/web/security.py says which sites may frame them).
EMBEDDABLE = {"": "les jauges de la Synthèse (/?embed=true)", "carte": "la carte (/carte?embed=true)"}
embedded = context.embedded()
navigation = st.navigation(pages, position="hidden" if embedded else "sidebar")
try:
    ctx = context.filter_bar()
    if embedded and navigation.url_path not in EMBEDDABLE:
        st.info("Cette page n'existe pas en vue intégrable. Vues intégrables : "
                f"{' et '.join(EMBEDDABLE.values())}.", icon=":material/info:")
        context.footer(ctx)
        st.stop()
    navigation.run()
except queries.ExtractError as error:  # a version that cannot be read: a French page, no trace
    errors.unavailable(error)
except Exception:
    errors.failed()  # the French error page; Streamlit then records the exception (redacted)
    raise
