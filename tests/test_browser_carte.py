"""The Carte page in a real browser: the map is drawn, nothing leaves the machine, no XSS."""
import io
import math
import time
import re
from urllib.parse import urlparse

import pytest
from PIL import Image, ImageStat
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from conftest import ServedApp, copy_data, new_page, screenshot, wait_for_app, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PAYLOAD = "<img src=x onerror=alert(1)>"
MAP = "[data-testid='stDeckGlJsonChart']"
CANVAS = MAP + " canvas"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def _record_outside_requests(page) -> list[str]:
    outside = []
    page.on("request", lambda request: outside.append(request.url)
            if urlparse(request.url).hostname not in LOCAL_HOSTS
            and urlparse(request.url).scheme in ("http", "https", "ws", "wss") else None)
    return outside


def _open(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    try:
        page.wait_for_selector(CANVAS, state="attached", timeout=60_000)
    except Exception:
        screenshot(page, "carte-echec")
        raise
    # deck.gl draws on the next animation frames: wait for a drawn map, not for a fixed time.
    wait_until(page, lambda: _canvas_spread(page) > 10, "la carte est dessinée")


def _map_image(page) -> Image.Image:
    return Image.open(io.BytesIO(page.locator(MAP).first.screenshot())).convert("RGB")


def _canvas_spread(page) -> float:
    """Standard deviation of the map's pixels: 0 for a blank canvas."""
    return ImageStat.Stat(_map_image(page).convert("L")).stddev[0]


def _blue_share(page) -> float:
    """Share of the map's pixels in the blue of the choropleth ramp (blue above red and green)."""
    pixels = _map_image(page).get_flattened_data()
    return sum(1 for r, g, b in pixels if b > r + 20 and b > g + 20) / len(pixels)


@pytest.mark.parametrize("path, name", [("/carte", "carte"), ("/carte?region=53", "carte-bretagne")])
def test_carte_draws_a_non_empty_map_without_leaving_the_machine(app_url, page, path, name):
    outside = _record_outside_requests(page)
    _open(page, app_url + path)
    assert _canvas_spread(page) > 10
    assert page.locator("[data-testid='stException']").count() == 0
    metrics = page.locator("[data-testid='stMetricValue']").all_inner_texts()
    assert metrics[0] == ("382" if path == "/carte" else "23")
    assert page.get_by_text("Légende").count() == 1
    screenshot(page, name)
    assert outside == [], f"requêtes hors de la machine : {sorted(set(outside))}"


def test_layers_and_true_positions_redraw_the_map(app_url, page):
    outside = _record_outside_requests(page)
    _open(page, app_url + "/carte")
    # Without a choropleth, only the QPV points are blue: about 4 % of the map.
    assert _blue_share(page) < 0.07
    page.get_by_text("Fabriques pour 100 000 habitants").click()
    page.get_by_text("Population non disponible").wait_for()  # Mayotte, in the legend
    # The départements are filled with the ramp of the blue of France.
    wait_until(page, lambda: _blue_share(page) > 0.10, "l'aplat par département est dessiné")
    page.get_by_text("Tiers-lieux recensés en 2018–2019").click()
    page.get_by_text("Tiers-lieu recensé en 2018–2019").wait_for()  # its legend entry
    wait_for_app(page)
    assert page.get_by_text("Population non disponible").count() == 1
    screenshot(page, "carte-couches")
    page.get_by_text("Outre-mer à sa position réelle").click()
    page.get_by_text("Outre-mer en encart").wait_for(state="detached")  # legend entry gone
    wait_for_app(page)
    wait_until(page, lambda: _canvas_spread(page) > 5, "la carte est redessinée")
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "carte-positions-reelles")
    assert outside == [], f"requêtes hors de la machine : {sorted(set(outside))}"


