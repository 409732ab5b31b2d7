"""The map slide as a static plotly figure drawn from our own outlines: no tiles, no network.

Outlines and points are plain `go.Scatter` traces in Web Mercator coordinates (x = longitude,
y = Mercator latitude in degrees, axes on the same scale), so the image is the same on screen,
in the PNG and in the PPTX. Nationally, overseas France is drawn in the insets computed by the
build step (`display_*` columns, see domain/insets.py); under a région or département
filter the map zooms on it at its true position, overseas included.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from math import sqrt

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from domain.format import fr_int
from domain.insets import INSETS  # the inset boxes, framed on the national map
from domain.mercator import northing_degrees
from domain.territory_types import DEFAULT_RURAL_DEFINITION, type_label
from views.charts import french_layout
from views.colors import (BLUE_FRANCE, BLUE_FRANCE_LIGHTEST, GREY_LINE, GREY_TEXT, LAND, LAND_BORDER,
                          TERRITORY_COLORS, TERRITORY_SYMBOLS, WHITE)

BORDER = LAND_BORDER
FOCUS_FILL = BLUE_FRANCE_LIGHTEST
MARGIN = 0.08  # share of the view added around the focus


@dataclass(frozen=True)
class Bounds:
    min_x: float
    min_y: float
    max_x: float
    max_y: float

    def widened(self, share: float, at_least: float = 0.3) -> "Bounds":
        dx = max((self.max_x - self.min_x) * share, at_least)
        dy = max((self.max_y - self.min_y) * share, at_least)
        return Bounds(self.min_x - dx, self.min_y - dy, self.max_x + dx, self.max_y + dy)

    def meets(self, other: "Bounds") -> bool:
        return not (self.max_x < other.min_x or other.max_x < self.min_x
                    or self.max_y < other.min_y or other.max_y < self.min_y)

    @classmethod
    def around(cls, xs, ys) -> "Bounds":
        return cls(min(xs), min(ys), max(xs), max(ys))


@dataclass(frozen=True)
class Ring:
    xs: list[float]
    ys: list[float]
    bounds: Bounds


def rings_of(geojson_text: str) -> list[Ring]:
    """Every ring (outer and holes) of a Polygon or MultiPolygon, projected."""
    geometry = json.loads(geojson_text)
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    rings = []
    for polygon in polygons:
        for ring in polygon:
            xs = [point[0] for point in ring]
            ys = [northing_degrees(point[1]) for point in ring]
            rings.append(Ring(xs, ys, Bounds.around(xs, ys)))
    return rings


def _outline_trace(rings: list[Ring], fill: str | None, line_color: str, width: float) -> go.Scatter:
    xs, ys = [], []
    for ring in rings:
        xs += ring.xs + [None]
        ys += ring.ys + [None]
    # Float arrays (None becomes NaN, still a break between rings): plotly validates them
    # in one step instead of element by element.
    return go.Scatter(
        x=np.array(xs, dtype=float), y=np.array(ys, dtype=float), mode="lines", line={"color": line_color, "width": width},
        fill="toself" if fill else None, fillcolor=fill, hoverinfo="skip", showlegend=False,
    )


def _point_size(fabriques: int, scale: float) -> float:
    return scale * (12 + 6 * sqrt(fabriques))


def static_map_figure(outlines: pd.DataFrame, points: pd.DataFrame, region: str | None,
                      departement: str | None, font_size: int = 20, point_scale: float = 1.0,
                      rural_definition: str = DEFAULT_RURAL_DEFINITION) -> go.Figure:
    """Département outlines, the focus of the filter, and one point per commune and territory type."""
    national = region is None and departement is None
    geometry_column = "display_geometry_geojson" if national else "geometry_geojson"
    x_column, y_column = ("display_lon", "display_lat") if national else ("lon", "lat")
    departements = outlines[outlines.level == "departement"]
    if departement:
        in_focus = departements.code == departement
    elif region:
        in_focus = departements.reg_code == region
    else:
        in_focus = pd.Series(False, index=departements.index)

    focus_rings = [ring for text in departements.loc[in_focus, geometry_column].dropna()
                   for ring in rings_of(text)]
    point_xs = list(points[x_column])
    point_ys = [northing_degrees(lat) for lat in points[y_column]]
    if focus_rings:
        view = Bounds.around([r.bounds.min_x for r in focus_rings] + [r.bounds.max_x for r in focus_rings],
                             [r.bounds.min_y for r in focus_rings] + [r.bounds.max_y for r in focus_rings])
    elif point_xs:  # Saint-Martin has no outline: the view is around its point
        view = Bounds.around(point_xs, point_ys)
    else:
        view = None
    if view is None or national:
        view = Bounds.around(*_all_display_extent(departements))
    view = view.widened(MARGIN)

    background = [ring for text in departements.loc[~in_focus, geometry_column].dropna()
                  for ring in rings_of(text) if ring.bounds.meets(view)]
    figure = go.Figure()
    figure.add_trace(_outline_trace(background, LAND, BORDER, 0.8))
    if focus_rings:
        figure.add_trace(_outline_trace(focus_rings, FOCUS_FILL, BLUE_FRANCE, 1.6))
    if not focus_rings and not national:
        figure.add_annotation(
            x=0.5, y=0.98, xref="paper", yref="paper", showarrow=False, yanchor="top",
            text=NO_OUTLINE_NOTE, font={"size": font_size - 2, "color": GREY_TEXT},
        )
    if national:
        regions = outlines[outlines.level == "region"]
        region_rings = [ring for text in regions[geometry_column].dropna() for ring in rings_of(text)]
        figure.add_trace(_outline_trace(region_rings, None, GREY_TEXT, 1.4))
        _frame_insets(figure, font_size)

    for kind in ("qpv", "rural", "urbain", "indetermine"):
        subset = points[points.territory_type == kind]
        if subset.empty:
            continue
        figure.add_trace(go.Scatter(
            x=subset[x_column], y=[northing_degrees(lat) for lat in subset[y_column]], mode="markers",
            name=f"{type_label(kind, rural_definition)} ({fr_int(subset.fabriques.sum())})",
            marker={"size": [_point_size(n, point_scale) for n in subset.fabriques],
                    "color": TERRITORY_COLORS[kind], "symbol": TERRITORY_SYMBOLS[kind],
                    "line": {"color": WHITE, "width": 1.2},
                    "opacity": 0.9},
            hovertemplate="%{customdata} fabrique(s)<extra></extra>", customdata=subset.fabriques,
        ))
    french_layout(
        figure, margin={"l": 10, "r": 10, "t": 10, "b": 10},
        # The legend sits in the paper area right of the map: the export adds bands around it.
        xaxis={"visible": False, "range": [view.min_x, view.max_x], "fixedrange": True, "domain": [0, 0.76]},
        yaxis={"visible": False, "range": [view.min_y, view.max_y], "scaleanchor": "x",
               "scaleratio": 1, "fixedrange": True},
        legend={"x": 0.78, "xanchor": "left", "y": 0.5, "yanchor": "middle",
                "title": {"text": "Type de la commune<br>(fabriques)"}, "itemsizing": "constant"},
        showlegend=True,
    )
    return figure.update_layout(font_size=font_size)


def _all_display_extent(departements: pd.DataFrame) -> tuple[list[float], list[float]]:
    rings = [ring for text in departements.display_geometry_geojson.dropna() for ring in rings_of(text)]
    return ([r.bounds.min_x for r in rings] + [r.bounds.max_x for r in rings],
            [r.bounds.min_y for r in rings] + [r.bounds.max_y for r in rings])


def _frame_insets(figure: go.Figure, font_size: int) -> None:
    """A frame and a name per overseas inset: their scales differ from mainland's."""
    for inset in INSETS.values():
        lon0, lat0, lon1, lat1 = inset.box
        y0, y1 = northing_degrees(lat0), northing_degrees(lat1)
        figure.add_shape(type="rect", x0=lon0, x1=lon1, y0=y0, y1=y1,
                         line={"color": GREY_LINE, "width": 1}, layer="below")
        figure.add_annotation(x=(lon0 + lon1) / 2, y=y1, text=inset.name, showarrow=False,
                              yanchor="bottom", font={"size": font_size - 6, "color": GREY_TEXT})


NO_OUTLINE_NOTE = "Pas de contour pour ce territoire dans les données : seuls les points sont dessinés."
OVERSEAS_NOTE = ("Outre-mer en encadrés, à des échelles différentes de la métropole "
                 "(Saint-Martin, sans contour dans les données, y figure par son point).")
