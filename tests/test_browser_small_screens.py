"""Phones (390 × 844) and tablets (768 × 1024), light and dark, in a real browser: every page read
whole (no text of a chart outside its chart or the screen, nothing wider than the screen), the
filters behind a button named "Filtres", a fabrique's card opened by one tap, the list readable;
the data grids' toolbar and menus in French; on a laptop (1366 × 768) the map's card over the map,
replaced by the next click, closed by its button and by Escape.

Grouped so that one served app and few page loads cover it all: each screen size and theme is one
browser context that opens every page once.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

import streamlit_strings
from conftest import ARTIFACTS, new_page, wait_for_app, wait_until
from test_browser_carte import MAP, _canvas_spread, _page_view, _screen_position
from test_browser_synthese import CUT_IN_FIGURES

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SCREENS = {"telephone": (390, 844), "tablette": (768, 1024)}
THEMES = ("light", "dark")
PAGES = {"accueil": "/", "synthese": "/?region=53", "territoires": "/territoires?region=53", "carte": "/carte?region=53",
         "laureats": "/laureats?region=53", "donnees": "/donnees", "accessibilite": "/accessibilite",
         "mentions_legales": "/mentions-legales"}
CARD = ".st-key-carte_fiche"
NARROW_PX = 640  # below it Streamlit stacks columns (views/map_card.NARROW_PX)

# Every text of every chart whose box leaves the chart's, the screen's width, or the clip area
# plotly draws it in (a label "23" cut to "2" at the screen's edge, "80" cut by the plot): charts
# drawn by plotly.js (the figures the server drew are images: CUT_IN_FIGURES reads their texts).
CUT_TEXTS = """() => {
  const cut = [];
  document.querySelectorAll('.js-plotly-plot').forEach((plot, index) => {
    const chart = plot.getBoundingClientRect();
    if (!chart.width) return;  // a chart in a closed tab, a static variant for another width
    plot.querySelectorAll('text').forEach((text) => {
      const box = text.getBoundingClientRect();
      if (!box.width || !text.textContent.trim()) return;
      const where = [];
      if (box.left < chart.left - 1 || box.right > chart.right + 1 || box.top < chart.top - 1
          || box.bottom > chart.bottom + 1) where.push('graphique');
      if (box.left < -1 || box.right > innerWidth + 1) where.push('écran');
      for (let e = text; e && e !== plot; e = e.parentElement) {
        const reference = e.getAttribute && e.getAttribute('clip-path');
        if (!reference) continue;
        const rect = document.getElementById(reference.match(/#([^)"']+)/)[1])?.querySelector('rect');
        if (rect) {
          const m = e.getScreenCTM(), x = +rect.getAttribute('x') || 0, y = +rect.getAttribute('y') || 0;
          const left = m.e + x * m.a, right = left + +rect.getAttribute('width') * m.a;
          const top = m.f + y * m.d, bottom = top + +rect.getAttribute('height') * m.d;
          if (box.left < left - 1 || box.right > right + 1 || box.top < top - 1 || box.bottom > bottom + 1)
            where.push('zone de tracé');
        }
        break;
      }
      if (where.length) cut.push(`graphique ${index + 1} : « ${text.textContent} » hors ${where.join(', ')}`);
    });
  });
  return cut;
}"""
# Elements wider than the screen, outside the grids (a canvas that scrolls inside its own frame).
WIDER_THAN_SCREEN = """() => [...document.querySelectorAll('[data-testid=stMain] *')]
  .filter((e) => !e.closest('[data-testid=stDataFrame]') && e.checkVisibility())
  .filter((e) => { const b = e.getBoundingClientRect(); return b.width > 0 && (b.right > innerWidth + 1 || b.left < -1); })
  .map((e) => (e.getAttribute('data-testid') || e.tagName) + ' ' + (e.innerText || '').slice(0, 40))"""


def _open(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    page.wait_for_function("() => window.__fabriquesEnFrancais === true")
    page.locator(".st-key-pied_de_page a").last.wait_for(timeout=60_000)
    wait_for_app(page)


def _whole_screenshot(page, name: str) -> None:
    """The page as a phone shows it, then the whole of it: Streamlit scrolls its main block, not
    the document, so the window is made as tall as that block for a second picture."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    size = page.viewport_size
    tall = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": min(int(tall) + 40, 12_000)})
    wait_for_app(page)
    page.screenshot(path=str(ARTIFACTS / f"{name}-entiere.png"))
    page.set_viewport_size(size)
    wait_for_app(page)


def _check_read_whole(page, name: str) -> None:
    cut = page.evaluate(CUT_TEXTS)
    assert cut == [], f"{name} : textes coupés : {cut}"
    width = page.evaluate("() => [document.scrollingElement.scrollWidth, innerWidth]")
    assert width[0] <= width[1], f"{name} : la page défile de côté ({width})"
    wider = page.evaluate(WIDER_THAN_SCREEN)
    assert wider == [], f"{name} : plus large que l'écran : {wider[:5]}"


def _filters_button_opens_the_filters(page) -> None:
    button = page.get_by_role("button", name=re.compile(r"^Filtres"))
    assert button.count() == 1
    assert button.inner_text().strip().endswith("Filtres") or page.evaluate(
        "() => getComputedStyle(document.querySelector('[data-testid=stExpandSidebarButton]'), '::after')"
        ".content") == '"Filtres"'
    button.click()
    region = page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").first
    region.wait_for(state="visible")

    def region_on_screen() -> bool:  # the sidebar slides in
        box = region.bounding_box()
        return bool(box) and 0 <= box["x"] and box["x"] + box["width"] <= page.viewport_size["width"]

    wait_until(page, region_on_screen, "le filtre « Région » est à l'écran")
    # Closed again by its « button, as a first visit finds it (Carte predicts its map's width for
    # that layout: app/map_width.py).
    page.locator("[data-testid=stSidebarCollapseButton] button").click()
    wait_until(page, lambda: not region_on_screen(), "les filtres se referment")


def _point_drawn_at(page, x: float, y: float) -> bool:
    """A fabrique's disc is drawn there: a coloured pixel (the land, the outlines and the page are
    greys). The points are a file the map fetches after its outlines: a click before they are
    drawn would land on the land."""
    import io

    from PIL import Image

    picture = Image.open(io.BytesIO(page.screenshot(clip={"x": x - 2, "y": y - 2, "width": 5, "height": 5})))
    return any(max(pixel[:3]) - min(pixel[:3]) > 60 for pixel in picture.convert("RGB").getdata())


def _one_press_opens_the_card(page, card, press) -> None:
    """One press on a point (a tap or a click) opens its card: the map's click recognizer has been
    given its longer press time (views/map_card.py PRESS_MS; without it deck.gl's first picking pass
    made the first press on a new map too long to count as a click), then one press, never two."""
    wait_until(page, lambda: page.evaluate("(map) => document.querySelector(map + ' canvas')?.dataset.pressMs",
                                           MAP) is not None, "le clic de la carte accepte un appui plus long")
    press()
    card.wait_for(timeout=60_000)


def _one_tap_opens_a_card(page, wide: bool) -> None:
    """A tap on Concarneau's point (fabt-13, alone in its commune) opens its card: under the map
    on a phone, over it on a tablet; deck.gl's tooltip is not shown on a touch screen."""
    from queries import run

    bounds = run("map_view_bounds", region="53", departement=None, epci=None, insets=True).iloc[0]
    page.locator(MAP).first.scroll_into_view_if_needed()
    page.wait_for_selector(MAP + " canvas", state="attached", timeout=60_000)
    wait_until(page, lambda: _canvas_spread(page) > 10, "la carte est dessinée")
    view, box = _page_view(page, bounds)
    x, y = _screen_position(view, box, -3.9076, 47.8968)
    assert box["x"] < x < box["x"] + box["width"] and box["y"] < y < box["y"] + box["height"]
    card = page.locator(CARD)
    wait_until(page, lambda: _point_drawn_at(page, x, y), "le point de Concarneau est dessiné")
    _one_press_opens_the_card(page, card, lambda: page.touchscreen.tap(x, y))
    wait_for_app(page)
    assert "Konk Ar Lab" in card.inner_text()
    assert not page.locator(".deck-tooltip").first.is_visible() if page.locator(".deck-tooltip").count() else True
    # On a phone the card is scrolled into view smoothly: measured once it has stopped moving.
    last = [None]

    def settled() -> bool:
        now = page.evaluate(f"() => document.querySelector('{CARD}').getBoundingClientRect().top")
        still, last[0] = now == last[0], now
        return still

    wait_until(page, settled, "la fiche ne bouge plus")
    card_box, map_box = card.bounding_box(), page.locator(MAP).first.bounding_box()
    if wide:  # over the map, no taller than it
        assert map_box["x"] <= card_box["x"] and card_box["x"] + card_box["width"] <= map_box["x"] + map_box["width"] + 1
        assert card_box["height"] <= map_box["height"]
    else:  # right under the map, whole width
        assert card_box["y"] >= map_box["y"] + map_box["height"] - 1
        assert card_box["y"] - (map_box["y"] + map_box["height"]) < 80
        assert card_box["x"] + card_box["width"] <= page.viewport_size["width"]
    # A map of Bretagne holds no inset: no caption about them.
    assert page.get_by_text(re.compile(r"^Encarts? :")).count() == 0


def _list_is_read_whole(page) -> None:
    """On a phone the list comes as cards (each name whole), the grid left out."""
    cards = page.locator(".fabriques-en-fiches li")
    cards.first.wait_for()
    assert cards.count() == 23
    assert not page.locator(".st-key-laureates_table").is_visible()
    overflowing = page.evaluate("""() => [...document.querySelectorAll('.fabriques-en-fiches li')]
        .filter((li) => li.scrollWidth > li.clientWidth + 1).map((li) => li.innerText)""")
    assert overflowing == []


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_page_reads_whole_on_phones_and_tablets(app_url, browser, screen, theme):
    width, height = SCREENS[screen]
    page = new_page(browser, width, height, color_scheme=theme, is_mobile=True, has_touch=True)
    try:
        for name, path in PAGES.items():
            _open(page, app_url + path)
            if name == "synthese":
                _filters_button_opens_the_filters(page)
            if name == "carte":
                _one_tap_opens_a_card(page, wide=width >= NARROW_PX)
            if name == "laureats" and width < NARROW_PX:
                _list_is_read_whole(page)
            if name == "accueil":  # the figures the server drew, one shown each (no plotly.js)
                assert page.locator(".js-plotly-plot").count() == 0
                assert page.evaluate("() => [...document.querySelectorAll('.figure-statique img')]"
                                     ".filter((img) => img.checkVisibility()).length") == 5
                assert page.evaluate(CUT_IN_FIGURES) == []
            _check_read_whole(page, f"{name} {screen} {theme}")
            _whole_screenshot(page, f"ecran-{screen}-{theme}-{name}")
    finally:
        page.context.close()


# The data grids: their toolbar (search, full screen, columns) and menus speak French. -------------

GRID = "[data-testid='stDataFrame']"


def _english_of_grids(page) -> list[str]:
    """Every English string of Streamlit's in the grids' toolbars, search bars and menus, shown or
    not (aria-labels, titles and texts), and anything English the page shows."""
    found = page.evaluate("""() => {
      const out = [];
      const scopes = document.querySelectorAll('[data-testid^=stDataFrame], [data-testid=stTooltipContent]');
      for (const scope of scopes) {
        for (const e of [scope, ...scope.querySelectorAll('*')]) {
          for (const a of ['aria-label', 'title', 'placeholder']) if (e.getAttribute(a)) out.push(e.getAttribute(a));
          for (const n of e.childNodes) if (n.nodeType === 3 && n.data.trim()) out.push(n.data.trim());
        }
      }
      return out;
    }""")
    return sorted({text for text in found if streamlit_strings.is_builtin(text)})


def _grid_in_french(page, grid, name: str) -> None:
    grid.scroll_into_view_if_needed()
    grid.hover()
    toolbar = grid.locator("[data-testid='stElementToolbar']")
    toolbar.wait_for(state="visible")
    shown = [b.get_attribute("aria-label") for b in toolbar.locator("button").all() if b.is_visible()]
    assert {"Rechercher dans le tableau", "Plein écran", "Afficher ou masquer des colonnes"} <= set(shown), shown
    assert "Télécharger en CSV" not in shown  # the page's own downloads neutralise formulas
    toolbar.get_by_role("button", name="Rechercher dans le tableau").click()
    field = grid.locator("input[data-testid='search-input']")
    field.wait_for(state="visible")
    page.keyboard.type("a")
    page.wait_for_function("(grid) => /résultat/.test(grid.innerText)", arg=grid.element_handle())
    assert field.get_attribute("aria-label") == "Rechercher dans le tableau"
    assert _english_of_grids(page) == [], name
    page.keyboard.press("Escape")


def _column_menu_in_french(page, grid) -> None:
    """A column's menu, opened by the ⋮ that the grid draws in a hovered header (a canvas: the ⋮
    is found in a picture of the header, the first mark right of the column's short title)."""
    import io

    from PIL import Image

    box = grid.bounding_box()
    page.mouse.move(box["x"] + 30, box["y"] + 17)
    menu = page.locator("[data-testid='stDataFrameColumnMenu']")

    def dots_x() -> float | None:
        strip = Image.open(io.BytesIO(page.screenshot(clip={"x": box["x"], "y": box["y"] + 8,
                                                               "width": box["width"], "height": 18}))).convert("L")
        for x in range(120, strip.width):
            if min(strip.getpixel((x, y)) for y in range(strip.height)) < 150:
                return box["x"] + x + 1
        return None

    wait_until(page, lambda: dots_x() is not None, "le ⋮ de la colonne est dessiné")
    page.mouse.click(dots_x(), box["y"] + 17)
    menu.wait_for(timeout=30_000)
    assert menu.get_by_text("Trier par ordre croissant").count() == 1
    assert _english_of_grids(page) == []
    page.keyboard.press("Escape")


def test_data_grids_speak_french_on_every_page_with_a_grid(app_url, browser):
    page = new_page(browser, 1280, 900)
    try:
        for name, path, opener in (
                ("laureats", "/laureats?region=53", None),
                ("territoires", "/territoires?region=53", ("tab", "Tableau")),
                ("carte", "/carte?region=53", None),
                ("donnees", "/donnees", None),
                ("synthese", "/?region=53", ("expander", "Voir les jauges en tableau"))):
            _open(page, app_url + path)
            if opener and opener[0] == "tab":
                page.get_by_role("tab", name=opener[1]).first.click()
            elif opener:
                page.get_by_text(opener[1]).click()
            grid = page.locator(GRID).first
            grid.wait_for(timeout=60_000)
            wait_for_app(page)
            _grid_in_french(page, grid, name)
            if name == "donnees":
                _column_menu_in_french(page, grid)
            page.screenshot(path=str(ARTIFACTS / f"grille-{name}.png"))
    finally:
        page.context.close()


# The map's card on a laptop. --------------------------------------------------------------------

def test_map_card_over_the_map_replaced_by_the_next_click_closed_by_button_and_escape(app_url, browser):
    """At 1366 × 768 the card lies over the map, no taller than it, on the side away from its point;
    a click on Rennes' disc (three fabriques) replaces it; Escape and its button close it."""
    from queries import run

    params = {"region": "53", "departement": None, "epci": None, "territoire": None,
              "rural_definition": "hors_grands_centres"}
    table = run("map_table", **params)
    points = run("map_points", **params, insets=True)
    lamballe = table[table.fabrique_id == "fabt-280"].iloc[0]  # alone in its commune, east of the centre
    rennes = points[points.fabriques > 1].iloc[0]
    first_in_rennes = table[table.commune_code == rennes.commune_code].sort_values("fabrique_number").iloc[0]
    concarneau = points[points.commune_code == "29039"].iloc[0]
    page = new_page(browser, 1366, 768)

    def card_box_ok(card, view_box, lon, lat, view):
        card_box = card.bounding_box()
        assert view_box["x"] <= card_box["x"] and card_box["x"] + card_box["width"] <= view_box["x"] + view_box["width"] + 1
        assert view_box["y"] <= card_box["y"] and card_box["y"] + card_box["height"] <= view_box["y"] + view_box["height"] + 1
        x, _ = _screen_position(view, view_box, lon, lat)
        assert not card_box["x"] <= x <= card_box["x"] + card_box["width"], "la fiche cache son point"
        return card_box

    try:
        bounds = run("map_view_bounds", region="53", departement=None, epci=None, insets=True).iloc[0]
        _open(page, app_url + "/carte?region=53&fabrique=fabt-280")
        page.wait_for_selector(MAP + " canvas", state="attached", timeout=60_000)
        wait_until(page, lambda: _canvas_spread(page) > 10, "la carte est dessinée")
        card = page.locator(CARD)
        card.wait_for()
        view, box = _page_view(page, bounds)
        assert lamballe["name"] in card.inner_text()
        at_lamballe = points[points.commune_code == lamballe.commune_code].iloc[0]
        card_box = card_box_ok(card, box, float(at_lamballe.lon), float(at_lamballe.lat), view)
        assert page.evaluate(f"() => getComputedStyle(document.querySelector('{CARD}')).overflowY") == "auto"
        page.screenshot(path=str(ARTIFACTS / "carte-1366x768-fiche.png"))
        # The next click, on a commune with several fabriques, replaces the card.
        x, y = _screen_position(view, box, float(rennes.lon), float(rennes.lat))
        assert not card_box["x"] <= x <= card_box["x"] + card_box["width"]
        wait_until(page, lambda: _point_drawn_at(page, x, y), "le disque de Rennes est dessiné")
        page.mouse.click(x, y)
        page.wait_for_function("([card, name]) => document.querySelector(card)?.innerText.includes(name)",
                               arg=[CARD, first_in_rennes["name"]], timeout=60_000)
        wait_for_app(page)
        assert lamballe["name"] not in card.inner_text()
        assert "fabriques dans cette commune" in card.inner_text()
        card_box_ok(card, box, float(rennes.lon), float(rennes.lat), view)
        page.screenshot(path=str(ARTIFACTS / "carte-1366x768-fiche-remplacee.png"))
        # Escape closes it (and the link no longer names a fabrique).
        page.keyboard.press("Escape")
        card.wait_for(state="detached", timeout=60_000)
        wait_for_app(page)
        assert "fabrique=" not in page.url
        # A click opens one again; its button closes it.
        x, y = _screen_position(view, box, float(concarneau.lon), float(concarneau.lat))
        wait_until(page, lambda: _point_drawn_at(page, x, y), "le point de Concarneau est dessiné")
        _one_press_opens_the_card(page, card, lambda: page.mouse.click(x, y))  # on the map drawn again
        wait_for_app(page)
        assert "Konk Ar Lab" in card.inner_text()
        page.get_by_role("button", name="Fermer la fiche").click()
        card.wait_for(state="detached", timeout=60_000)
    finally:
        page.context.close()
