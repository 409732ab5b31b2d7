"""The map's points as cacheable files named by filter and data version: what a rerun sends
(at most 60 kB on the real list), the same records and tooltips as inline, nothing else served."""
from __future__ import annotations

import gzip
import json

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from app.web import ROUTES, static_points
from queries import data_version, run
from views import map_layers, map_options
from views.colors import TERRITORY_COLORS
from views.filters import Filters
from models import carte
from models import scope as scopes

IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture(scope="module")
def client():
    return TestClient(Starlette(routes=[route for route in ROUTES
                                        if getattr(route, "path", "").startswith("/points/")]))


def _inline_points(filters: Filters, insets: bool) -> dict[str, list]:
    """The point layers' records of the deck built with inline data (the drawing before the files)."""
    params = filters.params()
    geography = dict(region=filters.region, departement=filters.departement, epci=filters.epci)
    deck = map_layers.build_deck(
        options=map_options.MapOptions(insets=insets), outlines=run("map_outlines", insets=insets),
        choropleth_frame=run("map_choropleth", **params), points=run("map_points", **params, insets=insets),
        table=carte.labelled_table(scopes.of(filters)),
        bounds=run("map_view_bounds", **geography, insets=insets).iloc[0])
    return {layer["id"].removeprefix("fabriques-"): layer["data"]
            for layer in json.loads(deck.to_json())["layers"] if layer["id"].startswith("fabriques-")}


def test_the_real_lists_map_rerun_weighs_at_most_60_kb():
    from bench import server_time
    from bench.run import ROOT, map_payload

    server_time.route_through_dashboard()
    payload = map_payload(server_time.page_app(ROOT / "pages" / "carte.py"))
    # The bench's own measure: the deck's JSON as the page sends it at each rerun.
    assert payload["bytes"] <= 60_000, payload
    # Every fabrique placed on the map is still a point with its tooltip, in the files.
    assert payload["points"] == len(run("map_points", **Filters().params(), insets=True)) > 300
    assert payload["point_file_bytes"] > payload["bytes"]


@pytest.mark.parametrize("filters, insets", [
    (Filters(), True), (Filters(), False), (Filters(region="53"), True),
    (Filters(territoire="qpv", rural_definition="hors_grands_centres"), True),
    (Filters(departement="978"), True),  # Saint-Martin: its fallback point, said in its tooltip
])
def test_files_hold_the_inline_records_and_tooltips(client, filters, insets):
    inline = _inline_points(filters, insets)
    urls = static_points.point_urls(insets, data_version(), filters)
    assert set(urls) == set(TERRITORY_COLORS)
    for kind, url in urls.items():
        response = client.get("/" + url, headers={"Accept-Encoding": "identity"})
        assert response.status_code == 200
        assert response.headers["cache-control"] == IMMUTABLE
        assert response.headers["content-type"].startswith("application/json")
        assert json.loads(response.content) == inline.get(kind, [])  # same positions, radii, texts
    served = [record["t"] for kind in urls for record in json.loads(static_points.file_of_url(urls[kind]))]
    assert all(text.count("\n") >= 2 for text in served)  # name, place, type (and wave)
    if filters.departement == "978":
        assert any("repli documenté" in text for text in served)


def test_the_deck_names_the_files_of_its_filter_and_data_version():
    from streamlit.testing.v1 import AppTest

    from conftest import ROOT

    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    app.query_params["region"] = "53"
    app.run()
    app.switch_page("pages/carte.py").run()
    element = next(e for e in app.main if type(e).__name__ == "UnknownElement" and e.type == "deck_gl_json_chart")
    layers = {layer["id"]: layer for layer in json.loads(element.proto.json)["layers"]}
    urls = static_points.point_urls(True, data_version(), Filters(region="53"))
    points = run("map_points", **Filters(region="53").params(), insets=True)
    for kind in TERRITORY_COLORS:
        if (points.territory_type == kind).any():
            assert layers[f"fabriques-{kind}"]["data"] == urls[kind]
            assert f"version={data_version()}" in urls[kind] and "region=53" in urls[kind]
        else:
            assert f"fabriques-{kind}" not in layers  # no empty layer, as before


