"""The API and the embeddable views on the server `make run` starts: the Breton CSV of the API
is the Lauréats page's download byte for byte; a `?embed=true` view shows inside an iframe of
an allowed origin and is refused by the browser on another (parent pages served by a second
local HTTP server, on other ports: other origins)."""
from __future__ import annotations

import functools
from concurrent.futures import ThreadPoolExecutor
import http.server
import json
import threading
from types import SimpleNamespace
import urllib.request

import pytest
from playwright.sync_api import expect

import queries
from conftest import ARTIFACTS, ServedApp, new_page, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

EMBEDS = {"jauges": "/?embed=true&region=53", "carte": "/carte?embed=true&departement=29"}


class ParentSite:
    """A tiny site (its own origin) whose pages frame the dashboard's embeddable views."""

    def __init__(self, folder):
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def frame(self, app_url: str) -> None:
        """One page per embeddable view (files are read at each request)."""
        for name, path in EMBEDS.items():
            (self.folder / f"{name}.html").write_text(
                "<!doctype html><html lang='fr'><head><meta charset='utf-8'><title>Intranet</title></head>"
                "<body style='margin:0;font-family:sans-serif'><h1 style='font-size:18px;margin:8px'>"
                "Intranet régional</h1>"
                f"<iframe src='{app_url}{path}' title='Fabriques de territoire' width='100%' height='640' "
                "style='border:1px solid #888' onload='document.body.dataset.charge = \"oui\"'></iframe>"
                "</body></html>", encoding="utf-8")

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """The app, the allowed parent site and another one: the app lets only the first frame it."""
    base = tmp_path_factory.mktemp("parents")
    allowed, other = ParentSite(base / "autorise"), ParentSite(base / "autre")
    served = ServedApp(env={"FABRIQUES_FRAME_ANCESTORS": allowed.url})
    allowed.frame(served.url)
    other.frame(served.url)
    yield SimpleNamespace(app_url=served.url, allowed=allowed, other=other, log=served.log)
    allowed.stop()
    other.stop()
    served.stop()


def _screenshot(page, name: str) -> None:
    # The viewport, not the full page: a full-page capture re-lays the parent out and the
    # framed WebGL map comes out blank.
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _open_parent(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function("document.body.dataset.charge === 'oui'", timeout=60_000)


def test_breton_csv_of_the_api_is_the_laureats_download(sites, browser):
    app_url = sites.app_url
    with urllib.request.urlopen(app_url + "/api/v1/fabriques.csv?region=53") as response:
        api_bytes = response.read()
        version = response.headers["X-Data-Version"]
    page = new_page(browser)
    page.goto(app_url + "/laureats?region=53")
    wait_for_app(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Télécharger la liste (CSV)").click()
    page_bytes = open(download_info.value.path(), "rb").read()
    page.context.close()
    assert api_bytes == page_bytes
    assert api_bytes.decode("utf-8-sig").count("\r\n") == 24  # header + 23 Breton fabriques
    assert version == queries.read_manifest()["data_version"]


def test_served_api_answers_parallel_requests_from_the_shared_cache(sites):
    """Handlers run the loader in worker threads, outside any Streamlit script run: parallel
    requests all get the same answer and the server logs no warning or error about it."""
    app_url = sites.app_url

    def fetch(route):
        with urllib.request.urlopen(app_url + route) as response:
            return response.status, response.headers["X-Data-Version"], response.read()

    routes = ["/api/v1/indicateurs.json?region=53", "/api/v1/fabriques.json?region=53"] * 8
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(fetch, routes))
    assert {status for status, _, _ in answers} == {200}
    assert {version for _, version, _ in answers} == {queries.read_manifest()["data_version"]}
    assert len({body for _, _, body in answers}) == 2
    indicators = json.loads(answers[0][2])
    assert indicators["fabriques"] == 23 and indicators["version_donnees"] == answers[0][1]
    log = sites.log.read_text()
    assert "ScriptRunContext" not in log and "Traceback" not in log
    assert "No runtime found" not in log  # the loader's cache is the server's, not a stand-in


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=["1280", "1920"])
def test_gauges_embed_shows_in_an_iframe_of_an_allowed_origin(sites, browser, size):
    allowed = sites.allowed
    page = new_page(browser, *size)
    _open_parent(page, allowed.url + "/jauges.html")
    frame = page.frame_locator("iframe")
    frame.get_by_text("Progression vers les objectifs nationaux").wait_for(timeout=60_000)
    # A région: its own counts as bars (one per target category), no national dial.
    expect(frame.locator(".js-plotly-plot .barlayer .point")).to_have_count(3, timeout=60_000)
    assert frame.locator(".js-plotly-plot .indicatorlayer .trace").count() == 0
    assert frame.get_by_text("Bretagne : 23 fabriques", exact=False).count() == 1
    source = frame.get_by_text("Source : ANCT, liste des Fabriques de territoire", exact=False)
    source.wait_for(timeout=60_000)
    assert queries.read_manifest()["data_version"] in source.inner_text()
    # An embed: no sidebar, no page links, no service header, none of the page's other sections.
    assert frame.locator("[data-testid='stSidebar']").count() == 0
    assert frame.locator("[data-testid='stSidebarNav']").count() == 0
    assert frame.get_by_text("Tiers-lieux en France").count() == 0
    assert frame.locator("[data-testid='stMetric']").count() == 0  # no headline cards
    assert frame.locator("[data-testid='stException']").count() == 0
    _screenshot(page, f"embed-jauges-iframe-{size[0]}")
    source.scroll_into_view_if_needed()
    _screenshot(page, f"embed-jauges-iframe-{size[0]}-source")
    page.context.close()


def test_map_embed_shows_in_an_iframe_in_the_dark_theme(sites, browser):
    allowed = sites.allowed
    page = new_page(browser, 1280, 720, color_scheme="dark")
    _open_parent(page, allowed.url + "/carte.html")
    frame = page.frame_locator("iframe")
    frame.locator("canvas").first.wait_for(timeout=60_000)
    frame.get_by_text("Source : ANCT", exact=False).wait_for(timeout=60_000)
    assert frame.get_by_text("Finistère (29)", exact=False).count() >= 1
    assert frame.get_by_text("Fabriques montrées sur la carte").count() == 0
    assert frame.locator("[data-testid='stSidebar']").count() == 0
    _screenshot(page, "embed-carte-iframe-sombre")
    page.context.close()


def test_embed_is_refused_in_an_iframe_of_another_origin(sites, browser):
    app_url, other = sites.app_url, sites.other
    page = new_page(browser)
    with page.expect_console_message(lambda message: "frame-ancestors" in message.text,
                                     timeout=60_000) as refusal:
        _open_parent(page, other.url + "/jauges.html")
    assert app_url in refusal.value.text  # Chromium names the refused frame
    child = page.frames[1]
    # Chromium replaces a refused frame by its own error page: nothing of the app is drawn.
    assert not child.url.startswith(app_url)
    assert child.locator("[data-testid='stApp']").count() == 0
    _screenshot(page, "embed-refuse-autre-origine")
    page.context.close()


def test_a_page_without_embed_view_says_so_in_french(sites, browser):
    page = new_page(browser)
    page.goto(sites.app_url + "/laureats?embed=true&region=53")
    wait_for_app(page)
    assert page.get_by_text("Cette page n'existe pas en vue intégrable", exact=False).count() == 1
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator("[data-testid='stDataFrame']").count() == 0
    assert page.locator("[data-testid='stSidebar']").count() == 0
    page.context.close()