def test_layers_and_choropleth_are_in_the_url(app_url, page):
    """A shared link shows the same layers: the toggles and the choropleth live in the URL."""
    _open(page, app_url + "/carte?region=53&carte_recensement=true&carte_aplat=Nombre+de+fabriques")
    census = page.get_by_role("switch", name="Tiers-lieux recensés en 2018–2019")
    assert census.is_checked()
    assert page.get_by_role("radio", name="Nombre de fabriques").is_checked()
    page.get_by_text("Communes avec QPV", exact=True).click()
    page.wait_for_url(re.compile(r"carte_communes_qpv=true"), timeout=30_000)
    wait_for_app(page)
    page.get_by_text("Aucune", exact=True).click()
    page.wait_for_url(lambda url: "carte_aplat" not in url, timeout=30_000)
    wait_for_app(page)
    assert "carte_recensement=true" in page.url and "region=53" in page.url
    # Opened again from that link: the same layers.
    page.goto(page.url)
    wait_for_app(page)
    assert page.get_by_role("switch", name="Communes avec QPV").is_checked()
    assert page.get_by_role("radio", name="Aucune").is_checked()


def _hover_until_tooltip(page, x: float, y: float, deadline_s: float = 180) -> None:
    """Point at (x, y) until deck.gl shows a tooltip with text.

    deck.gl shows its tooltip on a pointer move it has picked, once the points (a file the map
    fetches) are loaded and drawn: move, wait for it, move again, until it shows. A loaded
    machine takes more moves (30 tries of a second were not always enough in the full suite);
    the deadline only stops a broken page.
    """
    deadline, attempt = time.monotonic() + deadline_s, 0
    while time.monotonic() < deadline:
        page.mouse.move(x + attempt % 2, y)
        attempt += 1
        try:
            page.wait_for_function("() => document.querySelector('.deck-tooltip')"
                                   " && document.querySelector('.deck-tooltip').innerText.trim()",
                                   timeout=1_000)
            return
        except PlaywrightTimeout:
            continue


def _screen_position(view: dict, box: dict, lon: float, lat: float) -> tuple[float, float]:
    """Where deck.gl's Web Mercator view puts a point, in page pixels."""
    scale = 512 * 2 ** view["zoom"] / (2 * math.pi)

    def x(lon_deg):
        return scale * math.radians(lon_deg)

    def y(lat_deg):
        return -scale * math.log(math.tan(math.pi / 4 + math.radians(lat_deg) / 2))

    return (box["x"] + box["width"] / 2 + x(lon) - x(view["longitude"]),
            box["y"] + box["height"] / 2 + y(lat) - y(view["latitude"]))


def test_hostile_names_show_as_text_in_tooltip_card_and_table(tmp_path, browser):
    def hostile(laureates):
        concarneau = laureates.fabrique_id == "fabt-13"
        laureates.loc[concarneau, "name"] = PAYLOAD
        laureates.loc[concarneau, "commune_name"] = PAYLOAD
        return laureates

    served = ServedApp(env={"FABRIQUES_DATA_DIR": str(copy_data(tmp_path / "data", hostile))})
    page = new_page(browser)
    dialogs, context = page.dialogs, page.context
    outside = _record_outside_requests(page)
    try:
        _open(page, served.url + "/carte?departement=29")
        import pandas as pd
        bounds = pd.read_parquet(tmp_path / "data" / "departements.parquet").set_index("dep_code").loc["29"]
        view, canvas_box = _page_view(page, bounds)
        x, y = _screen_position(view, canvas_box, -3.9076, 47.8968)
        tooltip = page.locator(".deck-tooltip")
        _hover_until_tooltip(page, x, y)
        assert PAYLOAD in tooltip.inner_text()  # the literal text, not an image element
        assert tooltip.locator("img").count() == 0
        screenshot(page, "carte-xss-infobulle")
        card = page.locator(".st-key-carte_fiche")
        # One click opens it (views/map_card.py: the map accepts the press its first picking makes
        # long). A map drawn again meanwhile (a new canvas, its points fetched again) may miss it: a
        # second click is made only then, once the new map shows its tooltip; never on a map that stayed.
        for clicks in (1, 2):
            canvas = page.locator(MAP + " canvas").first.element_handle()
            page.mouse.click(x, y)
            try:
                card.wait_for(timeout=30_000)
                break
            except PlaywrightTimeout:
                assert clicks == 1 and not page.evaluate("(canvas) => canvas.isConnected", canvas), \
                    "un clic sur un point d'une carte restée la même n'a pas ouvert la fiche"
                _hover_until_tooltip(page, x, y)
        wait_for_app(page)
        assert PAYLOAD in card.inner_text()
        assert card.locator("img").count() == 0
        # The card opens over the map, within it, in view (not a screen below it).
        card_box, map_box = card.bounding_box(), page.locator(MAP).first.bounding_box()
        viewport = page.viewport_size
        assert map_box["x"] <= card_box["x"] and card_box["x"] + card_box["width"] <= map_box["x"] + map_box["width"] + 1, \
            (card_box, map_box)
        assert map_box["y"] <= card_box["y"] and card_box["y"] + card_box["height"] <= map_box["y"] + map_box["height"] + 1
        assert 0 <= card_box["y"] < viewport["height"] - 100
        assert "fabrique=fabt-13" in page.url
        screenshot(page, "carte-xss-fiche")
        # The card survives a reload from the URL.
        page.goto(page.url)
        wait_for_app(page)
        assert PAYLOAD in page.locator(".st-key-carte_fiche").inner_text()
        assert page.locator("main img[src='x']").count() == 0
        assert dialogs == []
        assert outside == [], f"requêtes hors de la machine : {sorted(set(outside))}"
    finally:
        context.close()
        served.stop()


