"""The filters shared by every page, read from and written to the URL.

`region` (INSEE région code), `departement` (INSEE département code), `epci` (SIREN of an
intercommunalité), `territoire` (qpv / rural / urbain) and `rural` (the rural definition). An unknown or malformed value
is dropped with a notice in French; nothing here raises on user input.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace

import pandas as pd

from domain.territory_types import (
    DEFAULT_RURAL_DEFINITION,
    FILTERABLE_TERRITORY_TYPES,
    RURAL_DEFINITIONS,
    words,
)

URL_KEYS = ("region", "departement", "epci", "territoire", "rural")
MAX_URL_VALUE = 64
EPCI_SIREN = re.compile(r"^\d{9}$")
MAX_SHOWN = 24  # a hostile 10 kB value is cut when echoed in a notice


@dataclass(frozen=True)
class Filters:
    region: str | None = None
    departement: str | None = None
    epci: str | None = None
    territoire: str | None = None
    rural_definition: str = DEFAULT_RURAL_DEFINITION

    def params(self) -> dict:
        """The bound parameters every filtered query takes."""
        return asdict(self)

    def url_params(self) -> dict[str, str]:
        values = {"region": self.region, "departement": self.departement, "epci": self.epci,
                  "territoire": self.territoire}
        if self.rural_definition != DEFAULT_RURAL_DEFINITION:
            values["rural"] = self.rural_definition
        return {k: v for k, v in values.items() if v}

    @property
    def is_empty(self) -> bool:
        return (self.region is None and self.departement is None and self.epci is None
                and self.territoire is None)


@dataclass(frozen=True)
class Geography:
    """Names of the régions, départements and EPCI a filter can take."""
    regions: dict[str, str]
    departements: dict[str, str]
    region_of_departement: dict[str, str | None]
    epci: dict[str, str] = field(default_factory=dict)  # SIREN -> name, by name
    departements_of_epci: dict[str, tuple[str, ...]] = field(default_factory=dict)
    regions_of_epci: dict[str, tuple[str, ...]] = field(default_factory=dict)
    epci_types: dict[str, str] = field(default_factory=dict)  # SIREN -> ME, CU, CA, CC

    @classmethod
    def from_options(cls, options: pd.DataFrame, epci_options: pd.DataFrame | None = None) -> "Geography":
        regions = (
            options.dropna(subset=["reg_code"]).drop_duplicates("reg_code")
            .sort_values("reg_name").set_index("reg_code")["reg_name"].to_dict()
        )
        departements = options.set_index("dep_code")["dep_name"].to_dict()
        region_of = {row.dep_code: (None if pd.isna(row.reg_code) else row.reg_code)
                     for row in options.itertuples()}
        if epci_options is None:
            return cls(regions, departements, region_of)
        sirens = epci_options["epci_siren"].tolist()
        return cls(
            regions, departements, region_of,
            epci=dict(zip(sirens, epci_options["epci_name"])),
            departements_of_epci={s: tuple(d) for s, d in zip(sirens, epci_options["dep_codes"])},
            regions_of_epci={s: tuple(r) for s, r in zip(sirens, epci_options["reg_codes"])},
            epci_types=dict(zip(sirens, epci_options["epci_type"])),
        )

    def epci_in(self, region: str | None, departement: str | None) -> list[str]:
        """SIREN of the EPCI that have communes in the département (else the région), by name."""
        if departement:
            return [s for s, deps in self.departements_of_epci.items() if departement in deps]
        if region:
            return [s for s, regs in self.regions_of_epci.items() if region in regs]
        return list(self.epci)


def shown(value: str) -> str:
    """A user value made safe to echo in a Markdown notice: letters, digits, dashes only."""
    cleaned = re.sub(r"[^0-9A-Za-zÀ-ÿ _-]", "?", value)
    return cleaned[:MAX_SHOWN] + ("…" if len(value) > MAX_SHOWN else "")


def _first(value) -> str | None:
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    if value is None:
        return None
    value = str(value).strip()
    # Every accepted value is a short code (region "53", département "2A", "qpv", "insee"):
    # a longer one is kept cut, which no known code matches, so it is refused with a notice.
    return value[:MAX_URL_VALUE] or None


def parse(raw: dict, geography: Geography) -> tuple[Filters, list[str]]:
    """Filters from URL parameters, and the French notices for what was ignored."""
    notices: list[str] = []
    region = _first(raw.get("region"))
    if region is not None and region not in geography.regions:
        notices.append(f"Filtre « région » ignoré : « {shown(region)} » n'est pas un code de région connu.")
        region = None
    departement = _first(raw.get("departement"))
    if departement is not None:
        # "2a" and "29 " are what a person types; INSEE codes are upper case.
        departement = departement.upper()
        if departement not in geography.departements:
            notices.append(
                f"Filtre « département » ignoré : « {shown(departement)} » n'est pas un code de département connu."
            )
            departement = None
        elif region is not None and geography.region_of_departement.get(departement) != region:
            notices.append(
                f"Filtre « département » ignoré : {geography.departements[departement]} "
                f"n'est pas dans la région {geography.regions[region]}."
            )
            departement = None
    epci = _parse_epci(_first(raw.get("epci")), region, departement, geography, notices)
    territoire = _first(raw.get("territoire"))
    if territoire is not None and territoire not in FILTERABLE_TERRITORY_TYPES:
        notices.append(
            f"Filtre « territoire » ignoré : « {shown(territoire)} » n'est pas une valeur connue "
            f"(`qpv`, `rural` ou `urbain`)."
        )
        territoire = None
    rural = _first(raw.get("rural")) or DEFAULT_RURAL_DEFINITION
    if rural not in RURAL_DEFINITIONS:
        notices.append(
            f"Paramètre « rural » ignoré : « {shown(rural)} » n'est pas une définition connue "
            f"({' ou '.join(RURAL_DEFINITIONS)})."
        )
        rural = DEFAULT_RURAL_DEFINITION
    return Filters(region=region, departement=departement, epci=epci, territoire=territoire,
                   rural_definition=rural), notices


def _parse_epci(epci: str | None, region: str | None, departement: str | None,
                geography: Geography, notices: list[str]) -> str | None:
    if epci is None:
        return None
    # "200 040 715" is how a SIREN is often written.
    compact = epci.replace(" ", "")
    if not EPCI_SIREN.match(compact):
        notices.append(f"Filtre « EPCI » ignoré : « {shown(epci)} » n'est pas un numéro SIREN "
                       f"(9 chiffres).")
        return None
    if compact not in geography.epci:
        notices.append(f"Filtre « EPCI » ignoré : « {compact} » n'est le SIREN d'aucune "
                       f"intercommunalité connue.")
        return None
    if compact not in geography.epci_in(region, departement):
        where = (f"le département {geography.departements[departement]}" if departement
                 else f"la région {geography.regions[region]}")
        notices.append(f"Filtre « EPCI » ignoré : {geography.epci[compact]} n'est pas dans {where}.")
        return None
    return compact


def with_departement(filters: Filters, departement: str | None, geography: Geography) -> Filters:
    """Changing the département drops an EPCI that has no commune in it."""
    epci = filters.epci
    if epci and epci not in geography.epci_in(filters.region, departement):
        epci = None
    return replace(filters, departement=departement, epci=epci)


def describe(filters: Filters, geography: Geography) -> str:
    """The scope in words, e.g. 'Bretagne — hors grands centres urbains' (a type under the chosen
    rural definition, named by it)."""
    parts = []
    if filters.epci:
        parts.append(geography.epci.get(filters.epci, filters.epci))
    if filters.departement:
        parts.append(f"{geography.departements[filters.departement]} ({filters.departement})")
    elif filters.region:
        parts.append(geography.regions[filters.region])
    elif not filters.epci:
        parts.append("France entière")
    if filters.territoire:
        parts.append(words(filters.territoire, filters.rural_definition).plural)
    return " — ".join(parts)
