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
    # The latest date by which every fabrique of the range was labelled (an inference too):
    # the date of the announcement that counted it, or the end of the year of its waves.
    labelled_by: date


WAVE_RANGES = [
    WaveRange(1, 80, "Vague 1 (3 février 2020)", date(2020, 2, 3),
              "Les 80 premiers lauréats annoncés à Concarneau.", date(2020, 2, 3)),
    WaveRange(81, 187, "Vagues 2020 – début 2021 (non distinguées)", None,
              "Vagues de 2020 et du début de 2021 que la liste ne permet pas de séparer.",
              date(2021, 3, 30)),  # "189 déjà labellisés" when the 30 March 2021 wave was announced
    WaveRange(188, 216, "Vague du 30 mars 2021", date(2021, 3, 30),
              "29 lauréats annoncés le 30 mars 2021.", date(2021, 3, 30)),
    WaveRange(217, 300, "Vagues 2021 (non distinguées)", None,
              "Vagues de 2021 jusqu'à l'objectif de 300, que la liste ne permet pas de séparer.",
              date(2021, 12, 31)),  # "300 fabriques sélectionnées entre 2020 et 2021" (ANCT)
    WaveRange(301, 382, "Vague 2023", date(2023, 9, 11),
              "Vague 2023 lancée le 11 septembre 2023, vers 144 territoires sans fabrique.",
              date(2023, 12, 31)),  # selected in 2023, in the list of January 2024
]


def infer_wave(fabrique_number: int) -> WaveRange | None:
    """The wave range holding this id, or None past the January 2024 list (an import says it)."""
    for wave in WAVE_RANGES:
        if wave.first <= fabrique_number <= wave.last:
            return wave
    return None
