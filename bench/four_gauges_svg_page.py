# Issue 25's test page: the same national gauges as bench/four_gauges_page.py, drawn by plotly on
# the server as static SVG (services/static_figure.py) and placed with st.markdown (inline SVG): no plotly.js.
import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.four_gauges import national_gauges  # noqa: E402
from services import static_figure  # noqa: E402


@st.cache_resource  # once per server process, as a built figure per (data version, scope) would be
def rendered():
    gauges = national_gauges()
    return gauges, static_figure.render_svgs([g["figure"] for g in gauges], [g["sentence"] for g in gauges],
                                             width=350, height=250)


gauges, figures = rendered()
st.write("Bonjour")
for column, gauge, figure in zip([c for _ in range(0, len(gauges), 2) for c in st.columns(2)], gauges, figures):
    with column:
        st.markdown(gauge["heading"])
        st.markdown(figure.svg, unsafe_allow_html=True)
        st.markdown(gauge["readings"])
        st.caption(gauge["sentence"])
