"""What the editable PowerPoint and the press-kit PDF say: pure specs, rendered by services/.

Built from the same frames and sentences as the Présentation slides (views/slides.py), so the
deck, the PDF and the screen show the same figures for the same filter. Every figure comes from
a query frame; every sentence from views/sentences.py; every word from domain/.

- `deck_slides(data)`: one `DeckSlide` per slide of the Présentation: a title, the figures as
  text, a chart as data (categories and series, drawn as a native PowerPoint chart), or the map
  (a plotly figure the service renders to a picture, with a French alt text), the notes (the
  sentence, then the caveats) and the footer (source, data version, date, filters).
- `press_kit(data, laureates)`: the sections of the A4 press kit.

Under a région or a département filter, the targets are read as shares of the national counts,
as figures and a bar chart of the scope's own counts: a 0–382 gauge holding 23 is unreadable.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from domain.format import fr_date, fr_decimal, fr_int, fr_milestone_date, fr_month, fr_percent, share
from domain.territory_types import TYPE_ORDER, definitions, type_label, words
from views import sentences, slides, static_map, synthese, timeline


@dataclass(frozen=True)
class Figure:
    value: str   # "23"
    label: str   # "fabriques de territoire"
    detail: str = ""  # "6,0 % des 382 de France"


@dataclass(frozen=True)
class Chart:
    kind: str                 # "bar" (horizontal bars) | "column" | "line" (over dates: a time axis)
    categories: list          # labels; for "line", datetime.date values placed on a date axis
    series: list[tuple[str, list[int]]]
    value_axis_title: str
    alt_text: str = ""        # what the chart shows, for a screen reader (PowerPoint's alt text)


@dataclass(frozen=True)
class LegendItem:
    label: str   # "Commune avec QPV (8)"
    color: str
    symbol: str  # plotly's marker symbol: "circle", "square", "diamond"…


@dataclass(frozen=True)
class DeckSlide:
    slug: str
    title: str
    figures: list[Figure]
    notes: str
    footer: str
    chart: Chart | None = None
    picture: go.Figure | None = None  # rendered to PNG by the service, its legend drawn as text beside
    alt_text: str = ""
    legend: list[LegendItem] = field(default_factory=list)


def caveats(data: slides.SlideData) -> list[str]:
    """What the figures do not say: read with every slide (the notes) and in the press kit."""
    list_date = date.fromisoformat(data.manifest["laureates_list_date"])
    notes = [
        f"La liste de l'ANCT s'arrête en {fr_month(list_date)} ({fr_int(data.headline.national_fabriques)} "
        "fabriques en France) : les annonces postérieures n'y figurent pas.",
        *(f"{type_label(kind, data.rural_definition)} : {text}"
          for kind, text in definitions(data.rural_definition).items()
          if kind != "indetermine" or data.headline[kind]),
    ]
    return notes


def _notes(sentence: str, data: slides.SlideData, extra: list[str] | None = None,
           cited: list[str] | None = None) -> str:
    """The speaker's notes: the sentence to read, what it does not say, and where it comes from."""
    return "\n\n".join([sentence, "À savoir :", *(extra or []), *caveats(data),
                        "Sources :", *(f"• {text}" for text in cited or [])])


def cited_source(source: dict) -> str:
    """A source as a reader can find it: publisher, title, vintage, licence and public page.
    An older manifest without these words gives its producer, without the repository in brackets."""
    publisher = source.get("publisher") or source.get("producer", "").split(" (")[0]
    title = source.get("title", "")
    text = f"{publisher}, {title[:1].lower()}{title[1:]}" if title else publisher
    if source.get("vintage"):
        text += f" ({source['vintage']})"
    if source.get("licence"):
        text += f", {source['licence']}"
    return f"{text} : {source['url']}" if source.get("url") else text


def public_sources(manifest: dict, roles: tuple[str, ...]) -> list[str]:
    """The sources of the manifest that feed these roles (the list, the outlines…), in that order,
    each once; the list's own attribution when the manifest does not say the roles."""
    by_role = [s for role in roles for s in manifest.get("sources", []) if s.get("role") == role]
    if not by_role:
        return [manifest["laureates_source"]]
    return list(dict.fromkeys(cited_source(s) for s in by_role))


