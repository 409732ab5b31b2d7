"""The outlines as static, versioned files: immutable cache, a content hash in the name, nothing
else served, the same features as the map's inline outlines."""
from __future__ import annotations

import gzip
import hashlib
import json

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from app.web import ROUTES, static_outlines
from queries import run
from views.map_outlines import indexed_accessor, outline_codes


@pytest.fixture(scope="module")
def client():
    return TestClient(Starlette(routes=[route for route in ROUTES
                                        if getattr(route, "path", "").startswith("/contours/")]))


@pytest.mark.parametrize("insets", [True, False])
def test_each_view_has_a_departement_and_a_region_file_named_by_its_content(client, insets):
    urls = static_outlines.outline_urls(insets)
    assert set(urls) == {"departement", "region"}
    for level, url in urls.items():
        response = client.get("/" + url, headers={"Accept-Encoding": "identity"})
        assert response.status_code == 200
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert response.headers["content-type"].startswith("application/geo+json")
        digest = url.rsplit("-", 1)[1].removesuffix(".geojson")
        assert hashlib.sha256(response.content).hexdigest()[:16] == digest
        collection = json.loads(response.content)
        outlines = run("map_outlines", insets=insets)
        codes = outline_codes(outlines, level)
        assert [f["properties"]["code"] for f in collection["features"]] == codes
        assert [f["properties"]["i"] for f in collection["features"]] == list(range(len(codes)))
        # The same geometry as the inline outlines of the map.
        inline = dict(zip(outlines[outlines.level == level].code, outlines[outlines.level == level].geometry_geojson))
        first = collection["features"][0]
        assert first["geometry"] == json.loads(inline[first["properties"]["code"]])


def test_gzip_and_not_modified(client):
    url = "/" + static_outlines.outline_urls(True)["departement"]
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    # httpx decodes the body: the header says it travelled gzipped.
    assert zipped.headers["content-encoding"] == "gzip" and zipped.content == plain.content
    assert len(static_outlines.outline_files()[url.rsplit("/", 1)[1]].gzipped) < len(plain.content) / 2
    again = client.get(url, headers={"If-None-Match": plain.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


@pytest.mark.parametrize("name", [
    "departement-encarts-0000000000000000.geojson",  # a name of no version
    "..%2F..%2Fdata%2Fmanifest.json", "manifest.json", "departement-encarts-.geojson", "",
])
def test_anything_else_is_not_found(client, name):
    response = client.get(f"/contours/{name}")
    assert response.status_code == 404
    assert "immutable" not in response.headers.get("cache-control", "")


def test_gzip_is_reproducible():
    # The same bytes in every process (nginx may send a browser to either): no timestamp inside.
    file = next(iter(static_outlines.outline_files().values()))
    assert gzip.decompress(file.gzipped) == file.body
    assert gzip.compress(file.body, compresslevel=6, mtime=0) == file.gzipped


def test_indexed_accessor_reads_the_value_of_the_feature_index():
    accessor = indexed_accessor([[1, 2, 3, 4], [5, 6, 7, 8]])
    assert accessor == "([[1,2,3,4],[5,6,7,8]])[properties.i]"


def _carte_deck(settings: dict | None = None) -> tuple[dict, int]:
    from streamlit.testing.v1 import AppTest

    from conftest import ROOT

    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    app.switch_page("pages/carte.py").run()
    for key, value in (settings or {}).items():
        (app.radio if key == "carte_aplat" else app.toggle)(key=key).set_value(value)
    app.run()
    assert not app.exception, app.exception
    element = next(e for e in app.main if type(e).__name__ == "UnknownElement" and e.type == "deck_gl_json_chart")
    return json.loads(element.proto.json), len(element.proto.json.encode("utf-8"))


def _inline_equivalent(settings: dict):
    """The same deck built with inline outlines (the drawing before the files)."""
    from views import map_layers, map_options

    from models import carte
    from models import scope as scopes
    from views.filters import Filters

    params = Filters().params()
    options = map_options.MapOptions(choropleth=settings.get("carte_aplat", map_options.NO_CHOROPLETH),
                                     without_fabrique=settings.get("carte_sans_fabrique", False))
    deck = map_layers.build_deck(
        options=options, outlines=run("map_outlines", insets=True),
        choropleth_frame=run("map_choropleth", **params), points=run("map_points", **params, insets=True),
        table=carte.labelled_table(scopes.of(Filters(rural_definition=params["rural_definition"]))),
        bounds=run("map_view_bounds", region=None, departement=None, epci=None, insets=True).iloc[0],
        without_fabrique=run("map_departements_without_fabrique", **params))
    return {layer["id"]: layer for layer in json.loads(deck.to_json())["layers"]}


@pytest.mark.parametrize("settings", [{}, {"carte_aplat": "pour_100k", "carte_sans_fabrique": True},
                                      {"carte_aplat": "nombre"}])
def test_the_map_names_the_outline_files_and_sends_only_values(client, settings):
    spec, size = _carte_deck(settings)
    layers = {layer["id"]: layer for layer in spec["layers"]}
    urls = static_outlines.outline_urls(True)
    assert layers["departements"]["data"] == urls["departement"] and layers["regions"]["data"] == urls["region"]
    # Issue 15's budget: a rerun of the map sends at most 60 kB on the real list (neither the
    # outlines nor the points travel: both are files, tests/test_static_points.py).
    assert size <= 60_000, f"une relance de la carte envoie {size} octets"
    # The fill of each served feature is the fill the inline outlines carried.
    served = json.loads(client.get("/" + urls["departement"]).content)["features"]
    inline = _inline_equivalent(settings)
    fills = json.loads(layers["departements"]["getFillColor"].removeprefix("@@=(").removesuffix(")[properties.i]"))
    inline_fills = {f["properties"].get("code", i): f["properties"]["f"]
                    for i, f in enumerate(inline["departements"]["data"])}
    codes = [feature["properties"]["code"] for feature in served]
    assert len(fills) == len(codes)
    inline_by_geometry = {json.dumps(f["geometry"], sort_keys=True): f["properties"]["f"] for f in inline["departements"]["data"]}
    assert [inline_by_geometry[json.dumps(feature["geometry"], sort_keys=True)] for feature in served] == fills
    assert inline_fills  # the inline layer did carry per-feature fills
    assert layers["departements"]["updateTriggers"]["getFillColor"]
    if settings.get("carte_sans_fabrique"):
        widths = json.loads(layers["sans-fabrique"]["getLineWidth"].removeprefix("@@=(").removesuffix(")[properties.i]"))
        highlighted = {json.dumps(f["geometry"], sort_keys=True) for f in inline["sans-fabrique"]["data"]}
        assert {codes[i] for i, w in enumerate(widths) if w} == {
            feature["properties"]["code"] for feature in served if json.dumps(feature["geometry"], sort_keys=True) in highlighted}
    else:
        assert "sans-fabrique" not in layers
