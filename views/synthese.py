"""Builders of the Synthèse page: headline cards, target gauges, the announced totals."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from domain.format import fr_date, fr_int, fr_milestone_date, fr_milestone_when, fr_month, fr_percent, share
from domain.labels import scope_label, scope_noun
from domain.territory_types import DEFAULT_RURAL_DEFINITION, RURAL_DEFINITION_NAMES, RURAL_DEFINITIONS
from views import timeline
from views.charts import french_layout, labels_above_bars, wrapped
from views.colors import BLUE_FRANCE, BLUE_FRANCE_MAIN, GREY_BACKGROUND_ALT, RED_MARIANNE


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    help: str


def headline_cards(headline: pd.Series, national_scope: bool, list_source: str,
                   rural_definition: str) -> list[Card]:
    """Counts of the current filter; under a filter each says its share of the national count.
    The rural card is named by the definition chosen (the count changes with it), in its label."""
    def card(label, value, national, definition):
        note = definition
        if not national_scope:
            note += f" Soit {fr_percent(share(value, national))} du total national ({fr_int(national)})."
        return Card(label, fr_int(value), note)

    return [
        card("Fabriques dans la liste", headline.fabriques, headline.national_fabriques,
             f"Fabriques de la liste en service : {list_source}."),
        card(scope_label("qpv", rural_definition), headline.qpv, headline.national_qpv,
             "Commune comptant au moins un quartier prioritaire de la politique de la ville (QPV 2024) : "
             "approximation au niveau communal."),
        card(scope_label("rural", rural_definition), headline.rural, headline.national_rural,
             f"{RURAL_DEFINITIONS[rural_definition]}, hors communes avec QPV."),
    ]


def census_cards(census: pd.DataFrame) -> list[Card]:
    """National census counts, with the qualifier of the source ("près de 1 800")."""
    return [
        Card(f"Tiers-lieux en {row.census_year}", f"{row.qualifier} {fr_int(row.tiers_lieux)}",
             f"Recensement national — {row.producer}.")
        for row in census.itertuples()
    ]


def census_2019_description(counts: pd.Series) -> str:
    """'Base ouverte de la Mission Coworking : 1 512 lieux, dont 6 en outre-mer.'"""
    overseas = int(counts.overseas_tiers_lieux)
    where = f", dont {fr_int(overseas)} en outre-mer" if overseas else ", tous en métropole"
    return f"Base ouverte de la Mission Coworking : {fr_int(counts.national_tiers_lieux)} lieux{where}."


def census_2019_help(counts: pd.Series) -> str:
    return (f"{census_2019_description(counts)} Ici, ceux de la région, du département ou de "
            "l'intercommunalité choisis (une intercommunalité par la commune de chaque lieu) ; "
            "le type de territoire ne s'y applique pas.")


def census_scope_note(census: pd.DataFrame) -> str:
    years = [str(year) for year in census.census_year]
    listed = ", ".join(years[:-1]) + f" et {years[-1]}" if len(years) > 1 else "".join(years)
    return (f"Les totaux {listed} sont nationaux : les recensements ne sont pas publiés par région "
            "dans les sources du tableau de bord, sauf les parts régionales du dernier.")


def list_limits_note(announced: pd.DataFrame, list_count: int, list_date) -> str:
    """What the list does not say, with the announcements made after it (from the milestones)."""
    text = ("**Ce que la liste ne dit pas** : elle ne donne ni la vague ni la date de chaque fabrique "
            "(les vagues affichées ailleurs sont **déduites** de l'ordre des identifiants), ni de label "
            "QPV ou rural officiel (ce sont des approximations au niveau de la commune).")
    later = announced.dropna(subset=["announced_total"])
    later = later[(pd.to_datetime(later.milestone_date).dt.date > list_date)
                  & (later.announced_total > list_count)]
    if later.empty:
        return text
    last = later.sort_values("milestone_date").iloc[-1]
    story = timeline.list_and_later_wave_sentence(announced, list_count, list_date)
    if story:
        # The wave's new places are not in the list yet; its fabriques labelled again already are.
        return (f"{text} {story} Ces {fr_int(last.new_places)} nouveaux lieux ne figurent pas encore dans "
                "la liste : un import les ajoutera quand l'ANCT la publiera.")
    moment = fr_milestone_when(pd.Timestamp(last.milestone_date).date(), last.date_precision, "du")
    return (text + f" L'annonce {moment} ({fr_int(last.announced_total)} fabriques) est postérieure à la liste "
            f"de {fr_month(list_date)} ({fr_int(list_count)} fabriques) : ses lauréats n'y figurent pas encore.")


def counted_under(target) -> str:
    """The rural definition a target's count was read under (the chosen one; progress_toward_targets
    sets it on the rural target only: the others do not depend on it)."""
    definition = getattr(target, "rural_definition", None)
    return definition if isinstance(definition, str) else DEFAULT_RURAL_DEFINITION


def target_name(target) -> str:
    """'Hors grands centres urbains', 'En commune rurale (INSEE)', 'En commune avec QPV',
    'Toutes les fabriques': a rural count names the definition it was read under."""
    return scope_label(target.scope, counted_under(target))


def set_under_another_definition(target) -> bool:
    """A rural target read under another definition than the one it was set under."""
    own = getattr(target, "target_rural_definition", None)
    return target.scope == "rural" and isinstance(own, str) and own != counted_under(target)


def definition_note(target) -> str:
    """Said beside a rural target read under the INSEE definition: the target's own wording."""
    if not set_under_another_definition(target):
        return ""
    return (f"L'objectif a été fixé {RURAL_DEFINITION_NAMES[target.target_rural_definition]} ; "
            f"il est lu ici selon la définition choisie : {RURAL_DEFINITION_NAMES[counted_under(target)]}.")


