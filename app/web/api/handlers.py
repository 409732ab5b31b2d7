"""The API's answers: each computes in a worker thread (DuckDB and pandas would block the
event loop) and reads the pages' own models (models/): indicateurs.json is Synthèse's figures,
fabriques.csv / .json the Lauréats list. Each names its data version and its rural definition."""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field

import pandas as pd
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

import queries
from app.web import config
from app.web.api import params
from app.web.api.limits import RateLimiter, client_key
from domain.territory_types import RURAL_DEFINITIONS, TYPE_ORDER, type_label
from models import laureats, synthese
from models.scope import Scope
from views import exports
from views import filters as flt

VERSION_HEADER = "X-Data-Version"
FILTER_KEYS = flt.URL_KEYS
LIST_KEYS = (*FILTER_KEYS, "q", "version", "limit", "offset")
INDICATOR_KEYS = (*FILTER_KEYS, "version")
VERSION_KEYS = ("version",)
CSV_TYPE = "text/csv; charset=utf-8"


@dataclass
class Answer:
    """What a handler computed: a body (JSON value or bytes) and the headers it implies."""
    version: str
    body: object
    media_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    next_offset: int | None = None


def _plain(value):
    """A cell as JSON: numpy scalars as Python numbers, missing values as null."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _ratio(part, whole) -> float | None:
    return None if not whole else round(float(part) / float(whole), 4)


def _scope_body(scope: Scope) -> dict:
    filters = scope.filters
    return {
        "description": scope.description,
        "filtres": {**{key: None for key in FILTER_KEYS}, **filters.url_params(),
                    "rural": filters.rural_definition},
        "definition_du_rural": RURAL_DEFINITIONS[filters.rural_definition],
    }


# --- fabriques.csv / fabriques.json --------------------------------------------------------

def laureates(values: dict[str, str], as_csv: bool) -> Answer:
    """The Lauréats list as the page shows and exports it (default order: identifiant)."""
    scope = params.scope(values)
    search = params.search(values)
    cap = config.api_max_rows()
    limit = params.bounded_int(values, "limit", cap, 1, cap)
    offset = params.bounded_int(values, "offset", 0, 0, 10**9)
    table = laureats.listing(scope, search).table  # the page's list, in its default order
    page = table.iloc[offset:offset + limit]
    total = len(table)
    next_offset = offset + limit if offset + limit < total else None
    headers = {"X-Total-Count": str(total)}
    if as_csv:
        name = exports.export_file_name(scope.description, scope.version, "csv", search)
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return Answer(scope.version, exports.csv_bytes(page), CSV_TYPE, headers, next_offset)
    body = {
        "version_donnees": scope.version,
        "perimetre": _scope_body(scope),
        "recherche": search,
        "source": scope.manifest["laureates_source"],
        "total": total,
        "offset": offset,
        "limit": limit,
        "colonnes": list(table.columns),
        "fabriques": [{column: _plain(value) for column, value in zip(page.columns, row)}
                      for row in page.itertuples(index=False)],
    }
    return Answer(scope.version, body, headers=headers, next_offset=next_offset)


# --- indicateurs.json ----------------------------------------------------------------------

def indicators(values: dict[str, str]) -> Answer:
    """Synthèse's figures (its page model: the same object the page lays out): headline counts,
    counts by territory type and progress toward the targets, under the rural definition asked."""
    scope = params.scope(values)
    figures = synthese.page(scope).figures
    headline, targets, definition = figures.headline, figures.targets, figures.rural_definition
    counted = ("fabriques", "communes", "departements", *TYPE_ORDER,
               "national_fabriques", "national_qpv", "national_rural")
    count = {name: int(headline[name]) for name in counted}
    body = {
        "version_donnees": scope.version,
        "perimetre": _scope_body(scope),
        "source": scope.manifest["laureates_source"],
        "date_de_la_liste": scope.manifest["laureates_list_date"],
        "fabriques": count["fabriques"],
        "communes": count["communes"],
        "departements": count["departements"],
        # Saint-Martin is a collectivité, not a département: named apart.
        "collectivites": [name for name in str(headline.collectivites or "").split(";") if name],
        # Each type named under the rural definition it was counted under (perimetre says which).
        "par_type_de_territoire": [
            {"type": code, "libelle": type_label(code, definition), "fabriques": count[code]}
            for code in TYPE_ORDER
        ],
        "france": {"fabriques": count["national_fabriques"], "qpv": count["national_qpv"],
                   "rural": count["national_rural"], "definition_rural": definition},
        "objectifs": [
            {
                "identifiant": row.target_id,
                "libelle": row.label,
                "portee": row.scope,
                "objectif": int(row.target_value),
                "echeance": pd.Timestamp(row.deadline).date().isoformat(),
                "detail": row.detail,
                "source": row.source_url,
                "source_editeur": row.source_publisher,
                "source_nature": row.source_nature,
                # The rural target is counted under the definition asked (definition_rural); the
                # one it was set under is definition_de_l_objectif (the call's wording).
                "definition_rural": row.rural_definition if isinstance(row.rural_definition, str) else None,
                "definition_de_l_objectif": (row.target_rural_definition
                                             if isinstance(row.target_rural_definition, str) else None),
                # Labelled by the deadline, inferred from the id order of the list.
                "a_l_echeance": {
                    "fabriques": int(row.achieved_at_deadline),
                    "fabriques_france": int(row.national_at_deadline),
                    "part_de_l_objectif_france": _ratio(row.national_at_deadline, row.target_value),
                },
                "maintenant": {
                    "fabriques": int(row.achieved),
                    "fabriques_france": int(row.national_achieved),
                    "part_de_l_objectif_france": _ratio(row.national_achieved, row.target_value),
                    "part_du_total_france": _ratio(row.achieved, row.national_achieved),
                },
            }
            for row in targets.itertuples()
        ],
        "note": "Les objectifs sont nationaux : il n'existe pas d'objectif par région ou département. "
                "QPV et rural sont des approximations au niveau de la commune. Les nombres à l'échéance "
                "sont déduits de l'ordre des identifiants (la liste ne date pas chaque fabrique). "
                "Toute la réponse lit le rural selon une seule définition (perimetre.filtres.rural, "
                "par défaut celle de l'objectif rural : hors_grands_centres) ; rural=insee donne "
                "l'autre lecture.",
    }
    return Answer(scope.version, body)


# --- version.json --------------------------------------------------------------------------

def version(values: dict[str, str]) -> Answer:
    """The data version served, its list, sources and licences (the manifest), and the others."""
    version_id, manifest = params.data_version(values)
    body = {
        "version_donnees": version_id,
        "en_service": version_id == queries.data_version(),
        "date_de_la_liste": manifest["laureates_list_date"],
        "source_de_la_liste": manifest["laureates_source"],
        "sources": [
            {"fichier": source["file"], "producteur": source["producer"],
             "licence": source["licence"], "millesime": source["vintage"],
             "sha256": source["sha256"]}
            for source in manifest["sources"]
        ],
        "extraits": {name: {"lignes": entry["rows"], "sha256": entry["sha256"]}
                     for name, entry in manifest["extracts"].items()},
        "versions": params.available_versions(),
    }
    return Answer(version_id, body)


# --- The HTTP side ---------------------------------------------------------------------------

def _current_version() -> str | None:
    try:
        return queries.data_version()
    except queries.ExtractError:
        return None


def error_response(status: int, message: str, version: str | None, headers: dict | None = None,
                   **details) -> JSONResponse:
    body = {"erreur": message, **details, "version_donnees": version}
    # Content-Language: fr tells app/web/french_errors.py that this error is already French.
    all_headers = {"Cache-Control": "no-store", "Content-Language": "fr", **(headers or {})}
    if version:
        all_headers[VERSION_HEADER] = version
    return JSONResponse(body, status_code=status, headers=all_headers)


class Endpoint:
    """One GET route: rate limit, parameter names, the answer computed off the event loop."""

    def __init__(self, limiter: RateLimiter, accepted: tuple[str, ...], compute):
        self.limiter = limiter
        self.accepted = accepted
        self.compute = compute

    async def __call__(self, request: Request) -> Response:  # called by route() below
        if request.method not in ("GET", "HEAD"):
            return error_response(405, f"Méthode {request.method[:10]} non autorisée : l'API se lit "
                                       "avec GET.", _current_version(), {"Allow": "GET, HEAD"})
        wait = self.limiter.retry_after(client_key(request), config.api_rate_limit())
        if wait is not None:
            return error_response(
                429, f"Trop de requêtes : au plus {config.api_rate_limit()} par minute et par client. "
                     f"Réessayez dans {wait} s.", _current_version(), {"Retry-After": str(wait)})
        try:
            values = params.single_values(request.query_params.multi_items(), self.accepted)
            answer = await run_in_threadpool(self.compute, values)
        except params.ApiError as error:
            return error_response(error.status, error.message, _current_version(), **error.details)
        except queries.ExtractError as error:
            return error_response(503, f"Données indisponibles : {error}", None)
        headers = {VERSION_HEADER: answer.version, **answer.headers}
        if answer.next_offset is not None:
            following = next_page(request, answer.next_offset)
            headers["Link"] = f'<{following}>; rel="next"'
            if isinstance(answer.body, dict):
                answer.body["suivant"] = following
        body = answer.body if isinstance(answer.body, bytes) else json.dumps(
            answer.body, ensure_ascii=False, allow_nan=False).encode("utf-8")
        # An import changes the answer at the same address: a cache must ask again each time
        # (no-cache), and is answered 304 while the data version and the body are unchanged.
        headers["Cache-Control"] = "no-cache"
        headers["ETag"] = f'"{answer.version}-{hashlib.sha256(body).hexdigest()[:16]}"'
        if headers["ETag"] in _etags(request.headers.get("if-none-match", "")):
            kept = {name: value for name, value in headers.items()
                    if name in (VERSION_HEADER, "Cache-Control", "ETag")}
            return Response(status_code=304, headers=kept)
        return Response(body, media_type=answer.media_type, headers=headers)


def next_page(request: Request, offset: int) -> str:
    """The next page's address: the configured public address, or a path from the site's root.
    Never the request's Host: the client writes it, and a cache or a log would repeat it."""
    query = request.url.include_query_params(offset=offset).query
    return f"{config.public_url() or ''}{request.url.path}?{query}"


def _etags(header: str) -> set[str]:
    """The entity tags of an If-None-Match header (weak ones compared as strong, RFC 9110)."""
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def route_endpoint(endpoint: Endpoint):
    """Starlette calls a plain async function with the request (an object would be ASGI)."""
    async def respond(request: Request) -> Response:
        return await endpoint(request)
    return respond
