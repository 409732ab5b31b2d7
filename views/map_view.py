"""The Carte page's view and clicks: the Web Mercator view that frames a territory, and the
commune a click on a point selected."""
from __future__ import annotations

import math

import pandas as pd
import pydeck as pdk

from domain.mercator import latitude, northing

# The view is fitted on the server, which knows the map column's width only once the browser has
# reported it (app/map_width.py, rounded down to 100 px). Until then it is fitted to the narrowest
# map column of the screens the page is made for (607 px at 1280 px wide, the map column being 3/4
# of the page). The canvas is given the territory's own aspect ratio at that width (frame_height),
# within 360–640 px, so that the territory fills the frame: across its width up to ~960 px wide,
# across its height on wider screens, where the column widens and the height stays.
MAP_WIDTH_PX = 600
MIN_WIDTH_PX, MAX_WIDTH_PX = 300, 1600
MIN_HEIGHT_PX, MAX_HEIGHT_PX = 360, 640
MARGIN = 0.94  # share of the binding side the territory takes
POINT_LAYER_PREFIX = "fabriques-"


def _spans(bounds: pd.Series) -> tuple[float, float, float, float, float, float]:
    min_lon, min_lat, max_lon, max_lat = (float(bounds[k]) for k in ("min_lon", "min_lat", "max_lon", "max_lat"))
    span_x = max(max_lon - min_lon, 0.05) / 360
    span_y = max(northing(max_lat) - northing(min_lat), 0.001) / (2 * math.pi)
    return min_lon, min_lat, max_lon, max_lat, span_x, span_y


def map_width(reported: int | None) -> int:
    """The width the view is fitted to: the column's reported width (within 300–1600 px), or
    MAP_WIDTH_PX before the browser has said it."""
    if reported is None:
        return MAP_WIDTH_PX
    return max(MIN_WIDTH_PX, min(MAX_WIDTH_PX, int(reported)))


def frame_height(bounds: pd.Series, width: int = MAP_WIDTH_PX) -> int:
    """The map's height in pixels: the box's aspect ratio at `width`, within 360–640 px."""
    *_, span_x, span_y = _spans(bounds)
    return int(round(max(MIN_HEIGHT_PX, min(MAX_HEIGHT_PX, width * span_y / span_x))))


def fit_view(bounds: pd.Series, width: int = MAP_WIDTH_PX, height: int | None = None) -> pdk.ViewState:
    """A Web Mercator view framing the box (with a margin) in a `width` × `height` canvas
    (by default the page's: frame_height)."""
    height = frame_height(bounds, width) if height is None else height
    min_lon, min_lat, max_lon, max_lat, span_x, span_y = _spans(bounds)
    zoom = math.log2(min(width / (512 * span_x), height / (512 * span_y)) * MARGIN)
    centre_y = (northing(min_lat) + northing(max_lat)) / 2
    centre_lat = latitude(centre_y)
    return pdk.ViewState(longitude=(min_lon + max_lon) / 2, latitude=centre_lat,
                         zoom=round(max(0.5, min(zoom, 12)), 2))


def visible_box(bounds: pd.Series, width: int = MAP_WIDTH_PX) -> tuple[float, float, float, float]:
    """What the canvas shows (lon0, lat0, lon1, lat1) with the view fit_view sends at `width`: the
    territory and the margin around it, wider or taller than its own box."""
    view, height = fit_view(bounds, width), frame_height(bounds, width)
    pixels_per_radian = 512 * 2 ** view.zoom / (2 * math.pi)
    half_lon = math.degrees(width / 2 / pixels_per_radian)
    centre_y, half_y = northing(view.latitude), height / 2 / pixels_per_radian
    return (view.longitude - half_lon, latitude(centre_y - half_y),
            view.longitude + half_lon, latitude(centre_y + half_y))


def card_side(bounds: pd.Series, lon: float | None, width: int = MAP_WIDTH_PX) -> str:
    """Where a fabrique's card lies over the map: on the side away from its point ("left" for a
    point in the east of the view), so that the card never hides the point it describes."""
    if lon is None or lon != lon:
        return "right"
    west, _, east, _ = visible_box(bounds, width)
    return "left" if lon > (west + east) / 2 else "right"


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