def target_sources(targets: pd.DataFrame) -> list[str]:
    """Each target with who announced it and the public page that says so."""
    return list(dict.fromkeys(
        f"Objectif de {fr_int(t.target_value)} ({_lower(synthese.target_name(t))}, "
        f"au {fr_date(pd.Timestamp(t.deadline).date())}) : {t.source_publisher}"
        + (f", {t.source_url}" if isinstance(t.source_url, str) and t.source_url else "")
        for t in targets.itertuples()))


def announcement_sources(announced: pd.DataFrame) -> list[str]:
    """Each announced total with its date and the public page that gives it."""
    ordered = announced.dropna(subset=["announced_total"]).sort_values("milestone_date")
    return [f"{fr_int(row.announced_total)} fabriques annoncées, "
            f"{fr_milestone_date(pd.Timestamp(row.milestone_date).date(), row.date_precision)} — "
            f"{row.event} : {row.source_url}"
            for row in ordered.itertuples() if isinstance(row.source_url, str) and row.source_url]


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


# Which sources each slide's figures come from (roles of the manifest's sources).
TYPED_ROLES = ("liste", "qpv", "densite")


def headline_figures(data: slides.SlideData) -> list[Figure]:
    h = data.headline
    cells = [("fabriques de territoire", h.fabriques, h.national_fabriques),
             (words("qpv", data.rural_definition).among, h.qpv, h.national_qpv),
             (words("rural", data.rural_definition).among, h.rural, h.national_rural)]
    return [Figure(fr_int(value), label,
                   "" if data.place.is_national
                   else f"{fr_percent(share(value, national))} des {fr_int(national)} de France")
            for label, value, national in cells]


def target_figures(data: slides.SlideData) -> list[Figure]:
    """Nationally: each target at its deadline (labelled by then) / target, and the list's count.
    Under a filter: the share of France."""
    figures = []
    list_date = date.fromisoformat(data.manifest["laureates_list_date"])
    for t in synthese.gauges_to_show(data.targets, data.place.is_national).itertuples():
        name = synthese.target_name(t)
        name = name[:1].lower() + name[1:]
        if data.place.is_national:
            figures.append(Figure(
                fr_int(t.achieved_at_deadline), f"{name}, au {fr_date(pd.Timestamp(t.deadline).date())}",
                f"objectif {fr_int(t.target_value)} ({fr_percent(share(t.achieved_at_deadline, t.target_value), 0)}) ; "
                f"{fr_int(t.achieved)} dans la liste de {fr_month(list_date)}"))
        else:
            # As on screen (synthese.scope_counts_figure): the national targets said to be national.
            figures.append(Figure(
                fr_int(t.achieved), name,
                f"{fr_percent(share(t.achieved, t.national_achieved))} des "
                f"{synthese.target_what(t, int(t.national_achieved))} de France ; "
                f"{synthese.national_targets_text(data.targets, t.scope)}"))
    return figures


def _described(kind: str, categories: list[str], series: list[tuple[str, list[int]]]) -> str:
    """A chart said in words: "Histogramme. Toutes les fabriques : 23 ; …"."""
    what = {"bar": "Diagramme en barres", "column": "Histogramme", "line": "Courbe"}[kind]
    parts = []
    for name, values in series:
        said = " ; ".join(f"{category} : {fr_int(value)}" for category, value in zip(categories, values))
        parts.append(f"{name} — {said}" if len(series) > 1 else said)
    return f"{what}. " + ". ".join(parts) + "."


def targets_chart(data: slides.SlideData) -> Chart:
    shown = synthese.gauges_to_show(data.targets, data.place.is_national)
    categories = [f"{synthese.target_name(t)} ({pd.Timestamp(t.deadline).year})" if data.place.is_national
                  else synthese.target_name(t) for t in shown.itertuples()]
    if data.place.is_national:
        series = [("Labellisées à l'échéance (déduit)", [int(v) for v in shown.achieved_at_deadline]),
                  ("Objectif", [int(v) for v in shown.target_value])]
        return Chart("column", categories, series, "Fabriques",
                     "Fabriques labellisées à l'échéance de chaque objectif, et l'objectif. "
                     + _described("column", categories, series))
    # The scope's own counts: a bar that reads at its scale (the share is in the figures).
    series = [(data.place.name, [int(v) for v in shown.achieved])]
    return Chart("column", categories, series, "Fabriques",
                 f"Fabriques {data.place.locative} (objectifs nationaux, sans objectif local). "
                 + _described("column", categories, series))


