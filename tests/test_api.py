"""The read-only API (/api/v1/): each route's status, headers and body; the same totals as
the pages; hostile parameters; the rate limit; CORS settings; the OpenAPI description tied
to the routes."""
from __future__ import annotations

import asyncio
import csv
import io
import json
import re

import pandas as pd
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount
from starlette.testclient import TestClient

import queries
from app.web import api, config, security
from app.web.api import handlers
from conftest import ROOT, copy_data, run_app
from domain.format import fr_percent
from domain.labels import scope_label
from domain.territory_types import DEFAULT_RURAL_DEFINITION
from pipeline import versions
from test_consistency import ALL, SCOPES, _label
from views import exports
from views import laureats as lv

VERSION = queries.data_version()


def make_client(monkeypatch=None, **env) -> TestClient:
    """The API as the server mounts it, with its own limiter, under the given settings."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    app = Starlette(routes=api.routes(), middleware=[Middleware(security.SecurityMiddleware)])
    return TestClient(app)


@pytest.fixture(scope="module")
def client():
    return make_client()


@pytest.fixture(autouse=True)
def generous_rate_limit(monkeypatch):
    monkeypatch.setenv("FABRIQUES_API_RATE_LIMIT", "100000")


def page_export(params: dict, search: str | None = None) -> bytes:
    """What the Lauréats page's CSV button builds, in its default order."""
    found = queries.run("laureates_list", **params, search=search)
    return exports.csv_bytes(lv.laureates_table(lv.sort_laureates(found, next(iter(lv.SORTS))),
                                                params["rural_definition"]))


def query_of(params: dict) -> dict:
    """URL parameters of a filter set (the pages' names)."""
    query = {key: params[key] for key in ("region", "departement", "epci", "territoire") if params[key]}
    if params["rural_definition"] != DEFAULT_RURAL_DEFINITION:
        query["rural"] = params["rural_definition"]
    return query


# --- fabriques.csv / fabriques.json --------------------------------------------------------

