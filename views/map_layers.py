"""The Carte page's deck (pydeck, no basemap), its legend, tooltips, alt text and table.

Pure builders: frames in, pydeck objects / plain data out. No request leaves the machine:
`map_provider=None` and `map_style` left unset, the land is drawn from our own outlines.
(Passing `map_style=None` would make Streamlit add its default Carto basemap, fetched from
the internet: pydeck's unset style travels as a sentinel that Streamlit reads as "no map".)

Tooltips are plain text (`tooltip={"text": ...}`): the browser sets them with innerText, so a
name holding HTML shows as text. (Streamlit also escapes values put into an `html` tooltip:
escaping them here as well would show `&amp;` to the user.)
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from html import escape

import numpy as np
import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from domain.format import fr_decimal, fr_int
from domain.insets import INSETS
from domain.territory_types import TERRITORY_TYPES
from views.colors import (
    BLUE_FRANCE,
    CATEGORICAL,
    GREY_LIGHT,
    GREY_LINE,
    GREY_TEXT,
    RED_MARIANNE,
    TERRITORY_COLORS,
    WHITE,
    rgb,
)

# Above this many points, the browser gets positions and sizes only (no tooltip text, no count
# labels): a click still opens the detail card. The 382 laureates stay far below it.
TOOLTIP_MAX_POINTS = 5_000
TOOLTIP_MAX_NAMES = 6
NAME_MAX_CHARS = 90
MAP_WIDTH_PX, MAP_HEIGHT_PX = 680, 600  # the map column on a 1440 px screen; used to fit the view
CENSUS_COLOR = GREY_TEXT
QPV_COMMUNE_COLOR = CATEGORICAL[2]
NO_CHOROPLETH = "none"
CHOROPLETHS = {
    NO_CHOROPLETH: "Aucune",
    "nombre": "Nombre de fabriques",
    "pour_100k": "Fabriques pour 100 000 habitants",
}
POINT_LAYER_PREFIX = "fabriques-"
# pydeck turns a bare string into a JavaScript accessor; a quoted one stays a constant.
PIXELS = "'pixels'"


@dataclass(frozen=True)
class MapOptions:
    insets: bool = True
    census: bool = False
    qpv_communes: bool = False
    choropleth: str = NO_CHOROPLETH
    without_fabrique: bool = False


@dataclass(frozen=True)
class LegendEntry:
    color: str
    symbol: str  # the shape, said in words too: colour is never the only carrier
    label: str
    detail: str


class CompactDeck(pdk.Deck):
    """A Deck whose JSON has no indentation: pydeck indents by 2 spaces, which makes the
    outlines alone weigh 2.9 MB per rerun instead of about 0.6 MB."""

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


def point_radius(fabriques: int) -> int:
    """Pixels: a commune with several fabriques gets a bigger disc and a count label."""
    return int(round(3.5 + 2.5 * math.sqrt(fabriques)))


def _short(text: str) -> str:
    text = str(text)
    return text if len(text) <= NAME_MAX_CHARS else text[: NAME_MAX_CHARS - 1] + "…"


def commune_tooltip(rows: list[dict]) -> str:
    """Plain text for one commune point: its fabriques, place, type and inferred wave."""
    first = rows[0]
    place = f"{first['commune_name']}, {first['dep_name']} ({first['dep_code']})"
    kind = f"Type : {TERRITORY_TYPES.get(first['territory_type'], first['territory_type'])}"
    if len(rows) == 1:
        lines = [_short(first["name"]), place, kind, f"Vague (déduite) : {first['wave_label']}"]
        if first["point_is_fallback"]:
            lines.append("Position : repli documenté (la liste n'a pas de point)")
        return "\n".join(lines)
    lines = [f"{len(rows)} fabriques — {place}", kind]
    for row in rows[:TOOLTIP_MAX_NAMES]:
        lines.append(f"• {_short(row['name'])} — vague (déduite) : {row['wave_label']}")
    if len(rows) > TOOLTIP_MAX_NAMES:
        lines.append(f"… et {len(rows) - TOOLTIP_MAX_NAMES} autres (voir le tableau)")
    return "\n".join(lines)


TOOLTIP_COLUMNS = ["commune_code", "commune_name", "dep_name", "dep_code", "territory_type", "name",
                   "wave_label", "point_is_fallback"]


def point_records(points: pd.DataFrame, table: pd.DataFrame, territory_type: str,
                  with_tooltips: bool) -> list[dict]:
    """The fewest fields per point: position and radius (+ tooltip text for small maps)."""
    subset = points[points.territory_type == territory_type]
    if with_tooltips:
        # Plain dicts grouped by commune: a pandas groupby and row access per commune cost
        # 0.2 s of a 0.28 s rerun (pyinstrument).
        by_commune: dict[str, list[dict]] = {}
        in_layer = table[table.commune_code.isin(subset.commune_code)]
        for record in in_layer[TOOLTIP_COLUMNS].to_dict("records"):
            by_commune.setdefault(record["commune_code"], []).append(record)
        return [{"p": [lon, lat], "r": point_radius(count), "t": commune_tooltip(by_commune[code])}
                for lon, lat, count, code in zip(subset.lon, subset.lat, subset.fabriques, subset.commune_code)]
    return [{"p": [lon, lat], "r": point_radius(count)}
            for lon, lat, count in zip(subset.lon, subset.lat, subset.fabriques)]


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


def _choropleth_value(row, choropleth: str):
    return row.fabriques if choropleth == "nombre" else row.per_100k


@lru_cache(maxsize=1024)
def _geometry(geojson_text: str) -> dict:
    """A parsed outline, parsed once per process: the outlines do not change with the filter,
    and parsing them all again cost up to 0.1 s a rerun (pyinstrument). Never mutated."""
    return json.loads(geojson_text)


def _outline_features(outlines: pd.DataFrame, level: str, properties: dict | None = None) -> list[dict]:
    rows = outlines[outlines.level == level]
    return [{"type": "Feature", "geometry": _geometry(row.geometry_geojson),
             "properties": (properties or {}).get(row.code, {})} for row in rows.itertuples()]


def departement_fill(choropleth_frame: pd.DataFrame, choropleth: str) -> dict[str, dict]:
    """Per département: fill colour (choropleth ramp of the blue of France)."""
    in_scope = choropleth_frame[choropleth_frame.in_scope]
    values = [v for v in (_choropleth_value(r, choropleth) for r in in_scope.itertuples())
              if v is not None and v == v]
    top = max(values, default=0) or 1
    fills = {}
    for row in choropleth_frame.itertuples():
        value = _choropleth_value(row, choropleth)
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


def choropleth_range(choropleth_frame: pd.DataFrame, choropleth: str) -> tuple[str, str]:
    in_scope = choropleth_frame[choropleth_frame.in_scope]
    if choropleth == "nombre":
        return "0", fr_int(in_scope.fabriques.max())
    return "0", fr_decimal(in_scope.per_100k.max(), 2)


def fit_view(bounds: pd.Series, width: int = MAP_WIDTH_PX, height: int = MAP_HEIGHT_PX) -> pdk.ViewState:
    """A Web Mercator view framing the box (with a margin)."""
    min_lon, min_lat, max_lon, max_lat = (float(bounds[k]) for k in ("min_lon", "min_lat", "max_lon", "max_lat"))

    def mercator_y(lat):
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    span_x = max(max_lon - min_lon, 0.05) / 360
    span_y = max(mercator_y(max_lat) - mercator_y(min_lat), 0.001) / (2 * math.pi)
    zoom = math.log2(min(width / (512 * span_x), height / (512 * span_y)) * 0.9)
    centre_y = (mercator_y(min_lat) + mercator_y(max_lat)) / 2
    centre_lat = math.degrees(2 * math.atan(math.exp(centre_y)) - math.pi / 2)
    return pdk.ViewState(longitude=(min_lon + max_lon) / 2, latitude=centre_lat,
                         zoom=round(max(0.5, min(zoom, 12)), 2))


def _inset_layers() -> list[pdk.Layer]:
    frames, labels = [], []
    for inset in INSETS.values():
        lon0, lat0, lon1, lat1 = inset.box
        frames.append({"p": [[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]})
        labels.append({"p": [lon0 + 0.08, lat1 - 0.08], "t": inset.name})
    return [
        pdk.Layer("PathLayer", frames, id="encarts", get_path="p", get_color=rgb(GREY_LINE),
                  width_units=PIXELS, get_width=1, pickable=False),
        pdk.Layer("TextLayer", labels, id="encarts-noms", get_position="p", get_text="t",
                  get_size=12, get_color=rgb(GREY_TEXT), get_text_anchor="'start'",
                  get_alignment_baseline="'top'", character_set="'auto'", pickable=False,
                  # On a white label: the sea is the page's background, dark in the dark theme.
                  background=True, get_background_color=rgb(WHITE), background_padding=[3, 1]),
    ]


def build_deck(*, options: MapOptions, outlines: pd.DataFrame, choropleth_frame: pd.DataFrame,
               points: pd.DataFrame, table: pd.DataFrame, bounds: pd.Series,
               census: pd.DataFrame | None = None, qpv_communes: pd.DataFrame | None = None,
               without_fabrique: pd.DataFrame | None = None,
               selected_commune: str | None = None) -> pdk.Deck:
    """The whole map: outlines (and choropleth), optional layers, fabriques by type."""
    fills = departement_fill(choropleth_frame, options.choropleth if options.choropleth != NO_CHOROPLETH else "nombre")
    # With no choropleth, the départements of the filter are white, the others greyed.
    plain = {True: rgb(WHITE), False: rgb(GREY_LIGHT, 160)}
    dep_properties = {
        code: {"f": value["f"] if options.choropleth != NO_CHOROPLETH else plain[value["in_scope"]]}
        for code, value in fills.items()
    }
    # Outlines are not pickable: in Streamlit 1.67 a pickable GeoJsonLayer under the points
    # swallows the click that selects a fabrique. Their figures are in the tables instead.
    layers = [
        pdk.Layer("GeoJsonLayer", _outline_features(outlines, "departement", dep_properties),
                  id="departements", filled=True, stroked=True, get_fill_color="properties.f",
                  get_line_color=rgb(GREY_LINE), line_width_units=PIXELS, get_line_width=0.6,
                  pickable=False),
        pdk.Layer("GeoJsonLayer", _outline_features(outlines, "region"), id="regions",
                  filled=False, stroked=True, get_line_color=rgb(GREY_TEXT),
                  line_width_units=PIXELS, get_line_width=1.4, pickable=False),
    ]
    if options.without_fabrique and without_fabrique is not None and len(without_fabrique):
        codes = set(without_fabrique.dep_code)
        highlighted = outlines[(outlines.level == "departement") & outlines.code.isin(codes)]
        layers.append(pdk.Layer(
            "GeoJsonLayer", _outline_features(highlighted, "departement"), id="sans-fabrique",
            filled=True, stroked=True, get_fill_color=rgb(RED_MARIANNE, 45),
            get_line_color=rgb(RED_MARIANNE), line_width_units=PIXELS, get_line_width=2.5,
            pickable=False))
    if options.insets:
        layers.extend(_inset_layers())
    if options.census and census is not None:
        records = [{"p": [r.lon, r.lat], "t": f"{_short(r.name)}\n{r.commune_name} — {r.kind}\n"
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
    with_tooltips = len(points) <= TOOLTIP_MAX_POINTS
    for territory_type, color in TERRITORY_COLORS.items():
        records = point_records(points, table, territory_type, with_tooltips)
        if records:
            layers.append(pdk.Layer(
                "ScatterplotLayer", records, id=f"{POINT_LAYER_PREFIX}{territory_type}",
                get_position="p", get_radius="r", radius_units=PIXELS, get_fill_color=rgb(color),
                stroked=True, get_line_color=rgb(WHITE), line_width_units=PIXELS,
                get_line_width=1, pickable=True, auto_highlight=True))
    if with_tooltips:
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
        layers=layers, initial_view_state=fit_view(bounds), map_provider=None,
        tooltip={"text": "{t}", "style": {"backgroundColor": WHITE, "color": GREY_TEXT,
                                          "fontSize": "13px", "whiteSpace": "pre-line",
                                          "maxWidth": "360px", "border": f"1px solid {GREY_LINE}"}},
    )


def legend_entries(options: MapOptions, headline, choropleth_frame: pd.DataFrame) -> list[LegendEntry]:
    """What the map shows, in words: colour, shape and meaning of each mark."""
    counts = {"qpv": headline.qpv, "rural": headline.rural, "urbain": headline.urbain,
              "indetermine": headline.indetermine}
    entries = [
        LegendEntry(TERRITORY_COLORS[kind], "disque plein", TERRITORY_TYPES[kind],
                    f"{fr_int(counts[kind])} fabrique{'s' if counts[kind] > 1 else ''}")
        for kind in TERRITORY_COLORS if counts[kind] > 0
    ]
    entries.append(LegendEntry(GREY_TEXT, "chiffre blanc", "Plusieurs fabriques dans la commune",
                               "disque plus grand, nombre inscrit dessus"))
    if options.census:
        entries.append(LegendEntry(CENSUS_COLOR, "petit cercle vide", "Tiers-lieu recensé en 2018–2019",
                                   "métropole seulement"))
    if options.qpv_communes:
        entries.append(LegendEntry(QPV_COMMUNE_COLOR, "grand cercle vide", "Commune avec QPV (2024)",
                                   "toutes, avec ou sans fabrique"))
    if options.choropleth != NO_CHOROPLETH:
        low, high = choropleth_range(choropleth_frame, options.choropleth)
        entries.append(LegendEntry(BLUE_FRANCE, "aplat du clair au foncé", CHOROPLETHS[options.choropleth],
                                   f"par département, de {low} à {high}"))
        if options.choropleth == "pour_100k":
            entries.append(LegendEntry(GREY_LINE, "aplat gris", "Population non disponible",
                                       "Mayotte : pas de population dans la source"))
    if options.without_fabrique:
        entries.append(LegendEntry(RED_MARIANNE, "contour rouge épais", "Département sans fabrique",
                                   "pour le filtre choisi"))
    if options.insets:
        entries.append(LegendEntry(GREY_LINE, "cadre fin", "Outre-mer en encart",
                                   "déplacé et agrandi (échelles différentes)"))
    return entries


def alt_text(headline, scope: str, options: MapOptions, not_placed: int) -> str:
    """One sentence for screen readers; the table under the map holds every figure."""
    parts = [
        f"Carte des fabriques de territoire, {scope} : {fr_int(headline.fabriques)} fabriques "
        f"dans {fr_int(headline.communes)} communes ({fr_int(headline.qpv)} en commune avec QPV, "
        f"{fr_int(headline.rural)} en commune rurale, {fr_int(headline.urbain)} en autre commune urbaine)."
    ]
    parts.append("L'outre-mer est montré en encarts à l'ouest de la Bretagne." if options.insets
                 else "L'outre-mer est à sa position réelle.")
    if not_placed:
        parts.append(f"{fr_int(not_placed)} fabrique(s) sans position, listées sous la carte.")
    parts.append("Le tableau sous la carte liste chaque fabrique.")
    return " ".join(parts)


POSITION_LABELS = {"not_placed": "non placée (pas de coordonnées)",
                   "fallback": "placée par repli documenté", "placed": "placée"}


def fabriques_table(table: pd.DataFrame) -> pd.DataFrame:
    """The table under the map: one row per fabrique of the filter, French headers."""
    return pd.DataFrame({
        "Identifiant": table.fabrique_id,
        "Fabrique": table["name"],
        "Commune": table.commune_name,
        "Département": table.dep_name + " (" + table.dep_code + ")",
        "Région": table.reg_name.fillna("—"),
        "Type de territoire": table.territory_type.map(TERRITORY_TYPES),
        "Vague (déduite)": table.wave_label,
        # Column-wise: a row loop cost 0.7 s a rerun at 100,000 fabriques (pyinstrument).
        "Position sur la carte": np.select(
            [~table.is_placed.astype(bool), table.point_is_fallback.astype(bool)],
            [POSITION_LABELS["not_placed"], POSITION_LABELS["fallback"]], POSITION_LABELS["placed"]),
    })


def fallback_sentence(fallback: pd.DataFrame, most: int = 20) -> str:
    """The fabriques placed by the documented fallback, named (the first ones) as plain text."""
    named = ", ".join(f"{fid} ({commune})" for fid, commune in
                      zip(fallback.fabrique_id[:most], fallback.commune_name[:most]))
    more = len(fallback) - most
    return named + (f" … et {more} autres (colonne « Position sur la carte »)" if more > 0 else "")


NO_COLOUR_NOTE = ("Sans la couleur : le type de chaque point est écrit dans son infobulle, dans la "
                  "fiche de la fabrique et dans la colonne « Type de territoire » du tableau sous la carte.")


def legend_html(entries: list[LegendEntry]) -> str:
    """The legend as a small HTML list (fixed labels only, escaped all the same)."""
    rows = []
    for entry in entries:
        rows.append(
            f'<li style="display:flex;gap:.5rem;align-items:flex-start;margin:.2rem 0">'
            f'<span aria-hidden="true" style="flex:none;width:14px;height:14px;margin-top:3px;'
            f'border-radius:50%;background:{escape(entry.color)};border:1px solid {WHITE};'
            f'box-shadow:0 0 0 1px {escape(entry.color)}"></span>'
            f'<span><strong>{escape(entry.label)}</strong> ({escape(entry.symbol)})<br>'
            f'<small>{escape(entry.detail)}</small></span></li>'
        )
    return ('<ul aria-label="Légende de la carte" style="font-size:.9rem;list-style:none;padding:0;margin:0">'
            + "".join(rows) + f'</ul><p style="font-size:.85rem;margin-top:.5rem">{escape(NO_COLOUR_NOTE)}</p>')


def detail_fields(detail, definition: str) -> list[tuple[str, str]]:
    """(label, value) rows of the detail card; values are data, shown as plain text."""
    position = ("repli documenté : la liste ANCT n'a pas de point pour cette fabrique, elle est "
                "placée au chef-lieu de sa commune" if detail.point_is_fallback
                else "point de la liste ANCT (centre de la commune)")
    if detail.lon != detail.lon or detail.lon is None:
        position = "non placée : aucune coordonnée"
    return [
        ("Fabrique", str(detail["name"])),
        ("Identifiant", str(detail.fabrique_id)),
        ("Commune", f"{detail.commune_name} ({detail.commune_code})"),
        ("Département", f"{detail.dep_name} ({detail.dep_code})"),
        ("Région", detail.reg_name if isinstance(detail.reg_name, str) else "aucune (collectivité d'outre-mer)"),
        ("Type de territoire", f"{TERRITORY_TYPES.get(detail.territory_type, detail.territory_type)} : {definition}"),
        ("Vague (déduite)", f"{detail.wave_label} — déduite de l'ordre des identifiants, la liste ne donne pas la vague"),
        ("Position", position),
        ("Source", str(detail.source)),
    ]


def choropleth_table(choropleth_frame: pd.DataFrame) -> pd.DataFrame:
    """The choropleth's figures for the départements of the filter, readable without the map."""
    in_scope = choropleth_frame[choropleth_frame.in_scope]
    return pd.DataFrame({
        "Département": in_scope.dep_name + " (" + in_scope.dep_code + ")",
        "Fabriques": in_scope.fabriques,
        "Population": [fr_int(v) for v in in_scope.population],
        "Pour 100 000 habitants": [fr_decimal(v, 2) for v in in_scope.per_100k],
    })


def departements_without_table(missing: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Département": missing.dep_name + " (" + missing.dep_code + ")",
        "Région": missing.reg_name.fillna("—"),
        "Population": [fr_int(v) for v in missing.population],
    })
