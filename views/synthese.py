"""Builders of the Synthèse page: headline cards, target gauges, the announced totals."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from domain.format import fr_date, fr_int, fr_month, fr_percent, share
from domain.labels import SCOPE_LABELS, SCOPE_NOUNS
from views.charts import french_layout
from views.colors import BLUE_FRANCE, BLUE_FRANCE_MAIN, CATEGORICAL, GREY_BACKGROUND_ALT, GREY_LINE, RED_MARIANNE

@dataclass(frozen=True)
class Card:
    label: str
    value: str
    help: str


def headline_cards(headline: pd.Series, national_scope: bool, list_source: str) -> list[Card]:
    """Counts of the current filter; under a filter each says its share of the national count."""
    def card(label, value, national, definition):
        note = definition
        if not national_scope:
            note += f" Soit {fr_percent(share(value, national))} du total national ({fr_int(national)})."
        return Card(label, fr_int(value), note)

    return [
        card("Fabriques dans la liste", headline.fabriques, headline.national_fabriques,
             f"Fabriques de la liste en service : {list_source}."),
        card("En commune avec QPV", headline.qpv, headline.national_qpv,
             "Commune comptant au moins un QPV 2024 (approximation au niveau communal)."),
        card("En commune rurale", headline.rural, headline.national_rural,
             "Commune rurale selon la définition choisie, hors communes avec QPV."),
    ]


def census_cards(census: pd.DataFrame) -> list[Card]:
    """National census counts, with the qualifier of the source ("près de 1 800")."""
    qualifiers = {"pres de": "près de", "plus de": "plus de", "environ": "environ"}
    return [
        Card(f"Tiers-lieux en {row.census_year}",
             f"{qualifiers.get(row.qualifier, row.qualifier)} {fr_int(row.tiers_lieux)}",
             f"Recensement national — {row.producer}.")
        for row in census.itertuples()
    ]


def gauges_to_show(targets: pd.DataFrame, national_scope: bool) -> pd.DataFrame:
    """Every target nationally; under a filter one gauge per scope (shares do not depend on the deadline)."""
    return targets if national_scope else targets.drop_duplicates("scope")


def gauge_heading(target: pd.Series, national_scope: bool) -> str:
    if national_scope:
        return (f"**{SCOPE_LABELS[target.scope]}** — objectif {fr_int(target.target_value)} "
                f"au {fr_date(target.deadline)}")
    return (f"**{SCOPE_LABELS[target.scope]}** — part des {fr_int(target.national_achieved)} "
            f"de France")


def progress_sentence(target: pd.Series, national_scope: bool, scope_name: str) -> str:
    """The gauge said in words (also its text alternative)."""
    what = SCOPE_NOUNS[target.scope]
    # French agreement: "1 fabrique en commune rurale", "0 fabrique", "2 fabriques".
    achieved_what = what if target.achieved > 1 else what.replace("fabriques", "fabrique", 1)
    if national_scope:
        return (f"{fr_int(target.achieved)} {achieved_what} pour un objectif de {fr_int(target.target_value)} "
                f"à l'échéance du {fr_date(target.deadline)}, soit "
                f"{fr_percent(share(target.achieved, target.target_value), 0)} de l'objectif.")
    return (f"{scope_name} : {fr_int(target.achieved)} {achieved_what}, soit "
            f"{fr_percent(share(target.achieved, target.national_achieved))} des "
            f"{fr_int(target.national_achieved)} {what} de France. L'objectif national est de "
            f"{fr_int(target.target_value)} ; il n'existe pas d'objectif régional.")


def progress_gauge(target: pd.Series, national_scope: bool) -> go.Figure:
    """A gauge of one target; under a filter, of the share of the national count."""
    if national_scope:
        reference = int(target.target_value)
        axis_max = max(reference, int(target.achieved)) * 1.15
        # A fixed size: plotly's automatic one overflows the arc with the system fonts.
        number = {"valueformat": "d", "font": {"size": 40}}
        delta = {"reference": reference, "relative": False, "valueformat": "+d",
                 "increasing": {"color": BLUE_FRANCE_MAIN}, "decreasing": {"color": RED_MARIANNE},
                 # Bold 19 px is "large text" for WCAG (3:1): these two colours pass on both themes.
                 "font": {"size": 19, "weight": "bold"}}
        mode = "gauge+number+delta"
    else:
        reference = int(target.national_achieved)
        axis_max = max(reference, 1)
        number = {"valueformat": "d", "font": {"size": 40}}
        delta = None
        mode = "gauge+number"
    figure = go.Figure(
        go.Indicator(
            mode=mode,
            value=int(target.achieved),
            number=number,
            delta=delta,
            gauge={
                "axis": {"range": [0, axis_max], "tickformat": "d"},
                "bar": {"color": BLUE_FRANCE},
                "bgcolor": GREY_BACKGROUND_ALT,
                "threshold": {"line": {"color": RED_MARIANNE, "width": 4}, "thickness": 0.85,
                              "value": reference},
            },
        )
    )
    return french_layout(figure, height=210, margin={"l": 30, "r": 30, "t": 20, "b": 10})


def announced_totals_chart(announced: pd.DataFrame, targets: pd.DataFrame,
                           list_count: int, list_date) -> go.Figure:
    """Announced cumulative totals over time against the targets, and the list's own count."""
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=announced.milestone_date, y=announced.announced_total, mode="lines+markers+text",
            name="Total annoncé (cumul)", line={"color": BLUE_FRANCE_MAIN, "width": 3},
            marker={"size": 9, "symbol": "circle"},
            text=[fr_int(v) for v in announced.announced_total], textposition="top left",
            customdata=list(zip([fr_date(d) for d in announced.milestone_date], announced.event)),
            hovertemplate="%{customdata[0]} — %{customdata[1]}<br>%{y} fabriques annoncées<extra></extra>",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=[list_date], y=[list_count], mode="markers", name=f"Liste en service ({fr_month(list_date)})",
            marker={"size": 13, "symbol": "diamond", "color": CATEGORICAL[3]},
            hovertemplate=f"Liste en service ({fr_month(list_date)}) : {fr_int(list_count)} fabriques<extra></extra>",
        )
    )
    for i, target in enumerate(targets[targets.scope == "total"].itertuples()):
        figure.add_hline(
            y=target.target_value, line={"color": GREY_LINE, "dash": "dash"},
            annotation_text=f"Objectif {fr_int(target.target_value)} ({fr_date(target.deadline)})",
            annotation_position="bottom right" if i == 0 else "top left",
        )
    return french_layout(
        figure, height=380, margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": -0.15},
        yaxis={"title": "Fabriques (cumul)", "rangemode": "tozero", "tickformat": "d"},
        # Years only: plotly's own month names are English ("Jul 2021").
        xaxis={"title": None, "tickformat": "%Y", "dtick": "M12"},
    )


