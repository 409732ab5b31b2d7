"""The map's outlines as files sent once, and per-rerun colours that index into them.

The outlines of the départements and régions (with overseas France in insets, or at its true
position) do not change with the filter: they are served as static, versioned files
(app/web/static_outlines.py) that the browser fetches once and keeps, and the deck's
GeoJsonLayers name them by URL. What changes with the filter (a département's fill, its
highlight when it has no fabrique) travels with each rerun as a short list of values, one
per département in the file's order, that the layer's accessor reads by the feature's index:
`([v0, v1, …])[properties.i]` (deck.gl's JSON expressions accept array literals and
computed member access).
"""
from __future__ import annotations

import json

import pandas as pd

LEVELS = ("departement", "region")


def outline_codes(outlines: pd.DataFrame, level: str) -> list[str]:
    """The codes of one level, in the order of the served file (by code)."""
    return sorted(outlines.loc[outlines.level == level, "code"].astype(str))


def outline_collection(outlines: pd.DataFrame, level: str) -> dict:
    """A GeoJSON FeatureCollection of one level: geometry, code and index of each feature."""
    rows = outlines[outlines.level == level].sort_values("code")
    features = [{"type": "Feature", "geometry": json.loads(geometry),
                 "properties": {"code": str(code), "i": index}}
                for index, (code, geometry) in enumerate(zip(rows.code, rows.geometry_geojson))]
    return {"type": "FeatureCollection", "features": features}


def outline_file_bytes(outlines: pd.DataFrame, level: str) -> bytes:
    return json.dumps(outline_collection(outlines, level), separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def indexed_accessor(values: list) -> str:
    """A pydeck accessor reading `values[i]` for the feature of index i of a served file."""
    return "(" + json.dumps(values, separators=(",", ":")) + ")[properties.i]"
