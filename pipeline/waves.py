"""Inferred selection wave of each fabrique.

The ANCT list has no wave or date per fabrique. Its ids follow the order of selection, and
the announced cumulative totals pin some ranges (PROVENANCE.md, "What the list does NOT
contain"). Every wave derived here is an inference and is flagged as such on screen.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class WaveRange:
    first: int
    last: int
    label: str
    announced_on: date | None  # None when the range mixes several announcements
    note: str


WAVE_RANGES = [
    WaveRange(1, 80, "Vague 1 (3 février 2020)", date(2020, 2, 3),
              "Les 80 premiers lauréats annoncés à Concarneau."),
    WaveRange(81, 187, "Vagues 2020 – début 2021 (non distinguées)", None,
              "Vagues de 2020 et du début de 2021 que la liste ne permet pas de séparer."),
    WaveRange(188, 216, "Vague du 30 mars 2021", date(2021, 3, 30),
              "29 lauréats annoncés le 30 mars 2021."),
    WaveRange(217, 300, "Vagues 2021 (non distinguées)", None,
              "Vagues de 2021 jusqu'à l'objectif de 300, que la liste ne permet pas de séparer."),
    WaveRange(301, 382, "Vague 2023", date(2023, 9, 11),
              "Vague 2023 lancée le 11 septembre 2023, vers 144 territoires sans fabrique."),
]


def infer_wave(fabrique_number: int) -> WaveRange | None:
    """The wave range holding this id, or None past the January 2024 list (an import says it)."""
    for wave in WAVE_RANGES:
        if wave.first <= fabrique_number <= wave.last:
            return wave
    return None
