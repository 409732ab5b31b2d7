"""Builders of the Territoires page: counts by territory type, per inhabitant, coverage gaps,
regional shares of the national targets. Frames in, figures, tables and sentences out."""
from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

import pandas as pd
import plotly.graph_objects as go

from domain.format import as_text, fr_date, fr_decimal, fr_int, fr_percent
from domain.labels import SCOPES, scope_label
from domain.territory_types import DEFAULT_RURAL_DEFINITION, TYPE_ORDER, type_label
from views.charts import BarRows, bar_rows, french_layout, labels_above_bars, wrapped
from views.colors import BLUE_FRANCE_MAIN, CATEGORICAL, GREY_MEDIUM, TERRITORY_COLORS, readable_text_on

TARGET_COLORS = {"total": GREY_MEDIUM, "qpv": TERRITORY_COLORS["qpv"], "rural": TERRITORY_COLORS["rural"]}
BAR_PX = 18  # thickness of a bar, its name written above it (views/charts.labels_above_bars)


def _axis_labels(names: pd.Series, highlighted: str | None) -> list[str]:
    # Plotly reads a few HTML tags in labels: names are escaped, the chosen one is set in bold; a
    # long name (an intercommunalité's) is wrapped.
    return [f"<b>{wrapped(escape(name))}</b>" if name == highlighted else wrapped(escape(name)) for name in names]


def _types_present(frame: pd.DataFrame) -> list[str]:
    """The territory types to draw: "non déterminé" only where some fabrique has it."""
    return [t for t in TYPE_ORDER if t != "indetermine" or frame[t].sum() > 0]


def _horizontal_layout(figure: go.Figure, labels: list[str], x_title: str, bar_px: int = BAR_PX,
                       grouped: bool = False, more_annotations: tuple[dict, ...] = (), **layout) -> BarRows:
    """Names above the bars (readable at a phone's width as at a laptop's), the legend above them
    all (a long chart would push it out of sight below), the axis title wrapped."""
    rows = labels_above_bars(figure, labels, bar_px, grouped=grouped, more_annotations=more_annotations)
    french_layout(
        figure,
        height=max(220, 110 + rows.band_px * len(labels)),
        margin={"l": 10, "r": 40, "t": 40, "b": 50},
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "traceorder": "normal"},
        xaxis={"title": wrapped(x_title, 36), "rangemode": "tozero", "automargin": True},
        **layout,
    )
    return rows


def counts_chart(frame: pd.DataFrame, name_column: str, rural_definition: str,
                 highlighted: str | None = None) -> go.Figure:
    """Stacked horizontal bars of fabriques by territory type (named under the rural definition
    they were counted under), each segment and total labelled."""
    labels = _axis_labels(frame[name_column], highlighted)
    figure = go.Figure()
    for territory in _types_present(frame):
        values = frame[territory]
        figure.add_trace(go.Bar(
            y=labels, x=values, orientation="h", name=type_label(territory, rural_definition),
            marker={"color": TERRITORY_COLORS[territory]},
            text=[fr_int(v) if v else "" for v in values], textposition="inside",
            insidetextanchor="middle", textangle=0,
            textfont={"color": readable_text_on(TERRITORY_COLORS[territory])},
            hovertemplate="%{y} : %{x} fabrique(s) — " + type_label(territory, rural_definition)
                          + "<extra></extra>",
        ))
    most = max(int(frame["fabriques"].max()), 1)
    # Whole ticks on a short axis (no "0,5 fabrique").
    ticks = {"xaxis_dtick": 1} if most <= 5 else {}
    # Labels keep one size and stay upright; one that does not fit its segment (a one-fabrique
    # segment on a phone) is left out rather than cut: the total, the hover and the table give it.
    # The total at the end of each bar: the exact figure without adding segments up. A text, not
    # clipped at the axis end (with a short axis, an EPCI with 1 fabrique, it would be cut to a
    # sliver); the right margin holds it. Added with the names, in one step (add_annotations).
    rows = bar_rows(figure, labels, bar_px=20)
    totals = tuple({"x": total, "xref": "x", "y": rows.centre(index), "yref": "y", "xanchor": "left",
                    "text": f" {fr_int(total)}", "showarrow": False, "font": {"size": 14}}
                   for index, total in enumerate(frame["fabriques"]))
    _horizontal_layout(figure, labels, "Fabriques", bar_px=20, barmode="stack", more_annotations=totals,
                       xaxis_range=[0, most * 1.12], uniformtext={"minsize": 12, "mode": "hide"}, **ticks)
    return figure


