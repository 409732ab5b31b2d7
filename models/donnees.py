"""What the Données page says about a data version, assembled once per version: its facts, its
sources, what the data do not contain, the announced splits beside the commune-level
approximation, its extracts. The history and the import are the import service's
(services/imports.py): they change without a new version being read here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import pyarrow as pa

from models.grid import for_grid
from models.scope import Scope
from models.store import kept
from views import declarations
from views import donnees as dv

EXTRACT_DOWNLOADS = (("laureates", "Lauréats"), ("communes", "Communes"), ("epci", "Intercommunalités"),
                     ("tiers_lieux_2019", "Tiers-lieux 2019"))


@dataclass(frozen=True)
class DonneesPage:
    version_facts: tuple[tuple[str, str], ...]
    sources: pa.Table
    limits: str
    splits: pa.Table
    splits_shown: tuple[tuple[str, pd.DataFrame], ...]  # the same, one announcement at a time (the page's)
    extracts: pa.Table
    downloads: tuple[tuple[str, str, int], ...]  # (extract, title, rows)


def page(scope: Scope) -> DonneesPage:
    def build() -> DonneesPage:
        manifest = scope.manifest
        list_date = manifest.get("laureates_list_date")
        splits = dv.splits_table(scope.run("announced_splits"))
        return DonneesPage(
            version_facts=tuple(dv.version_facts(manifest)),
            sources=for_grid(dv.sources_table(manifest)),
            limits=dv.limits_text(scope.run("inferred_waves"), scope.run("announced_totals"),
                                  manifest["extracts"]["laureates"]["rows"],
                                  date.fromisoformat(list_date) if list_date else None),
            splits=for_grid(splits), splits_shown=tuple(dv.splits_by_announcement(splits)),
            extracts=for_grid(dv.extracts_table(manifest)),
            # A version built before the EPCI level has no epci extract.
            downloads=tuple((name, title, manifest["extracts"][name]["rows"])
                            for name, title in EXTRACT_DOWNLOADS if name in manifest["extracts"]),
        )

    return kept("donnees", scope.version_key, build)


def licences(scope: Scope) -> pa.Table:
    """The licence of each source of the version (Mentions légales), once per version."""
    return kept("mentions_licences", scope.version_key,
                lambda: for_grid(declarations.licences_table(scope.manifest)))
