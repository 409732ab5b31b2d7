# Issue 25's floor of a page holding a data grid (Lauréats, Données): the app's frame (the filter
# bar) and one grid of 382 rows, synthetic (bench/floor_parts.py).
import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import floor_parts  # noqa: E402

st.set_page_config(layout="wide")  # as the app's pages
floor_parts.filter_bar()
st.write("Bonjour")
floor_parts.grid()
