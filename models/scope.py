"""The scope of a figure: which data version, which filters, in which geography.

One object for every surface: the page context (app/context.py) wraps it, the API and the
points files (app/web/) build it from their query strings, the exports receive it. It holds no
Streamlit: its query runner is bound to its data version, so that a permalink to an archived
version reads that version everywhere, and its `key` is the one cache key of every model
built for it (models/store.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import pandas as pd

import queries
from models.store import kept
from views import filters as flt
from views import sentences

# A permalink's version that is neither in service nor archived under data/versions/.
UnknownVersion = queries.UnknownVersion


@dataclass(frozen=True)
class Scope:
    version: str
    filters: flt.Filters
    directory: str  # the data folder (tests and the benchmark serve others)
    manifest: dict = field(compare=False, hash=False, repr=False)
    geography: flt.Geography = field(compare=False, hash=False, repr=False)

    @property
    def key(self) -> tuple:
        """What a model of this scope depends on: the data, the version and the filters."""
        return (self.directory, self.version, tuple(sorted(self.filters.params().items())))

    @property
    def version_key(self) -> tuple:
        """The key of what depends on the data version only (national figures)."""
        return (self.directory, self.version)

    @property
    def params(self) -> dict:
        """The bound parameters every filtered query takes."""
        return self.filters.params()

    @property
    def rural_definition(self) -> str:
        return self.filters.rural_definition

    @property
    def description(self) -> str:
        """The scope in words: 'Bretagne — hors grands centres urbains'."""
        return flt.describe(self.filters, self.geography)

    @property
    def is_national(self) -> bool:
        return self.filters.is_empty

    @property
    def place(self) -> sentences.Place:
        """Where the filter points, said in a sentence ('en Bretagne', 'à Rennes Métropole')."""
        g, f = self.geography, self.filters
        return sentences.place_of(f.region, f.departement, g.regions, g.departements, f.epci,
                                  g.epci, g.epci_types)

    @property
    def list_date(self) -> date:
        return date.fromisoformat(self.manifest["laureates_list_date"])

    @property
    def list_source(self) -> str:
        return self.manifest["laureates_source"]

    @property
    def is_current(self) -> bool:
        return self.version == queries.read_manifest(Path(self.directory))["data_version"]

    def run(self, name: str, **params) -> pd.DataFrame:
        """queries/<name>.sql on this scope's data version (values bound)."""
        return queries.run_at(self.version, name, **params)

    def with_filters(self, filters: flt.Filters) -> "Scope":
        return replace(self, filters=filters)

    def national(self) -> "Scope":
        """France entière under the same rural definition."""
        return self.with_filters(flt.Filters(rural_definition=self.rural_definition))

    def with_rural(self, rural_definition: str) -> "Scope":
        return self.with_filters(replace(self.filters, rural_definition=rural_definition))


def geography(version: str) -> flt.Geography:
    """The régions, départements and EPCI a filter can take, once per data version. A version
    archived before the EPCI level has no epci extract: no EPCI is then known."""
    manifest = queries.manifest_of(version)
    directory = str(queries.data_dir())

    def build() -> flt.Geography:
        epci = queries.run_at(version, "epci_options") if "epci" in manifest["extracts"] else None
        return flt.Geography.from_options(queries.run_at(version, "filter_options"), epci)

    return kept("geography", (directory, version), build)


def at_version(version: str | None = None) -> tuple[str, dict]:
    """A data version and its manifest: the one in service, or an archived one
    (raises queries.UnknownVersion for a version that does not exist)."""
    current = queries.read_manifest()
    if not version or version == current["data_version"]:
        return current["data_version"], current
    return version, queries.manifest_of(version)


def of(filters: flt.Filters, version: str | None = None) -> Scope:
    """The scope of already checked filters on a data version (default: the one in service)."""
    version, manifest = at_version(version)
    return Scope(version, filters, str(queries.data_dir()), manifest, geography(version))


def from_url(values: dict, version: str | None = None) -> tuple[Scope, list[str]]:
    """The scope of URL parameters (region, departement, epci, territoire, rural), checked as the
    filter bar checks them, and the French notices for what was dropped."""
    version, manifest = at_version(version)
    where = geography(version)
    filters, notices = flt.parse({key: values[key] for key in flt.URL_KEYS if key in values}, where)
    return Scope(version, filters, str(queries.data_dir()), manifest, where), notices
