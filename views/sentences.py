"""Ready-to-read French sentences for the current filter, with the right preposition per territory.

French says "en Bretagne" but "dans le Finistère", "dans les Hauts-de-Seine", "dans l'Ain",
"à La Réunion". No rule on the name alone gets every case right (gender is not in the name),
so the form of every région and département is written out below, keyed by INSEE code; the
tests check that the tables cover exactly the codes of the extracts. Conventions kept
throughout: names starting with a vowel or a mute h take "dans l'" (also the feminine ones,
"dans l'Isère", rather than mixing with "en Isère"); Martinique takes "en", as Guadeloupe and
Guyane do in the State's own texts; islands named with an article or a person take "à".
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from views.format import MONTHS, fr_date, fr_decimal, fr_int, fr_percent, share
from views.synthese import SCOPE_LABELS

EN, DANS_LE, DANS_LES, DANS_L, A = "en", "dans le", "dans les", "dans l'", "à"

REGION_PREPOSITIONS = {
    "01": EN,        # Guadeloupe
    "02": EN,        # Martinique
    "03": EN,        # Guyane
    "04": A,         # La Réunion
    "06": A,         # Mayotte
    "11": EN,        # Île-de-France
    "24": EN,        # Centre-Val de Loire
    "27": EN,        # Bourgogne-Franche-Comté
    "28": EN,        # Normandie
    "32": DANS_LES,  # Hauts-de-France
    "44": DANS_LE,   # Grand Est
    "52": DANS_LES,  # Pays de la Loire
    "53": EN,        # Bretagne
    "75": EN,        # Nouvelle-Aquitaine
    "76": EN,        # Occitanie
    "84": EN,        # Auvergne-Rhône-Alpes
    "93": EN,        # Provence-Alpes-Côte d'Azur
    "94": EN,        # Corse
}

DEPARTEMENT_PREPOSITIONS = {
    "01": DANS_L, "02": DANS_L, "03": DANS_L, "04": DANS_LES, "05": DANS_LES, "06": DANS_LES,
    "07": DANS_L, "08": DANS_LES, "09": DANS_L, "10": DANS_L, "11": DANS_L, "12": DANS_L,
    "13": DANS_LES, "14": DANS_LE, "15": DANS_LE, "16": EN, "17": EN, "18": DANS_LE,
    "19": EN, "21": EN, "22": DANS_LES, "23": EN, "24": EN, "25": DANS_LE,
    "26": EN, "27": DANS_L, "28": DANS_L, "29": DANS_LE, "2A": EN, "2B": EN,
    "30": DANS_LE, "31": EN, "32": DANS_LE, "33": EN, "34": DANS_L, "35": DANS_L,
    "36": DANS_L, "37": DANS_L, "38": DANS_L, "39": DANS_LE, "40": DANS_LES, "41": DANS_LE,
    "42": EN, "43": EN, "44": EN, "45": DANS_LE, "46": DANS_LE, "47": DANS_LE,
    "48": EN, "49": EN, "50": EN, "51": EN, "52": EN, "53": EN,
    "54": EN, "55": EN, "56": DANS_LE, "57": EN, "58": EN, "59": DANS_LE,
    "60": DANS_L, "61": DANS_L, "62": DANS_LE, "63": DANS_LE, "64": DANS_LES, "65": DANS_LES,
    "66": DANS_LES, "67": DANS_LE, "68": DANS_LE, "69": DANS_LE, "70": EN, "71": EN,
    "72": EN, "73": EN, "74": EN, "75": A, "76": EN, "77": EN,
    "78": DANS_LES, "79": DANS_LES, "80": EN, "81": DANS_LE, "82": DANS_LE, "83": DANS_LE,
    "84": DANS_LE, "85": EN, "86": EN, "87": EN, "88": DANS_LES, "89": DANS_L,
    "90": DANS_LE, "91": DANS_L, "92": DANS_LES, "93": EN, "94": DANS_LE, "95": DANS_LE,
    "971": EN, "972": EN, "973": EN, "974": A, "976": A, "978": A,
}

WHERE = {
    "qpv": "dans une commune comptant un quartier prioritaire (commune avec QPV)",
    "rural": "dans une commune rurale",
    "urbain": "dans une autre commune urbaine",
    "indetermine": "dans une commune de type non déterminé",
}
IN_TYPE = {"qpv": "en commune avec QPV", "rural": "en commune rurale",
           "urbain": "en autre commune urbaine", "indetermine": "de type non déterminé"}
PROXY_NOTE = ("QPV et rural sont lus au niveau de la commune : la liste ne porte pas de label "
              "officiel par fabrique.")


def _join(preposition: str, name: str) -> str:
    return f"{preposition}{name}" if preposition.endswith("'") else f"{preposition} {name}"


def in_region(code: str, name: str) -> str:
    """'en Bretagne', 'dans les Hauts-de-France'."""
    return _join(REGION_PREPOSITIONS[code], name)


def in_departement(code: str, name: str) -> str:
    """'dans le Finistère', 'dans l'Ain', 'à Paris'."""
    return _join(DEPARTEMENT_PREPOSITIONS[code], name)


def capitalised(text: str) -> str:
    """First letter upper case, accents kept: 'à La Réunion' -> 'À La Réunion'."""
    return text[:1].upper() + text[1:]


def month_year(value: date) -> str:
    return f"{MONTHS[value.month - 1]} {value.year}"


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
    listed = f"de la liste de l'ANCT de {month_year(list_date)}"
    if territoire:
        where = WHERE[territoire]
        if count == 0:
            return f"{place.opening}, aucune fabrique de territoire {listed} n'est située {where}. {PROXY_NOTE}"
        text = (f"{place.opening}, {_fabriques(count)} {listed} "
                f"{_verb(count, 'est située', 'sont situées')} {where}")
        national = headline.get(f"national_{territoire}")
        if national is not None and not place.is_national:
            text += (f", soit {fr_percent(share(count, national))} des {fr_int(national)} "
                     f"fabriques de France {IN_TYPE[territoire]}")
        return f"{text}. {PROXY_NOTE}"
    if count == 0:
        return (f"{place.opening}, aucune fabrique de territoire n'est labellisée dans la liste de "
                f"l'ANCT de {month_year(list_date)}.")
    text = f"{place.opening}, {_fabriques(count)} {_verb(count, 'est labellisée', 'sont labellisées')}"
    if not place.is_national:
        text += (f", soit {fr_percent(share(count, headline.national_fabriques))} des "
                 f"{fr_int(headline.national_fabriques)} fabriques de France")
    qpv, rural = int(headline.qpv), int(headline.rural)
    text += (f" ; {fr_int(qpv)} {_verb(qpv, 'est située', 'sont situées')} dans une commune comptant "
             f"un quartier prioritaire (commune avec QPV) et {fr_int(rural)} dans une commune rurale.")
    return f"{text} Liste de l'ANCT de {month_year(list_date)}. {PROXY_NOTE}"


def gauges_sentence(targets: pd.DataFrame, place: Place) -> str:
    """Progress toward each national target; under a filter, the share of the national count."""
    labels = SCOPE_LABELS
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
            f"{fr_int(pace.horizon)} fabriques seraient atteintes vers {month_year(pace.horizon_date)} "
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
        f"{fr_int(headline[kind])} {IN_TYPE[kind]} "
        f"({fr_percent(share(headline[kind], count))})"
        for kind in ("qpv", "rural", "urbain", "indetermine") if headline[kind] or kind != "indetermine"
    ]
    return (f"{place.opening}, sur {_fabriques(count)} : " + ", ".join(parts) + ". " + PROXY_NOTE)
