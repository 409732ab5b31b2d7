"""Models kept once per key (a surface and a scope), built once in this process, then shared.

Every page, the API, the slides and the exports ask `kept(kind, key, build)`: `build` runs on
the first request of that key (concurrent requests of the same key wait for that one build),
and every later request of every session, every API call and every export gets the same object.
A built model is never modified afterwards: pages only lay it out.

Why not Streamlit's caches: the API and the exports run outside a script run, and a model must
be the same object whoever reads it. Why not pickling (st.cache_data): unpickling a plotly
figure costs as much as building it (4.8 ms against 4.1 ms for a gauge, measured here).

The key holds the data folder and the data version (Scope.key): once an import changes the
version, a model built on the older data is never looked up again; the least recently used
models fall out first.
"""
from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

import plotly.graph_objects as go
import pydeck as pdk

T = TypeVar("T")
# About 20 figures a filter, a few kB each: 22 régions × 4 types × 2 definitions of the rural
# × the pages is more than any day sees.
MAX_ENTRIES = 4096
# Map decks (one per filter, layer choice and selected commune: ~0.3 MB each in memory) and
# slide sets (with their static map) are kept fewer, so that a process stays far below the
# 1 GB its service allows (docs/deploy.md).
MAX_LARGE_ENTRIES = 128


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


def sent_from_now_on(value):
    """Figures and decks in what a builder returned (tuples, lists, dataclasses) sent as built."""
    if isinstance(value, go.Figure):
        if type(value) is go.Figure:
            value.__class__ = SentFigure
    elif isinstance(value, pdk.Deck):
        if not isinstance(value, _SentDeck):
            value.__class__ = type(f"Sent{type(value).__name__}", (_SentDeck, type(value)), {})
    elif isinstance(value, (tuple, list)):
        for item in value:
            sent_from_now_on(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            sent_from_now_on(getattr(value, field.name))
    return value


class Store:
    """A bounded map from key to model; one build per key, whoever asks first builds it."""

    def __init__(self, max_entries: int):
        self.max_entries = max_entries
        self._values: OrderedDict = OrderedDict()
        self._building: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            building = self._building.setdefault(key, threading.Lock())
        with building:  # a second session asking the same key waits for this build
            with self._lock:
                if key in self._values:
                    return self._values[key]
            try:
                value = sent_from_now_on(build())
                with self._lock:
                    self._values[key] = value
                    while len(self._values) > self.max_entries:
                        self._values.popitem(last=False)
            finally:
                with self._lock:
                    self._building.pop(key, None)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def __len__(self) -> int:
        return len(self._values)


STORES = {False: Store(MAX_ENTRIES), True: Store(MAX_LARGE_ENTRIES)}


def kept(kind: str, key: tuple, build: Callable[[], T], large: bool = False) -> T:
    """`build()` once per (kind, key) in this process, then the same object.

    `key` starts with the scope's key (data folder, version, filters) or the data version's;
    large=True for what weighs a lot in memory (map decks, slide sets): kept fewer.
    """
    return STORES[large].get((kind, *key), build)


def clear() -> None:
    """Forget every model (tests that change the extracts in place under one version)."""
    for store in STORES.values():
        store.clear()
