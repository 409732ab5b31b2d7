"""The preposition before each région and département name: "en Bretagne", "dans le Finistère".

French says "en Bretagne" but "dans le Finistère", "dans les Hauts-de-Seine", "dans l'Ain",
"à La Réunion". The form depends on the gender and number of the name, which the name does not
always show, so the form of every région and département is written out in prepositions.csv,
keyed by INSEE code (the name is there for the reader). Conventions kept throughout: names
starting with a vowel or a mute h take "dans l'" (also the feminine ones, "dans l'Isère", rather
than mixing with "en Isère"); Martinique takes "en", as Guadeloupe and Guyane do in the State's
own texts; islands named with an article or a person take "à".
"""
from __future__ import annotations

import csv
from pathlib import Path

TABLE = Path(__file__).with_name("prepositions.csv")
FORMS = ("en", "dans le", "dans les", "dans l'", "à")


def _read(level: str) -> dict[str, str]:
    with TABLE.open(encoding="utf-8", newline="") as file:
        rows = [row for row in csv.DictReader(file) if row["niveau"] == level]
    unknown = {row["preposition"] for row in rows} - set(FORMS)
    if unknown:
        raise ValueError(f"{TABLE.name} : préposition inconnue {sorted(unknown)}")
    return {row["code"]: row["preposition"] for row in rows}


REGION_PREPOSITIONS = _read("region")
DEPARTEMENT_PREPOSITIONS = _read("departement")


def _join(preposition: str, name: str) -> str:
    return f"{preposition}{name}" if preposition.endswith("'") else f"{preposition} {name}"


def in_region(code: str, name: str) -> str:
    """'en Bretagne', 'dans les Hauts-de-France'."""
    return _join(REGION_PREPOSITIONS[code], name)


def in_departement(code: str, name: str) -> str:
    """'dans le Finistère', 'dans l'Ain', 'à Paris'."""
    return _join(DEPARTEMENT_PREPOSITIONS[code], name)