def test_csv_of_brittany_is_the_laureats_export(client):
    response = client.get("/api/v1/fabriques.csv", params={"region": "53"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["x-data-version"] == VERSION
    assert response.headers["x-total-count"] == "23"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="{exports.export_file_name("Bretagne", VERSION, "csv")}"')
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response.content == page_export({**ALL, "region": "53"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == lv.COLUMNS
    region = lv.COLUMNS.index("Région")
    assert len(rows) == 24 and {row[region] for row in rows[1:]} == {"Bretagne"}


FORMULAS = ["=SOMME(A1:A9)", "+33 1 23", "-2+3", "@SUM(A1)", "\t=1+1"]


def test_csv_neutralises_formulas(monkeypatch, tmp_path):
    """Names and a commune starting as a spreadsheet formula (synthetic rows) come out as text;
    the negative longitudes, numbers, stay numbers."""
    def hostile(frame):
        for index, text in zip(frame.index, FORMULAS):
            frame.loc[index, "name"] = text
        frame.loc[frame.index[len(FORMULAS)], "commune_name"] = "=HYPERLINK(\"http://x\")"
        return frame
    copy_data(tmp_path / "data", hostile)
    monkeypatch.setenv("FABRIQUES_DATA_DIR", str(tmp_path / "data"))
    content = make_client().get("/api/v1/fabriques.csv").content
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == lv.COLUMNS and len(rows[0]) == len(rows[1])
    cells = [cell for row in rows[1:] for column, cell in zip(rows[0], row)
             if column not in ("Longitude", "Latitude")]
    assert sorted(cell for cell in cells if cell.startswith("'")) == sorted(
        ["'" + text for text in FORMULAS] + ["'=HYPERLINK(\"http://x\")"])
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    longitudes = [row[rows[0].index("Longitude")] for row in rows[1:]]
    assert any(value.startswith("-") for value in longitudes)  # numbers are not touched
    assert all(re.fullmatch(r"-?[0-9]+,[0-9]+", value) for value in longitudes if value)


def test_json_has_the_csv_rows_and_names_its_scope(client):
    response = client.get("/api/v1/fabriques.json", params={"departement": "29", "q": "LAB"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["version_donnees"] == response.headers["x-data-version"] == VERSION
    assert body["perimetre"]["description"] == "Finistère (29)"
    assert body["perimetre"]["filtres"]["departement"] == "29"
    assert body["colonnes"] == lv.COLUMNS
    expected = queries.run("laureates_list", **{**ALL, "departement": "29"}, search="LAB")
    assert body["total"] == len(expected) == len(body["fabriques"]) > 0
    assert [row["Identifiant"] for row in body["fabriques"]] == list(expected.fabrique_id)
    csv_rows = list(csv.DictReader(io.StringIO(client.get(
        "/api/v1/fabriques.csv", params={"departement": "29", "q": "LAB"}).text.lstrip("\ufeff")),
        delimiter=";"))
    assert [row["Nom"] for row in csv_rows] == [row["Nom"] for row in body["fabriques"]]


def test_search_ignores_accents_and_case_as_the_page_does(client):
    plain = client.get("/api/v1/fabriques.json", params={"q": "finistere"}).json()
    accented = client.get("/api/v1/fabriques.json", params={"q": "FINISTÈRE"}).json()
    assert plain["total"] == accented["total"] > 0
    assert plain["recherche"] == "finistere"


def test_pages_of_a_long_list_follow_the_link_header(client):
    first = client.get("/api/v1/fabriques.json", params={"limit": "150"})
    assert first.headers["x-total-count"] == "382"
    assert len(first.json()["fabriques"]) == 150
    seen = [row["Identifiant"] for row in first.json()["fabriques"]]
    link = first.headers["link"]
    while link:
        url = link.split(">")[0].lstrip("<")
        following = client.get(url)
        seen += [row["Identifiant"] for row in following.json()["fabriques"]]
        link = following.headers.get("link")
    assert len(seen) == len(set(seen)) == 382
    assert "suivant" not in following.json()


def test_row_cap_bounds_every_response(monkeypatch):
    capped = make_client(monkeypatch, FABRIQUES_API_MAX_ROWS="100")
    response = capped.get("/api/v1/fabriques.csv")
    assert response.status_code == 200
    assert response.headers["x-total-count"] == "382"
    assert len(response.content.decode("utf-8-sig").splitlines()) == 101
    assert "offset=100" in response.headers["link"]
    refused = capped.get("/api/v1/fabriques.json", params={"limit": "101"})
    assert refused.status_code == 400 and refused.json()["parametre"] == "limit"


# --- indicateurs.json ------------------------------------------------------------------------

@pytest.mark.parametrize("params", SCOPES, ids=[_label(p) for p in SCOPES])
def test_api_totals_are_the_pages_totals(client, params):
    """The cross-page filter set of tests/test_consistency.py, through the API."""
    query = query_of(params)
    indicators = client.get("/api/v1/indicateurs.json", params=query).json()
    headline = queries.run("headline_counts", **params).iloc[0]
    listed = client.get("/api/v1/fabriques.json", params=query).json()
    exported = client.get("/api/v1/fabriques.csv", params=query)
    assert indicators["fabriques"] == headline.fabriques == listed["total"]
    assert int(exported.headers["x-total-count"]) == headline.fabriques
    assert len(exported.content.decode("utf-8-sig").splitlines()) - 1 == headline.fabriques
    by_type = {row["type"]: row["fabriques"] for row in indicators["par_type_de_territoire"]}
    for territory in ("qpv", "rural", "urbain", "indetermine"):
        assert by_type[territory] == headline[territory]
    assert sum(by_type.values()) == indicators["fabriques"]
    progress = queries.run("progress_toward_targets", **params)
    assert [t["maintenant"]["fabriques"] for t in indicators["objectifs"]] == list(progress.achieved)


@pytest.mark.parametrize("query", [{}, {"region": "53"}, {"departement": "29"}, {"rural": "insee"},
                                   {"region": "53", "rural": "insee"},
                                   {"territoire": "rural", "rural": "hors_grands_centres"}],
                         ids=_label)
def test_indicators_match_the_synthese_page(client, query):
    synthese = run_app(query=query)
    assert not synthese.exception
    indicators = client.get("/api/v1/indicateurs.json", params=query).json()
    metrics = {metric.label: metric.value for metric in synthese.metric}
    assert metrics["Fabriques dans la liste"] == str(indicators["fabriques"])
    by_type = {row["type"]: row["fabriques"] for row in indicators["par_type_de_territoire"]}
    definition = indicators["perimetre"]["filtres"]["rural"]
    assert definition == query.get("rural", DEFAULT_RURAL_DEFINITION)
    assert metrics["En commune avec QPV"] == str(by_type["qpv"])
    # The card is named by the definition the API says it used (one label source: domain/labels).
    assert metrics[scope_label("rural", definition)] == str(by_type["rural"])
    rural_target = next(t for t in indicators["objectifs"] if t["portee"] == "rural")
    assert rural_target["definition_rural"] == definition
    assert rural_target["definition_de_l_objectif"] == "hors_grands_centres"
    synthese.session_state["synthese_gauges_table"] = True  # opens "Voir les jauges en tableau"
    table = synthese.run().dataframe[0].value
    if not set(query) - {"rural"}:  # France entière, under either definition
        def column(start):
            return next(name for name in table.columns if name.startswith(start))

        def number(text):
            return text.replace("\u202f", "")

        for (_, row), target in zip(table.iterrows(), indicators["objectifs"]):
            assert number(row["Objectif (fabriques)"]) == str(target["objectif"])
            assert number(row[column("À l'échéance")]) == str(target["a_l_echeance"]["fabriques"])
            assert row[column("Part de l'objectif à l'échéance")] == fr_percent(
                100 * target["a_l_echeance"]["part_de_l_objectif_france"], 0)
            assert number(row[column("Dans la liste")]) == str(target["maintenant"]["fabriques"])
        assert len(table) == len(indicators["objectifs"])
    else:
        shown = dict(zip(table.iloc[:, 0], table.iloc[:, 1]))
        for target in indicators["objectifs"]:
            label = scope_label(target["portee"], definition)
            assert shown[label].replace("\u202f", "") == str(target["maintenant"]["fabriques"])
    assert synthese.caption[-1].value.count(indicators["version_donnees"]) == 1


# --- version.json and ?version= ------------------------------------------------------------

def test_version_names_the_manifest(client):
    response = client.get("/api/v1/version.json")
    body = response.json()
    manifest = queries.read_manifest()
    assert response.status_code == 200
    assert body["version_donnees"] == response.headers["x-data-version"] == manifest["data_version"]
    assert body["date_de_la_liste"] == manifest["laureates_list_date"]
    assert body["source_de_la_liste"] == manifest["laureates_source"]
    assert [(s["fichier"], s["licence"], s["millesime"]) for s in body["sources"]] == [
        (s["file"], s["licence"], s["vintage"]) for s in manifest["sources"]]
    assert body["extraits"]["laureates"]["lignes"] == 382
    assert body["en_service"] is True


def test_archived_version_is_served_and_unknown_one_is_404(monkeypatch, tmp_path):
    data = copy_data(tmp_path / "data")
    old = queries.read_manifest(data)["data_version"]
    fewer = pd.read_parquet(data / "laureates.parquet")
    fewer = fewer[fewer.reg_code != "53"]
    buffer = io.BytesIO()
    fewer.to_parquet(buffer, index=False)
    new = versions.publish_laureates(data, buffer.getvalue(), len(fewer), {}, old)["data_version"]
    monkeypatch.setenv("FABRIQUES_DATA_DIR", str(data))
    client = make_client()

    now = client.get("/api/v1/indicateurs.json")
    assert now.headers["x-data-version"] == now.json()["version_donnees"] == new
    assert now.json()["fabriques"] == 382 - 23
    before = client.get("/api/v1/indicateurs.json", params={"version": old})
    assert before.headers["x-data-version"] == before.json()["version_donnees"] == old
    assert before.json()["fabriques"] == 382
    breton = client.get("/api/v1/fabriques.csv", params={"version": old, "region": "53"})
    assert breton.headers["x-data-version"] == old and breton.headers["x-total-count"] == "23"
    assert client.get("/api/v1/version.json", params={"version": old}).json()["en_service"] is False

    for route in ("version.json", "indicateurs.json", "fabriques.csv", "fabriques.json"):
        missing = client.get(f"/api/v1/{route}", params={"version": "0123456789ab"})
        assert missing.status_code == 404
        body = missing.json()
        assert "Version des données inconnue" in body["erreur"] and body["parametre"] == "version"
        assert {row["version"] for row in body["versions"]} == {old, new}
        assert missing.headers["x-data-version"] == new


# --- Bad input -----------------------------------------------------------------------------

HOSTILE = [
    ("fabriques.json", {"regoin": "53"}, "regoin", "Paramètre inconnu"),
    ("fabriques.csv", {"region": "53'; drop table laureates; --"}, "region", "région"),
    ("indicateurs.json", {"region": "99"}, "region", "région"),
    ("fabriques.json", {"departement": "../../etc/passwd"}, "departement", "département"),
    ("fabriques.json", {"region": "53", "departement": "75"}, "departement", "Paris"),
    ("indicateurs.json", {"territoire": "<script>alert(1)</script>"}, "territoire", "territoire"),
    ("fabriques.csv", {"rural": "oui"}, "rural", "rural"),
    ("fabriques.json", {"q": "x" * 101}, "q", "100 caractères"),
    ("fabriques.csv", {"q": "a" * 10_000}, "q", "10000 caractères"),
    ("fabriques.json", {"limit": "-1"}, "limit", "limit"),
    ("fabriques.json", {"limit": "dix"}, "limit", "limit"),
    ("fabriques.json", {"limit": "0"}, "limit", "limit"),
    ("fabriques.csv", {"offset": "1e3"}, "offset", "offset"),
    ("fabriques.csv", {"limit": "²"}, "limit", "limit"),
    ("indicateurs.json", {"q": "lab"}, "q", "Paramètre inconnu"),
    ("version.json", {"region": "53"}, "region", "Paramètre inconnu"),
]


@pytest.mark.parametrize("route,query,parameter,words", HOSTILE,
                         ids=[f"{r}-{p}-{i}" for i, (r, _, p, _) in enumerate(HOSTILE)])
def test_bad_parameters_are_refused_in_french_naming_them(client, route, query, parameter, words):
    response = client.get(f"/api/v1/{route}", params=query)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-data-version"] == VERSION
    body = response.json()
    assert body["parametre"] == parameter
    assert words in body["erreur"]
    # A value is echoed cut and stripped of markup and quotes (views.filters.shown).
    assert "<script>" not in body["erreur"] and "53'" not in body["erreur"]
    # The request is refused: the message does not say that part of it was used.
    assert "pris en compte" not in body["erreur"] and "ignoré" not in body["erreur"]


def test_repeated_parameter_is_refused(client):
    response = client.get("/api/v1/fabriques.json?region=53&region=84")
    assert response.status_code == 400
    assert response.json()["parametre"] == "region"
    assert "plusieurs fois" in response.json()["erreur"]


@pytest.mark.parametrize("version", ["../../data", "x" * 5000, "501F5C917BEC", "' or 1=1 --"])
def test_hostile_versions_are_unknown_not_read(client, version):
    response = client.get("/api/v1/version.json", params={"version": version})
    assert response.status_code == 404
    assert [row["version"] for row in response.json()["versions"]] == [VERSION]


def test_search_is_bound_not_pasted(client):
    for text in ("%", "_", "' or '1'='1", "\\", "fabt-1%"):
        body = client.get("/api/v1/fabriques.json", params={"q": text}).json()
        assert body["total"] == len(queries.run("laureates_list", **ALL, search=text))
    assert client.get("/api/v1/fabriques.json", params={"q": "%"}).json()["total"] == 0


def test_unknown_route_and_method(client):
    missing = client.get("/api/v1/fabriques.xml")
    assert missing.status_code == 404 and "/api/v1/fabriques.csv" in missing.json()["erreur"]
    assert client.post("/api/v1/fabriques.json").status_code == 405


def test_empty_scope_is_an_empty_list_not_an_error(client):
    body = client.get("/api/v1/fabriques.json", params={"departement": "90", "territoire": "rural"}).json()
    assert body["total"] == len(body["fabriques"]) == queries.run(
        "headline_counts", **{**ALL, "departement": "90", "territoire": "rural"}).iloc[0].fabriques


# --- Limits, CORS, headers ------------------------------------------------------------------

def test_rate_limit_answers_429_in_french_with_retry_after(monkeypatch):
    limited = make_client(monkeypatch, FABRIQUES_API_RATE_LIMIT="3")
    for _ in range(3):
        assert limited.get("/api/v1/version.json").status_code == 200
    refused = limited.get("/api/v1/fabriques.csv", params={"region": "53"})
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["content-type"] == "application/json"
    assert refused.json()["erreur"].startswith("Trop de requêtes")
    assert refused.headers["x-data-version"] == VERSION


def test_rate_limiter_window_slides():
    now = [0.0]
    limiter = api.limits.RateLimiter(clock=lambda: now[0])
    assert [limiter.retry_after("a", 2) for _ in range(3)] == [None, None, 60]
    now[0] = 30.0
    assert limiter.retry_after("a", 2) == 30
    now[0] = 60.0
    assert limiter.retry_after("a", 2) is None


def test_cors_is_off_by_default_and_configurable(monkeypatch, client):
    origin = {"Origin": "https://intranet.example.fr"}
    assert "access-control-allow-origin" not in client.get("/api/v1/version.json", headers=origin).headers
    allowing = make_client(monkeypatch, FABRIQUES_CORS_ORIGINS="https://intranet.example.fr")
    response = allowing.get("/api/v1/version.json", headers=origin)
    assert response.headers["access-control-allow-origin"] == "https://intranet.example.fr"
    assert "X-Data-Version" in response.headers["access-control-expose-headers"]
    other = allowing.get("/api/v1/version.json", headers={"Origin": "https://ailleurs.example"})
    assert "access-control-allow-origin" not in other.headers


def test_api_responses_carry_the_security_headers(client):
    headers = client.get("/api/v1/version.json").headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["content-security-policy"].startswith("frame-ancestors 'self'")


@pytest.mark.parametrize("variable,value", [
    ("FABRIQUES_CORS_ORIGINS", "*"), ("FABRIQUES_CORS_ORIGINS", "intranet.example.fr"),
    ("FABRIQUES_CORS_ORIGINS", "https://a.fr; script-src *"), ("FABRIQUES_API_RATE_LIMIT", "0"),
    ("FABRIQUES_API_MAX_ROWS", "beaucoup"),
])
def test_malformed_settings_stop_the_server_naming_the_variable(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(config.ConfigError, match=variable):
        config.check()


# --- Off the event loop; OpenAPI -----------------------------------------------------------

def test_queries_run_off_the_event_loop(monkeypatch):
    seen = []
    original = handlers.indicators

    def recording(values):
        try:
            asyncio.get_running_loop()
            seen.append("boucle")
        except RuntimeError:
            seen.append("thread")
        return original(values)

    monkeypatch.setattr(handlers, "indicators", recording)
    assert make_client().get("/api/v1/indicateurs.json").status_code == 200
    assert seen == ["thread"]


def test_openapi_describes_exactly_the_routes_and_their_parameters(client):
    document = client.get("/api/v1/openapi.json").json()
    mount = next(route for route in api.routes() if isinstance(route, Mount))
    served = {api.PREFIX + route.path for route in mount.routes if "{" not in route.path}
    assert set(document["paths"]) == served == set(api.accepted_parameters())
    for path, accepted in api.accepted_parameters().items():
        operation = document["paths"][path]["get"]
        assert [p["name"] for p in operation["parameters"]] == list(accepted)
        assert all(p["description"] for p in operation["parameters"])
        if accepted:
            undeclared = client.get(path, params={"nimportequoi": "1"})
            assert undeclared.status_code == 400
        assert client.get(path).status_code == 200
    assert document["openapi"].startswith("3.")
    assert document["x-version-donnees"] == VERSION
    json.dumps(document)  # plain JSON


def test_docs_name_every_route_and_parameter():
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for path, accepted in api.accepted_parameters().items():
        assert path in text
        for name in accepted:
            assert f"`{name}`" in text


def test_every_curl_example_of_the_docs_works_as_written(client):
    """Each `curl` line of docs/api.md, run against the API: the status the docs show (200
    unless a `# HTTP/1.1 …` line follows), and a `$V` read by the line that sets it."""
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.S)
    lines = [line.strip() for block in blocks for line in block.splitlines()]
    variables, ran = {}, 0
    for index, line in enumerate(lines):
        setting = re.fullmatch(r"(\w+)=\$\(curl -s '([^']+)' \| python3 -c '(.+)'\)", line)
        calling = re.fullmatch(r"""curl( -[A-Za-z]+)* ['"](http://localhost:8501(/api/v1/[^'"]*))['"]""", line)
        if setting:
            # The one-liner reads a value of the JSON answer: follow its subscripts.
            value = client.get(setting.group(2).replace("http://localhost:8501", "")).json()
            for key, position in re.findall(r'\["(\w+)"\]|\[(\d+)\]', setting.group(3)):
                value = value[key] if key else value[int(position)]
            variables[setting.group(1)] = value
            continue
        if not calling:
            assert not line.startswith("curl") or "/api/v1/" not in line, f"exemple non reconnu : {line}"
            continue
        path = calling.group(3)
        for name, value in variables.items():
            path = path.replace(f"${name}", str(value))
        expected = 200
        if index + 1 < len(lines) and lines[index + 1].startswith("# HTTP/1.1 "):
            expected = int(lines[index + 1].split()[2])
        response = client.get(path)
        assert response.status_code == expected, (line, response.text[:300])
        ran += 1
    assert ran >= 7


@pytest.mark.parametrize("route", ["fabriques.csv?region=53", "fabriques.json", "indicateurs.json",
                                   "version.json", "openapi.json"])
def test_answers_are_revalidated_not_kept_stale(client, route):
    """An import changes every answer at the same address: caches must ask again (no-cache),
    and get a 304 while the answer is unchanged (ETag)."""
    first = client.get(f"/api/v1/{route}")
    assert first.status_code == 200
    assert first.headers["cache-control"] == "no-cache"
    etag = first.headers["etag"]
    assert etag.startswith('"') and VERSION in etag
    again = client.get(f"/api/v1/{route}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag and again.headers["x-data-version"] == VERSION
    changed = client.get(f"/api/v1/{route}", headers={"If-None-Match": '"autre"'})
    assert changed.status_code == 200 and changed.content == first.content
    described = client.get("/api/v1/openapi.json").json()["paths"][f"/api/v1/{route.split('?')[0]}"]
    assert {"Cache-Control", "ETag"} <= set(described["get"]["responses"]["200"]["headers"])
    assert "304" in described["get"]["responses"]


def test_errors_are_not_stored(client, monkeypatch):
    assert client.get("/api/v1/fabriques.json", params={"region": "99"}).headers["cache-control"] == "no-store"
    assert client.get("/api/v1/version.json", params={"version": "0123456789ab"}).headers[
        "cache-control"] == "no-store"
    limited = make_client(monkeypatch, FABRIQUES_API_RATE_LIMIT="1")
    limited.get("/api/v1/version.json")
    assert limited.get("/api/v1/version.json").headers["cache-control"] == "no-store"
