"""The territory types: their one order, labels and definitions, as shown wherever a count is shown."""
from __future__ import annotations

RURAL_DEFINITIONS = {
    "insee": "Rural au sens de l'INSEE (3 niveaux les moins denses)",
    "hors_grands_centres": "Hors grands centres urbains (tous niveaux sauf le plus dense)",
}
DEFAULT_RURAL_DEFINITION = "insee"

# The one order of the territory types: every table, chart, legend and sentence follows it.
TYPE_ORDER = ("qpv", "rural", "urbain", "indetermine")
TERRITORY_TYPES = {
    "qpv": "Commune avec QPV",
    "rural": "Commune rurale",
    "urbain": "Autre commune urbaine",
    "indetermine": "Non déterminé",
}
TERRITORY_TYPES_PLURAL = {
    "qpv": "communes avec QPV",
    "rural": "communes rurales",
    "urbain": "autres communes urbaines",
    "indetermine": "type non déterminé",
}
# "23 fabriques en commune rurale".
IN_TERRITORY_TYPE = {
    "qpv": "en commune avec QPV",
    "rural": "en commune rurale",
    "urbain": "en autre commune urbaine",
    "indetermine": "de type non déterminé",
}
# "… n'est située dans une commune rurale".
WHERE_TERRITORY_TYPE = {
    "qpv": "dans une commune comptant un quartier prioritaire (commune avec QPV)",
    "rural": "dans une commune rurale",
    "urbain": "dans une autre commune urbaine",
    "indetermine": "dans une commune de type non déterminé",
}
# Filter choices: "indetermine" is a data gap, not a territory a user asks for.
FILTERABLE_TERRITORY_TYPES = ["qpv", "rural", "urbain"]


def definitions(rural_definition: str) -> dict[str, str]:
    rural = (
        "commune classée « Bourgs ruraux », « Rural à habitat dispersé » ou « Rural à habitat "
        "très dispersé » dans la grille communale de densité de l'INSEE (7 niveaux)"
        if rural_definition == "insee"
        else "commune classée dans un autre niveau que « Grands centres urbains » de la grille "
        "communale de densité de l'INSEE (formulation de l'appel à manifestation d'intérêt de 2019)"
    )
    return {
        "qpv": "la commune de la fabrique compte au moins un quartier prioritaire de la politique "
               "de la ville (géographie 2024). C'est une approximation : la fabrique n'est pas "
               "forcément située dans le quartier, et la liste ne porte pas de label QPV officiel.",
        "rural": f"{rural}, et sans QPV (une commune à la fois avec QPV et rurale compte comme QPV).",
        "urbain": "ni commune avec QPV, ni commune rurale selon la définition choisie.",
        "indetermine": "densité inconnue (Saint-Martin n'est pas dans la grille de densité).",
    }


def definition_note(rural_definition: str) -> str:
    d = definitions(rural_definition)
    return (
        f"**Commune avec QPV** : {d['qpv']}  \n"
        f"**Commune rurale** : {d['rural']}  \n"
        f"**Autre commune urbaine** : {d['urbain']}"
    )
