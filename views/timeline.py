"""Timeline of the waves: announced cumulative totals against the targets, and the average pace.

Only what a source says is drawn: the totals the programme announced, its targets (as targets,
dashed lines), and the count of the list in service. The pace is computed, not announced: the
average number of fabriques added per month between the first and the last announced totals.
Nothing is extended beyond the last announcement.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from domain.format import fr_date, fr_int
from views.charts import french_layout
from views.colors import BLUE_FRANCE, CATEGORICAL, GREY_GRID, GREY_LINE, GREY_TEXT

DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class Pace:
    first_date: date
    first_total: int
    last_date: date
    last_total: int
    per_month: float      # fabriques added per month on average between the two announcements


def announced_only(announced: pd.DataFrame) -> pd.DataFrame:
    """The announced totals in date order (a target announced with a wave is not a total)."""
    return announced.dropna(subset=["announced_total"]).sort_values("milestone_date")


def pace_of(announced: pd.DataFrame) -> Pace:
    """Average pace between the first and the last announced totals (a computed fact)."""
    ordered = announced_only(announced)
    if len(ordered) < 2:
        raise ValueError("Il faut au moins deux totaux annoncés pour calculer un rythme.")
    first, last = ordered.iloc[0], ordered.iloc[-1]
    first_date, last_date = pd.Timestamp(first.milestone_date).date(), pd.Timestamp(last.milestone_date).date()
    months = (last_date - first_date).days / DAYS_PER_MONTH
    per_month = (int(last.announced_total) - int(first.announced_total)) / months
    return Pace(first_date, int(first.announced_total), last_date, int(last.announced_total), per_month)


def timeline_figure(announced: pd.DataFrame, targets: pd.DataFrame, list_count: int,
                    list_date: date, font_size: int = 20) -> go.Figure:
    """Cumulative announced totals, the targets (dotted lines) and the list's own count."""
    ordered = announced_only(announced)
    figure = go.Figure()
    figure.add_trace(go.Scatter(
        x=ordered.milestone_date, y=ordered.announced_total, mode="lines+markers+text",
        name="Total annoncé (cumul)", line={"color": BLUE_FRANCE, "width": 5},
        marker={"size": 14}, text=[fr_int(v) for v in ordered.announced_total],
        textposition="top left", textfont={"size": font_size + 2, "color": BLUE_FRANCE},
        hovertemplate="%{x|%d/%m/%Y} : %{y} fabriques annoncées<extra></extra>",
    ))
    figure.add_trace(go.Scatter(
        x=[list_date], y=[list_count], mode="markers", name=f"Liste ANCT ({fr_int(list_count)} fabriques)",
        marker={"size": 18, "symbol": "diamond", "color": CATEGORICAL[3]},
        hovertemplate=f"Liste ANCT du {fr_date(list_date)} : {fr_int(list_count)} fabriques<extra></extra>",
    ))
    totals = targets[targets.scope == "total"].drop_duplicates("target_value")
    for target in totals.itertuples():
        figure.add_hline(
            y=target.target_value, line={"color": GREY_LINE, "dash": "dot", "width": 2},
            annotation_text=f"Objectif {fr_int(target.target_value)} (fin {pd.Timestamp(target.deadline).year})",
            annotation_position="bottom right", annotation_font={"size": font_size - 2, "color": GREY_TEXT},
        )
    top = max([int(ordered.announced_total.max()), list_count, *[int(v) for v in totals.target_value]])
    french_layout(
        figure, margin={"l": 10, "r": 10, "t": 10, "b": 10},
        # Legend and axis labels inside the paper area: the export adds bands around it.
        legend={"orientation": "h", "y": 0, "yanchor": "bottom", "x": 0.07, "font": {"size": font_size - 2}},
        yaxis={"title": "Fabriques (cumul)", "rangemode": "tozero", "tickformat": "d", "domain": [0.17, 1],
               "range": [0, top * 1.15], "gridcolor": GREY_GRID},
        xaxis={"title": None, "tickformat": "%Y", "dtick": "M12", "gridcolor": GREY_GRID, "domain": [0.07, 1]},
    )
    return figure.update_layout(font_size=font_size)