def target_what(target, count: int) -> str:
    """'126 fabriques hors grands centres urbains', '1 fabrique en commune avec QPV'."""
    what = scope_noun(target.scope, counted_under(target))
    # French agreement: "1 fabrique", "0 fabrique", "2 fabriques".
    return f"{fr_int(count)} {what if count > 1 else what.replace('fabriques', 'fabrique', 1)}"


def target_source(target) -> str:
    """Who published the target; a secondary source is said to be one."""
    nature = "source officielle" if target.source_nature == "officielle" else "source secondaire"
    return f"{target.source_publisher} ({nature})"


def deadline_note(list_date) -> str:
    """How the gauges read: each target at its deadline, the list beside it, and why."""
    return ("Chaque jauge compte les fabriques **labellisées à l'échéance** de l'objectif, comparées à "
            f"l'objectif (trait rouge), et donne en dessous le nombre **dans la liste de "
            f"{fr_month(list_date)}**. La liste ne date pas chaque fabrique : l'échéance est lue dans "
            "l'ordre des identifiants (déduit, comme les vagues). QPV et rural sont lus au niveau de la "
            "commune, selon la définition du rural choisie dans les filtres.")


def gauges_to_show(targets: pd.DataFrame, national_scope: bool) -> pd.DataFrame:
    """Every target nationally; under a filter one gauge per scope (shares do not depend on the deadline)."""
    return targets if national_scope else targets.drop_duplicates("scope")


def national_targets_text(targets: pd.DataFrame, scope: str) -> str:
    """'objectif national : 300 au 31 décembre 2021, 380 au 31 décembre 2023' (from the targets)."""
    # Plain columns rather than a filtered frame: a page asks for it about ten times.
    rows = sorted(((deadline, value) for kind, deadline, value
                   in zip(targets["scope"], targets["deadline"], targets["target_value"]) if kind == scope),
                  key=lambda row: row[0])
    return "objectif national : " + ", ".join(f"{fr_int(value)} au {fr_date(deadline)}" for deadline, value in rows)


