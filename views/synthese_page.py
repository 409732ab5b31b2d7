"""Everything the Synthèse page shows for one filter, computed once from its query results.

The page builds a `SynthesePage` once per (filter, data version) and the `NationalTimeline`
once per data version, through app/figure_cache.py, and only lays them out: a warm rerun runs no query, no pandas and builds no figure. The texts
and figures are those of views/synthese.py, views/timeline.py and views/sentences.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from views import sentences, synthese, timeline


@dataclass(frozen=True)
class GaugeView:
    target_id: str
    heading: str
    sentence: str
    figure: go.Figure
    readings: str


@dataclass(frozen=True)
class SynthesePage:
    fabriques: int
    headline_cards: tuple[synthese.Card, ...]
    gauges: tuple[GaugeView, ...]  # national view: one gauge per target
    scope_sentences: tuple[str, ...]  # filtered view: one sentence per target …
    scope_figure: go.Figure | None  # … and the figure of the scope's counts
    scope_figure_height: int
    gauges_table: pd.DataFrame
    census_cards: tuple[synthese.Card, ...]
    census_2019_count: int
    census_2019_help: str
    census_scope_note: str


@dataclass(frozen=True)
class NationalTimeline:
    """The announced totals over time: national whatever the filter, so built once per data
    version (its figure alone was a fifth of a new filter's run)."""
    announced_figure: go.Figure
    announced_alt: str
    announced_table: pd.DataFrame
    timeline_caption: str
    list_limits_note: str


def page_view(*, headline: pd.Series, targets: pd.DataFrame, census: pd.DataFrame,
              census_2019: pd.Series, national: bool, scope: str,
              list_source: str, list_date: date, rural_definition: str) -> SynthesePage:
    gauges = synthese.gauges_to_show(targets, national)
    sentences_of_targets = tuple(synthese.progress_sentence(target, national, scope, list_date, targets)
                                 for target in gauges.itertuples())
    return SynthesePage(
        fabriques=int(headline.fabriques),
        headline_cards=tuple(synthese.headline_cards(headline, national, list_source, rural_definition)),
        gauges=tuple(
            GaugeView(target.target_id, synthese.gauge_heading(target), sentence,
                      synthese.progress_gauge(target, list_date),
                      synthese.gauge_readings_markdown(target, list_date))
            for target, sentence in zip(gauges.itertuples(), sentences_of_targets)) if national else (),
        scope_sentences=() if national else sentences_of_targets,
        scope_figure=None if national else synthese.scope_counts_figure(targets, list_date),
        scope_figure_height=110 * len(gauges) + 80,
        gauges_table=synthese.progress_table(gauges, national, list_date),
        census_cards=tuple(synthese.census_cards(census)),
        census_2019_count=int(census_2019.tiers_lieux),
        census_2019_help=synthese.census_2019_help(census_2019),
        census_scope_note=synthese.census_scope_note(census),
    )


def national_timeline(*, announced: pd.DataFrame, national_targets: pd.DataFrame, national_count: int,
                      list_date: date) -> NationalTimeline:
    """`national_targets`: the targets as the national view reads them (values and deadlines)."""
    pace = timeline.pace_of(announced)
    return NationalTimeline(
        announced_figure=timeline.announced_totals_figure(announced, national_targets, national_count, list_date),
        announced_alt=synthese.announced_totals_alt(announced),
        announced_table=synthese.announced_totals_table(announced),
        timeline_caption=(f"{sentences.timeline_sentence(announced, pace, sentences.NATIONAL)} "
                          f"{sentences.timeline_caveats(announced, national_count, list_date)}"),
        list_limits_note=synthese.list_limits_note(announced, national_count, list_date),
    )
