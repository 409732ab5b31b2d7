# Issue 25's profile: the floor of the app's own frame, without data or chart: the one-line
# page plus a sidebar holding the widgets of the dashboard's filter bar (four select boxes and a
# radio, as app/context.py draws them on every page). What every page of the app pays beyond
# the hello-world page before its own content: the widgets' code and their drawing.
import streamlit as st

with st.sidebar:
    st.header("Filtres", anchor=False)
    for label in ("Région", "Département", "Intercommunalité (EPCI)", "Type de territoire"):
        st.selectbox(label, ["", "a", "b"], format_func=lambda code: code or "Tous")
    st.radio("Définition du rural", ["insee", "hors_grands_centres"])
st.write("Bonjour")
