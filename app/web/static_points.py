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

from app.web import ROUTES
from app.web.api import params as api_params
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


_files: OrderedDict[tuple, ServedFile] = OrderedDict()
_lock = threading.Lock()


class NotServed(Exception):
    """A request for a file this server does not make (its French reason is the message)."""


def point_url(territory_type: str, insets: bool, version: str, filters: flt.Filters) -> str:
    """The URL of one point layer's file, relative to the page (like the outlines')."""
    query = urlencode({"version": version, **filters.url_params()})
    return f"{PREFIX}/{territory_type}-{VIEWS[insets]}.json?{query}"


def point_urls(insets: bool, version: str, filters: flt.Filters) -> dict[str, str]:
    """{territory type: URL} of every point layer of a filter."""
    return {kind: point_url(kind, insets, version, filters) for kind in TERRITORY_COLORS}


def _file(territory_type: str, view: str, values: dict[str, str]) -> ServedFile:
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
            return found
    body = carte.point_file(scope, insets, territory_type)  # the map's own points and tooltips
    found = ServedFile.of(body)
    with _lock:
        _files[key] = found
        while len(_files) > MAX_FILES:
            _files.popitem(last=False)
    return found


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
    match = NAME.fullmatch(request.path_params["name"])
    try:
        if match is None:
            raise NotServed("Fichier de points inconnu.")
        try:
            values = api_params.single_values(list(request.query_params.multi_items()), ACCEPTED)
        except api_params.ApiError as error:
            raise NotServed(error.message) from None
        # Queries and JSON off the event loop: other sessions' messages keep flowing.
        file = await run_in_threadpool(_file, match["type"], match["view"], values)
    except NotServed as refusal:
        return PlainTextResponse(str(refusal), status_code=404, headers={"Cache-Control": "no-store"})
    return file_response(request, file, MEDIA_TYPE)


ROUTES.append(Route(f"/{PREFIX}/{{name}}", serve_points, methods=["GET", "HEAD"]))
