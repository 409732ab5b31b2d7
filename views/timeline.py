"""Timeline of the waves: announced cumulative totals against the targets, the pace, a projection.

The pace is the average number of fabriques announced per month between the first and the
last announced totals; the projection extends it to the next round hundred above the last
total. It is a straight line through two announcements, not a forecast: the figure draws it
dashed and labels it "projection", and the sentence says so.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go

from domain.format import fr_date, fr_decimal, fr_int
from views.charts import french_layout
from views.colors import BLUE_FRANCE, CATEGORICAL, GREY_GRID, GREY_LINE, GREY_TEXT, RED_MARIANNE

DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class Pace:
    first_date: date
    first_total: int
    last_date: date
    last_total: int
    per_month: float      # fabriques announced per month on average
    horizon: int          # the next round hundred above the last total
    horizon_date: date    # when the pace would reach it


def next_round_hundred(total: int) -> int:
    return (total // 100 + 1) * 100


def pace_of(announced: pd.DataFrame) -> Pace:
    """Average pace between the first and the last announced totals, and where it leads."""
    ordered = announced.dropna(subset=["announced_total"]).sort_values("milestone_date")
    if len(ordered) < 2:
        raise ValueError("Il faut au moins deux totaux annoncés pour calculer un rythme.")
    first, last = ordered.iloc[0], ordered.iloc[-1]
    first_date, last_date = pd.Timestamp(first.milestone_date).date(), pd.Timestamp(last.milestone_date).date()
    months = (last_date - first_date).days / DAYS_PER_MONTH
    per_month = (int(last.announced_total) - int(first.announced_total)) / months
    horizon = next_round_hundred(int(last.announced_total))
    if per_month <= 0:
        raise ValueError("Les totaux annoncés ne progressent pas : aucune projection possible.")
    months_to_go = (horizon - int(last.announced_total)) / per_month
    horizon_date = last_date + timedelta(days=round(months_to_go * DAYS_PER_MONTH))
    return Pace(first_date, int(first.announced_total), last_date, int(last.announced_total),
                per_month, horizon, horizon_date)


def timeline_figure(announced: pd.DataFrame, targets: pd.DataFrame, list_count: int,
                    list_date: date, pace: Pace, font_size: int = 20) -> go.Figure:
    """Cumulative announced totals, the targets, the list's own count and the dashed projection."""
    ordered = announced.dropna(subset=["announced_total"]).sort_values("milestone_date")
    figure = go.Figure()
    figure.add_trace(go.Scatter(
        x=ordered.milestone_date, y=ordered.announced_total, mode="lines+markers+text",
        name="Total annoncé (cumul)", line={"color": BLUE_FRANCE, "width": 5},
        marker={"size": 14}, text=[fr_int(v) for v in ordered.announced_total],
        textposition="top left", textfont={"size": font_size + 2, "color": BLUE_FRANCE},
        hovertemplate="%{x|%d/%m/%Y} : %{y} fabriques annoncées<extra></extra>",
    ))
    figure.add_trace(go.Scatter(
        x=[pace.last_date, pace.horizon_date], y=[pace.last_total, pace.horizon],
        mode="lines+markers+text", name=f"Projection au rythme moyen ({fr_decimal(pace.per_month)} par mois)",
        line={"color": RED_MARIANNE, "width": 4, "dash": "dash"},
        marker={"size": [0, 14], "symbol": "circle-open", "color": RED_MARIANNE},
        text=["", f"projection : {fr_int(pace.horizon)}"], textposition="top left",
        textfont={"size": font_size, "color": RED_MARIANNE},
        hovertemplate="Projection : %{y} fabriques vers %{x|%m/%Y}<extra></extra>",
    ))
    figure.add_trace(go.Scatter(
        x=[list_date], y=[list_count], mode="markers", name=f"Liste ANCT ({fr_int(list_count)} fabriques)",
        marker={"size": 18, "symbol": "diamond", "color": CATEGORICAL[3]},
        hovertemplate=f"Liste ANCT du {fr_date(list_date)} : {fr_int(list_count)} fabriques<extra></extra>",
    ))
    for target in targets[targets.scope == "total"].drop_duplicates("target_value").itertuples():
        figure.add_hline(
            y=target.target_value, line={"color": GREY_LINE, "dash": "dot", "width": 2},
            annotation_text=f"Objectif {fr_int(target.target_value)} (fin {pd.Timestamp(target.deadline).year})",
            annotation_position="bottom right", annotation_font={"size": font_size - 2, "color": GREY_TEXT},
        )
    french_layout(
        figure, margin={"l": 10, "r": 10, "t": 10, "b": 10},
        # Legend and axis labels inside the paper area: the export adds bands around it.
        legend={"orientation": "h", "y": 0, "yanchor": "bottom", "x": 0.07, "font": {"size": font_size - 2}},
        yaxis={"title": "Fabriques (cumul)", "rangemode": "tozero", "tickformat": "d", "domain": [0.17, 1],
               "range": [0, pace.horizon * 1.12], "gridcolor": GREY_GRID},
        xaxis={"title": None, "tickformat": "%Y", "dtick": "M12", "gridcolor": GREY_GRID, "domain": [0.07, 1]},
    )
    return figure.update_layout(font_size=font_size)
