"""The figures of a scope, assembled once: every surface that counts fabriques reads them here.

`headline` (queries/headline_counts.sql): the fabriques of the filter by territory type under
the chosen rural definition, their communes and départements, and the same counts for France.
`targets` (queries/progress_toward_targets.sql): each national target, the fabriques of its
scope in the list and labelled by its deadline, for the filter and for France.

Synthèse's cards and gauges, the API's indicateurs.json, the slides, the PowerPoint and the
press kit all read this one object: the same scope gives the same numbers on each of them.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from models.scope import Scope
from models.store import kept


@dataclass(frozen=True)
class ScopeFigures:
    headline: pd.Series
    targets: pd.DataFrame
    rural_definition: str

    @property
    def fabriques(self) -> int:
        return int(self.headline.fabriques)


def of(scope: Scope) -> ScopeFigures:
    def build() -> ScopeFigures:
        return ScopeFigures(headline=scope.run("headline_counts", **scope.params).iloc[0],
                            targets=scope.run("progress_toward_targets", **scope.params),
                            rural_definition=scope.rural_definition)

    return kept("figures", scope.key, build)
