# Issue 25's floor of the Présentation page: the app's frame (the filter bar) and one plotly bar
# chart, synthetic (bench/floor_parts.py): a slide is one chart.
import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import floor_parts  # noqa: E402

st.set_page_config(layout="wide")  # as the app's pages
floor_parts.filter_bar()
st.write("Bonjour")
st.plotly_chart(floor_parts.bar_chart(0), config={"displayModeBar": False})