def scope_counts_figure(targets: pd.DataFrame, list_date, font_size: int = 15,
                        labels_above: bool = False) -> go.Figure:
    """Under a région or a département filter: the scope's own counts in the list, one bar per
    target category (gauges_to_show), each with its share of France; the targets are national,
    so they are written under each category as national and never drawn against these counts
    (23 on a 0–382 dial is a sliver nobody can read).

    `labels_above` (the page): each category is written above its bar, on short lines, so that a
    phone's width holds the names, the bars and their counts (views/charts.labels_above_bars);
    the slide keeps them beside the bars, on its fixed 16:9 page."""
    shown = gauges_to_show(targets, national_scope=False)
    # The category (its definition), the share of France, the national target: each on its line.
    names = [f"<b>{target_name(t)}</b><br>{fr_percent(share(t.achieved, t.national_achieved))} des "
             f"{fr_int(t.national_achieved)} de France<br><span style='font-size:0.85em'>"
             f"{national_targets_text(targets, t.scope)}</span>" for t in shown.itertuples()]
    values = [int(v) for v in shown.achieved]
    figure = go.Figure(go.Bar(
        # The DSFR main blue: 3:1 or more against the light and the dark page (a graphic object).
        y=names, x=values, orientation="h", marker={"color": BLUE_FRANCE_MAIN},
        text=[f"<b>{fr_int(v)}</b>" for v in values], textposition="outside", cliponaxis=False,
        textfont={"size": round(font_size * 1.6)}, hovertemplate="%{x} fabriques<extra></extra>",
    ))
    most = max(values + [1])
    xaxis = {"title": f"Fabriques dans la liste de {fr_month(list_date)}", "tickformat": "d",
             "range": [0, most * 1.2], "automargin": True,
             # Whole ticks on a short axis (an EPCI's 1 fabrique): "d" alone wrote 0 0 0 1 1 1.
             **({"dtick": 1} if most <= 5 else {})}
    if not labels_above:
        return french_layout(
            figure, margin={"l": 10, "r": 10, "t": 10, "b": 10}, bargap=0.35, font_size=font_size,
            xaxis=xaxis, yaxis={"autorange": "reversed", "automargin": True},
        )
    # Short lines: the national targets one per line ("objectif national :" first), every other
    # line wrapped; the count's room at the bars' end is kept by the axis range (1.3 × the most).
    above = []
    for t in shown.itertuples():
        goals = national_targets_text(targets, t.scope).split(" : ", 1)
        lines = [f"<b>{line}</b>" for line in wrapped(target_name(t)).split("<br>")]
        lines += wrapped(f"{fr_percent(share(t.achieved, t.national_achieved))} des "
                         f"{fr_int(t.national_achieved)} de France").split("<br>")
        lines += [f"{goals[0]} :", *goals[1].split(", ")]
        above.append("<br>".join(lines))
    rows = labels_above_bars(figure, above, bar_px=28, gap_px=16, font_size=font_size - 1)
    french_layout(figure, margin={"l": 10, "r": 10, "t": 10, "b": 10}, font_size=font_size,
                  height=rows.band_px * len(above) + 70, xaxis={**xaxis, "range": [0, most * 1.3]})
    figure.update_yaxes(automargin=False)
    return figure


def gauge_heading(target: pd.Series) -> str:
    return (f"**{target_name(target)}** — objectif {fr_int(target.target_value)} "
            f"au {fr_date(target.deadline)}  \nSource : [{target_source(target)}]({target.source_url})")


def _were(count: int) -> str:
    return "étaient labellisées" if count > 1 else "était labellisée"


def progress_sentence(target: pd.Series, national_scope: bool, scope_name: str, list_date,
                      targets: pd.DataFrame | None = None) -> str:
    """The gauge said in words (also its text alternative): at the deadline, then in the list.
    Under a filter, `targets` (all of them) names every national target of the category."""
    at_deadline, now = int(target.achieved_at_deadline), int(target.achieved)
    listed = f"la liste de {fr_month(list_date)}"
    if national_scope:
        text = (f"Au {fr_date(target.deadline)}, échéance de l'objectif, {target_what(target, at_deadline)} "
                f"{_were(at_deadline)}, pour un objectif de {fr_int(target.target_value)} "
                f"({fr_percent(share(at_deadline, target.target_value), 0)}). "
                f"Dans {listed} : {fr_int(now)}.")
        note = definition_note(target)
        return f"{text} {note}" if note else text
    what = target_what(target, now)
    national_what = target_what(target, int(target.national_achieved))
    return (f"{scope_name} : {what} dans {listed}, soit "
            f"{fr_percent(share(now, target.national_achieved))} des {national_what} de France "
            f"({fr_int(target.achieved_at_deadline)} au {fr_date(target.deadline)}). "
            + ("O" + national_targets_text(targets, target.scope)[1:]
               if targets is not None else f"L'objectif national est de {fr_int(target.target_value)}")
            + " ; il n'existe pas d'objectif régional ou départemental.")


def gauge_indicator(target, number_size: int = 40) -> go.Indicator:
    """The dial of one national target: the count at its deadline against the target. Under a
    filter there is no dial (scope_counts_figure): the targets are national."""
    value, reference = int(target.achieved_at_deadline), int(target.target_value)
    return go.Indicator(
        # plotly writes a zero difference as "-", which reads as a minus under "300": no sign then.
        mode="gauge+number+delta" if value != reference else "gauge+number", value=value,
        # A fixed size: plotly's automatic one overflows the arc with the system fonts.
        number={"valueformat": "d", "font": {"size": number_size}},
        delta={"reference": reference, "relative": False, "valueformat": "+d",
               "increasing": {"color": BLUE_FRANCE_MAIN}, "decreasing": {"color": RED_MARIANNE},
               # Bold 19 px is "large text" for WCAG (3:1): these two colours pass on both themes.
               "font": {"size": 19, "weight": "bold"}},
        gauge={
            "axis": {"range": [0, max(reference, value) * 1.15], "tickformat": "d"},
            "bar": {"color": BLUE_FRANCE},
            "bgcolor": GREY_BACKGROUND_ALT,
            "threshold": {"line": {"color": RED_MARIANNE, "width": 4}, "thickness": 0.85,
                          "value": reference},
        },
    )


