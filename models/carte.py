"""What the Carte page shows for one scope and one placement of overseas France, assembled once.

`page(scope, insets)`: the headline (the scope's figures, as on Synthèse), the points and the
table of the map, the choropleth, the départements without fabrique, the view's bounds and the
tables under the map. `deck(...)`: the pydeck map of these, per layer choice, selected commune
and width. `card(scope, fabrique_id)`: a fabrique's card. `point_file(...)`: the points the
browser fetches by URL (app/web/static_points.py). Every territory type is named under the
scope's rural definition (`territory_label`).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pydeck as pdk

from domain.territory_types import definitions, type_labels
from models import figures
from models.grid import for_grid
from models.scope import Scope
from models.store import kept
from views import map_card, map_layers, map_options, map_tables, map_text
from views.synthese import census_2019_description


@dataclass(frozen=True)
class CartePage:
    headline: pd.Series
    points: pd.DataFrame
    table: pd.DataFrame  # one row per fabrique, with territory_label
    choropleth_frame: pd.DataFrame
    missing: pd.DataFrame
    bounds: pd.Series  # the view and the frame's height follow the column's width (the page's)
    not_placed: int
    commune_of: dict[str, str]  # fabrique id → commune code
    names: dict[str, str]  # fabrique id → name
    fabriques_in_commune: dict[str, int]  # commune code → fabriques of the filter there
    fallback_sentence: str | None
    fabriques_table: pa.Table
    without_table: pa.Table | None
    choropleth_table: pa.Table

    def legend(self, options: map_options.MapOptions, scope: Scope, insets_in_view: bool = True) -> str:
        return map_text.legend_html(map_text.legend_entries(
            options, self.headline, self.choropleth_frame, scope.manifest.get("population_vintage"),
            scope.rural_definition, insets_in_view))


def _labelled(frame: pd.DataFrame, rural_definition: str) -> pd.DataFrame:
    """The frame with each fabrique's type named under the definition it was counted under."""
    return frame.assign(territory_label=frame.territory_type.map(type_labels(rural_definition)))


def labelled_table(scope: Scope) -> pd.DataFrame:
    return kept("carte_table", scope.key,
                lambda: _labelled(scope.run("map_table", **scope.params), scope.rural_definition))


def page(scope: Scope, insets: bool) -> CartePage:
    def build() -> CartePage:
        table = labelled_table(scope)
        choropleth_frame = scope.run("map_choropleth", **scope.params)
        missing = scope.run("map_departements_without_fabrique", **scope.params)
        f = scope.filters
        fallback = table[table.point_is_fallback]
        vintage = scope.manifest.get("population_vintage")
        return CartePage(
            headline=figures.of(scope).headline,
            points=scope.run("map_points", **scope.params, insets=insets),
            table=table, choropleth_frame=choropleth_frame, missing=missing,
            bounds=scope.run("map_view_bounds", region=f.region, departement=f.departement, epci=f.epci,
                             insets=insets).iloc[0],
            not_placed=int((~table.is_placed).sum()),
            commune_of=dict(zip(table.fabrique_id, table.commune_code)),
            names=dict(zip(table.fabrique_id, table["name"])),
            fabriques_in_commune=table.commune_code.value_counts().to_dict(),
            fallback_sentence=map_tables.fallback_sentence(fallback) if len(fallback) else None,
            fabriques_table=for_grid(map_tables.fabriques_table(table)),
            without_table=for_grid(map_tables.departements_without_table(missing)) if len(missing) else None,
            choropleth_table=for_grid(map_tables.choropleth_table(choropleth_frame, vintage)),
        )

    return kept("carte", (*scope.key, insets), build)


def census_help(scope: Scope) -> str:
    """The 2018–2019 census layer's help: national, once per data version."""
    return kept("carte_census_help", scope.version_key, lambda: census_2019_description(
        scope.run("tiers_lieux_2019_count", region=None, departement=None, epci=None).iloc[0]))


def deck(scope: Scope, options: map_options.MapOptions, selected_commune: str | None, width: int,
         outline_urls: dict[str, str], point_urls: dict[str, str]) -> pdk.Deck:
    """The map of the scope, once per layer choice, selected commune and width. The outlines and
    the points travel as files the browser fetches once (their URLs, from app/web)."""
    view = page(scope, options.insets)
    f = scope.filters

    def build() -> pdk.Deck:
        return map_layers.build_deck(
            options=options, outlines=scope.run("map_outlines", insets=options.insets),
            choropleth_frame=view.choropleth_frame, points=view.points, table=view.table,
            bounds=view.bounds, width=width,
            census=scope.run("map_tiers_lieux_2019", region=f.region, departement=f.departement, epci=f.epci,
                             insets=options.insets) if options.census else None,
            qpv_communes=scope.run("map_qpv_communes", region=f.region, departement=f.departement, epci=f.epci,
                                   insets=options.insets) if options.qpv_communes else None,
            without_fabrique=view.missing, selected_commune=selected_commune,
            outline_urls=outline_urls, point_urls=point_urls,
        )

    return kept("carte_deck", (*scope.key, *dataclasses.astuple(options), selected_commune, width),
                build, large=True)


@dataclass(frozen=True)
class FabriqueCard:
    fabrique_id: str
    commune_code: str
    fields: tuple[tuple[str, str], ...]


def card(scope: Scope, fabrique_id: str) -> FabriqueCard | None:
    """A fabrique's card (whatever the filter: a shared link may name one outside it), or None
    when the list has no such fabrique."""
    def build() -> FabriqueCard | None:
        found = scope.run("map_fabrique_detail", fabrique_id=fabrique_id,
                          rural_definition=scope.rural_definition)
        if found.empty:
            return None
        detail = found.iloc[0]
        definition = definitions(scope.rural_definition).get(detail.territory_type, "")
        return FabriqueCard(fabrique_id, detail.commune_code,
                            tuple(map_card.detail_fields(detail, definition, scope.rural_definition)))

    return kept("carte_fiche", (*scope.version_key, fabrique_id, scope.rural_definition), build)


def point_file(scope: Scope, insets: bool, territory_type: str) -> bytes:
    """The points of one territory type, as the map fetches them (with their tooltips)."""
    return map_layers.point_file_bytes(page(scope, insets).points, labelled_table(scope), territory_type)

