"""The Carte page's deck (pydeck, no basemap): outlines, choropleth, optional layers, fabriques.

Pure builders: frames in, pydeck objects out. No request leaves the machine:
`map_provider=None` and `map_style` left unset, the land is drawn from our own outlines.
(Passing `map_style=None` would make Streamlit add its default Carto basemap, fetched from
the internet: pydeck's unset style travels as a sentinel that Streamlit reads as "no map".)

Tooltips are plain text (`tooltip={"text": ...}`, see views/map_text.py). (Streamlit also
escapes values put into an `html` tooltip: escaping them here as well would show `&amp;`.)
"""
from __future__ import annotations

import hashlib
import json
import math
from functools import lru_cache

import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from domain.insets import INSETS
from views.colors import BLUE_FRANCE, GREY_LIGHT, GREY_LINE, GREY_TEXT, RED_MARIANNE, TERRITORY_COLORS, WHITE, rgb
from views.map_options import CENSUS_COLOR, NO_CHOROPLETH, QPV_COMMUNE_COLOR, MapOptions, choropleth_value
from views.map_text import TOOLTIP_COLUMNS, commune_tooltip, short_text
from views.map_outlines import indexed_accessor, outline_codes
from views.map_view import MAP_WIDTH_PX, POINT_LAYER_PREFIX, fit_view

# Above this many points, the browser gets positions and sizes only (no tooltip text, no count
# labels): a click still opens the detail card. The 382 laureates stay far below it.
TOOLTIP_MAX_POINTS = 5_000
# pydeck turns a bare string into a JavaScript accessor; a quoted one stays a constant.
PIXELS = "'pixels'"


class CompactDeck(pdk.Deck):
    """A Deck whose JSON has no indentation (pydeck indents by 2 spaces, which made the
    outlines alone weigh 2.9 MB per rerun) and keeps French letters as they are (UTF-8, one or
    two bytes, where an escaped "é" takes six)."""

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"),
                          ensure_ascii=False)


def point_radius(fabriques: int) -> int:
    """Pixels: a commune with several fabriques gets a bigger disc and a count label."""
    return int(round(3.5 + 2.5 * math.sqrt(fabriques)))


def point_records(points: pd.DataFrame, table: pd.DataFrame, territory_type: str,
                  with_tooltips: bool) -> list[dict]:
    """The fewest fields per point: position and radius (+ tooltip text for small maps)."""
    subset = points[points.territory_type == territory_type]
    if with_tooltips:
        # Plain dicts grouped by commune, not a pandas groupby with row access per commune.
        by_commune: dict[str, list[dict]] = {}
        in_layer = table[table.commune_code.isin(subset.commune_code)]
        for record in in_layer[TOOLTIP_COLUMNS].to_dict("records"):
            by_commune.setdefault(record["commune_code"], []).append(record)
        return [{"p": [lon, lat], "r": point_radius(count), "t": commune_tooltip(by_commune[code])}
                for lon, lat, count, code in zip(subset.lon, subset.lat, subset.fabriques, subset.commune_code)]
    return [{"p": [lon, lat], "r": point_radius(count)}
            for lon, lat, count in zip(subset.lon, subset.lat, subset.fabriques)]


def with_tooltips(points: pd.DataFrame) -> bool:
    return len(points) <= TOOLTIP_MAX_POINTS


