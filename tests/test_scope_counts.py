"""Under a région or a département filter the targets are national: the screen (Synthèse and the
Présentation's second slide) shows the scope's own counts as bars with their share of France, as
the PowerPoint does, never its count on a 0–382 (or 0–300) dial. Nationally, the gauges stay."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from domain.format import fr_date, fr_int, fr_percent, share
from queries import run
from views import announcement, slides, synthese

LIST_DATE = date(2024, 1, 26)


def _targets(**place):
    params = {"region": None, "departement": None, "epci": None, "territoire": None,
              "rural_definition": "insee", **place}
    return run("progress_toward_targets", **params)


@pytest.mark.parametrize("place", [{"region": "53"}, {"departement": "29"}], ids=["bretagne", "finistere"])
def test_a_scope_gets_its_own_counts_as_bars_not_a_national_dial(place):
    targets = _targets(**place)
    for figure in (slides.gauges_figure(targets, national=False, list_date=LIST_DATE),
                   synthese.scope_counts_figure(targets, LIST_DATE)):
        assert {trace.type for trace in figure.data} == {"bar"}  # no indicator, no dial
        shown = synthese.gauges_to_show(targets, national_scope=False)
        bars = figure.data[0]
        assert list(bars.x) == [int(v) for v in shown.achieved]
        # The axis reads at the scope's scale: the national count is far off it.
        axis_max = figure.layout.xaxis.range[1]
        assert axis_max <= max(int(shown.achieved.max()), 1) * 1.5 < int(shown.national_achieved.min())
        for label, t in zip(bars.y, shown.itertuples()):
            # Each bar names its category (the definition), its share of France and the
            # national targets, said to be national, all read from the targets frame.
            assert synthese.target_name(t) in label
            assert f"{fr_percent(share(t.achieved, t.national_achieved))} des {fr_int(t.national_achieved)} de France" in label
            for goal in targets[targets.scope == t.scope].itertuples():
                assert f"{fr_int(goal.target_value)} au {fr_date(goal.deadline)}" in label
            assert "objectif national" in label
    # The same decision as the PowerPoint's regional slide: the same categories and counts.
    chart = announcement.targets_chart(SimpleNamespace(targets=targets, place=SimpleNamespace(
        is_national=False, name="Ce périmètre", locative="dans ce périmètre")))
    assert chart.series[0][1] == [int(v) for v in synthese.gauges_to_show(targets, False).achieved]


def test_bretagne_total_bar_holds_23_and_names_both_national_targets():
    targets = _targets(region="53")
    figure = synthese.scope_counts_figure(targets, LIST_DATE)
    total = next(label for label in figure.data[0].y if "Toutes les fabriques" in label)
    national_total = targets[targets.scope == "total"]
    assert figure.data[0].x[0] == int(national_total.achieved.iloc[0])
    assert total.count(" au ") == len(national_total)  # every national target of the scope (2021, 2023)


def test_national_scope_keeps_one_gauge_per_target():
    targets = _targets()
    figure = slides.gauges_figure(targets, national=True, list_date=LIST_DATE)
    assert [trace.type for trace in figure.data] == ["indicator"] * len(targets)
    for trace, t in zip(figure.data, targets.itertuples()):
        assert trace.value == int(t.achieved_at_deadline)
        assert trace.gauge.threshold.value == int(t.target_value)



def test_scope_sentence_names_every_national_target_of_its_category():
    targets = _targets(departement="29")
    for t in synthese.gauges_to_show(targets, national_scope=False).itertuples():
        sentence = synthese.progress_sentence(t, False, "Finistère", LIST_DATE, targets)
        for goal in targets[targets.scope == t.scope].itertuples():
            assert f"{fr_int(goal.target_value)} au {fr_date(goal.deadline)}" in sentence
        assert "il n'existe pas d'objectif régional ou départemental" in sentence


def test_deck_and_press_kit_figures_say_the_national_targets_too():
    """The PowerPoint's and the PDF's target figures (announcement.target_figures) say, as the
    screen does, the national targets of each category, named as national."""
    from conftest import announcement_data
    from views.filters import Filters

    data = announcement_data(Filters(region="53"), LIST_DATE)
    figures = announcement.target_figures(data)
    shown = synthese.gauges_to_show(data.targets, national_scope=False)
    assert [f.value for f in figures] == [fr_int(v) for v in shown.achieved]
    for figure, t in zip(figures, shown.itertuples()):
        assert f"de France ; {synthese.national_targets_text(data.targets, t.scope)}" in figure.detail
