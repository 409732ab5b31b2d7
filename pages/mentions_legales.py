"""Mentions légales: publisher, hosting (operator's settings), data licences (manifest),
cookies and storage as the browser test measured them."""
import streamlit as st

from app import context
from models import donnees
from services import publication
from views import declarations as dc

ctx = context.current()
settings = publication.operator_settings()

st.title("Mentions légales", anchor=False)

st.header("Éditeur", anchor=False)
with st.container(border=True):
    for label, value in dc.publisher_facts(settings):
        label_column, value_column = st.columns([1, 3])
        label_column.markdown(f"**{label}**")
        value_column.text(value)  # set by the operator: text, never Markdown

st.header("Hébergement", anchor=False)
if settings["hebergeur"]:
    st.text(settings["hebergeur"])  # set by the operator: text, never Markdown
else:
    st.markdown(dc.HOSTING_UNSET)
st.markdown(dc.NO_THIRD_PARTY)

st.header("Données et licences", anchor=False)
st.markdown("Les chiffres viennent de données publiques ; la version en service et le détail de chaque "
            "source sont sur la page Données. Réutilisation libre selon la licence de chaque source :")
# Once per data version, as the grid receives it.
st.dataframe(donnees.licences(ctx.scope), hide_index=True)

st.header("Cookies et mesure d'audience", anchor=False)
st.markdown(dc.storage_text(publication.read_audit()))

st.header("Accessibilité", anchor=False)
st.markdown("La déclaration d'accessibilité dit ce qui est accessible, ce qui ne l'est pas encore et "
            "comment obtenir de l'aide.")

context.footer(ctx)
