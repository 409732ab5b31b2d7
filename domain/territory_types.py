"""The territory types: their one order, and their words under each definition of the rural.

One definition of the rural at a time: every figure, label and sentence of a page, a deck or a
document names the definition it was counted under, the one chosen. The default is the rural
target's own: the 2019 call's "hors grands centres urbains" (every level of the INSEE density
grid but the densest), so that the cards and the target's gauge agree on first sight. Under it,
the category is never called bare "rural": it holds small towns and intermediate urban centres
too. The INSEE 2020 definition (the 3 least dense levels) stays a choice.
"""
from __future__ import annotations

from dataclasses import dataclass

from domain.format import capitalised

# In the order the filter bar offers them: the default (the target's definition) first.
RURAL_DEFINITIONS = {
    "hors_grands_centres": "Hors grands centres urbains (définition de l'appel : tous les niveaux de "
                           "densité sauf le plus dense)",
    "insee": "Rural au sens de l'INSEE (3 niveaux de densité les moins denses)",
}
DEFAULT_RURAL_DEFINITION = "hors_grands_centres"
# Short names of the definitions, inside a sentence or a footer.
RURAL_DEFINITION_NAMES = {
    "hors_grands_centres": "« hors grands centres urbains » (définition de l'appel de 2019)",
    "insee": "rural au sens de l'INSEE",
}

# The one order of the territory types: every table, chart, legend and sentence follows it.
TYPE_ORDER = ("qpv", "rural", "urbain", "indetermine")
# Filter choices: "indetermine" is a data gap, not a territory a user asks for.
FILTERABLE_TERRITORY_TYPES = ["qpv", "rural", "urbain"]


@dataclass(frozen=True)
class TypeWords:
    """How a territory type is said under one definition of the rural."""
    label: str   # a legend, a column, a card: "Commune rurale (INSEE)"
    plural: str  # a scope: "Bretagne — communes rurales (INSEE)"
    among: str   # after a count: "23 fabriques en commune rurale (INSEE)"
    where: str   # read aloud: "… est située dans une commune rurale au sens de l'INSEE"


_QPV = TypeWords("Commune avec QPV", "communes avec QPV", "en commune avec QPV",
                 "dans une commune comptant un quartier prioritaire")
# The words QPV stands for, said once at the first mention of a deck or a document.
QPV_IN_FULL = "de la politique de la ville (QPV)"
_UNKNOWN = TypeWords("Non déterminé", "type non déterminé", "de type non déterminé",
                     "dans une commune de type non déterminé")
WORDS = {
    "insee": {
        "qpv": _QPV,
        "rural": TypeWords("Commune rurale (INSEE)", "communes rurales (INSEE)",
                           "en commune rurale (INSEE)", "dans une commune rurale au sens de l'INSEE"),
        "urbain": TypeWords("Autre commune urbaine", "autres communes urbaines", "en autre commune urbaine",
                            "dans une autre commune urbaine"),
        "indetermine": _UNKNOWN,
    },
    "hors_grands_centres": {
        "qpv": _QPV,
        "rural": TypeWords("Hors grands centres urbains", "hors grands centres urbains",
                           "hors grands centres urbains", "hors des grands centres urbains"),
        "urbain": TypeWords("Grand centre urbain sans QPV", "grands centres urbains sans QPV",
                            "en grand centre urbain sans QPV",
                            "dans un grand centre urbain sans quartier prioritaire"),
        "indetermine": _UNKNOWN,
    },
}


def words(kind: str, rural_definition: str) -> TypeWords:
    return WORDS[rural_definition][kind]


def type_labels(rural_definition: str) -> dict[str, str]:
    """{type: label} in the one order, under a definition (legends, columns, filter choices)."""
    return {kind: WORDS[rural_definition][kind].label for kind in TYPE_ORDER}


def type_label(kind: str, rural_definition: str) -> str:
    return WORDS[rural_definition][kind].label if kind in WORDS[rural_definition] else kind


def definitions(rural_definition: str) -> dict[str, str]:
    rural = (
        "commune classée « Bourgs ruraux », « Rural à habitat dispersé » ou « Rural à habitat "
        "très dispersé » dans la grille communale de densité de l'INSEE (7 niveaux)"
        if rural_definition == "insee"
        else "commune classée dans un autre niveau que « Grands centres urbains » de la grille "
        "communale de densité de l'INSEE (formulation de l'appel à manifestation d'intérêt de 2019) : "
        "communes rurales, mais aussi petites villes et centres urbains intermédiaires"
    )
    return {
        "qpv": "la commune de la fabrique compte au moins un quartier prioritaire de la politique "
               "de la ville (géographie 2024). C'est une approximation : la fabrique n'est pas "
               "forcément située dans le quartier, et la liste ne porte pas de label QPV officiel.",
        "rural": f"{rural}, et sans QPV (une commune à la fois avec QPV et {words('rural', rural_definition).plural} "
                 "compte comme QPV).",
        "urbain": ("ni commune avec QPV, ni commune rurale au sens de l'INSEE." if rural_definition == "insee"
                   else "commune du niveau « Grands centres urbains » de la grille de densité, sans QPV."),
        "indetermine": "densité inconnue (Saint-Martin n'est pas dans la grille de densité).",
    }


def definition_note(rural_definition: str) -> str:
    d = definitions(rural_definition)
    return "  \n".join(f"**{capitalised(words(kind, rural_definition).label)}** : {d[kind]}"
                       for kind in ("qpv", "rural", "urbain"))
