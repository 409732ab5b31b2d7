"""The framework's parts the dashboard's pages are made of, with synthetic content (issue 25's
floors): the filter bar every page draws, a data grid, a deck.gl map (the Carte's kinds of layers),
plotly bar charts.

Each floor page (bench/floor_*_page.py) assembles the parts one page of the app uses, without
its data, queries or text: what a first visit of that page costs at least in Streamlit 1.67.
The content is generated here (random names and numbers, a fixed seed): nothing of it is data
of the programme.
"""
from __future__ import annotations

import math
import random

import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk
import streamlit as st

ROWS = 382  # the size of the app's list: the grid holds as many rows
COLUMNS = 12
BARS = 18  # régions and collectivities on Territoires' charts
SEGMENTS = 3  # territory types stacked in a bar
OUTLINE_CELLS, OUTLINE_VERTICES = 101, 200  # the départements' outlines: 101 rings, about 20,000 points


def filter_bar() -> None:
    """The sidebar's widgets as app/context.py draws them (bench/filter_bar_page.py)."""
    with st.sidebar:
        st.header("Filtres", anchor=False)
        for label in ("Région", "Département", "Intercommunalité (EPCI)", "Type de territoire"):
            st.selectbox(label, ["", "a", "b"], format_func=lambda code: code or "Tous")
        st.radio("Définition du rural", ["insee", "hors_grands_centres"])


def _words(generator: random.Random, count: int) -> str:
    return " ".join("".join(generator.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(generator.randint(3, 10)))
                    for _ in range(count))


@st.cache_data
def table(rows: int = ROWS, columns: int = COLUMNS) -> pd.DataFrame:
    """Random words and numbers, a fixed seed: text columns, two numbers, two coordinates."""
    generator = random.Random(25)
    frame = {f"Texte {index}": [_words(generator, generator.randint(1, 4)) for _ in range(rows)]
             for index in range(columns - 4)}
    frame["Nombre"] = [generator.randint(0, 1000) for _ in range(rows)]
    frame["Part"] = [generator.random() for _ in range(rows)]
    frame["Longitude"] = [generator.uniform(-4.8, 8.2) for _ in range(rows)]
    frame["Latitude"] = [generator.uniform(42.3, 51.1) for _ in range(rows)]
    return pd.DataFrame(frame)


def grid() -> None:
    st.dataframe(table(), hide_index=True)


def bar_chart(seed: int) -> go.Figure:
    """Horizontal stacked bars, a total at each bar's end, as Territoires draws them."""
    generator = random.Random(seed)
    names = [_words(generator, 2) for _ in range(BARS)]
    figure = go.Figure()
    totals = [0] * BARS
    for segment in range(SEGMENTS):
        values = [generator.randint(0, 30) for _ in range(BARS)]
        totals = [total + value for total, value in zip(totals, values)]
        figure.add_trace(go.Bar(x=values, y=names, orientation="h", name=f"Type {segment}",
                                hovertemplate="%{y} : %{x}<extra></extra>"))
    figure.add_trace(go.Scatter(x=totals, y=names, mode="text", text=totals, textposition="middle right",
                                showlegend=False, hoverinfo="skip"))
    figure.update_layout(barmode="stack", height=110 + 24 * BARS, legend={"orientation": "h"})
    return figure


def _cell(generator: random.Random, west: float, south: float, size: float, vertices: int) -> list:
    """A square cell whose sides are jittered into `vertices` points: a département-like ring."""
    corners = [(west, south), (west + size, south), (west + size, south + size), (west, south + size)]
    ring = []
    for (x0, y0), (x1, y1) in zip(corners, corners[1:] + corners[:1]):
        for step in range(vertices // 4):
            t = step / (vertices // 4)
            ring.append([x0 + (x1 - x0) * t + generator.uniform(-0.01, 0.01),
                         y0 + (y1 - y0) * t + generator.uniform(-0.01, 0.01)])
    return ring + [ring[0]]


@st.cache_data
def outlines(cells: int = OUTLINE_CELLS, vertices: int = OUTLINE_VERTICES) -> dict:
    """A GeoJSON grid of cells over mainland France's box, as many rings and vertices as the
    app's départements (views/map_outlines.py)."""
    generator = random.Random(26)
    side = int(math.ceil(math.sqrt(cells)))
    size = 9.0 / side
    features = [{"type": "Feature", "properties": {},
                 "geometry": {"type": "Polygon",
                              "coordinates": [_cell(generator, -4.5 + (i % side) * size, 42.5 + (i // side) * size,
                                                    size, vertices)]}}
                for i in range(cells)]
    return {"type": "FeatureCollection", "features": features}


def map_deck() -> pdk.Deck:
    """The layer kinds the Carte page draws (views/map_layers.py), no basemap: filled and stroked
    outlines, lines, points and text labels. deck.gl compiles a program for each kind of layer."""
    points = table()[["Longitude", "Latitude", "Nombre"]].rename(columns={"Longitude": "lon", "Latitude": "lat"})
    labels = [{"p": [row.lon, row.lat], "t": str(row.Nombre % 9 + 2)} for row in points.head(40).itertuples()]
    frames = [{"p": [[-9.0, 43.0], [-6.5, 43.0], [-6.5, 45.0], [-9.0, 45.0], [-9.0, 43.0]]}]
    return pdk.Deck(layers=[
        pdk.Layer("GeoJsonLayer", outlines(), filled=True, stroked=True, get_fill_color=[255, 255, 255],
                  get_line_color=[120, 120, 120], line_width_units="'pixels'", get_line_width=0.6),
        pdk.Layer("PathLayer", frames, get_path="p", get_color=[120, 120, 120], width_units="'pixels'",
                  get_width=1),
        pdk.Layer("TextLayer", [{"p": [-7.75, 44.7], "t": "Encart"}], get_position="p", get_text="t", get_size=12),
        pdk.Layer("ScatterplotLayer", points, get_position=["lon", "lat"], get_radius=4000,
                  get_fill_color=[0, 0, 145], pickable=True, auto_highlight=True),
        pdk.Layer("TextLayer", labels, get_position="p", get_text="t", get_size=11, get_color=[255, 255, 255]),
    ], initial_view_state=pdk.ViewState(longitude=2.5, latitude=46.6, zoom=4.6), map_provider=None)
