"""PROVENANCE.md read for its figures, and the raw files of data/sources/ read as they are (no
cleaning of the build), for the tests/test_provenance_*.py files.

Each test reads a figure from the document (a pattern over its text) and measures the same thing
in the raw file with pandas or json: a figure changed in the document and not in the file, or the
reverse, fails. A reworded sentence fails too ("no longer says"), so that its new figures get
checked there rather than dropped. Each file is read once per test process (cached).
"""
from __future__ import annotations

import json
import re
from functools import cache

import pandas as pd
from shapely.geometry import Point, shape

from conftest import ROOT
from pipeline import sources

SOURCES = ROOT / "data" / "sources"
# One line of text: the document wraps its sentences anywhere.
DOC = re.sub(r"\s+", " ", (SOURCES / "PROVENANCE.md").read_text(encoding="utf-8"))
OVERSEAS_REGIONS = {"01", "02", "03", "04", "06"}
# Mainland France and Corsica lie inside this box; every overseas territory far outside it.
MAINLAND = {"lat": (41.0, 51.5), "lon": (-5.5, 10.0)}


def said(pattern: str) -> tuple[str, ...]:
    """The groups of `pattern` in the document; every place that says it says the same."""
    found = re.findall(pattern, DOC)
    assert found, f"PROVENANCE.md no longer says: {pattern}"
    found = [match if isinstance(match, tuple) else (match,) for match in found]
    assert len(set(found)) == 1, f"PROVENANCE.md says it in two ways: {found}"
    return found[0]


def number(text: str) -> int:
    """'1,512' -> 1512 (the document writes thousands with a comma)."""
    return int(text.replace(",", ""))


def codes(text: str) -> list[str]:
    return re.findall(r"\d{5}", text)


# --- The raw files, read as they are (no cleaning of the build) ---

def features_of(name: str) -> list[dict]:
    return json.loads((SOURCES / name).read_text(encoding="utf-8"))["features"]


@cache
def load_fabriques():
    return features_of(sources.FABRIQUES_FILE)


@cache
def load_regions():
    return features_of(sources.REGIONS_FILE)


@cache
def load_departements():
    return features_of(sources.DEPARTEMENTS_FILE)


@cache
def load_census():
    return pd.read_csv(SOURCES / sources.CENSUS_2019_FILE, dtype=str, keep_default_na=False)


@cache
def load_points():
    return pd.read_csv(SOURCES / sources.COMMUNE_POINTS_FILE, dtype=str, keep_default_na=False)


@cache
def load_epci():
    return pd.read_csv(SOURCES / sources.COMMUNE_EPCI_FILE, dtype=str, keep_default_na=False)


@cache
def load_density():
    return pd.read_csv(SOURCES / sources.DENSITY_FILE, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def facts_file(name: str) -> pd.DataFrame:
    return pd.read_csv(SOURCES / name, dtype=str, keep_default_na=False)


@cache
def load_milestones():
    return facts_file("programme_jalons_fabriques.csv").set_index("date")


@cache
def load_targets():
    return facts_file("objectifs_programme.csv").set_index("objectif")


def region_at(lon: float, lat: float, regions) -> str | None:
    """The région whose outline holds the point (or the nearest: generalised outlines cut coasts)."""
    point = Point(lon, lat)
    outlines = [(f["properties"]["insee_reg"], shape(f["geometry"])) for f in regions]
    return (next((code for code, outline in outlines if outline.contains(point)), None)
            or min(outlines, key=lambda item: item[1].distance(point))[0])


def missing(column: pd.Series) -> pd.Series:
    """Empty cells, and the commune points' missing-value mark `\\N`."""
    return column.isin(["", "\\N"])
