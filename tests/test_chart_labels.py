"""Labels written on bar charts (views/charts.py): added in one step, in order, where the bars lie."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from views.charts import add_annotations, bar_rows, labels_above_bars
from views.territoires import counts_chart


def test_annotations_are_added_after_those_already_there_in_their_order():
    figure = go.Figure()
    figure.add_annotation(text="déjà là", x=0, y=0, showarrow=False)
    add_annotations(figure, [{"text": "un", "x": 1, "y": 1}, {"text": "deux", "x": 2, "y": 2}])
    add_annotations(figure, [])
    assert [a.text for a in figure.layout.annotations] == ["déjà là", "un", "deux"]
    assert figure.layout.annotations[2].x == 2


def test_the_rows_known_before_the_labels_are_where_the_labels_put_the_bars():
    labels = ["Bretagne", "Île-de-France<br>(ville)", "Corse"]
    for grouped in (False, True):
        figure = go.Figure([go.Bar(y=labels, x=[1, 2, 3], orientation="h"),
                            go.Bar(y=labels, x=[3, 2, 1], orientation="h")])
        before = bar_rows(figure, labels, 18, grouped=grouped, gap_px=12)
        after = labels_above_bars(figure, labels, 18, grouped=grouped, gap_px=12,
                                  more_annotations=({"text": "fin", "x": 0, "y": 0},))
        assert before == after
        assert [a.text for a in figure.layout.annotations] == [*labels, "fin"]


def test_each_bar_has_its_name_above_and_its_total_at_its_end():
    frame = pd.DataFrame({"reg_name": ["Bretagne", "Corse"], "fabriques": [23, 4], "qpv": [8, 1],
                          "rural": [15, 3], "urbain": [0, 0], "indetermine": [0, 0]})
    figure = counts_chart(frame, "reg_name", "hors_grands_centres")
    texts = [a.text for a in figure.layout.annotations]
    assert texts[:2] == ["Bretagne", "Corse"] and texts[2:] == [" 23", " 4"]
    rows = bar_rows(figure, ["Bretagne", "Corse"], 20)
    assert [a.y for a in figure.layout.annotations[2:]] == [rows.centre(0), rows.centre(1)]
    assert [a.x for a in figure.layout.annotations[2:]] == [23, 4]
