"""Synthetic laureate lists for the scale benchmark (never committed, never shown as real).

A copy of the real extracts in which laureates.parquet holds N made-up fabriques, placed in
real communes so that points, départements and territory types are plausible. Rows go
through pipeline.build.derive_laureates, the function an import uses, so the synthetic
extract has exactly the columns and derived fields of a real one; the manifest is rewritten
with the new row count, hash and data version, so the loader accepts it as it would an import.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline import versions
from pipeline.build import derive_laureates
from pipeline.import_workflow import load_reference

ROOT = Path(__file__).resolve().parent.parent
# Beyond the real ids (fabt-01 … fabt-0NNN): a synthetic id never collides with a real one.
FIRST_SYNTHETIC_NUMBER = 1000
SOURCE_LABEL = "Liste synthétique du banc d'essai (fabriques fictives, non publiées)"


def bare_list(communes: pd.DataFrame, count: int, seed: int = 2020) -> pd.DataFrame:
    """N fabriques in real communes, drawn with a weight growing with population.

    The square root keeps big cities ahead without putting every fabrique in Paris,
    so the synthetic list spreads over thousands of communes as a national list would.
    """
    placed = communes[communes.lon.notna() & communes.lat.notna()].reset_index(drop=True)
    weights = np.sqrt(placed.population.fillna(0).clip(lower=1).to_numpy(dtype=float))
    rng = np.random.default_rng(seed)
    drawn = placed.iloc[rng.choice(len(placed), size=count, p=weights / weights.sum())]
    numbers = np.arange(FIRST_SYNTHETIC_NUMBER, FIRST_SYNTHETIC_NUMBER + count)
    return pd.DataFrame({
        "fabrique_id": [f"fabt-{number}" for number in numbers],
        "fabrique_number": numbers,
        "name": [f"Fabrique fictive {number}" for number in numbers],
        "commune_code": drawn.commune_code.to_numpy(),
        "source_commune_name": drawn.commune_name.to_numpy(),
        # No point of its own: derive_laureates places it at its commune's point.
        "source_lon": np.nan,
        "source_lat": np.nan,
        "source_feature": [str(number) for number in numbers],
    })


def write_synthetic_extracts(destination: Path, count: int, source: Path = ROOT / "data") -> dict:
    """Copy of `source` with `count` synthetic laureates; returns the new manifest."""
    destination.mkdir(parents=True, exist_ok=True)
    manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["extracts"].values():
        shutil.copy(source / entry["file"], destination / entry["file"])
    reference = load_reference(source, manifest)
    laureates = derive_laureates(bare_list(reference.communes, count), reference.communes,
                                 reference.departements, reference.regions, reference.dep_shapes,
                                 "banc d'essai", source_label=SOURCE_LABEL, epci=reference.epci)
    path = destination / manifest["extracts"]["laureates"]["file"]
    laureates.to_parquet(path, index=False)
    manifest["extracts"]["laureates"].update(rows=len(laureates), sha256=versions.sha256_file(path))
    manifest["data_version"] = versions.version_of(manifest["extracts"])
    manifest["laureates_source"] = SOURCE_LABEL
    (destination / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False),
                                              encoding="utf-8")
    return manifest