def announced_totals_alt(announced: pd.DataFrame) -> str:
    return "Courbe des totaux annoncés : " + ", ".join(
        f"{fr_int(v)} au {fr_date(d)}" for d, v in zip(announced.milestone_date, announced.announced_total)
    ) + "."


def announced_totals_table(announced: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Date": [fr_date(d) for d in announced.milestone_date],
        "Annonce": announced.event,
        "Nouveaux lauréats": [fr_int(v) if pd.notna(v) else "—" for v in announced.new_laureates],
        "Total annoncé": [fr_int(v) for v in announced.announced_total],
        "Source": announced.source_url,
    })


def progress_table(gauges: pd.DataFrame, national_scope: bool) -> pd.DataFrame:
    """The gauges' numbers as a table (their text alternative beside the sentences)."""
    if national_scope:
        return pd.DataFrame({
            "Objectif": [SCOPE_LABELS[scope] for scope in gauges.scope],
            "Échéance": [fr_date(deadline) for deadline in gauges.deadline],
            "Objectif (fabriques)": [fr_int(v) for v in gauges.target_value],
            "Fabriques dans la liste": [fr_int(v) for v in gauges.achieved],
            "Part de l'objectif": [fr_percent(share(a, t), 0) for a, t in zip(gauges.achieved, gauges.target_value)],
        })
    return pd.DataFrame({
        "Fabriques": [SCOPE_LABELS[scope] for scope in gauges.scope],
        "Ce périmètre": [fr_int(v) for v in gauges.achieved],
        "France": [fr_int(v) for v in gauges.national_achieved],
        "Part du total national": [fr_percent(share(a, n)) for a, n in zip(gauges.achieved, gauges.national_achieved)],
        "Objectif national": [fr_int(v) for v in gauges.target_value],
    })