def counts_alt(frame: pd.DataFrame, name_column: str, scope: str, rural_definition: str) -> str:
    kinds = [kind for kind in _types_present(frame)]
    parts = [f"{name} : {fr_int(row.fabriques)} ("
             + ", ".join(f"{type_label(kind, rural_definition).lower()} {fr_int(getattr(row, kind))}"
                         for kind in kinds) + ")"
             for name, row in zip(frame[name_column], frame.itertuples())]
    return f"Barres empilées des fabriques par type de territoire, {scope}. " + " ; ".join(parts) + "."


def population_label(vintage: str | None) -> str:
    """'population municipale INSEE 2017': the vintage is said next to every rate."""
    return f"population municipale INSEE {vintage}" if vintage else "population municipale INSEE"


def counts_table(frame: pd.DataFrame, name_column: str, name_title: str, rural_definition: str,
                 population_vintage: str | None = None) -> pd.DataFrame:
    """The chart's numbers, with the population and the rate per 100 000 inhabitants."""
    table = pd.DataFrame({name_title: frame[name_column]})
    if "dep_code" in frame:
        table.insert(0, "Code", frame["dep_code"])
    table["Fabriques"] = frame["fabriques"]
    for territory in _types_present(frame):
        table[type_label(territory, rural_definition)] = frame[territory]
    suffix = f" ({population_vintage})" if population_vintage else ""
    table[f"Population{suffix}"] = [fr_int(v) for v in frame["population"]]
    table[f"Pour 100 000 habitants{suffix}"] = [fr_decimal(v, 2) for v in frame["per_100k"]]
    return table.reset_index(drop=True)


def per_100k_chart(frame: pd.DataFrame, name_column: str, highlighted: str | None = None,
                   population_vintage: str | None = None) -> go.Figure:
    """Fabriques per 100 000 inhabitants; a missing population is written, not drawn as zero."""
    labels = _axis_labels(frame[name_column], highlighted)
    rates = frame["per_100k"]
    figure = go.Figure(go.Bar(
        y=labels, x=rates.fillna(0), orientation="h", marker={"color": BLUE_FRANCE_MAIN},
        text=[fr_decimal(v, 2) for v in rates], textposition="outside", cliponaxis=False,
        customdata=[fr_decimal(v, 2) for v in rates],
        hovertemplate="%{y} : %{customdata} fabrique(s) pour 100 000 habitants<extra></extra>",
        showlegend=False,
    ))
    axis_max = max(float(rates.max()) if rates.notna().any() else 0, 0.1) * 1.25
    title = "Fabriques pour 100 000 habitants" + (f" ({population_label(population_vintage)})"
                                                  if population_vintage else "")
    _horizontal_layout(figure, labels, title, xaxis_range=[0, axis_max])
    return figure


def per_100k_alt(frame: pd.DataFrame, name_column: str, population_vintage: str | None = None) -> str:
    return f"Fabriques pour 100 000 habitants ({population_label(population_vintage)}) : " + " ; ".join(
        f"{name} {fr_decimal(rate, 2)}" for name, rate in zip(frame[name_column], frame["per_100k"])
    ) + "."


def tiers_lieux_chart(regions: pd.DataFrame, highlighted: str | None = None) -> go.Figure:
    """Each région's share of the fabriques beside its share of the tiers-lieux counted in 2023."""
    frame = regions.dropna(subset=["tiers_lieux_share_pct"])
    labels = _axis_labels(frame["reg_name"], highlighted)
    figure = go.Figure()
    for column, name, color in (
        ("fabriques_share_pct", "Part des fabriques de la liste", BLUE_FRANCE_MAIN),
        ("tiers_lieux_share_pct", "Part des tiers-lieux recensés en 2023", CATEGORICAL[3]),
    ):
        figure.add_trace(go.Bar(
            y=labels, x=frame[column], orientation="h", name=name, marker={"color": color},
            text=[fr_percent(v) for v in frame[column]], textposition="outside", cliponaxis=False,
            constraintext="none", textfont={"size": 12},
            hovertemplate="%{y} : %{x:.1f} %<extra>" + name + "</extra>",
        ))
    axis_max = max(float(frame[["fabriques_share_pct", "tiers_lieux_share_pct"]].max().max()), 1) * 1.2
    _horizontal_layout(figure, labels, "Part du total national (%)", bar_px=15, grouped=True,
                       xaxis_range=[0, axis_max])
    return figure


def tiers_lieux_alt(regions: pd.DataFrame) -> str:
    frame = regions.dropna(subset=["tiers_lieux_share_pct"])
    return "Part des fabriques et part des tiers-lieux 2023 par région : " + " ; ".join(
        f"{row.reg_name} {fr_percent(row.fabriques_share_pct)} des fabriques, "
        f"{fr_percent(row.tiers_lieux_share_pct)} des tiers-lieux" for row in frame.itertuples()
    ) + "."


