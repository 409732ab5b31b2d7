"""The map's outlines as static, versioned, cacheable files: /contours/<level>-<view>-<hash>.geojson.

The file name carries a hash of its content, so a file never changes under its name: it is
served with `Cache-Control: public, max-age=31536000, immutable` and the browser fetches it
once (a layer toggle, a new filter, a click on the map then ship only points and values).
A data version that changes the outlines gives new names; the pages ask `outline_urls()`
for the names of the version they show. Gzipped once when the browser accepts it.
Files are built from the query loader (queries/map_outlines.sql) on first use, once per data
folder and version; every process builds the same bytes, hence the same names.
"""
from __future__ import annotations

import threading

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

import queries
from app.web import ROUTES
from app.web.immutable_files import ServedFile, file_response
from views.map_outlines import LEVELS, outline_file_bytes

PREFIX = "contours"
VIEWS = {True: "encarts", False: "reelles"}  # overseas France in insets, or at its true position
MEDIA_TYPE = "application/geo+json"

_files: dict[tuple[str, str], dict[str, ServedFile]] = {}
_lock = threading.Lock()


def _build(directory: str, version: str) -> dict[str, ServedFile]:
    files = {}
    for insets, view in VIEWS.items():
        outlines = queries.run_at(version, "map_outlines", insets=insets)
        for level in LEVELS:
            file = ServedFile.of(outline_file_bytes(outlines, level))
            files[f"{level}-{view}-{file.digest}.geojson"] = file
    return files


def outline_files(version: str | None = None) -> dict[str, ServedFile]:
    """Every outline file of a data version (the current one by default), by file name."""
    version = version or queries.data_version()
    key = (str(queries.data_dir()), version)
    with _lock:
        found = _files.get(key)
    if found is None:
        found = _build(*key)
        with _lock:
            if len(_files) >= 4:  # a few versions at most: the current one and a permalink's
                _files.pop(next(iter(_files)))
            _files[key] = found
    return found


def outline_urls(insets: bool, version: str | None = None) -> dict[str, str]:
    """{"departement": url, "region": url} of one view, relative to the page (like Streamlit's)."""
    view = VIEWS[insets]
    urls = {}
    for name in outline_files(version):
        level, file_view, _ = name.split("-", 2)
        if file_view == view:
            urls[level] = f"{PREFIX}/{name}"
    return urls


async def serve_outline(request: Request) -> Response:
    name = request.path_params["name"]
    # Only names this server made (level-view-hash.geojson): nothing of the path is read from disk.
    file = outline_files().get(name)
    if file is None:
        return PlainTextResponse("Contour inconnu (version des données changée ?).", status_code=404,
                                 headers={"Cache-Control": "no-store", "Content-Language": "fr"})
    return file_response(request, file, MEDIA_TYPE)


ROUTES.append(Route(f"/{PREFIX}/{{name}}", serve_outline, methods=["GET", "HEAD"]))
