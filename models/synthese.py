"""Everything the Synthèse page shows for one scope, assembled once; the API's indicateurs.json
reads the same model (its `figures`), so the page and the API give the same numbers.

`page(scope)` is built once per scope, `timeline(scope)` once per data version (the announced
totals are national whatever the filter): a rerun only lays them out.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from domain.format import fr_int
from domain.territory_types import RURAL_DEFINITIONS
from models import figures as scope_figures
from models.scope import Scope
from models.store import kept
from views import sentences, synthese, timeline as tl


@dataclass(frozen=True)
class GaugeView:
    target_id: str
    heading: str
    sentence: str
    figure: go.Figure
    readings: str


@dataclass(frozen=True)
class SynthesePage:
    figures: scope_figures.ScopeFigures  # the counts every other surface reads too
    national: bool
    headline_cards: tuple[synthese.Card, ...]
    deadline_note: str
    gauges: tuple[GaugeView, ...]  # national view: one gauge per target
    scope_sentences: tuple[str, ...]  # filtered view: one sentence per target …
    scope_figure: go.Figure | None  # … and the figure of the scope's counts
    scope_figure_height: int
    gauges_table: pd.DataFrame
    definitions_comparison: pd.DataFrame  # the rural target under each definition, labelled so
    census_cards: tuple[synthese.Card, ...]  # national censuses, then this scope's 2019 count
    census_scope_note: str

    @property
    def fabriques(self) -> int:
        return self.figures.fabriques


@dataclass(frozen=True)
class NationalTimeline:
    """The announced totals over time: national whatever the filter, so built once per data
    version (its figure alone was a fifth of a new filter's run)."""
    announced_figure: go.Figure
    announced_alt: str
    announced_table: pd.DataFrame
    timeline_caption: str
    list_limits_note: str


def page(scope: Scope) -> SynthesePage:
    return kept("synthese", scope.key, lambda: _page(scope))


def _page(scope: Scope) -> SynthesePage:
    counted = scope_figures.of(scope)
    national, targets, list_date = scope.is_national, counted.targets, scope.list_date
    gauges = synthese.gauges_to_show(targets, national)
    sentences_of_targets = tuple(synthese.progress_sentence(target, national, scope.description, list_date, targets)
                                 for target in gauges.itertuples())
    census = scope.run("census_totals")
    f = scope.filters
    census_2019 = scope.run("tiers_lieux_2019_count", region=f.region, departement=f.departement,
                            epci=f.epci).iloc[0]
    scope_figure = None if national else synthese.scope_counts_figure(targets, list_date, labels_above=True)
    by_definition = {definition: scope_figures.of(scope.with_rural(definition)).targets
                     for definition in RURAL_DEFINITIONS}
    return SynthesePage(
        figures=counted, national=national,
        headline_cards=tuple(synthese.headline_cards(counted.headline, national, scope.list_source,
                                                     scope.rural_definition)),
        deadline_note=synthese.deadline_note(list_date),
        gauges=tuple(
            GaugeView(target.target_id, synthese.gauge_heading(target), sentence,
                      synthese.progress_gauge(target, list_date),
                      synthese.gauge_readings_markdown(target, list_date))
            for target, sentence in zip(gauges.itertuples(), sentences_of_targets)) if national else (),
        scope_sentences=() if national else sentences_of_targets,
        scope_figure=scope_figure,
        scope_figure_height=int(scope_figure.layout.height) if scope_figure is not None else 0,
        gauges_table=synthese.progress_table(gauges, national, list_date),
        definitions_comparison=synthese.definitions_comparison(by_definition, list_date, national),
        census_cards=(*synthese.census_cards(census),
                      synthese.Card(f"Tiers-lieux recensés en 2018–2019 {scope.place.locative}",
                                    fr_int(census_2019.tiers_lieux), synthese.census_2019_help(census_2019))),
        census_scope_note=synthese.census_scope_note(census),
    )


def timeline(scope: Scope) -> NationalTimeline:
    """National whatever the filter: the targets' values and deadlines, the list's whole count."""
    def build() -> NationalTimeline:
        national = scope_figures.of(scope.national())
        announced = scope.run("announced_totals")
        national_count = national.fabriques
        pace = tl.pace_of(announced)
        return NationalTimeline(
            announced_figure=tl.announced_totals_figure(announced, national.targets, national_count,
                                                        scope.list_date),
            announced_alt=synthese.announced_totals_alt(announced),
            announced_table=synthese.announced_totals_table(announced),
            timeline_caption=(f"{sentences.timeline_sentence(announced, pace, sentences.NATIONAL)} "
                              f"{sentences.timeline_caveats(announced, national_count, scope.list_date)}"),
            list_limits_note=synthese.list_limits_note(announced, national_count, scope.list_date),
        )

    return kept("synthese_timeline", scope.version_key, build)