def _mainland_boxes():
    """Mainland France (with Corsica) and Corsica alone, from the shipped extracts (lon/lat)."""
    import pandas as pd

    from conftest import ROOT
    from domain.insets import INSETS

    deps = pd.read_parquet(ROOT / "data" / "departements.parquet")
    mainland = deps[~deps.dep_code.isin(list(INSETS)) & (deps.dep_code.str.len() <= 2)]
    corsica = deps[deps.dep_code.isin(["2A", "2B"])]

    def box(frame):
        return frame.min_lon.min(), frame.min_lat.min(), frame.max_lon.max(), frame.max_lat.max()
    return box(mainland), box(corsica)


def _national_bounds():
    from queries import run

    return run("map_view_bounds", region=None, departement=None, epci=None, insets=True).iloc[0]


def _map_box(page) -> dict:
    return page.evaluate("() => { const r = document.querySelector(\"" + MAP.replace('"', '\\"') + "\")"
                         ".getBoundingClientRect(); return {x: r.x, y: r.y, width: r.width, height: r.height}; }")


def _page_view(page, bounds) -> tuple[dict, dict]:
    """The view the page sent, and the map's box: fitted to the map column's width as the browser
    reported it (rounded down to 100 px, app/map_width.py). Waits for the page to have applied
    that width (the map takes the frame height of that width), then for the rerun to end."""
    from views.map_view import fit_view, frame_height, map_width

    width = map_width(int(_map_box(page)["width"]) // 100 * 100)
    height = frame_height(bounds, width)
    page.wait_for_function("() => Math.round(document.querySelector(\"" + MAP.replace('"', '\\"')
                           + f"\").getBoundingClientRect().height) === {height}", timeout=60_000)
    wait_for_app(page)
    view = fit_view(bounds, width)
    return {"zoom": view.zoom, "longitude": view.longitude, "latitude": view.latitude}, _map_box(page)


@pytest.mark.parametrize("width, height", [(1440, 900), (1920, 1080), (1280, 720)])
def test_mainland_fills_the_map_and_nothing_covers_a_label(browser, app_url, width, height):
    page = new_page(browser, width, height)
    try:
        _open(page, app_url + "/carte")
        # Every option's label is read whole (three columns of options cut them at 1280 px).
        cut = page.evaluate("""() => [...document.querySelectorAll(
            "[data-testid='stMain'] [data-testid='stMarkdownContainer']")]
            .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)""")
        assert cut == [], cut
        # The view the page sent is the one fitted here (same bounds, same function, same width).
        view, canvas = _page_view(page, _national_bounds())
        (lon0, lat0, lon1, lat1), corsica = _mainland_boxes()
        x0, y1 = _screen_position(view, canvas, lon0, lat0)
        x1, y0 = _screen_position(view, canvas, lon1, lat1)
        covered = max((x1 - x0) / canvas["width"], (y1 - y0) / canvas["height"])
        print(f"{width}×{height}: canvas {canvas['width']:.0f}×{canvas['height']:.0f}, mainland "
              f"{x1 - x0:.0f}×{y1 - y0:.0f} px, {covered:.0%} of the binding side, "
              f"{(x1 - x0) * (y1 - y0) / (canvas['width'] * canvas['height']):.0%} of the area")
        assert covered >= 0.85, covered  # 94 % measured; 67 % with the view fitted to 680×600
        # The whole of mainland France (and Corsica) is inside the canvas, the insets too.
        assert canvas["x"] <= x0 and x1 <= canvas["x"] + canvas["width"]
        assert canvas["y"] <= y0 and y1 <= canvas["y"] + canvas["height"]
        cx0, cy1 = _screen_position(view, canvas, corsica[0], corsica[1])
        cx1, cy0 = _screen_position(view, canvas, corsica[2], corsica[3])
        # Corsica on the screen, without scrolling, at every size.
        assert cy1 <= height and cx1 <= width, (cx1, cy1)
        # The mainland's box covers most of the canvas at every size: the view follows the
        # column's width (34 % at 1920 × 1080 when it was fitted to the narrowest column).
        area = (x1 - x0) * (y1 - y0) / (canvas["width"] * canvas["height"])
        assert area >= 0.5, area
        # The map's toolbar (an English full-screen button, hidden by app/chrome.py) covers no
        # label: with the map hovered, no toolbar button shown overlaps a text of the page.
        page.mouse.move(canvas["x"] + canvas["width"] / 2, canvas["y"] + canvas["height"] / 2)
        labels = page.locator("[data-testid='stMain'] label, [data-testid='stMain'] p, "
                              "[data-testid='stMain'] [data-testid='stWidgetLabel']")
        label_boxes = [labels.nth(i).bounding_box() for i in range(labels.count())]
        buttons = page.locator("[data-testid='stElementToolbarButton']")
        for index in range(buttons.count()):
            if not buttons.nth(index).is_visible():
                continue
            b = buttons.nth(index).bounding_box()
            for other in label_boxes:
                if other is None or other["width"] == 0:
                    continue
                overlap = (b["x"] < other["x"] + other["width"] and other["x"] < b["x"] + b["width"]
                           and b["y"] < other["y"] + other["height"] and other["y"] < b["y"] + b["height"])
                assert not overlap, (b, other)
        screenshot(page, f"carte-{width}x{height}")
    finally:
        page.context.close()


def test_the_map_follows_a_resized_window(browser, app_url):
    """A window made wider (a projector plugged in) gets a larger map: the browser reports the
    column's new width and the page sends the view fitted to it."""
    page = new_page(browser, 1280, 720)
    try:
        _open(page, app_url + "/carte")
        bounds = _national_bounds()
        narrow, narrow_box = _page_view(page, bounds)
        page.set_viewport_size({"width": 1920, "height": 1080})
        wide, wide_box = _page_view(page, bounds)
        assert wide_box["width"] > narrow_box["width"] + 300 and wide_box["height"] > narrow_box["height"]
        assert wide["zoom"] > narrow["zoom"], (narrow, wide)
        (lon0, lat0, lon1, lat1), _ = _mainland_boxes()

        def mainland_width(view, box):
            return _screen_position(view, box, lon1, lat1)[0] - _screen_position(view, box, lon0, lat0)[0]
        assert mainland_width(wide, wide_box) > 1.4 * mainland_width(narrow, narrow_box)
        wait_until(page, lambda: _canvas_spread(page) > 10, "la carte est redessinée")
        screenshot(page, "carte-agrandie-1280-vers-1920")
    finally:
        page.context.close()


def test_tooltip_near_the_right_edge_stays_inside_the_map(browser, app_url):
    page = new_page(browser, 1440, 900)
    try:
        _open(page, app_url + "/carte")
        view, canvas = _page_view(page, _national_bounds())
        x, y = _screen_position(view, canvas, 9.425073, 42.68639)  # Bastia, at the far right (or its neighbour Piève)
        tooltip = page.locator(".deck-tooltip")
        _hover_until_tooltip(page, x, y)
        assert "Haute-Corse (2B)" in tooltip.inner_text()
        # The drawn place is read back once the watcher has moved it (same frame as the move).
        box = tooltip.bounding_box()
        canvas = _map_box(page)
        screenshot(page, "carte-infobulle-bord")
        assert box["x"] >= canvas["x"] and box["x"] + box["width"] <= canvas["x"] + canvas["width"] + 1, (box, canvas)
        assert box["y"] >= canvas["y"] and box["y"] + box["height"] <= canvas["y"] + canvas["height"] + 1, (box, canvas)
    finally:
        page.context.close()
