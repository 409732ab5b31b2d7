"""Ready-to-read French sentences for the current filter, with the right preposition per territory."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pandas as pd

from domain.epci import in_epci
from domain.format import capitalised, fr_date, fr_decimal, fr_int, fr_milestone_when, fr_month, fr_percent, share
from domain.prepositions import in_departement, in_region
from domain.territory_types import DEFAULT_RURAL_DEFINITION, QPV_IN_FULL, TYPE_ORDER, words
from views import synthese, timeline

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


NATIONAL = Place("en France", "France", True)


def place_of(region: str | None, departement: str | None,
             regions: dict[str, str], departements: dict[str, str], epci: str | None = None,
             epci_names: dict[str, str] | None = None, epci_types: dict[str, str] | None = None) -> Place:
    """The place of the filter; an EPCI is the narrowest ("à Rennes Métropole", "dans la
    Métropole du Grand Paris": the rule is in domain/epci.py)."""
    if epci and epci_names and epci in epci_names:
        name = epci_names[epci]
        return Place(in_epci(name, (epci_types or {}).get(epci)), name, False)
    if departement:
        return Place(in_departement(departement, departements[departement]),
                     departements[departement], False)
    if region:
        return Place(in_region(region, regions[region]), regions[region], False)
    return NATIONAL


def _fabriques(count: int) -> str:
    """'23 fabriques de territoire', '1 fabrique de territoire', 'aucune fabrique de territoire'."""
    if count == 0:
        return "aucune fabrique de territoire"
    return f"{fr_int(count)} fabrique{'s' if count > 1 else ''} de territoire"


def _verb(count: int, singular: str, plural: str) -> str:
    return plural if count > 1 else singular


def headline_sentence(headline: pd.Series, place: Place, territoire: str | None,
                      list_date: date, rural_definition: str = DEFAULT_RURAL_DEFINITION) -> str:
    """The count of the filter, its share of the national count, and its QPV / rural split
    (read aloud: the caveats are in headline_caveats)."""
    count = int(headline.fabriques)
    listed = f"de la liste de l'ANCT de {fr_month(list_date)}"
    if territoire:
        where = words(territoire, rural_definition).where
        if count == 0:
            return f"{place.opening}, aucune fabrique de territoire {listed} n'est située {where}."
        text = (f"{place.opening}, {_fabriques(count)} {listed} "
                f"{_verb(count, 'est située', 'sont situées')} {where}")
        national = headline.get(f"national_{territoire}")
        if national is not None and not place.is_national:
            text += (f", soit {fr_percent(share(count, national))} des {fr_int(national)} "
                     f"fabriques de France {words(territoire, rural_definition).among}")
        return f"{text}."
    if count == 0:
        return (f"{place.opening}, aucune fabrique de territoire ne figure dans la liste de "
                f"l'ANCT de {fr_month(list_date)}.")
    text = f"{place.opening}, la liste de l'ANCT de {fr_month(list_date)} compte {_fabriques(count)}"
    if not place.is_national:
        text += (f", soit {fr_percent(share(count, headline.national_fabriques))} des "
                 f"{fr_int(headline.national_fabriques)} fabriques de France")
    qpv, rural = int(headline.qpv), int(headline.rural)
    if count == 1:  # one fabrique, said of itself: "Elle est située hors des grands centres urbains."
        kind = next((k for k in TYPE_ORDER if int(headline.get(k, 0) or 0)), "indetermine")
        return f"{text}. Elle est située {words(kind, rural_definition).where}."
    return (f"{text}. Parmi elles, {fr_int(qpv)} {_verb(qpv, 'est située', 'sont situées')} "
            f"{words('qpv', rural_definition).where} et {fr_int(rural)} {words('rural', rural_definition).where}.")


def _count_with(count: int) -> str:
    """A count inside a sentence read aloud: "aucune" rather than "0"."""
    return fr_int(count) if count else "aucune"


def headline_caveats(rural_definition: str = DEFAULT_RURAL_DEFINITION) -> str:
    """What the headline sentence does not say aloud: it goes to the notes and the page."""
    rural = ("rural au sens de l'INSEE : les 3 niveaux les moins denses de la grille de densité"
             if rural_definition == "insee"
             else "« hors grands centres urbains » : tous les niveaux de la grille de densité de l'INSEE "
                  "sauf le plus dense, petites villes et centres urbains intermédiaires compris")
    return (f"{PROXY_NOTE} « Commune comptant un quartier prioritaire » : au moins un QPV 2024 dans la "
            f"commune, la fabrique n'est pas forcément dans le quartier. Définition du rural : {rural} ; "
            f"une commune à la fois avec QPV et {words('rural', rural_definition).plural} compte comme QPV.")


def gauges_sentence(targets: pd.DataFrame, place: Place) -> str:
    """Each national target at its deadline (read aloud); under a filter, the share of the national count."""
    if place.is_national:
        sentences_by_deadline = []
        for deadline, group in targets.groupby("deadline", sort=True):
            parts = []
            for t in group.itertuples():
                count = int(t.achieved_at_deadline)
                goal = f"pour un objectif de {fr_int(t.target_value)}"
                if t.scope == "total":
                    parts.insert(0, f"{_fabriques(count)} {_verb(count, 'était labellisée', 'étaient labellisées')}, {goal}")
                elif t.scope == "qpv":
                    parts.append(f"{fr_int(count)} {_verb(count, 'était', 'étaient')} dans une commune comptant "
                                 f"un quartier prioritaire, {goal}")
                else:
                    parts.append(f"{fr_int(count)} {words('rural', synthese.counted_under(t)).where}, {goal}")
            text = f"Au {fr_date(pd.Timestamp(deadline).date())}, " + parts[0]
            others = parts[1:]
            if others:
                listed = others[0] if len(others) == 1 else ", ".join(others[:-1]) + ", et " + others[-1]
                text += (". Parmi elles, " if group.scope.eq("total").any() else " ; ") + listed
            sentences_by_deadline.append(text + ".")
        return " ".join(sentences_by_deadline)
    by_scope = {t.scope: t for t in targets.drop_duplicates("scope").itertuples()}
    total = by_scope.get("total")
    text = []
    if total is not None:
        count = int(total.achieved)
        text.append(f"{place.opening} {_verb(count, 'se trouve', 'se trouvent')} "
                    f"{_count_with(count)} des {fr_int(total.national_achieved)} fabriques de territoire de "
                    f"France, soit {fr_percent(share(count, total.national_achieved))}.")
    parts = [f"{_count_with(int(t.achieved))} {_verb(int(t.achieved), 'est située', 'sont situées')} "
             f"{words(t.scope, synthese.counted_under(t)).where}, soit "
             f"{fr_percent(share(t.achieved, t.national_achieved))} des {fr_int(t.national_achieved)} de France"
             for scope, t in by_scope.items() if scope != "total"]
    if parts:
        opening = "Parmi elles, " if total is not None else f"{place.opening}, "
        text.append(opening + (parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + ", et " + parts[-1]) + ".")
    text.append("Les objectifs du programme sont nationaux : il n'existe pas d'objectif régional ou "
                "départemental.")
    return " ".join(text)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def gauges_caveats(targets: pd.DataFrame, list_date: date) -> str:
    """Notes of the targets slide: how the deadline counts are read, the other readings, the sources."""
    notes = [f"Les nombres à l'échéance sont déduits de l'ordre des identifiants de la liste de l'ANCT "
             f"de {fr_month(list_date)} : la liste ne date pas chaque fabrique.", PROXY_NOTE]
    for t in targets.drop_duplicates("scope").itertuples():
        if synthese.set_under_another_definition(t):
            notes.append(synthese.definition_note(t))
    notes.append("Dans la liste de " + fr_month(list_date) + " : " + " ; ".join(
        f"{_lower_first(synthese.target_name(t))} {fr_int(t.national_achieved)}"
        for t in targets.drop_duplicates("scope").itertuples()) + ".")
    notes.append("Sources des objectifs : " + " ; ".join(
        f"{fr_int(t.target_value)} ({_lower_first(synthese.target_name(t))}) — {synthese.target_source(t)}"
        for t in targets.itertuples()) + ".")
    return " ".join(notes)


def map_sentence(headline: pd.Series, place: Place) -> str:
    count = int(headline.fabriques)
    if count == 0:
        return f"{place.opening}, aucune fabrique de territoire ne figure dans la liste pour ce filtre."
    communes, departements = int(headline.communes), int(headline.departements)
    where = f"{fr_int(communes)} commune{'s' if communes > 1 else ''}"
    # Saint-Martin is a collectivité, not a département: named, not counted with them.
    others = [f"à {name}" for name in str(headline.collectivites or "").split(";") if name]
    deps = [f"{fr_int(departements)} département{'s' if departements > 1 else ''}"] \
        if departements > 1 or (departements and others) else []
    if deps or others:
        spread = (f"dans {deps[0]}" if deps else "") + (" et " if deps and others else "") + " et ".join(others)
        where += f", {'située' if communes == 1 else 'réparties'} {spread}"
    return (f"{place.opening}, {_fabriques(count)} {_verb(count, 'est implantée', 'sont implantées')} "
            f"dans {where}.")


MAP_CAVEATS = ("Chaque point est une commune ; sa couleur et sa forme disent le type de territoire de la "
               "commune (approximation au niveau de la commune).")


def timeline_sentence(announced: pd.DataFrame, pace, place: Place) -> str:
    """The announced totals, first and last, and the computed average pace between them."""
    ordered = announced.dropna(subset=["announced_total"]).sort_values("milestone_date")
    when = [fr_milestone_when(pd.Timestamp(row.milestone_date).date(), row.date_precision)
            for row in ordered.itertuples()]
    steps = [f"{fr_int(row.announced_total)}{' fabriques' if index == 0 else ''} {moment}"
             for index, (row, moment) in enumerate(zip(ordered.itertuples(), when))]
    opening = "Le programme a annoncé " if place.is_national else \
        f"{NATIONAL_ANNOUNCEMENTS} Pour la France entière, le programme a annoncé "
    text = (opening + ", ".join(steps[:-1]) + f" et {steps[-1]} : "
            f"{fr_int(pace.last_total - pace.first_total)} fabriques de plus en "
            f"{_months_between(pace.first_date, pace.last_date)} mois, soit {fr_decimal(pace.per_month)} "
            "par mois en moyenne.")
    return text


NATIONAL_ANNOUNCEMENTS = "Les annonces du programme sont nationales : elles ne sont pas détaillées par territoire."


def _months_between(first: date, last: date) -> str:
    return fr_int((last.year - first.year) * 12 + last.month - first.month)


def timeline_caveats(announced: pd.DataFrame, list_count: int, list_date: date) -> str:
    """Notes of the timeline: what is drawn and what is not."""
    later = announced.dropna(subset=["announced_total"])
    later = later[pd.to_datetime(later.milestone_date).dt.date > list_date]
    text = ("Seuls les totaux annoncés publiquement sont tracés, avec une source par annonce ; les "
            "objectifs sont des lignes pointillées. Le rythme moyen est un calcul entre la première et "
            "la dernière annonce, pas une annonce ; aucune projection n'est faite au-delà. "
            f"La liste de l'ANCT de {fr_month(list_date)} compte {fr_int(list_count)} fabriques.")
    if not later.empty:
        last = later.sort_values("milestone_date").iloc[-1]
        story = timeline.list_and_later_wave_sentence(announced, list_count, list_date)
        text += f" {story}" if story else (
            f" L'annonce {fr_milestone_when(pd.Timestamp(last.milestone_date).date(), last.date_precision, 'du')} "
            f"({fr_int(last.announced_total)} fabriques) est postérieure à cette liste.")
    return text


def territory_types_sentence(headline: pd.Series, place: Place,
                             rural_definition: str = DEFAULT_RURAL_DEFINITION) -> str:
    count = int(headline.fabriques)
    if count == 0:
        return f"{place.opening}, aucune fabrique de territoire ne figure dans la liste pour ce filtre."
    kinds = [kind for kind in TYPE_ORDER if headline[kind] or kind != "indetermine"]
    # The verb once, with the first count: "8 sont situées dans …, 15 hors des …, et aucune …".
    parts = [
        f"{_count_with(int(headline[kind]))} "
        + (f"{_verb(int(headline[kind]), 'est située', 'sont situées')} " if i == 0 else "")
        + words(kind, rural_definition).where
        + (f", soit {fr_percent(share(headline[kind], count))}" if headline[kind] else "")
        for i, kind in enumerate(kinds)
    ]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + ", et " + parts[-1]
    return f"{place.opening}, sur {_fabriques(count)}, {listed}."


QPV_WORDS = re.compile(r"\b(quartiers? prioritaires?)(?! de la politique de la ville)")


def spell_out_qpv(texts: list[str]) -> list[str]:
    """The first mention of a quartier prioritaire in a deck or a document, spelled out once
    ("quartier prioritaire de la politique de la ville (QPV)"): the charts then say QPV."""
    done = False
    spelled = []
    for text in texts:
        if not done and QPV_WORDS.search(text):
            text = QPV_WORDS.sub(lambda m: f"{m.group(1)} {QPV_IN_FULL}", text, count=1)
            done = True
        elif not done and "politique de la ville" in text:
            done = True
        spelled.append(text)
    return spelled
