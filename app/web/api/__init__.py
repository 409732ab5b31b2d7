"""The read-only API under /api/v1/: the dashboard's figures for other services.

Same SQL files, same filter parsing and same CSV builder as the pages (views/filters.py,
views/laureats.py, views/exports.py), so the API and the screen cannot disagree.
See docs/api.md; settings (rate limit, row cap, CORS) in app/web/config.py.
"""
from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from app import web
from app.web import config
from app.web.api import handlers, openapi
from app.web.api.limits import RateLimiter

PREFIX = "/api/v1"
ANY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def accepted_parameters() -> dict[str, tuple[str, ...]]:
    """The query parameters each route takes, by full path (the OpenAPI document's too)."""
    return {
        f"{PREFIX}/fabriques.csv": handlers.LIST_KEYS,
        f"{PREFIX}/fabriques.json": handlers.LIST_KEYS,
        f"{PREFIX}/indicateurs.json": handlers.INDICATOR_KEYS,
        f"{PREFIX}/version.json": handlers.VERSION_KEYS,
        f"{PREFIX}/openapi.json": (),
    }


def routes() -> list:
    """The API as one mount (its own CORS and rate limiter); built at server start."""
    limiter = RateLimiter()
    accepted = accepted_parameters()

    def endpoint(name, compute):
        return handlers.route_endpoint(
            handlers.Endpoint(limiter, accepted[f"{PREFIX}/{name}"], compute))

    def describe(_values):
        version = handlers._current_version() or ""
        return handlers.Answer(version, {**openapi.description(accepted), "x-version-donnees": version})

    async def not_found(request: Request) -> JSONResponse:
        return handlers.error_response(
            404, f"Adresse inconnue : {request.url.path[:200]}. Adresses de l'API : "
                 f"{', '.join(sorted(accepted))}.", handlers._current_version())

    # Every method reaches the endpoint, which refuses all but GET and HEAD in the API's own
    # French JSON (a route limited to GET would answer Starlette's plain-text 405).
    api_routes = [
        Route(f"/{name}", endpoint(name, compute), methods=ANY_METHOD) for name, compute in (
            ("fabriques.csv", lambda v: handlers.laureates(v, as_csv=True)),
            ("fabriques.json", lambda v: handlers.laureates(v, as_csv=False)),
            ("indicateurs.json", handlers.indicators),
            ("version.json", handlers.version),
            ("openapi.json", describe),
        )
    ]
    api_routes.append(Route("/{rest:path}", not_found, methods=ANY_METHOD))
    middleware = []
    if config.cors_origins():
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(config.cors_origins()),
                                     allow_methods=["GET"], expose_headers=[
                                         handlers.VERSION_HEADER, "X-Total-Count", "Link",
                                         "Retry-After"]))
    return [Mount(PREFIX, routes=api_routes, middleware=middleware)]


web.ROUTES.extend(routes())
web.STARTUP.append(config.check)
