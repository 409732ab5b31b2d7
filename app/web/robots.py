"""/robots.txt, served on purpose: the operator decides whether search engines index the dashboard.

An intranet dashboard is not meant for search engines: by default every robot is asked to stay
out (`Disallow: /`). With FABRIQUES_ALLOW_INDEXING=1 (app/web/config.py) the pages may be
indexed, and only the machine routes stay out: the API, the map's files, Streamlit's internals.
"""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from app.web import ROUTES, config

NOT_INDEXED = "# Tableau de bord interne : pas d'indexation.\nUser-agent: *\nDisallow: /\n"
INDEXED = ("# Les pages du tableau de bord peuvent être indexées ; pas les fichiers techniques.\n"
           "User-agent: *\nDisallow: /api/\nDisallow: /points/\nDisallow: /contours/\n"
           "Disallow: /_stcore/\nDisallow: /media/\nDisallow: /component/\n")


def robots_text() -> str:
    return INDEXED if config.allow_indexing() else NOT_INDEXED


async def serve_robots(_request: Request) -> PlainTextResponse:
    return PlainTextResponse(robots_text(), headers={"Cache-Control": "public, max-age=3600"})


ROUTES.append(Route("/robots.txt", serve_robots, methods=["GET", "HEAD"]))