def test_gzip_and_not_modified(client):
    url = "/" + static_points.point_url("rural", True, data_version(), Filters())
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip" and zipped.content == plain.content
    assert len(gzip.compress(plain.content)) < len(plain.content) / 2
    again = client.get(url, headers={"If-None-Match": plain.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


@pytest.mark.parametrize("path", [
    "points/rural-encarts.json?version=0000000000",  # a version that does not exist
    "points/rural-encarts.json?version={v}&region=99",  # not a région
    "points/rural-encarts.json?version={v}&region=%3Cscript%3E",
    "points/rural-encarts.json?version={v}&region=53&region=52",  # given twice
    "points/rural-encarts.json?version={v}&fichier=..%2Fmanifest.json",  # unknown parameter
    "points/chateaux-encarts.json?version={v}",  # not a layer of the map
    "points/rural-ailleurs.json?version={v}",
    "points/..%2F..%2Fdata%2Fmanifest.json", "points/manifest.json",
])
def test_anything_else_is_not_found(client, path):
    response = client.get("/" + path.format(v=data_version()))
    assert response.status_code == 404
    assert "immutable" not in response.headers.get("cache-control", "")
    assert response.headers["content-type"].startswith("text/plain")  # a refusal, as text


# --- Issue 27, item 4: a rate limit per client, and a cache one client cannot empty -----------

@pytest.fixture
def limited(monkeypatch):
    """The /points/ route behind the server's middleware (who the client is), with a fresh
    limiter and cache; `limited(address)` is a client from that address."""
    from app import web
    from app.web.api.limits import RateLimiter

    monkeypatch.setattr(static_points, "_limiter", RateLimiter())
    monkeypatch.setattr(static_points, "_files", type(static_points._files)())
    app = Starlette(routes=[route for route in ROUTES if getattr(route, "path", "").startswith("/points/")],
                    middleware=[*web.MIDDLEWARE])
    return lambda address: TestClient(app, client=(address, 50000))


def _epci_urls(count: int) -> list[str]:
    """What a script looping over the intercommunalités asks for: one new file each."""
    sirens = run("epci_options").epci_siren.head(count)
    return ["/" + static_points.point_url("rural", True, data_version(), Filters(epci=siren)) for siren in sirens]


def test_80_requests_from_one_client_meet_a_429_while_another_is_served(limited):
    scanner, visitor = limited("198.51.100.7"), limited("203.0.113.20")
    # A forged header changes nothing: the scanner is its peer address (services/clients.py).
    codes = [scanner.get(url, headers={"X-Forwarded-For": f"10.66.0.{n}"}).status_code
             for n, url in enumerate(_epci_urls(80))]
    assert codes[:60] == [200] * 60 and set(codes[60:]) == {429}
    refused = scanner.get(_epci_urls(1)[0])
    assert refused.status_code == 429 and 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["content-type"].startswith("text/plain")
    assert refused.headers["content-language"] == "fr"
    assert refused.text.startswith("Trop de requêtes de points de la carte : au plus 60 par minute")
    assert refused.headers["cache-control"] == "no-store"
    assert visitor.get("/" + static_points.point_url("qpv", True, data_version(), Filters())).status_code == 200


def test_one_client_cannot_push_the_others_files_out_of_the_cache(limited, monkeypatch):
    monkeypatch.setenv("FABRIQUES_POINTS_RATE_LIMIT", "100000")
    # A smaller cache, the same rule (256 and 32 places in service): the scan stays short.
    monkeypatch.setattr(static_points, "MAX_FILES", 40)
    monkeypatch.setattr(static_points, "PER_CLIENT_FILES", 5)
    visitors = limited("203.0.113.20")
    theirs = ["/" + static_points.point_url(kind, True, data_version(), Filters(region=region))
              for region in ("53", "11", "84") for kind in ("qpv", "rural")]
    assert all(visitors.get(url).status_code == 200 for url in theirs)
    kept = dict(static_points._files)
    scanner = limited("198.51.100.7")
    scan = _epci_urls(static_points.MAX_FILES + 10)  # a plain LRU would have lost every visitor file
    assert all(scanner.get(url).status_code == 200 for url in scan)
    assert all(key in static_points._files for key in kept)  # the visitors' files are all there
    owners = [owner for _, owner in static_points._files.values()]
    assert owners.count("198.51.100.7") == static_points.PER_CLIENT_FILES  # its own oldest made room


def test_the_operator_reads_the_cache_share_the_code_keeps():
    from conftest import ROOT

    deploy = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert (f"a client holds at most {static_points.PER_CLIENT_FILES} of the {static_points.MAX_FILES} "
            "cached files") in deploy