def tiers_lieux_table(regions: pd.DataFrame) -> pd.DataFrame:
    frame = regions.dropna(subset=["tiers_lieux_share_pct"])
    return pd.DataFrame({
        "Région": frame["reg_name"],
        "Fabriques": frame["fabriques"],
        "Part des fabriques": [fr_percent(v) for v in frame["fabriques_share_pct"]],
        "Part des tiers-lieux 2023": [fr_percent(v) for v in frame["tiers_lieux_share_pct"]],
        "Tiers-lieux 2023 (estimation)": [f"≈ {fr_int(v)}" for v in frame["tiers_lieux_estimate"]],
    }).reset_index(drop=True)


def tiers_lieux_definitions(census_2023: pd.Series, shares_total: float) -> str:
    """What the two shares mean, written beside the chart."""
    return (
        "**Part des fabriques** : fabriques de la région divisées par les fabriques de la liste "
        "en service dans toute la France, collectivités d'outre-mer comprises.  \n"
        f"**Part des tiers-lieux 2023** : part régionale publiée par l'observatoire de France "
        f"Tiers-Lieux pour le recensement 2023 ({census_2023.qualifier} "
        f"{fr_int(census_2023.tiers_lieux)} tiers-lieux en France). Ces parts sont arrondies "
        f"(leur somme fait {fr_decimal(shares_total)} %) ; l'estimation en nombre est cette part "
        f"appliquée au total national.  \n"
        "Une région dont la part des fabriques dépasse sa part des tiers-lieux compte "
        "proportionnellement plus de fabriques labellisées que de tiers-lieux."
    )


def coverage_gaps(departements: pd.DataFrame) -> pd.DataFrame:
    """Départements of the scope with no fabrique under the current filter."""
    gaps = departements[departements["fabriques"] == 0]
    return pd.DataFrame({
        "Code": gaps["dep_code"],
        "Département": gaps["dep_name"],
        "Région": gaps["reg_name"].fillna("Hors région"),
        "Population": [fr_int(v) for v in gaps["population"]],
    }).reset_index(drop=True)


def departements_count(departements: pd.DataFrame) -> str:
    """'101 + Saint-Martin': the départements, and the collectivités (no région) named apart."""
    count = int(departements["reg_code"].notna().sum())
    others = departements.loc[departements["reg_code"].isna(), "dep_name"].tolist()
    return " + ".join(([fr_int(count)] if count or not others else []) + others)


def coverage_sentence(departements: pd.DataFrame, scope: str, what: str) -> str:
    """'1 département sur 101 n'a aucune fabrique …' for the scope; Saint-Martin, a collectivité
    and not a département, is said apart."""
    real = departements[departements["reg_code"].notna()]
    others = departements[departements["reg_code"].isna()]
    total = len(real)
    without = int((real["fabriques"] == 0).sum())
    noun = "département" if total == 1 else "départements"
    if total == 0:
        text = ""
    elif without == 0:
        text = (f"{scope} : les {fr_int(total)} {noun} comptent au moins une {what}." if total > 1
                else f"{scope} : le département compte au moins une {what}.")
    else:
        verb = "n'a" if without == 1 else "n'ont"
        text = (f"{scope} : {fr_int(without)} {'département' if without == 1 else 'départements'} "
                f"sur {fr_int(total)} {verb} aucune {what}.")
    for row in others.itertuples():
        said = (f"{row.dep_name} (collectivité d'outre-mer, comptée à part) "
                + (f"n'a aucune {what}." if row.fabriques == 0 else f"compte au moins une {what}."))
        text = f"{text} {said}" if text else f"{scope} : {said}"
    return text


def _target_scope_names(shares: pd.DataFrame) -> dict[str, str]:
    """Each target scope's name, the rural one naming the definition it is counted under."""
    definitions = shares.drop_duplicates("scope").set_index("scope")["rural_definition"]
    rural = definitions.get("rural")
    return {scope: scope_label(scope, rural if isinstance(rural, str) else DEFAULT_RURAL_DEFINITION)
            for scope in SCOPES if scope in definitions.index}


def target_shares_chart(shares: pd.DataFrame, highlighted: str | None = None) -> go.Figure:
    """Each région's share of the national count, per target scope (no regional targets exist)."""
    names = shares.drop_duplicates("reg_code")["reg_name"]
    labels = _axis_labels(names, highlighted)
    figure = go.Figure()
    for scope, name in _target_scope_names(shares).items():
        rows = shares[shares["scope"] == scope]
        figure.add_trace(go.Bar(
            y=labels, x=rows["share_of_national_pct"].to_numpy(), orientation="h", name=name,
            marker={"color": TARGET_COLORS[scope]},
            text=[fr_percent(v) for v in rows["share_of_national_pct"]], textposition="outside",
            cliponaxis=False, constraintext="none", textfont={"size": 12},
            customdata=rows["achieved"].to_numpy(),
            hovertemplate="%{y} : %{customdata} fabrique(s), %{x:.1f} % du total national<extra>"
                          + name + "</extra>",
        ))
    axis_max = max(float(shares["share_of_national_pct"].max()), 1) * 1.2
    _horizontal_layout(figure, labels, "Part du total national (%)", bar_px=14, grouped=True,
                       xaxis_range=[0, axis_max])
    return figure


