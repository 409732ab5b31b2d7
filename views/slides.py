"""The slide set of the Présentation page: one figure per slide, with its sentence and footer.

Each slide carries everything an export needs (title, figure, sentence to read aloud, footer
with source, data version, date and filters), so the page, the PNG and the PPTX show the same.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go

from domain.format import fr_date, fr_int, fr_percent, share
from domain.territory_types import RURAL_DEFINITION_NAMES, TYPE_ORDER, type_label, words
from views import filters, sentences, static_map, synthese, timeline
from views.charts import french_layout, on_white_page
from views.colors import BLUE_FRANCE, GREY_GRID, GREY_TEXT, TERRITORY_COLORS

FONT_SIZE = 22         # the exported 1920 x 1080 image
SCREEN_FONT_SIZE = 15  # on screen the chart fills what the viewport leaves (from 1280 x 720 up)
PRESENTER_FONT_SIZE = 12  # the presenter's copy of the slide, two thirds of the window wide


@dataclass(frozen=True)
class Slide:
    slug: str       # for file names: "3-carte"
    title: str
    figure: go.Figure
    sentence: str   # read aloud; the PPTX speaker notes
    footer: str     # source, data version, date, filters
    national: bool = False  # the same figure whatever the filter (the waves' timeline)
    caveats: str = ""  # what the sentence does not say aloud: speaker notes and the page
    source_line: str = ""  # the audience's short source line (the footer is the presenter's)


@dataclass(frozen=True)
class SlideData:
    """What the slides are built from: frames of the queries and the context of the filter."""
    headline: pd.Series
    targets: pd.DataFrame
    announced: pd.DataFrame
    outlines: pd.DataFrame
    points: pd.DataFrame
    place: sentences.Place
    region: str | None
    departement: str | None
    territoire: str | None
    rural_definition: str
    scope: str               # the filter in words, as the filter bar says it
    manifest: dict
    produced_on: date
    epci: str | None = None


def source_line(sources: list[str]) -> str:
    """What the audience reads under a slide: who published the figures, nothing more."""
    return f"Source{'s' if len(sources) > 1 else ''} : {' ; '.join(sources)}."


def footer_text(data: SlideData, source: str) -> str:
    # Every deck names the definition its rural figures were counted under, whatever it is.
    filters = f"{data.scope} ; rural : {RURAL_DEFINITION_NAMES[data.rural_definition]}"
    return (f"Source : {source}. Version des données : {data.manifest['data_version']}. "
            f"Produit le {fr_date(data.produced_on)}. Filtres : {filters}.")


def headline_figure(headline: pd.Series, national: bool, rural_definition: str,
                    font_size: int = FONT_SIZE) -> go.Figure:
    figure = go.Figure()
    scale = font_size / FONT_SIZE
    cells = [("fabriques de territoire", headline.fabriques, headline.national_fabriques, round(240 * scale)),
             (words("qpv", rural_definition).among, headline.qpv, headline.national_qpv, round(150 * scale)),
             (words("rural", rural_definition).among, headline.rural, headline.national_rural, round(150 * scale))]
    domains = [(0.0, 0.46), (0.5, 0.74), (0.76, 1.0)]
    for (label, value, national_value, size), (x0, x1) in zip(cells, domains):
        label = _two_lines(label)
        title = label if national else f"{label}<br><span style='font-size:0.8em'>" \
            f"{fr_percent(share(value, national_value))} des {fr_int(national_value)} de France</span>"
        figure.add_trace(go.Indicator(
            mode="number", value=int(value), domain={"x": [x0, x1], "y": [0, 0.85]},
            number={"font": {"size": size, "color": BLUE_FRANCE}, "valueformat": "d"},
            title={"text": title, "font": {"size": font_size + 6, "color": GREY_TEXT}},
        ))
    return french_layout(figure, margin={"l": 20, "r": 20, "t": 60, "b": 20})


def _two_lines(label: str, longest: int = 18) -> str:
    """A long label on two lines, broken at the space nearest its middle: three figures side by
    side keep apart on a narrow screen ("hors grands centres<br>urbains")."""
    if len(label) <= longest or " " not in label:
        return label
    spaces = [i for i, c in enumerate(label) if c == " "]
    cut = min(spaces, key=lambda i: abs(i - len(label) / 2))
    return f"{label[:cut]}<br>{label[cut + 1:]}"


def gauges_figure(targets: pd.DataFrame, national: bool, list_date: date,
                  font_size: int = FONT_SIZE) -> go.Figure:
    """The gauges of views/synthese.py side by side and larger: nationally every target at its
    deadline. Under a filter, the scope's own counts as bars, as on Synthèse and in the PowerPoint
    (its count on a 0–382 dial would be an unreadable sliver)."""
    if not national:
        return synthese.scope_counts_figure(targets, list_date, font_size)
    figure = go.Figure()
    width = 1 / max(len(targets), 1)
    for i, target in enumerate(targets.itertuples()):
        indicator = synthese.gauge_indicator(target, number_size=round(84 * font_size / FONT_SIZE))
        subtitle = f"objectif {fr_int(target.target_value)} au {fr_date(target.deadline)}"
        x0, x1 = i * width + 0.015, (i + 1) * width - 0.015
        indicator.update(
            domain={"x": [x0, x1], "y": [0.3, 0.86]},
            title={"text": f"{synthese.target_name(target)}<br><span style='font-size:0.75em'>{subtitle}</span>",
                   "font": {"size": font_size}},
        )
        indicator.gauge.axis.tickfont = {"size": font_size - 6}
        figure.add_trace(indicator)
        figure.add_annotation(text="<br>".join(synthese.gauge_readings(target, list_date)),
                              x=(x0 + x1) / 2, y=0.02, xref="paper", yref="paper", xanchor="center",
                              yanchor="bottom", showarrow=False, font={"size": font_size - 4, "color": GREY_TEXT})
    return french_layout(figure, margin={"l": 30, "r": 30, "t": 60, "b": 10})


def territory_types_figure(headline: pd.Series, rural_definition: str, font_size: int = FONT_SIZE) -> go.Figure:
    total = int(headline.fabriques)
    kinds = [kind for kind in TYPE_ORDER if kind != "indetermine" or headline[kind]]
    values = [int(headline[kind]) for kind in kinds]
    figure = go.Figure(go.Bar(
        y=[type_label(kind, rural_definition) for kind in kinds], x=values, orientation="h",
        marker={"color": [TERRITORY_COLORS[kind] for kind in kinds]},
        text=[f"{fr_int(v)} ({fr_percent(share(v, total))})" for v in values],
        textposition="outside", textfont={"size": font_size + 8}, cliponaxis=False,
        hovertemplate="%{y} : %{x} fabriques<extra></extra>",
    ))
    french_layout(
        figure, margin={"l": 10, "r": 10, "t": 10, "b": 10}, bargap=0.35,
        # Labels inside the paper area (axis domains): the export adds bands around it.
        xaxis={"title": "Fabriques", "range": [0, max(values + [1]) * 1.3], "tickformat": "d",
               "gridcolor": GREY_GRID, "domain": [0.24, 1]},
        yaxis={"autorange": "reversed", "tickfont": {"size": font_size + 4}, "domain": [0.14, 1]},
    )
    return figure.update_layout(font_size=font_size)


def build_slides(data: SlideData, font_size: int = FONT_SIZE) -> list[Slide]:
    """The deck; font_size FONT_SIZE for the 1920 x 1080 exports, SCREEN_FONT_SIZE on screen, where
    the figure has no fixed height and fills what the viewport leaves."""
    national = data.place.is_national
    source = data.manifest["laureates_source"]
    list_date = date.fromisoformat(data.manifest["laureates_list_date"])
    pace = timeline.pace_of(data.announced)
    national_count = int(data.headline.national_fabriques)
    target_sources = " ; ".join(dict.fromkeys(synthese.target_source(t) for t in data.targets.itertuples()))
    where = "" if national else f" {data.place.locative}"
    listed_by = data.manifest.get("laureates_attribution", {}).get("source") or source
    publishers = list(dict.fromkeys(str(t.source_publisher).split(",")[0] for t in data.targets.itertuples()))
    short = {"list": [listed_by],
             "targets": [listed_by, "objectifs nationaux : " + ", ".join(publishers)],
             "map": [listed_by, "contours ANCT (COG 2023)"],
             "waves": ["annonces publiques du programme", listed_by],
             "types": [listed_by, "INSEE, grille de densité", "ANCT, QPV 2024"]}
    map_figure = static_map.static_map_figure(data.outlines, data.points, data.region, data.departement,
                                              font_size=font_size, rural_definition=data.rural_definition)
    slides = [
        Slide("nombre-de-fabriques", f"Fabriques de territoire{where}",
              headline_figure(data.headline, national, data.rural_definition, font_size),
              sentences.headline_sentence(data.headline, data.place, data.territoire, list_date,
                                          data.rural_definition),
              footer_text(data, source), caveats=sentences.headline_caveats(data.rural_definition),
              source_line=source_line(short["list"])),
        Slide("objectifs", "Objectifs du programme" if national
              else f"Part des fabriques de France{where}",
              gauges_figure(data.targets, national, list_date, font_size),
              sentences.gauges_sentence(data.targets, data.place),
              footer_text(data, f"{source} ; objectifs : {target_sources}"),
              caveats=sentences.gauges_caveats(data.targets, list_date),
              source_line=source_line(short["targets"])),
        Slide("carte", f"Où sont les fabriques{where}", map_figure,
              sentences.map_sentence(data.headline, data.place),
              footer_text(data, f"{source} ; contours ANCT (COG 2023)"),
              caveats=sentences.MAP_CAVEATS + (f" {static_map.OVERSEAS_NOTE}" if national else ""),
              source_line=source_line(short["map"])),
        # National whatever the filter: a regional deck says so in the slide's own title.
        Slide("vagues", f"Les vagues annoncées depuis {pace.first_date.year}"
              + ("" if national else " (France entière)"),
              timeline.announced_totals_figure(data.announced, data.targets, national_count, list_date,
                                                timeline.SLIDE_STYLE, font_size),
              # A regional deck hears first that the announcements are national.
              " ".join(filter(None, [sentences.timeline_sentence(data.announced, pace, data.place),
                                     timeline.list_and_later_wave_sentence(data.announced, national_count,
                                                                            list_date)])),
              footer_text(data, "annonces publiques du programme (une source par annonce) ; " + source),
              national=True, caveats=sentences.timeline_caveats(data.announced, national_count, list_date),
              source_line=source_line(short["waves"])),
        Slide("types-de-territoire", f"Types de territoire{where}",
              territory_types_figure(data.headline, data.rural_definition, font_size),
              sentences.territory_types_sentence(data.headline, data.place, data.rural_definition),
              footer_text(data, f"{source} ; INSEE (grille de densité) ; ANCT (QPV 2024)"),
              caveats=sentences.headline_caveats(data.rural_definition),
              source_line=source_line(short["types"])),
    ]
    # QPV spelled out at its first mention in the deck; a white page with dark text: the slide
    # reads the same in either theme and in the exports.
    spoken = sentences.spell_out_qpv([s.sentence for s in slides])
    return [replace(s, slug=f"{i}-{s.slug}", figure=on_white_page(s.figure), sentence=said)
            for i, (s, said) in enumerate(zip(slides, spoken), start=1)]


MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~$:])")


def as_markdown_text(text: str) -> str:
    """Text (a name from the data) shown literally by st.markdown: every markup character escaped."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


SLIDE_NUMBER = re.compile(r"[0-9]{1,3}")


def slide_number_from_url(raw, count: int) -> tuple[int, str | None]:
    """The 1-based slide number of `?slide=`, and a French notice when it had to fall back to 1."""
    if raw is None or raw == "":
        return 1, None
    text = str(raw).strip()
    # ASCII digits only, three at most: "²" passes str.isdigit() but not int(), and a
    # 5,000-digit number is refused by int() itself.
    if SLIDE_NUMBER.fullmatch(text) and 1 <= int(text) <= count:
        return int(text), None
    shown = filters.shown(text)
    if re.fullmatch(r"[0-9]+", text):
        return 1, f"La diapositive {shown} n'existe pas (il y en a {count}) : retour à la première."
    return 1, f"Numéro de diapositive illisible (« {shown} ») : retour à la première."


def permalink(origin: str | None, filter_params: dict[str, str], slide_number: int, data_version: str) -> str:
    """A link that rebuilds this slide: filters, slide number and data version."""
    query = urlencode({**filter_params, "slide": slide_number, "version": data_version})
    return f"{(origin or '').rstrip('/')}/presentation?{query}"
