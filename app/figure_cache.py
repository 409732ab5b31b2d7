"""Built figures, tables and deck specs, kept once per (what, filter, data version).

The same filter on the same data gives the same figure: building a plotly gauge costs about
4 ms (20 ms with its layout under load), sending one already built about 1 ms. Pages ask
`built(what, version, key, build)`; `build` runs on the first request of that key in this
process, and every later rerun of every session gets the same object back.

Why `st.cache_resource` and not `st.cache_data`: cache_data pickles the value at every hit,
and unpickling a plotly figure costs as much as building it (4.8 ms against 4.1 ms for a
gauge, measured here). A built object is never modified afterwards: `st.plotly_chart` reads
the figure through `to_dict()`, `st.dataframe` converts the frame to Arrow, `st.pydeck_chart`
calls `to_json()`. What a builder returns must be its own (query results are copies already).

The data version is part of every key: once an import changes the version, an entry built
on the older data is never looked up again (the least recently used entries are dropped).
"""
from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import pydeck as pdk
import streamlit as st

import queries

T = TypeVar("T")
# About 20 figures a filter, a few kB each: 22 régions × 4 types × 2 definitions of the rural
# × the pages is more than any day sees; the least recently used fall out first.
MAX_ENTRIES = 4096
# Map decks (one per filter, layer choice and selected commune: ~0.3 MB each in memory) and
# slide sets (with their static map) are kept fewer, so that a process stays far below the
# 1 GB its service allows (docs/deploy.md).
MAX_LARGE_ENTRIES = 128


@st.cache_resource(show_spinner=False, max_entries=MAX_ENTRIES)
def _build_once(what: str, directory: str, data_version: str, key: tuple, _build: Callable[[], T]) -> T:
    # `_build` (leading underscore) is not part of the cache key; the rest is. The folder is,
    # as in the query cache: tests and the benchmark serve other extract folders.
    return _sent_from_now_on(_build())


@st.cache_resource(show_spinner=False, max_entries=MAX_LARGE_ENTRIES)
def _build_large_once(what: str, directory: str, data_version: str, key: tuple, _build: Callable[[], T]) -> T:
    return _sent_from_now_on(_build())


class SentFigure(go.Figure):
    """A built figure that is only sent from now on: its dict is made once.

    `st.plotly_chart` calls `to_dict()` at every rerun, a deep copy of the whole figure
    (7.6 ms for the bar chart of the régions, against 1.4 ms for the JSON that follows).
    Copies (`copy.deepcopy`, pickling: the exports add a title to theirs) are plain figures
    again, so that nothing stale is ever read from a modified copy.
    """

    def to_dict(self):
        sent = self.__dict__.get("_sent_dict")
        if sent is None:
            sent = self.__dict__["_sent_dict"] = super().to_dict()
        return sent

    def __reduce__(self):
        props = go.Figure.to_dict(self)  # a fresh dict, not the one being sent
        props["_grid_str"] = self._grid_str
        props["_grid_ref"] = self._grid_ref
        return (go.Figure, (props,))


class _SentDeck:
    """Mixed into a built deck: its JSON (the whole map) is made once, then only sent."""

    def to_json(self) -> str:
        sent = self.__dict__.get("_sent_json")
        if sent is None:
            sent = self.__dict__["_sent_json"] = super().to_json()
        return sent


def _sent_from_now_on(value):
    """Figures and decks in what a builder returned (tuples, lists, dataclasses) sent as built."""
    if isinstance(value, go.Figure):
        if type(value) is go.Figure:
            value.__class__ = SentFigure
    elif isinstance(value, pdk.Deck):
        if not isinstance(value, _SentDeck):
            value.__class__ = type(f"Sent{type(value).__name__}", (_SentDeck, type(value)), {})
    elif isinstance(value, (tuple, list)):
        for item in value:
            _sent_from_now_on(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            _sent_from_now_on(getattr(value, field.name))
    return value


def built(what: str, data_version: str, key: Hashable, build: Callable[[], T], large: bool = False) -> T:
    """`build()` once per (what, data version, key) in this process, then the same object.

    large=True for what weighs a lot in memory (map decks, slide sets): kept fewer.
    """
    full_key = (what, str(queries.data_dir()), data_version, _plain(key))
    front = _FRONTS[large]
    found = front.get(full_key)
    if found is not None:
        return found
    cached = _build_large_once if large else _build_once
    value = cached(*full_key, build)
    front.put(full_key, value)
    return value


class _Front:
    """What was built, found again by its key without Streamlit's argument hashing.

    st.cache_resource builds each key once (its lock makes concurrent sessions wait for the
    one build), but a hit hashes every argument again: about 0.35 ms, paid by every `built`
    of every rerun (a dozen on Territoires). This bounded dict answers the hits first: it
    holds the same objects, as many entries at most as the cache behind it, and drops the
    least recently used. The two may drop different entries (the cache behind only sees the
    misses), so a process keeps at most twice MAX_LARGE_ENTRIES decks alive (~0.3 MB each).
    """

    def __init__(self, max_entries: int):
        self.max_entries = max_entries
        self._values: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        if value is None:
            return
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.max_entries:
                self._values.popitem(last=False)


_FRONTS = {False: _Front(MAX_ENTRIES), True: _Front(MAX_LARGE_ENTRIES)}


def display_table(frame: pd.DataFrame) -> pa.Table:
    """A built table as `st.dataframe` sends it, converted once.

    `st.dataframe` converts a pandas frame to Arrow at every rerun (3 to 5 ms for the 382
    rows of the Lauréats list); given an Arrow table it only writes it out. The conversion is
    Streamlit's own (the same schema, index metadata and column types), so the grid shows
    and sorts exactly what it showed from the frame.
    """
    from streamlit import dataframe_util

    return dataframe_util.convert_pandas_df_to_arrow_table(frame)


def filter_key(params: dict, *extra: Hashable) -> tuple:
    """A key from the filter parameters (a dict of plain values) and anything else that matters."""
    return (tuple(sorted(params.items())), *extra)


def _plain(key: Hashable) -> tuple:
    # Tuples of str / int / None / bool hash quickly and identically in every process.
    return key if isinstance(key, tuple) else (key,)
