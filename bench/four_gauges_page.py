# Issue 25's test page: the national gauges of Synthèse drawn by plotly.js, two a row, as the
# page places them (compare bench/four_gauges_svg_page.py, the same as static SVG).
import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.four_gauges import national_gauges  # noqa: E402

gauges = national_gauges()
st.write("Bonjour")
for column, gauge in zip([c for _ in range(0, len(gauges), 2) for c in st.columns(2)], gauges):
    with column:
        st.markdown(gauge["heading"])
        st.plotly_chart(gauge["figure"], alt=gauge["sentence"], config={"displayModeBar": False},
                        key=f"gauge_{gauge['id']}")
        st.markdown(gauge["readings"])
        st.caption(gauge["sentence"])
