"""Labels of the programme's targets and the messages every page shares.

A target has a scope: all fabriques, those in a commune with a QPV, those in a rural commune.
The scope words are the territory type's words under the chosen rural definition
(domain/territory_types.py), so they cannot drift.
"""
from __future__ import annotations

from domain.format import capitalised
from domain.territory_types import words

# Scopes of the programme's targets, in display order.
SCOPES = ("total", "qpv", "rural")


def scope_among(scope: str, rural_definition: str) -> str:
    """'toutes les fabriques', 'en commune avec QPV', 'hors grands centres urbains'."""
    return "toutes les fabriques" if scope == "total" else words(scope, rural_definition).among


def scope_label(scope: str, rural_definition: str) -> str:
    """A gauge title, a table row: 'Toutes les fabriques', 'En commune avec QPV',
    'Hors grands centres urbains', 'En commune rurale (INSEE)'. A rural count always names the
    definition it was read under."""
    return capitalised(scope_among(scope, rural_definition))


def scope_noun(scope: str, rural_definition: str) -> str:
    """What is counted: 'fabriques', 'fabriques en commune avec QPV', 'fabriques hors grands
    centres urbains'."""
    return "fabriques" if scope == "total" else f"fabriques {words(scope, rural_definition).among}"


def empty_scope(scope: str) -> str:
    """The first words of every page's message when the filter leaves no fabrique."""
    return f"Aucune fabrique dans la liste pour ce périmètre ({scope})"


def widen_scope(embedded: bool) -> str:
    """What to do when the filter leaves nothing: a page points to its sidebar; an embedded
    view has none, its scope is written in its address."""
    if embedded:
        return ("Cette vue intégrée prend son périmètre dans son adresse (paramètres `region`, "
                "`departement`, `epci` et `territoire`) : retirez ou changez l'un d'eux dans le lien "
                "qui l'intègre.")
    return "Élargissez les filtres dans le panneau latéral."
