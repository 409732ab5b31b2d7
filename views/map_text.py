"""The Carte page in words: point tooltips (plain text: the browser sets them with innerText,
so a name holding HTML shows as text), the legend and the alternative text."""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

import pandas as pd

from domain.format import fr_decimal, fr_int
from domain.territory_types import DEFAULT_RURAL_DEFINITION, type_label, words
from views.colors import BLUE_FRANCE, GREY_LINE, GREY_TEXT, RED_MARIANNE, TERRITORY_COLORS, WHITE
from views.map_options import CENSUS_COLOR, CHOROPLETHS, NO_CHOROPLETH, QPV_COMMUNE_COLOR, MapOptions

TOOLTIP_MAX_NAMES = 6
NAME_MAX_CHARS = 90


@dataclass(frozen=True)
class LegendEntry:
    color: str
    symbol: str  # the shape, said in words too: colour is never the only carrier
    label: str
    detail: str


def short_text(text: str) -> str:
    text = str(text)
    return text if len(text) <= NAME_MAX_CHARS else text[: NAME_MAX_CHARS - 1] + "…"


def commune_tooltip(rows: list[dict]) -> str:
    """Plain text for one commune point: its fabriques, place, type and inferred wave."""
    first = rows[0]
    place = f"{first['commune_name']}, {first['dep_name']} ({first['dep_code']})"
    kind = f"Type : {first['territory_label']}"
    if len(rows) == 1:
        lines = [short_text(first["name"]), place, kind, f"Vague (déduite) : {first['wave_label']}"]
        if first["point_is_fallback"]:
            lines.append("Position : repli documenté (la liste n'a pas de point)")
        return "\n".join(lines)
    lines = [f"{len(rows)} fabriques — {place}", kind]
    for row in rows[:TOOLTIP_MAX_NAMES]:
        lines.append(f"• {short_text(row['name'])} — vague (déduite) : {row['wave_label']}")
    if len(rows) > TOOLTIP_MAX_NAMES:
        lines.append(f"… et {len(rows) - TOOLTIP_MAX_NAMES} autres (voir le tableau)")
    return "\n".join(lines)


# territory_label: the type's name under the chosen rural definition (models/carte.py adds it).
TOOLTIP_COLUMNS = ["commune_code", "commune_name", "dep_name", "dep_code", "territory_label", "name",
                   "wave_label", "point_is_fallback"]


def choropleth_range(choropleth_frame: pd.DataFrame, choropleth: str) -> tuple[str, str]:
    in_scope = choropleth_frame[choropleth_frame.in_scope]
    if choropleth == "nombre":
        return "0", fr_int(in_scope.fabriques.max())
    return "0", fr_decimal(in_scope.per_100k.max(), 2)


def population_note(options: MapOptions, population_vintage: str | None) -> str:
    """' (population municipale INSEE 2017)' beside a figure per 100 000 inhabitants; empty otherwise."""
    if options.choropleth != "pour_100k" or not population_vintage:
        return ""
    return f" (population municipale INSEE {population_vintage})"


def legend_entries(options: MapOptions, headline, choropleth_frame: pd.DataFrame,
                   population_vintage: str | None = None,
                   rural_definition: str = DEFAULT_RURAL_DEFINITION,
                   insets_in_view: bool = True) -> list[LegendEntry]:
    """What the map shows, in words: colour, shape and meaning of each mark (the insets' frame
    only when the view holds an inset: a map of Bretagne shows none)."""
    counts = {"qpv": headline.qpv, "rural": headline.rural, "urbain": headline.urbain,
              "indetermine": headline.indetermine}
    entries = [
        LegendEntry(TERRITORY_COLORS[kind], "disque plein", type_label(kind, rural_definition),
                    f"{fr_int(counts[kind])} fabrique{'s' if counts[kind] > 1 else ''}")
        for kind in TERRITORY_COLORS if counts[kind] > 0
    ]
    entries.append(LegendEntry(GREY_TEXT, "chiffre blanc", "Plusieurs fabriques dans la commune",
                               "disque plus grand, nombre inscrit dessus"))
    choropleth = options.choropleth != NO_CHOROPLETH
    low, high = choropleth_range(choropleth_frame, options.choropleth) if choropleth else ("", "")
    per_inhabitant = options.choropleth == "pour_100k"
    population = population_note(options, population_vintage)
    # (shown?, colour, shape, label, detail), in the order of the legend.
    optional = [
        (options.census, CENSUS_COLOR, "petit cercle vide", "Tiers-lieu recensé en 2018–2019",
         "base de la Mission Coworking"),
        (options.qpv_communes, QPV_COMMUNE_COLOR, "grand cercle vide", "Commune avec QPV (2024)",
         "toutes, avec ou sans fabrique"),
        (choropleth, BLUE_FRANCE, "aplat du clair au foncé", CHOROPLETHS.get(options.choropleth),
         f"par département{population}, de {low} à {high}"),
        (per_inhabitant, GREY_LINE, "aplat gris", "Population non disponible",
         "Mayotte : pas de population dans la source"),
        (options.without_fabrique, RED_MARIANNE, "contour rouge épais", "Département sans fabrique",
         "pour le filtre choisi"),
        (options.insets and insets_in_view, GREY_LINE, "cadre fin", "Outre-mer en encart", "déplacé et agrandi (échelles différentes)"),
    ]
    entries += [LegendEntry(*fields) for shown, *fields in optional if shown]
    return entries


