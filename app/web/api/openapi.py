"""The OpenAPI 3.1 description of /api/v1/, served at /api/v1/openapi.json.

Written here by hand (the routes are few); tests/test_api.py checks that its paths are the
routes and that its parameters are exactly the names each route accepts.
"""
from __future__ import annotations

from domain.territory_types import DEFAULT_RURAL_DEFINITION, FILTERABLE_TERRITORY_TYPES, RURAL_DEFINITIONS

PARAMETERS = {
    "region": ("Code INSEE de la région (ex. 53 pour la Bretagne).", {"type": "string"}),
    "departement": ("Code INSEE du département (ex. 29, 2A, 971) ; doit être dans la région "
                    "si les deux sont donnés.", {"type": "string"}),
    "territoire": ("Type de territoire de la commune.",
                   {"type": "string", "enum": FILTERABLE_TERRITORY_TYPES}),
    "rural": ("Définition du rural (défaut : insee).",
              {"type": "string", "enum": list(RURAL_DEFINITIONS), "default": DEFAULT_RURAL_DEFINITION}),
    "epci": ("Code SIREN de l'intercommunalité (EPCI).", {"type": "string"}),
    "q": ("Recherche dans le nom, la commune ou le département, sans accents ni casse, "
          "prise telle quelle (100 caractères au plus).", {"type": "string", "maxLength": 100}),
    "version": ("Version des données (empreinte) : la version en service par défaut, ou une "
                "version archivée.", {"type": "string"}),
    "limit": ("Nombre de lignes au plus (défaut et maximum : le plafond du serveur, "
              "FABRIQUES_API_MAX_ROWS).", {"type": "integer", "minimum": 1}),
    "offset": ("Lignes à sauter (pages suivantes : en-tête Link rel=next).",
               {"type": "integer", "minimum": 0, "default": 0}),
}

ERROR = {"type": "object", "required": ["erreur"], "properties": {
    "erreur": {"type": "string", "description": "Le message, en français."},
    "parametre": {"type": "string", "description": "Le paramètre refusé."},
    "versions": {"type": "array", "description": "Versions disponibles (404 seulement)."},
    "version_donnees": {"type": ["string", "null"]},
}}

VERSION_HEADER = {"X-Data-Version": {"description": "Version des données de la réponse.",
                                     "schema": {"type": "string"}}}
CACHE_HEADERS = {
    "Cache-Control": {"description": "no-cache : un cache redemande à chaque fois (un import change "
                                     "la réponse).", "schema": {"type": "string"}},
    "ETag": {"description": "Version des données et empreinte du corps ; à renvoyer dans "
                            "If-None-Match.", "schema": {"type": "string"}},
}

PATHS = {
    "/api/v1/fabriques.csv": (
        "La liste des fabriques (colonnes et filtres de la page Lauréats), fichier CSV identique "
        "à l'export de la page : UTF-8 avec BOM, séparateur « ; », sans formule exécutable.",
        {"text/csv": {"schema": {"type": "string"}}},
    ),
    "/api/v1/fabriques.json": (
        "La liste des fabriques (colonnes et filtres de la page Lauréats), en JSON.",
        {"application/json": {"schema": {"type": "object", "required": ["version_donnees", "fabriques"]}}},
    ),
    "/api/v1/indicateurs.json": (
        "Les chiffres de la page Synthèse : décomptes, par type de territoire, progression vers "
        "chaque objectif national, à son échéance (déduite de l'ordre des identifiants) et "
        "maintenant.",
        {"application/json": {"schema": {"type": "object", "required": ["version_donnees", "objectifs"]}}},
    ),
    "/api/v1/version.json": (
        "La version des données, la date de la liste, les sources et licences (manifeste), "
        "les versions disponibles.",
        {"application/json": {"schema": {"type": "object", "required": ["version_donnees", "sources"]}}},
    ),
    "/api/v1/openapi.json": ("Cette description.", {"application/json": {"schema": {"type": "object"}}}),
}


# A filter added to the filter bar (views/filters.py URL_KEYS) is accepted at once; it gets
# this description until it is given its own above.
OTHER_FILTER = ("Filtre commun aux pages du tableau de bord (views/filters.py).", {"type": "string"})


def _parameter(name: str) -> dict:
    description, schema = PARAMETERS.get(name, OTHER_FILTER)
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema}


def description(accepted_by_path: dict[str, tuple[str, ...]]) -> dict:
    """The document, for the routes and the parameter names they accept."""
    paths = {}
    for path, (summary, content) in PATHS.items():
        errors = {
            "400": {"description": "Paramètre inconnu ou mal formé (nommé dans « parametre »).",
                    "content": {"application/json": {"schema": ERROR}}},
            "429": {"description": "Trop de requêtes : attendre « Retry-After » secondes.",
                    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                    "content": {"application/json": {"schema": ERROR}}},
        }
        if "version" in accepted_by_path[path]:
            errors["404"] = {"description": "Version inconnue ; le corps liste les versions disponibles.",
                             "content": {"application/json": {"schema": ERROR}}}
        paths[path] = {"get": {
            "summary": summary,
            "parameters": [_parameter(name) for name in accepted_by_path[path]],
            "responses": {"200": {"description": "Réponse", "headers": {**VERSION_HEADER, **CACHE_HEADERS},
                                  "content": content},
                          "304": {"description": "Inchangée depuis l'ETag donné dans If-None-Match.",
                                  "headers": {**VERSION_HEADER, **CACHE_HEADERS}},
                          **errors},
        }}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Fabriques de territoire — données ouvertes",
            "version": "1",
            "description": "API en lecture seule du tableau de bord Fabriques de territoire (ANCT) : "
                           "les mêmes requêtes et les mêmes filtres que les pages. Chaque réponse "
                           "donne sa version des données (en-tête X-Data-Version et corps).",
        },
        "paths": paths,
    }