def territory_types_chart(headline: pd.Series, rural_definition: str, place: sentences.Place) -> Chart:
    kinds = [kind for kind in TYPE_ORDER if kind != "indetermine" or headline[kind]]
    categories = [type_label(kind, rural_definition) for kind in kinds]
    series = [("Fabriques", [int(headline[kind]) for kind in kinds])]
    return Chart("bar", categories, series, "Fabriques",
                 f"Fabriques {place.locative} par type de la commune. " + _described("bar", categories, series))


def timeline_chart(announced: pd.DataFrame) -> Chart:
    """The announced totals on a time axis: the distance between two points is the time between
    the announcements (end 2021 → October 2024 is almost three years, not one step)."""
    ordered = announced.dropna(subset=["announced_total"]).sort_values("milestone_date")
    said = [fr_milestone_date(pd.Timestamp(d).date(), p) for d, p in zip(ordered.milestone_date, ordered.date_precision)]
    series = [("Total annoncé (cumul)", [int(v) for v in ordered.announced_total])]
    return Chart("line", [pd.Timestamp(d).date() for d in ordered.milestone_date], series, "Fabriques (cumul)",
                 "Totaux de fabriques annoncés par le programme, sur un axe du temps. "
                 + _described("line", said, series))


def map_legend(figure: go.Figure) -> list[LegendItem]:
    """The map's legend as items (name, colour, symbol): the PowerPoint writes it as text, at the
    size of the slide's body text, rather than inside the picture where it shrinks with it."""
    return [LegendItem(trace.name, trace.marker.color, trace.marker.symbol or "circle")
            for trace in figure.data if trace.mode == "markers" and trace.name]


def map_picture(figure: go.Figure) -> go.Figure:
    """The map without its legend, over the whole picture (the legend is beside it, as text)."""
    return go.Figure(figure).update_layout(showlegend=False, xaxis_domain=[0, 1])


def map_alt_text(data: slides.SlideData) -> str:
    """What the map shows, in French, for a screen reader and for anyone who cannot see it."""
    return ("Carte des fabriques de territoire " + data.place.locative + ". "
            + sentences.map_sentence(data.headline, data.place))


def deck_slides(data: slides.SlideData) -> list[DeckSlide]:
    """The PowerPoint's slides, in the Présentation's order, with the Présentation's titles."""
    built = slides.build_slides(data)  # titles, sentences and footers as on screen
    by_slug = {s.slug.split("-", 1)[1]: s for s in built}
    h = data.headline
    pace = timeline.pace_of(data.announced)
    list_date = date.fromisoformat(data.manifest["laureates_list_date"])
    empty = int(h.fabriques) == 0

    typed = public_sources(data.manifest, TYPED_ROLES)
    cited = {"nombre-de-fabriques": typed,
             "objectifs": typed + target_sources(data.targets),
             "carte": public_sources(data.manifest, ("liste", "contours")),
             "vagues": announcement_sources(data.announced) + public_sources(data.manifest, ("liste",)),
             "types-de-territoire": typed}

    def slide(slug, **parts):
        s = by_slug[slug]
        extra = ([s.caveats] if s.caveats else []) + (parts.pop("extra", None) or [])
        return DeckSlide(slug=s.slug, title=s.title, notes=_notes(s.sentence, data, extra, cited[slug]),
                         footer=s.footer, **parts)

    national_note = [] if data.place.is_national else [
        "Les objectifs du programme sont nationaux : il n'existe pas d'objectif régional ou départemental ; "
        "la diapositive donne la part de la France."]
    return [
        slide("nombre-de-fabriques", figures=headline_figures(data)),
        slide("objectifs", figures=target_figures(data), chart=None if empty else targets_chart(data),
              extra=national_note),
        slide("carte", figures=[Figure(fr_int(h.fabriques), "fabriques"),
                                Figure(fr_int(h.communes), "communes"),
                                Figure(fr_int(h.departements), "départements")],
              picture=None if empty else map_picture(by_slug["carte"].figure), alt_text=map_alt_text(data),
              legend=[] if empty else map_legend(by_slug["carte"].figure)),
        slide("vagues", figures=[Figure(fr_int(pace.last_total), "fabriques annoncées",
                                        f"au {fr_date(pace.last_date)}"),
                                 Figure(fr_decimal(pace.per_month), "fabriques par mois en moyenne",
                                        f"depuis le {fr_date(pace.first_date)}"),
                                 Figure(fr_int(h.national_fabriques), "dans la liste de l'ANCT",
                                        f"de {fr_month(list_date)}")],
              chart=timeline_chart(data.announced)),
        slide("types-de-territoire", figures=[Figure(fr_int(h[kind]), words(kind, data.rural_definition).among,
                                                     fr_percent(share(h[kind], h.fabriques)))
                                              for kind in TYPE_ORDER if kind != "indetermine" or h[kind]],
              chart=None if empty else territory_types_chart(h, data.rural_definition, data.place)),
    ]


