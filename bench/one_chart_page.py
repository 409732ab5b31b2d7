# The floor of the browser budgets: the one-line page plus a single plotly gauge, with no data,
# no query, no sidebar. What any page drawing a plotly chart pays on a first visit (loading
# and running plotly.js), compared with the one-line page.
import plotly.graph_objects as go
import streamlit as st

st.write("Bonjour")
st.plotly_chart(go.Figure(go.Indicator(mode="gauge+number", value=42, gauge={"axis": {"range": [0, 100]}})))
