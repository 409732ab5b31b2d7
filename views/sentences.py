"""Ready-to-read French sentences for the current filter, with the right preposition per territory."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from domain.format import capitalised, fr_date, fr_decimal, fr_int, fr_month, fr_percent, share
from domain.labels import SCOPE_NOUNS
from domain.prepositions import in_departement, in_region
from domain.territory_types import IN_TERRITORY_TYPE, TYPE_ORDER, WHERE_TERRITORY_TYPE

PROXY_NOTE = ("QPV et rural sont lus au niveau de la commune : la liste ne porte pas de label "
              "officiel par fabrique.")


@dataclass(frozen=True)
class Place:
    """Where the current filter points, said in words."""
    locative: str          # "en Bretagne", "en France"
    name: str              # "Bretagne", "France"
    is_national: bool

    @property
    def opening(self) -> str:
        """Start of a sentence: 'En Bretagne'."""
        return capitalised(self.locative)


def place_of(region: str | None, departement: str | None,
             regions: dict[str, str], departements: dict[str, str]) -> Place:
    if departement:
        return Place(in_departement(departement, departements[departement]),
                     departements[departement], False)
    if region:
        return Place(in_region(region, regions[region]), regions[region], False)
    return Place("en France", "France", True)


def _fabriques(count: int) -> str:
    """'23 fabriques de territoire', '1 fabrique de territoire', 'aucune fabrique de territoire'."""
    if count == 0:
        return "aucune fabrique de territoire"
    return f"{fr_int(count)} fabrique{'s' if count > 1 else ''} de territoire"


def _verb(count: int, singular: str, plural: str) -> str:
    return plural if count > 1 else singular


def headline_sentence(headline: pd.Series, place: Place, territoire: str | None,
                      list_date: date) -> str:
    """The count of the filter, its share of the national count, and its QPV / rural split."""
    count = int(headline.fabriques)
    listed = f"de la liste de l'ANCT de {fr_month(list_date)}"
    if territoire:
        where = WHERE_TERRITORY_TYPE[territoire]
        if count == 0:
            return f"{place.opening}, aucune fabrique de territoire {listed} n'est située {where}. {PROXY_NOTE}"
        text = (f"{place.opening}, {_fabriques(count)} {listed} "
                f"{_verb(count, 'est située', 'sont situées')} {where}")
        national = headline.get(f"national_{territoire}")
        if national is not None and not place.is_national:
            text += (f", soit {fr_percent(share(count, national))} des {fr_int(national)} "
                     f"fabriques de France {IN_TERRITORY_TYPE[territoire]}")
        return f"{text}. {PROXY_NOTE}"
    if count == 0:
        return (f"{place.opening}, aucune fabrique de territoire n'est labellisée dans la liste de "
                f"l'ANCT de {fr_month(list_date)}.")
    text = f"{place.opening}, {_fabriques(count)} {_verb(count, 'est labellisée', 'sont labellisées')}"
    if not place.is_national:
        text += (f", soit {fr_percent(share(count, headline.national_fabriques))} des "
                 f"{fr_int(headline.national_fabriques)} fabriques de France")
    qpv, rural = int(headline.qpv), int(headline.rural)
    text += (f" ; {fr_int(qpv)} {_verb(qpv, 'est située', 'sont situées')} dans une commune comptant "
             f"un quartier prioritaire (commune avec QPV) et {fr_int(rural)} dans une commune rurale.")
    return f"{text} Liste de l'ANCT de {fr_month(list_date)}. {PROXY_NOTE}"


def gauges_sentence(targets: pd.DataFrame, place: Place) -> str:
    """Progress toward each national target; under a filter, the share of the national count."""
    labels = SCOPE_NOUNS
    if place.is_national:
        parts = [
            f"{fr_int(t.achieved)} {labels[t.scope]} pour un objectif de {fr_int(t.target_value)} "
            f"({fr_percent(share(t.achieved, t.target_value), 0)})"
            for t in targets.itertuples()
        ]
        return "Objectifs nationaux : " + " ; ".join(parts) + "."
    parts = [
        f"{fr_percent(share(t.achieved, t.national_achieved))} des {labels[t.scope]} de France "
        f"({fr_int(t.achieved)} sur {fr_int(t.national_achieved)})"
        for t in targets.itertuples()
    ]
    return (f"{place.opening} : " + " ; ".join(parts) + ". Les objectifs du programme sont "
            "nationaux : il n'existe pas d'objectif régional ou départemental.")


def map_sentence(headline: pd.Series, place: Place) -> str:
    count = int(headline.fabriques)
    if count == 0:
        return f"{place.opening}, aucune fabrique de territoire ne figure dans la liste pour ce filtre."
    communes, departements = int(headline.communes), int(headline.departements)
    return (f"{place.opening}, {_fabriques(count)} {_verb(count, 'est implantée', 'sont implantées')} "
            f"dans {fr_int(communes)} commune{'s' if communes > 1 else ''} et "
            f"{fr_int(departements)} département{'s' if departements > 1 else ''}. "
            "Chaque point est une commune ; sa couleur et sa forme disent le type de territoire de la commune.")


def timeline_sentence(pace, place: Place, today: date) -> str:
    """pace: views.timeline.Pace; today tells whether the projected date has already passed."""
    text = (f"Entre le {fr_date(pace.first_date)} et le {fr_date(pace.last_date)}, le total annoncé "
            f"est passé de {fr_int(pace.first_total)} à {fr_int(pace.last_total)} fabriques, soit "
            f"{fr_decimal(pace.per_month)} fabriques par mois en moyenne ; à ce rythme, "
            f"{fr_int(pace.horizon)} fabriques seraient atteintes vers {fr_month(pace.horizon_date)} "
            "(projection, pas une annonce).")
    if pace.horizon_date < today:
        text += (f" Cette date est passée : nos sources n'ont pas d'annonce postérieure au "
                 f"{fr_date(pace.last_date)}.")
    if not place.is_national:
        text += " Les annonces sont nationales : elles ne sont pas détaillées par territoire."
    return text


def territory_types_sentence(headline: pd.Series, place: Place) -> str:
    count = int(headline.fabriques)
    if count == 0:
        return f"{place.opening}, aucune fabrique de territoire ne figure dans la liste pour ce filtre."
    parts = [
        f"{fr_int(headline[kind])} {IN_TERRITORY_TYPE[kind]} "
        f"({fr_percent(share(headline[kind], count))})"
        for kind in TYPE_ORDER if headline[kind] or kind != "indetermine"
    ]
    return (f"{place.opening}, sur {_fabriques(count)} : " + ", ".join(parts) + ". " + PROXY_NOTE)