# ---- The press kit -------------------------------------------------------------------------

@dataclass(frozen=True)
class PressKit:
    title: str                 # "Dossier de presse — Fabriques de territoire en Bretagne"
    scope: str                 # the filter in words
    place: sentences.Place
    data_version: str
    produced_on: str           # "29 novembre 2026"
    data_said: str             # "liste de l'ANCT du 26 janvier 2024 (version 3df29e3e5d68)"
    headline: list[Figure]
    headline_sentence: str
    targets: list[Figure]
    target_progress: list[tuple[int, int]]  # (achieved, target) per target, nationally only
    targets_sentence: str
    map_figure: go.Figure | None
    map_alt_text: str
    map_sentence: str
    types_header: list[str]
    types_rows: list[list[str]]
    types_sentence: str
    fabriques_header: list[str]
    fabriques_rows: list[list[str]] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def press_kit(data: slides.SlideData, laureates: pd.DataFrame) -> PressKit:
    """The A4 press kit of the filter: national, a région or a département."""
    h = data.headline
    list_date = date.fromisoformat(data.manifest["laureates_list_date"])
    count = int(h.fabriques)
    types_rows = [[type_label(kind, data.rural_definition), fr_int(h[kind]), fr_percent(share(h[kind], count))]
                  for kind in TYPE_ORDER if kind != "indetermine" or h[kind]]
    types_rows.append(["Total", fr_int(count), fr_percent(share(count, count)) if count else "—"])
    ordered = laureates.sort_values(["dep_code", "commune_name", "name"])
    rows = [[str(r.name), f"{r.commune_name} ({r.dep_code})", type_label(r.territory_type, data.rural_definition)]
            for r in ordered.itertuples()]
    roles = ("liste", "contours", "qpv", "densite") + (("epci",) if data.epci else ())
    sources = public_sources(data.manifest, roles) + target_sources(data.targets)
    said = sentences.spell_out_qpv([
        sentences.headline_sentence(h, data.place, data.territoire, list_date, data.rural_definition),
        sentences.gauges_sentence(data.targets, data.place), sentences.map_sentence(h, data.place),
        sentences.territory_types_sentence(h, data.place, data.rural_definition)])
    return PressKit(
        title=f"Dossier de presse — Fabriques de territoire "
              f"{'en France' if data.place.is_national else data.place.locative}",
        scope=data.scope, place=data.place, data_version=data.manifest["data_version"],
        produced_on=fr_date(data.produced_on), data_said=data_said(data.manifest),
        headline=headline_figures(data),
        headline_sentence=said[0],
        targets=target_figures(data),
        target_progress=[(int(t.achieved_at_deadline), int(t.target_value))
                         for t in data.targets.itertuples()] if data.place.is_national else [],
        targets_sentence=said[1],
        map_figure=None if count == 0 else static_map.static_map_figure(
            data.outlines, data.points, data.region, data.departement,
            rural_definition=data.rural_definition),
        map_alt_text=map_alt_text(data), map_sentence=said[2],
        types_header=["Type de la commune", "Fabriques", "Part"], types_rows=types_rows,
        types_sentence=said[3],
        fabriques_header=["Fabrique", "Commune (département)", "Type de la commune"],
        fabriques_rows=rows, caveats=caveats(data), sources=sources,
    )


def data_said(manifest: dict) -> str:
    """The data version as a reader can place it: the list's date, then its short reference (the
    one a permalink carries)."""
    list_date = date.fromisoformat(manifest["laureates_list_date"])
    return f"liste de l'ANCT du {fr_date(list_date)} (version {manifest['data_version']})"
