# Baseline of the benchmark: the cheapest Streamlit page there is.
import streamlit as st

st.write("Bonjour")
