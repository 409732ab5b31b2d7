"""The map's fabriques as cacheable files: /points/<type>-<view>.json?version=…&<filters>.

A point layer's data (position, radius and tooltip text of each commune with a fabrique) is
the same for a filter on a data version: it is served as a file named by that filter and
version, with `Cache-Control: immutable`, and the deck's ScatterplotLayers name it by URL.
A rerun on the same filter (a click on a point, a layer toggle, an arrow key) then sends the
URL, not the points again, and the browser does not fetch or parse them again (deck.gl
reloads a layer's data only when its URL changes). A new filter names new files, fetched once,
gzipped. The tooltips read exactly as inline (the same records, views/map_layers.py).

The URL holds the filters, not a digest: any process behind nginx builds the same file from
the query loader, and the filters are checked as the API checks them (the filter bar's own
parsing: an unknown code is refused, never run). Nothing of the path is read from disk.

A new filter costs a build (about 30 ms) and a place in the cache: each client (the one
services/clients.py names, as for the API) may ask for FABRIQUES_POINTS_RATE_LIMIT files a
minute (a French 429 with Retry-After beyond), and holds at most PER_CLIENT_FILES of the
cache's places (see `_keep`).
"""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from urllib.parse import parse_qsl, urlencode, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from app.web import ROUTES, config
from app.web.api import params as api_params
from app.web.api.limits import RateLimiter, client_key
from app.web.immutable_files import ServedFile, file_response
from app.web.static_outlines import VIEWS
from models import carte
from views import filters as flt
from views.colors import TERRITORY_COLORS

PREFIX = "points"
MEDIA_TYPE = "application/json"
NAME = re.compile(r"(?P<type>[a-z]+)-(?P<view>[a-z]+)\.json")
ACCEPTED = ("version", *flt.URL_KEYS)
MAX_FILES = 256  # a few kB each (gzipped), the least recently asked for fall out first
PER_CLIENT_FILES = MAX_FILES // 8
# No Content-Language on a response means "not ours" to app/web/french_errors.py.
REFUSAL_HEADERS = {"Cache-Control": "no-store", "Content-Language": "fr"}


_files: OrderedDict[tuple, tuple[ServedFile, str | None]] = OrderedDict()  # key -> (file, who built it)
_lock = threading.Lock()
_limiter = RateLimiter()


class NotServed(Exception):
    """A request for a file this server does not make (its French reason is the message)."""


def point_url(territory_type: str, insets: bool, version: str, filters: flt.Filters) -> str:
    """The URL of one point layer's file, relative to the page (like the outlines')."""
    query = urlencode({"version": version, **filters.url_params()})
    return f"{PREFIX}/{territory_type}-{VIEWS[insets]}.json?{query}"


def point_urls(insets: bool, version: str, filters: flt.Filters) -> dict[str, str]:
    """{territory type: URL} of every point layer of a filter."""
    return {kind: point_url(kind, insets, version, filters) for kind in TERRITORY_COLORS}


def _keep(key: tuple, file: ServedFile, client: str | None) -> None:
    """Cache a new file. A plain LRU let one script walking through the intercommunalités push
    out every visitor's files (the rate limit slows it down, not its share). So a file counts
    against the client that had it built: at PER_CLIENT_FILES, that client's own least recently
    used file makes room, never another's; at MAX_FILES overall, the least recently used one.
    A scanner thus holds PER_CLIENT_FILES places at most, and has pushed out as many of the
    others' files at most. The server's own calls (client None: tests, the benchmark) have no
    share to keep."""
    if key in _files:
        return
    if client is not None and sum(owner == client for _, owner in _files.values()) >= PER_CLIENT_FILES:
        _files.pop(next(k for k, (_, owner) in _files.items() if owner == client))
    _files[key] = (file, client)
    while len(_files) > MAX_FILES:
        _files.popitem(last=False)


def _file(territory_type: str, view: str, values: dict[str, str], client: str | None = None) -> ServedFile:
    if territory_type not in TERRITORY_COLORS or view not in VIEWS.values():
        raise NotServed("Couche de points inconnue.")
    try:
        scope = api_params.scope(values)
    except api_params.ApiError as error:
        raise NotServed(error.message) from None
    insets = view == VIEWS[True]
    key = (*scope.key, insets, territory_type)
    with _lock:
        found = _files.get(key)
        if found is not None:
            _files.move_to_end(key)
            return found[0]
    body = carte.point_file(scope, insets, territory_type)  # the map's own points and tooltips
    file = ServedFile.of(body)
    with _lock:
        _keep(key, file, client)
    return file


def file_of_url(url: str) -> bytes:
    """The body a point URL serves (for the benchmark and the tests: no HTTP)."""
    parts = urlsplit(url)
    name = parts.path.removeprefix(f"{PREFIX}/")
    match = NAME.fullmatch(name)
    if match is None:
        raise NotServed("Fichier de points inconnu.")
    values = api_params.single_values(parse_qsl(parts.query, keep_blank_values=True), ACCEPTED)
    return _file(match["type"], match["view"], values).body


async def serve_points(request: Request) -> Response:
    client = client_key(request)
    wait = _limiter.retry_after(client, config.points_rate_limit())
    if wait is not None:
        return PlainTextResponse(
            f"Trop de requêtes de points de la carte : au plus {config.points_rate_limit()} par minute "
            f"et par client. Réessayez dans {wait} s.", status_code=429,
            headers={**REFUSAL_HEADERS, "Retry-After": str(wait)})
    match = NAME.fullmatch(request.path_params["name"])
    try:
        if match is None:
            raise NotServed("Fichier de points inconnu.")
        try:
            values = api_params.single_values(list(request.query_params.multi_items()), ACCEPTED)
        except api_params.ApiError as error:
            raise NotServed(error.message) from None
        # Queries and JSON off the event loop: other sessions' messages keep flowing.
        file = await run_in_threadpool(_file, match["type"], match["view"], values, client)
    except NotServed as refusal:
        return PlainTextResponse(str(refusal), status_code=404, headers=REFUSAL_HEADERS)
    return file_response(request, file, MEDIA_TYPE)


ROUTES.append(Route(f"/{PREFIX}/{{name}}", serve_points, methods=["GET", "HEAD"]))
