"""Reading an API request's parameters with the pages' own rules, or refusing it in French.

The filters are parsed by views.filters.parse, the function the filter bar uses: a filter
added there (and to URL_KEYS) is accepted here too. Where a page ignores a bad value with a
notice, the API refuses the request (HTTP 400) and names the parameter: a program calling
the API has nobody to read a notice, and a silently dropped filter would return other totals.
"""
from __future__ import annotations

import re

import queries
from models import scope as scopes
from models.scope import Scope
from pipeline import versions
from views import filters as flt
from views import laureats as lv


class ApiError(Exception):
    """A refused request: HTTP status, French message, and what else the body says."""

    def __init__(self, status: int, message: str, **details):
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details


def single_values(multi: list[tuple[str, str]], accepted: tuple[str, ...]) -> dict[str, str]:
    """The query string as one value per name; an unknown or repeated name is refused."""
    values: dict[str, str] = {}
    for name, value in multi:
        if name not in accepted:
            raise ApiError(400, f"Paramètre inconnu : « {flt.shown(name)} ». Paramètres acceptés : "
                                f"{', '.join(accepted)}.", parametre=flt.shown(name))
        if name in values:
            raise ApiError(400, f"Le paramètre « {name} » est donné plusieurs fois : une seule valeur "
                                "est acceptée.", parametre=name)
        values[name] = value
    return values


def available_versions() -> list[dict]:
    """Every data version the API can serve: the current one and those archived by imports."""
    return [{"version": row["version"], "date_de_la_liste": row["list_date"],
             "fabriques": row["laureates"], "en_service": row["is_current"]}
            for row in versions.list_versions(queries.data_dir())]


def data_version(values: dict[str, str]) -> tuple[str, dict]:
    """The version asked for (`version=`), or the one in service; 404 for an unknown one."""
    requested = values.get("version", "").strip()
    current = queries.read_manifest()
    if not requested or requested == current["data_version"]:
        return current["data_version"], current
    try:
        return requested, queries.manifest_of(requested)
    except queries.UnknownVersion:
        raise ApiError(404, f"Version des données inconnue : « {flt.shown(requested)} ». Les versions "
                            "disponibles sont listées dans « versions ».", parametre="version",
                       versions=available_versions()) from None


def _rejected_filters(values: dict[str, str], filters: flt.Filters,
                      geography: flt.Geography) -> list[str]:
    """Which filter parameters the pages would have dropped, in URL order."""
    kept = filters.url_params()
    rejected = []
    for key in flt.URL_KEYS:
        value = values.get(key, "").strip()
        if not value:
            continue
        alone_ok = not flt.parse({key: value}, geography)[1]
        # Valid alone but dropped together: a département outside the région asked for.
        dropped = key not in kept and flt.parse({key: value}, geography)[0].url_params() != {}
        if not alone_ok or dropped:
            rejected.append(key)
    return rejected


def scope(values: dict[str, str]) -> Scope:
    """The scope of a request (models/scope.py, the pages' own): its data version and its filters,
    checked as the filter bar checks them."""
    version, _ = data_version(values)
    found, notices = scopes.from_url(values, version)
    if notices:
        rejected = _rejected_filters(values, found.filters, found.geography) or list(flt.URL_KEYS)
        raise ApiError(400, " ".join(notice.replace(" ignoré", " refusé") for notice in notices),
                       parametre=rejected[0], parametres=rejected)
    return found


def search(values: dict[str, str]) -> str | None:
    """The `q` text as the Lauréats search box takes it; one it would cut is refused."""
    raw = values.get("q")
    text, notice = lv.clean_search(raw)
    if notice:
        # The page's notice says it kept the first characters; the API keeps nothing.
        raise ApiError(400, f"Paramètre « q » refusé : {len(raw.strip())} caractères, la recherche "
                            f"est limitée à {lv.SEARCH_MAX_CHARS} caractères.", parametre="q")
    return text


def bounded_int(values: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = values.get(name, "").strip()
    if not raw:
        return default
    if not re.fullmatch(r"[0-9]{1,9}", raw) or not low <= int(raw) <= high:
        raise ApiError(400, f"Paramètre « {name} » refusé : « {flt.shown(raw)} » n'est pas un entier "
                            f"entre {low} et {high}.", parametre=name)
    return int(raw)