def target_shares_table(shares: pd.DataFrame) -> pd.DataFrame:
    """One row per région: count and share of the national count for each target scope, and the
    fabriques labelled by the target's deadline against the national target."""
    table = pd.DataFrame({"Région": shares.drop_duplicates("reg_code")["reg_name"].to_numpy()})
    for scope, name in _target_scope_names(shares).items():
        rows = shares[shares["scope"] == scope]
        deadline = fr_date(pd.Timestamp(rows["deadline"].iloc[0]).date())
        table[f"{name} : fabriques"] = rows["achieved"].to_numpy()
        table[f"{name} : part du total national"] = [fr_percent(v) for v in rows["share_of_national_pct"]]
        table[f"{name} : labellisées au {deadline}"] = rows["achieved_at_deadline"].to_numpy()
        table[f"{name} : part de l'objectif national au {deadline}"] = [
            fr_percent(v) for v in rows["share_of_target_pct"]]
    return table


def target_shares_alt(shares: pd.DataFrame) -> str:
    totals = shares[shares["scope"] == "total"]
    others = [name[:1].lower() + name[1:] for scope, name in _target_scope_names(shares).items() if scope != "total"]
    return "Part de chaque région dans le total national des fabriques : " + " ; ".join(
        f"{row.reg_name} {fr_percent(row.share_of_national_pct)}" for row in totals.itertuples()
    ) + ". Des barres donnent aussi les parts " + " et ".join(others) + "."


def target_shares_note(shares: pd.DataFrame) -> str:
    """The national targets the shares refer to, each with its deadline and definition, from the data."""
    targets = shares.drop_duplicates("scope").set_index("scope")
    parts = []
    for scope, name in _target_scope_names(shares).items():
        row = targets.loc[scope]
        deadline = fr_date(pd.Timestamp(row.deadline).date())
        parts.append(f"{name[:1].lower() + name[1:]} : {fr_int(row.national_achieved)} dans la liste, "
                     f"objectif national {fr_int(row.target_value)} au {deadline}")
    return ("Il n'existe **pas d'objectif régional** : chaque barre est la part de la région dans le "
            "total national (" + " ; ".join(parts) + "). Le rural est compté selon la définition choisie "
            "dans les filtres, comme partout sur la page. La part de l'objectif national "
            "(tableau) divise les fabriques de la région **labellisées à l'échéance** (déduit de l'ordre "
            "des identifiants) par l'objectif national. Saint-Martin, hors région, n'apparaît pas ici.")


def highlighted_name(frame: pd.DataFrame, code_column: str, name_column: str, code: str | None) -> str | None:
    rows = frame[frame[code_column] == code]
    return None if code is None or rows.empty else rows[name_column].iloc[0]


def _source_link(url) -> str:
    """'[banquedesterritoires.fr](https://…)' for a plain web address; anything else as text."""
    parts = urlsplit(str(url))
    if parts.scheme in ("http", "https") and parts.netloc and not any(c in str(url) for c in " ()<>[]"):
        return f"[{as_text(parts.netloc.removeprefix('www.'))}]({url})"
    return as_text(url)


def wave_2023_note(announcement: pd.Series) -> str:
    """The wave that aimed at territories without a fabrique, said in full (a one-row table cut
    its detail and its source at 1280 px): the recorded detail quoted as text, its source linked.
    The list names neither each fabrique's wave nor the territories aimed at: the note says so."""
    return (
        f"Pour mémoire, la vague lancée le {fr_date(pd.Timestamp(announcement.milestone_date).date())} "
        f"visait des territoires sans fabrique ({fr_int(announcement.new_laureates)} projets, total visé "
        f"{fr_int(announcement.announced_target)}). L'annonce (« {as_text(announcement.event)} »), "
        f"telle que relevée dans nos sources :\n\n> {as_text(announcement.detail)}\n\n"
        f"Source : {_source_link(announcement.source_url)}. La liste des lauréats ne donne ni la vague "
        "de chaque fabrique (elle est déduite ailleurs de l'ordre des identifiants) ni les territoires "
        "visés : ce rappel ne peut pas être rapproché des tableaux de cette page."
    )