def insets_caption(insets: list) -> str | None:
    """'Encarts : Guadeloupe, …, chacun à sa propre échelle (…)', for the insets the view holds
    (domain.insets.insets_in); None when it holds none (a map of Bretagne)."""
    if not insets:
        return None
    names = [inset.name for inset in insets]
    listed = ", ".join(names[:-1]) + f" et {names[-1]}" if len(names) > 1 else names[0]
    reduced = [inset.name for inset in insets if inset.scale < 1]
    enlarged = [inset.name for inset in insets if inset.scale > 1]
    if len(insets) == 1:
        return f"Encart : {listed}, à sa propre échelle ({'réduite' if reduced else 'agrandie'})."
    if reduced and len(enlarged) == len(insets) - len(reduced) and len(enlarged) > 1:
        scales = f"{' et '.join(reduced)} réduite, les îles agrandies"
    else:
        scales = "agrandies"
    return f"Encarts : {listed}, chacun à sa propre échelle ({scales})."


def alt_text(headline, scope: str, options: MapOptions, not_placed: int,
             rural_definition: str = DEFAULT_RURAL_DEFINITION) -> str:
    """One sentence for screen readers; the table under the map holds every figure."""
    types = ", ".join(f"{fr_int(headline[kind])} {words(kind, rural_definition).among}"
                      for kind in ("qpv", "rural", "urbain"))
    parts = [
        f"Carte des fabriques de territoire, {scope} : {fr_int(headline.fabriques)} fabriques "
        f"dans {fr_int(headline.communes)} communes ({types})."
    ]
    parts.append("L'outre-mer est montré en encarts à l'ouest de la Bretagne." if options.insets
                 else "L'outre-mer est à sa position réelle.")
    if not_placed:
        parts.append(f"{fr_int(not_placed)} fabrique(s) sans position, listées sous la carte.")
    parts.append("Le tableau sous la carte liste chaque fabrique.")
    return " ".join(parts)


NO_COLOUR_NOTE = ("Sans la couleur : le type de chaque point est écrit dans son infobulle, dans la "
                  "fiche de la fabrique et dans la colonne « Type de territoire » du tableau sous la carte.")


def legend_html(entries: list[LegendEntry]) -> str:
    """The legend as a small HTML list (fixed labels only, escaped all the same)."""
    rows = []
    for entry in entries:
        rows.append(
            f'<li style="display:flex;gap:.5rem;align-items:flex-start;margin:.2rem 0">'
            f'<span aria-hidden="true" style="flex:none;width:14px;height:14px;margin-top:3px;'
            f'border-radius:50%;background:{escape(entry.color)};border:1px solid {WHITE};'
            f'box-shadow:0 0 0 1px {escape(entry.color)}"></span>'
            f'<span><strong>{escape(entry.label)}</strong> ({escape(entry.symbol)})<br>'
            f'<small>{escape(entry.detail)}</small></span></li>'
        )
    return ('<ul aria-label="Légende de la carte" style="font-size:.9rem;list-style:none;padding:0;margin:0">'
            + "".join(rows) + f'</ul><p style="font-size:.85rem;margin-top:.5rem">{escape(NO_COLOUR_NOTE)}</p>')