def point_file_bytes(points: pd.DataFrame, table: pd.DataFrame, territory_type: str) -> bytes:
    """One point layer's data as the file the page names by URL (app/web/static_points.py)."""
    records = point_records(points, table, territory_type, with_tooltips(points))
    return json.dumps(records, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@lru_cache(maxsize=1024)
def _geometry(geojson_text: str) -> dict:
    """A parsed outline, parsed once per process: the outlines do not change with the filter.
    Never mutated."""
    return json.loads(geojson_text)


def _outline_features(outlines: pd.DataFrame, level: str, properties: dict | None = None) -> list[dict]:
    rows = outlines[outlines.level == level]
    return [{"type": "Feature", "geometry": _geometry(row.geometry_geojson),
             "properties": (properties or {}).get(row.code, {})} for row in rows.itertuples()]


def departement_fill(choropleth_frame: pd.DataFrame, choropleth: str) -> dict[str, dict]:
    """Per département: fill colour (choropleth ramp of the blue of France)."""
    in_scope = choropleth_frame[choropleth_frame.in_scope]
    values = [v for v in (choropleth_value(r, choropleth) for r in in_scope.itertuples())
              if v is not None and v == v]
    top = max(values, default=0) or 1
    fills = {}
    for row in choropleth_frame.itertuples():
        value = choropleth_value(row, choropleth)
        if not row.in_scope:
            color = rgb(GREY_LIGHT, 120)
        elif value is None or value != value:
            color = rgb(GREY_LINE, 140)  # no population: "non disponible"
        elif value == 0:
            color = rgb(GREY_LIGHT, 255)
        else:
            color = rgb(BLUE_FRANCE, int(40 + 190 * value / top))
        fills[row.dep_code] = {"f": color, "in_scope": bool(row.in_scope)}
    return fills


# The interface's font (.streamlit/config.toml), as a JavaScript string constant (see PIXELS).
FONT_FAMILY = "\"system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif\""
INSET_LABEL_PX = 10  # the frames are ~70 px wide on the national map: the longest name fits


def _inset_layers(outlined_codes: set[str]) -> list[pdk.Layer]:
    """The insets' frames, each named at its top inside the frame; a territory without an
    outline in the data (Saint-Martin) says so at the bottom of its frame, under its point."""
    frames, labels = [], []
    for inset in INSETS.values():
        lon0, lat0, lon1, lat1 = inset.box
        centre_lon = (lon0 + lon1) / 2
        frames.append({"p": [[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]})
        labels.append({"p": [centre_lon, lat1], "t": inset.name, "y": 2, "b": "top"})
        if inset.dep_code not in outlined_codes:
            labels.append({"p": [centre_lon, lat0], "t": "sans contour", "y": -2, "b": "bottom"})
    return [
        pdk.Layer("PathLayer", frames, id="encarts", get_path="p", get_color=rgb(GREY_LINE),
                  width_units=PIXELS, get_width=1, pickable=False),
        pdk.Layer("TextLayer", labels, id="encarts-noms", get_position="p", get_text="t",
                  get_size=INSET_LABEL_PX, get_color=rgb(GREY_TEXT), get_text_anchor="'middle'",
                  get_alignment_baseline="b", get_pixel_offset="[0, y]", font_family=FONT_FAMILY,
                  character_set="'auto'", pickable=False,
                  # On a white label: the sea is the page's background, dark in the dark theme.
                  background=True, get_background_color=rgb(WHITE), background_padding=[2, 1]),
    ]


def _inline_outline_layers(outlines: pd.DataFrame, dep_properties: dict,
                           highlighted_codes: set[str] | None) -> list[pdk.Layer]:
    """The outline layers with their features inline (the whole geometry in the deck)."""
    layers = [
        pdk.Layer("GeoJsonLayer", _outline_features(outlines, "departement", dep_properties),
                  id="departements", filled=True, stroked=True, get_fill_color="properties.f",
                  get_line_color=rgb(GREY_LINE), line_width_units=PIXELS, get_line_width=0.6,
                  pickable=False),
        pdk.Layer("GeoJsonLayer", _outline_features(outlines, "region"), id="regions",
                  filled=False, stroked=True, get_line_color=rgb(GREY_TEXT),
                  line_width_units=PIXELS, get_line_width=1.4, pickable=False),
    ]
    if highlighted_codes:
        highlighted = outlines[(outlines.level == "departement") & outlines.code.isin(highlighted_codes)]
        layers.append(pdk.Layer(
            "GeoJsonLayer", _outline_features(highlighted, "departement"), id="sans-fabrique",
            filled=True, stroked=True, get_fill_color=rgb(RED_MARIANNE, 45),
            get_line_color=rgb(RED_MARIANNE), line_width_units=PIXELS, get_line_width=2.5,
            pickable=False))
    return layers


def _outline_layers_by_url(outlines: pd.DataFrame, urls: dict[str, str], dep_properties: dict,
                           highlighted_codes: set[str] | None) -> list[pdk.Layer]:
    """The outline layers reading served files (views/map_outlines.py): only values travel.

    deck.gl does not see that an accessor changed: `update_triggers` carries a digest of the
    values, so that a new choropleth is drawn without reloading the file.
    """
    codes = outline_codes(outlines, "departement")
    fill = indexed_accessor([dep_properties.get(code, {}).get("f", [0, 0, 0, 0]) for code in codes])
    layers = [
        pdk.Layer("GeoJsonLayer", urls["departement"], id="departements", filled=True, stroked=True,
                  get_fill_color=fill, get_line_color=rgb(GREY_LINE), line_width_units=PIXELS,
                  get_line_width=0.6, pickable=False, update_triggers={"getFillColor": _digest(fill)}),
        pdk.Layer("GeoJsonLayer", urls["region"], id="regions", filled=False, stroked=True,
                  get_line_color=rgb(GREY_TEXT), line_width_units=PIXELS, get_line_width=1.4, pickable=False),
    ]
    if highlighted_codes:
        marked = [code in highlighted_codes for code in codes]
        accessors = {
            "getFillColor": indexed_accessor([rgb(RED_MARIANNE, 45) if m else [0, 0, 0, 0] for m in marked]),
            "getLineColor": indexed_accessor([rgb(RED_MARIANNE) if m else [0, 0, 0, 0] for m in marked]),
            "getLineWidth": indexed_accessor([2.5 if m else 0 for m in marked]),
        }
        layers.append(pdk.Layer(
            "GeoJsonLayer", urls["departement"], id="sans-fabrique", filled=True, stroked=True,
            get_fill_color=accessors["getFillColor"], get_line_color=accessors["getLineColor"],
            line_width_units=PIXELS, get_line_width=accessors["getLineWidth"], pickable=False,
            update_triggers={name: _digest(value) for name, value in accessors.items()}))
    return layers


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def build_deck(*, options: MapOptions, outlines: pd.DataFrame, choropleth_frame: pd.DataFrame,
               points: pd.DataFrame, table: pd.DataFrame, bounds: pd.Series,
               width: int = MAP_WIDTH_PX,
               census: pd.DataFrame | None = None, qpv_communes: pd.DataFrame | None = None,
               without_fabrique: pd.DataFrame | None = None,
               selected_commune: str | None = None, outline_urls: dict[str, str] | None = None,
               point_urls: dict[str, str] | None = None) -> pdk.Deck:
    """The whole map: outlines (and choropleth), optional layers, fabriques by type.

    With `outline_urls` (the page's case), the outlines are files the browser fetched once and
    only the fill values travel (views/map_outlines.py); without, the outlines are inline.
    With `point_urls` (the page's case), each point layer names the file of its records (the
    same records, app/web/static_points.py): a rerun on the same filter sends no point.
    """
    fills = departement_fill(choropleth_frame, options.choropleth if options.choropleth != NO_CHOROPLETH else "nombre")
    # With no choropleth, the départements of the filter are white, the others greyed.
    plain = {True: rgb(WHITE), False: rgb(GREY_LIGHT, 160)}
    dep_properties = {
        code: {"f": value["f"] if options.choropleth != NO_CHOROPLETH else plain[value["in_scope"]]}
        for code, value in fills.items()
    }
    # Outlines are not pickable: in Streamlit 1.67 a pickable GeoJsonLayer under the points
    # swallows the click that selects a fabrique. Their figures are in the tables instead.
    highlighted_codes = (set(without_fabrique.dep_code) if options.without_fabrique and without_fabrique is not None
                         and len(without_fabrique) else None)
    if outline_urls is not None:
        layers = _outline_layers_by_url(outlines, outline_urls, dep_properties, highlighted_codes)
    else:
        layers = _inline_outline_layers(outlines, dep_properties, highlighted_codes)
    if options.insets:
        layers.extend(_inset_layers(set(outline_codes(outlines, "departement"))))
    if options.census and census is not None:
        records = [{"p": [r.lon, r.lat], "t": f"{short_text(r.name)}\n{r.commune_name} — {r.kind}\n"
                                                "Recensement des tiers-lieux 2018–2019"}
                   for r in census.itertuples()]
        layers.append(pdk.Layer("ScatterplotLayer", records, id="tiers-lieux-2019", get_position="p",
                                get_radius=3, radius_units=PIXELS, filled=False, stroked=True,
                                get_line_color=rgb(CENSUS_COLOR, 200), line_width_units=PIXELS,
                                get_line_width=1, pickable=True))
    if options.qpv_communes and qpv_communes is not None:
        records = [{"p": [r.lon, r.lat], "t": f"{r.commune_name}\nCommune avec {r.qpv} QPV (2024)"}
                   for r in qpv_communes.itertuples()]
        layers.append(pdk.Layer("ScatterplotLayer", records, id="communes-qpv", get_position="p",
                                get_radius=9, radius_units=PIXELS, filled=False, stroked=True,
                                get_line_color=rgb(QPV_COMMUNE_COLOR, 230), line_width_units=PIXELS,
                                get_line_width=2, pickable=True))
    tooltips = with_tooltips(points)
    for territory_type, color in TERRITORY_COLORS.items():
        if point_urls is not None:
            records = point_urls[territory_type] if (points.territory_type == territory_type).any() else None
        else:
            records = point_records(points, table, territory_type, tooltips)
        if records:
            layers.append(pdk.Layer(
                "ScatterplotLayer", records, id=f"{POINT_LAYER_PREFIX}{territory_type}",
                get_position="p", get_radius="r", radius_units=PIXELS, get_fill_color=rgb(color),
                stroked=True, get_line_color=rgb(WHITE), line_width_units=PIXELS,
                get_line_width=1, pickable=True, auto_highlight=True))
    if tooltips:
        several = points[points.fabriques > 1]
        if len(several):
            layers.append(pdk.Layer(
                "TextLayer", [{"p": [r.lon, r.lat], "t": str(r.fabriques)} for r in several.itertuples()],
                id="nombre-par-commune", get_position="p", get_text="t", get_size=11,
                get_color=rgb(WHITE), font_weight=700, pickable=False))
    if selected_commune is not None:
        chosen = points[points.commune_code == selected_commune]
        layers.append(pdk.Layer(
            "ScatterplotLayer", [{"p": [r.lon, r.lat], "r": point_radius(r.fabriques) + 5}
                                 for r in chosen.itertuples()],
            id="selection", get_position="p", get_radius="r", radius_units=PIXELS, filled=False,
            stroked=True, get_line_color=rgb(RED_MARIANNE), line_width_units=PIXELS,
            get_line_width=3, pickable=False))
    return CompactDeck(
        layers=layers, initial_view_state=fit_view(bounds, width), map_provider=None,
        tooltip={"text": "{t}", "style": {"backgroundColor": WHITE, "color": GREY_TEXT,
                                          "fontSize": "13px", "whiteSpace": "pre-line",
                                          "maxWidth": "280px", "overflowWrap": "anywhere",
                                          "border": f"1px solid {GREY_LINE}"}},
    )
