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
