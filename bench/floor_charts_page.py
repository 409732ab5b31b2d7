# Issue 25's floor of the Territoires page: the app's frame (the filter bar), four plotly bar
# charts of 18 stacked bars, each in tabs as Territoires draws them, and a data grid, synthetic
# (bench/floor_parts.py).
import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import floor_parts  # noqa: E402

st.set_page_config(layout="wide")  # as the app's pages
floor_parts.filter_bar()
st.write("Bonjour")
for index in range(4):
    chart_tab, table_tab = st.tabs(["Graphique", "Tableau"], key=f"onglets_{index}", on_change="rerun")
    if chart_tab.open:
        chart_tab.plotly_chart(floor_parts.bar_chart(index), config={"displayModeBar": False}, key=f"barres_{index}")
floor_parts.grid()
