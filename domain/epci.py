"""Words for the intercommunalités (EPCI à fiscalité propre): their types and how a sentence
places something in one ("dans la Communauté de communes du Pays de Landerneau-Daoulas",
"à Rennes Métropole", "dans la Métropole du Grand Paris").

The preposition follows a rule on the name, not a table of names: an EPCI's name either
opens with the (feminine) word of its institution — then it takes the article, "dans la
Communauté…", "dans l'Eurométropole…" — or opens with a place and carries the institution
word later, as a proper name does — then "à Rennes Métropole" — or carries no institution
word at all ("Creuse Confluence") — then the type is said first, "dans la communauté de
communes Creuse Confluence".
"""
from __future__ import annotations

import re

# DGCL codes of the EPCI à fiscalité propre, from the most to the least integrated.
EPCI_TYPES = {
    "ME": "Métropole",
    "CU": "Communauté urbaine",
    "CA": "Communauté d'agglomération",
    "CC": "Communauté de communes",
}
EPCI_TYPES_PLURAL = {
    "ME": "métropoles",
    "CU": "communautés urbaines",
    "CA": "communautés d'agglomération",
    "CC": "communautés de communes",
}
WITHOUT_EPCI = "Hors EPCI"

# Words naming the institution itself; all are feminine nouns.
INSTITUTION_WORDS = ("communauté", "métropole", "eurométropole", "agglomération")
VOWELS = "aeiouyàâéèêëîïôöùûü"


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[\s\-'’]+", name.casefold()) if w]


def _feminine_article(text: str) -> str:
    return f"l'{text}" if text[:1].casefold() in VOWELS else f"la {text}"


def _a(name: str) -> str:
    """'à' before a proper name, contracted with a leading article (au Mans, aux Sables)."""
    for article, contracted in (("Le ", "au "), ("Les ", "aux ")):
        if name.startswith(article):
            return contracted + name[len(article):]
    if name.startswith("La ") or name.startswith("L'"):
        return "à " + name[0].lower() + name[1:]
    return f"à {name}"


def in_epci(name: str, epci_type: str | None = None) -> str:
    """'dans la Communauté de communes …', 'à Brest Métropole', 'dans l'Eurométropole de Strasbourg'."""
    name = " ".join(name.split())
    words = _words(name)
    if words and words[0] in INSTITUTION_WORDS:
        return "dans " + _feminine_article(name)
    if any(word in INSTITUTION_WORDS for word in words):
        return _a(name)
    kind = EPCI_TYPES.get(epci_type or "", "intercommunalité").lower()
    return "dans " + _feminine_article(f"{kind} {name}")


def of_epci(name: str, epci_type: str | None = None) -> str:
    """'de la Métropole du Grand Paris', 'de Rennes Métropole', 'de l'Agglomération du Grand Longwy'."""
    placed = in_epci(name, epci_type)
    for start, replacement in (("dans la ", "de la "), ("dans l'", "de l'"), ("au ", "du "),
                               ("aux ", "des "), ("à la ", "de la "), ("à l'", "de l'"), ("à ", "de ")):
        if placed.startswith(start):
            return replacement + placed[len(start):]
    return placed


def type_label(epci_type: str | None) -> str:
    return EPCI_TYPES.get(epci_type or "", WITHOUT_EPCI)
