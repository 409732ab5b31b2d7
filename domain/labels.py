"""Labels of the programme's targets and the messages every page shares.

A target has a scope: all fabriques, those in a commune with a QPV, those in a rural commune.
The scope words are the territory type's words ("en commune rurale"), so they cannot drift.
"""
from __future__ import annotations

from domain.format import capitalised
from domain.territory_types import IN_TERRITORY_TYPE

# Scopes of the programme's targets, in display order.
SCOPES = ("total", "qpv", "rural")
# "Toutes les fabriques", "En commune avec QPV": a gauge title, a table row.
SCOPE_LABELS = {"total": "Toutes les fabriques",
                **{scope: capitalised(IN_TERRITORY_TYPE[scope]) for scope in SCOPES[1:]}}
# The same inside a sentence: "toutes les fabriques", "en commune avec QPV".
SCOPE_IN_SENTENCE = {scope: label[:1].lower() + label[1:] for scope, label in SCOPE_LABELS.items()}
# What is counted: "fabriques", "fabriques en commune avec QPV".
SCOPE_NOUNS = {"total": "fabriques",
               **{scope: f"fabriques {IN_TERRITORY_TYPE[scope]}" for scope in SCOPES[1:]}}

# A rural target read under a named definition: its gauge title and what it counts.
RURAL_SCOPE_LABELS = {"hors_grands_centres": "Hors grands centres urbains",
                      "insee": "En commune rurale (INSEE)"}
RURAL_SCOPE_NOUNS = {"hors_grands_centres": "fabriques hors des grands centres urbains",
                     "insee": "fabriques en commune rurale"}


def rural_scope_label(rural_definition: str) -> str:
    """'En commune rurale (INSEE)' or 'Hors grands centres urbains': the count of rural
    fabriques always names the definition it was read under (Synthèse card, API, tests)."""
    return RURAL_SCOPE_LABELS[rural_definition]


def empty_scope(scope: str) -> str:
    """The first words of every page's message when the filter leaves no fabrique."""
    return f"Aucune fabrique dans la liste pour ce périmètre ({scope})"


def widen_scope(embedded: bool) -> str:
    """What to do when the filter leaves nothing: a page points to its sidebar; an embedded
    view has none, its scope is written in its address."""
    if embedded:
        return ("Cette vue intégrée prend son périmètre dans son adresse (paramètres region, "
                "departement, epci et territoire) : retirez ou changez l'un d'eux dans le lien "
                "qui l'intègre.")
    return "Élargissez les filtres dans le panneau latéral."
