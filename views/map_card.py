"""The detail card of a fabrique on the Carte page: (label, value) rows, values shown as text."""
from __future__ import annotations

from domain.territory_types import type_label


def detail_fields(detail, definition: str, rural_definition: str) -> list[tuple[str, str]]:
    """(label, value) rows of the detail card; values are data, shown as plain text."""
    position = ("repli documenté : la liste ANCT n'a pas de point pour cette fabrique, elle est "
                "placée au chef-lieu de sa commune" if detail.point_is_fallback
                else "point de la liste ANCT (centre de la commune)")
    if detail.lon != detail.lon or detail.lon is None:
        position = "non placée : aucune coordonnée"
    return [
        ("Fabrique", str(detail["name"])),
        ("Identifiant", str(detail.fabrique_id)),
        ("Commune", f"{detail.commune_name} ({detail.commune_code})"),
        ("Intercommunalité", f"{detail.epci_name} (SIREN {detail.epci_siren})"
         if isinstance(detail.epci_siren, str) else "aucune (la commune n'appartient à aucun EPCI)"),
        ("Département", f"{detail.dep_name} ({detail.dep_code})"),
        ("Région", detail.reg_name if isinstance(detail.reg_name, str) else "aucune (collectivité d'outre-mer)"),
        ("Type de territoire", f"{type_label(detail.territory_type, rural_definition)} : {definition}"),
        ("Vague (déduite)", f"{detail.wave_label} — déduite de l'ordre des identifiants, la liste ne donne pas la vague"),
        ("Position", position),
        ("Source", str(detail.source)),
    ]