def gauge_readings(target, list_date) -> list[str]:
    """What a national gauge shows and the other counts beside it, written under the dial."""
    readings = [f"Labellisées au {fr_date(target.deadline)} (échéance)",
                f"Dans la liste de {fr_month(list_date)} : <b>{fr_int(target.achieved)}</b>"]
    if set_under_another_definition(target):
        readings.append(f"Objectif fixé {RURAL_DEFINITION_NAMES[target.target_rural_definition]}")
    return readings


def gauge_readings_markdown(target, list_date) -> str:
    """The readings under the gauge's own title, as Markdown lines (the page writes them)."""
    lines = gauge_readings(target, list_date)[1:]
    return "  \n".join(line.replace("<b>", "**").replace("</b>", "**") for line in lines)


def progress_gauge(target: pd.Series, list_date) -> go.Figure:
    """The gauge of one national target, titled with what it counts (at the deadline);
    the other readings are written under it by the page (gauge_readings)."""
    figure = go.Figure(gauge_indicator(target))
    figure.update_traces(title={"text": gauge_readings(target, list_date)[0], "font": {"size": 14}})
    return french_layout(figure, height=250, margin={"l": 30, "r": 30, "t": 50, "b": 10})


def announced_totals_alt(announced: pd.DataFrame) -> str:
    return "Courbe des totaux annoncés : " + ", ".join(
        f"{fr_int(v)} {fr_milestone_when(d, p, 'au')}"
        for d, p, v in zip(announced.milestone_date, announced.date_precision, announced.announced_total)
    ) + "."


def announced_totals_table(announced: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Date": [fr_milestone_date(d, p) for d, p in zip(announced.milestone_date, announced.date_precision)],
        "Annonce": announced.event,
        "Nouveaux lauréats": [fr_int(v) if pd.notna(v) else "—" for v in announced.new_laureates],
        "Total annoncé": [fr_int(v) for v in announced.announced_total],
        "Source": announced.source_url,
    })


def progress_table(gauges: pd.DataFrame, national_scope: bool, list_date) -> pd.DataFrame:
    """The gauges' numbers as a table (their text alternative beside the sentences)."""
    listed = f"Dans la liste de {fr_month(list_date)}"
    if national_scope:
        return pd.DataFrame({
            "Objectif": [target_name(t) for t in gauges.itertuples()],
            "Échéance": [fr_date(deadline) for deadline in gauges.deadline],
            "Objectif (fabriques)": [fr_int(v) for v in gauges.target_value],
            "À l'échéance (déduit de l'ordre des identifiants)": [fr_int(v) for v in gauges.achieved_at_deadline],
            "Part de l'objectif à l'échéance": [fr_percent(share(a, t), 0) for a, t
                                                in zip(gauges.achieved_at_deadline, gauges.target_value)],
            listed: [fr_int(v) for v in gauges.achieved],
            "Source": [target_source(t) for t in gauges.itertuples()],
        })
    return pd.DataFrame({
        "Fabriques": [target_name(t) for t in gauges.itertuples()],
        "Ce périmètre": [fr_int(v) for v in gauges.achieved],
        "France": [fr_int(v) for v in gauges.national_achieved],
        "Part du total national": [fr_percent(share(a, n)) for a, n in zip(gauges.achieved, gauges.national_achieved)],
        "Objectif national": [fr_int(v) for v in gauges.target_value],
    })


def definitions_comparison(targets_by_definition: dict[str, pd.DataFrame], list_date,
                           national_scope: bool) -> pd.DataFrame:
    """The rural target's category under each definition, side by side, for the scope: the one
    place where both readings stand together, because comparing them is the point (the page
    labels it so). Nationally with the target; under a filter, the scope's own counts."""
    rows = []
    for definition, targets in targets_by_definition.items():
        for t in targets[targets.scope == "rural"].itertuples():
            rows.append({
                "Définition du rural": RURAL_DEFINITIONS[definition],
                f"Au {fr_date(t.deadline)} (déduit)": fr_int(t.achieved_at_deadline),
                f"Dans la liste de {fr_month(list_date)}": fr_int(t.achieved),
                "Objectif national": f"{fr_int(t.target_value)} au {fr_date(t.deadline)}"
                                     + ("" if national_scope else " (pour la France entière)"),
            })
    return pd.DataFrame(rows)
