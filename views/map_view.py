"""The Carte page's view and clicks: the Web Mercator view that frames a territory, and the
commune a click on a point selected."""
from __future__ import annotations

import math

import pandas as pd
import pydeck as pdk

from domain.mercator import latitude, northing

MAP_WIDTH_PX, MAP_HEIGHT_PX = 680, 600  # the map column on a 1440 px screen; used to fit the view
POINT_LAYER_PREFIX = "fabriques-"


def fit_view(bounds: pd.Series, width: int = MAP_WIDTH_PX, height: int = MAP_HEIGHT_PX) -> pdk.ViewState:
    """A Web Mercator view framing the box (with a margin)."""
    min_lon, min_lat, max_lon, max_lat = (float(bounds[k]) for k in ("min_lon", "min_lat", "max_lon", "max_lat"))

    span_x = max(max_lon - min_lon, 0.05) / 360
    span_y = max(northing(max_lat) - northing(min_lat), 0.001) / (2 * math.pi)
    zoom = math.log2(min(width / (512 * span_x), height / (512 * span_y)) * 0.9)
    centre_y = (northing(min_lat) + northing(max_lat)) / 2
    centre_lat = latitude(centre_y)
    return pdk.ViewState(longitude=(min_lon + max_lon) / 2, latitude=centre_lat,
                         zoom=round(max(0.5, min(zoom, 12)), 2))


def commune_at(points: pd.DataFrame, layer_id: str, index: int) -> str | None:
    """The commune code of the point a click selected (layer id + index in that layer)."""
    if not layer_id.startswith(POINT_LAYER_PREFIX):
        return None
    subset = points[points.territory_type == layer_id.removeprefix(POINT_LAYER_PREFIX)]
    if not 0 <= index < len(subset):
        return None
    return subset.iloc[index].commune_code


def clicked_commune(points: pd.DataFrame, selection) -> str | None:
    """The commune of the clicked fabrique point in a pydeck selection state, if any."""
    indices = (selection or {}).get("indices", {}) if isinstance(selection, dict) else {}
    for layer_id, picked in indices.items():
        if picked:
            return commune_at(points, layer_id, int(picked[0]))
    return None
