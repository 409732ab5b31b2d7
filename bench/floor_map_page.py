# Issue 25's floor of the Carte page: the app's frame (the filter bar), one deck.gl map holding
# the Carte's kinds of layers (outlines as many as the départements', lines, 382 points, text
# labels) and a data grid, synthetic (bench/floor_parts.py).
import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import floor_parts  # noqa: E402

st.set_page_config(layout="wide")  # as the app's pages
floor_parts.filter_bar()
st.write("Bonjour")
map_column, side_column = st.columns([3, 1])
map_column.pydeck_chart(floor_parts.map_deck(), on_select="rerun", selection_mode="single-object", height=600)
side_column.metric("Points", floor_parts.ROWS, border=True)
floor_parts.grid()
