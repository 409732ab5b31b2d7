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

from domain.format import fr_date, fr_int, fr_milestone_date, fr_milestone_when, fr_month
from views.charts import french_layout, wrapped
from views.colors import BLUE_FRANCE, BLUE_FRANCE_MAIN, CATEGORICAL, GREY_GRID, GREY_LINE, GREY_TEXT

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


def list_and_later_wave_sentence(announced: pd.DataFrame, list_count: int, list_date: date) -> str | None:
    """The list's count and the last announced total told as one story, when an announcement after
    the list splits its laureates into new places and fabriques labelled again (both from the
    milestones): '… aux 382 fabriques de la liste de janvier 2024 s'ajoutent 25 nouveaux lieux,
    soit 407.' None when no such announcement exists."""
    later = announced.dropna(subset=["announced_total", "new_places", "relabelled"])
    later = later[pd.to_datetime(later.milestone_date).dt.date > list_date]
    if later.empty:
        return None
    wave = later.sort_values("milestone_date").iloc[-1]
    laureates, new, again = int(wave.new_laureates), int(wave.new_places), int(wave.relabelled)
    moment = fr_milestone_when(pd.Timestamp(wave.milestone_date).date(), wave.date_precision)
    text = (f"La vague annoncée {moment} a retenu {fr_int(laureates)} lauréats, dont {fr_int(new)} nouveaux "
            f"lieux et {fr_int(again)} fabriques déjà labellisées qui le sont de nouveau")
    if list_count + new == int(wave.announced_total):
        return (f"{text} : aux {fr_int(list_count)} fabriques de la liste de l'ANCT de {fr_month(list_date)} "
                f"s'ajoutent ses {fr_int(new)} nouveaux lieux, soit {fr_int(wave.announced_total)} fabriques.")
    return f"{text} ; le programme a alors compté {fr_int(wave.announced_total)} fabriques."


@dataclass(frozen=True)
class ChartStyle:
    """What differs between the Synthèse page's chart and the slide's: sizes, colours, layout.

    The data, the traces and their words are the same on both.
    """
    line_color: str
    line_width: int
    marker_size: int
    list_marker_size: int
    target_dash: str
    slide: bool  # fixed font sizes, legend inside the paper (the export adds bands around it)


# The page draws on the theme's background (the lighter blue reads in both themes);
# the slide on a white page (views/charts.on_white_page).
PAGE_STYLE = ChartStyle(BLUE_FRANCE_MAIN, 3, 9, 13, "dash", slide=False)
SLIDE_STYLE = ChartStyle(BLUE_FRANCE, 5, 14, 18, "dot", slide=True)


def announced_totals_figure(announced: pd.DataFrame, targets: pd.DataFrame, list_count: int,
                            list_date: date, style: ChartStyle = PAGE_STYLE,
                            font_size: int = 20) -> go.Figure:
    """Cumulative announced totals, the targets (dashed lines) and the list's own count.

    `font_size` applies to the slide style only; the page keeps the app's chart font.
    """
    ordered = announced_only(announced)
    list_name = f"Liste en service ({fr_month(list_date)})"
    figure = go.Figure()
    figure.add_trace(go.Scatter(
        x=ordered.milestone_date, y=ordered.announced_total, mode="lines+markers+text",
        name="Total annoncé (cumul)", line={"color": style.line_color, "width": style.line_width},
        marker={"size": style.marker_size, "symbol": "circle"},
        text=[fr_int(v) for v in ordered.announced_total],
        # Above left of each point, clear of the rising line; the first one, at the axis' start,
        # below right (left of it, its number met the axis' ticks).
        textposition=["bottom right"] + ["top left"] * (len(ordered) - 1), cliponaxis=False,
        customdata=list(zip([fr_milestone_date(d, p) for d, p in zip(ordered.milestone_date, ordered.date_precision)],
                            ordered.event)),
        hovertemplate="%{customdata[0]} — %{customdata[1]}<br>%{y} fabriques annoncées<extra></extra>",
        **({"textfont": {"size": font_size + 2, "color": style.line_color}} if style.slide else {}),
    ))
    figure.add_trace(go.Scatter(
        x=[list_date], y=[list_count], mode="markers",
        # On the page the legend may be a phone's width: on two lines there.
        name=(f"{list_name} : {fr_int(list_count)} fabriques" if style.slide
              else wrapped(f"{list_name} : {fr_int(list_count)} fabriques", 34)),
        marker={"size": style.list_marker_size, "symbol": "diamond", "color": CATEGORICAL[3]},
        hovertemplate=f"{list_name} : {fr_int(list_count)} fabriques<extra></extra>",
    ))
    totals = targets[targets.scope == "total"].drop_duplicates("target_value")
    for i, target in enumerate(totals.itertuples()):
        figure.add_hline(
            y=target.target_value,
            line={"color": GREY_LINE, "dash": style.target_dash, **({"width": 2} if style.slide else {})},
            # On the page, on two short lines: whole on a phone, clear of the line it labels.
            annotation_text=(f"Objectif {fr_int(target.target_value)} ({fr_date(target.deadline)})" if style.slide
                             else f"Objectif {fr_int(target.target_value)}<br>{fr_date(target.deadline)}"),
            annotation_position="bottom right" if i == 0 else "top left",
            **({"annotation_font": {"size": font_size - 2, "color": GREY_TEXT}} if style.slide else {}),
        )
    # Years only on the axis: plotly's own month names are English ("Jul 2021").
    xaxis = {"title": None, "tickformat": "%Y", "dtick": "M12"}
    # Room above the highest point for its number.
    top = max([int(ordered.announced_total.max()), list_count, *[int(v) for v in totals.target_value]])
    yaxis = {"title": "Fabriques (cumul)", "rangemode": "tozero", "tickformat": "d", "range": [0, top * 1.15]}
    if not style.slide:
        # Four months before the first total: room for its number, left of the point.
        start = pd.Timestamp(ordered.milestone_date.min()) - pd.DateOffset(months=4)
        end = pd.Timestamp(max(pd.Timestamp(ordered.milestone_date.max()), pd.Timestamp(list_date))) \
            + pd.DateOffset(months=2)
        return french_layout(figure, height=380, margin={"l": 10, "r": 10, "t": 30, "b": 10},
                             legend={"orientation": "h", "y": -0.15},
                             xaxis={**xaxis, "range": [start, end]}, yaxis={**yaxis, "automargin": True})
    french_layout(
        figure, margin={"l": 10, "r": 10, "t": 10, "b": 10},
        # Legend and axis labels inside the paper area: the export adds bands around it.
        legend={"orientation": "h", "y": 0, "yanchor": "bottom", "x": 0.07, "font": {"size": font_size - 2}},
        yaxis={**yaxis, "domain": [0.17, 1], "gridcolor": GREY_GRID},
        xaxis={**xaxis, "gridcolor": GREY_GRID, "domain": [0.07, 1]},
    )
    return figure.update_layout(font_size=font_size)
