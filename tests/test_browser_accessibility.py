"""Every page in a real browser, in the light and the dark theme, with no filter, a région and an
overseas département: no exception, the expected figures, the maps drawn, and no serious or
critical axe-core violation. Then a journey made with the keyboard only."""
import io
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image, ImageStat

from conftest import screenshot, wait_for_app
from domain.format import fr_int
from queries import run

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# The axe-core shipped inside the package (no network): WCAG 2.1 A and AA rules + best practices.
AXE_OPTIONS = {"resultTypes": ["violations"],
               "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}
BLOCKING = {"serious", "critical"}
THEMES = {"light": "rgb(255, 255, 255)", "dark": "rgb(22, 22, 22)"}  # the app's background in each
SCOPES = {"france": {}, "bretagne": {"region": "53"}, "guadeloupe": {"departement": "971"}}
PAGES = ["synthese", "territoires", "carte", "laureats", "donnees", "presentation"]
MAP = "[data-testid='stDeckGlJsonChart']"
FOCUSED = """() => { const e = document.activeElement;
  return {label: e.getAttribute('aria-label') || '', text: (e.innerText || '').trim(),
          testid: e.closest('[data-testid]')?.getAttribute('data-testid') || ''}; }"""


def _fabriques(scope: dict) -> int:
    """The headline figure, from the same query the pages use."""
    params = {"region": None, "departement": None, "territoire": None, "rural_definition": "insee", **scope}
    return int(run("headline_counts", **params).iloc[0].fabriques)


def _url(base: str, page_name: str, scope: dict, **extra) -> str:
    path = "" if page_name == "synthese" else page_name
    query = "&".join(f"{key}={value}" for key, value in {**scope, **extra}.items())
    return f"{base}/{path}" + (f"?{query}" if query else "")


@pytest.fixture(scope="module")
def themed_pages(browser):
    """One browser context per theme (the app follows prefers-color-scheme), reused by every test."""
    contexts = {theme: browser.new_context(viewport={"width": 1440, "height": 1000}, locale="fr-FR",
                                           color_scheme=theme) for theme in THEMES}
    pages = {theme: context.new_page() for theme, context in contexts.items()}
    yield pages
    for context in contexts.values():
        context.close()


def _open(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    page.wait_for_timeout(800)  # plotly and deck.gl draw on the next animation frames


def _blocking_violations(page) -> list[str]:
    results = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    return [f"{v['impact']} {v['id']}: {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
            for v in results if v["impact"] in BLOCKING]


def _canvas_spread(page) -> float:
    """Standard deviation of the map's pixels: 0 for a blank canvas."""
    image = Image.open(io.BytesIO(page.locator(MAP).first.screenshot())).convert("L")
    return ImageStat.Stat(image).stddev[0]


def _check_headline(page, page_name: str, scope: dict) -> None:
    fabriques = fr_int(_fabriques(scope))
    metrics = page.locator("[data-testid='stMetricValue']").all_inner_texts()
    if page_name in ("synthese", "territoires", "carte"):
        assert metrics[0] == fabriques
    elif page_name == "laureats":
        assert page.get_by_text(re.compile(rf"^{fabriques} fabriques? — ")).count() == 1
    elif page_name == "donnees":  # the filters do not apply: the whole list
        assert page.get_by_text(f"Lauréats (CSV, {fr_int(_fabriques({}))} lignes)").count() == 1
    else:
        numbers = page.locator(".indicatorlayer .number").all_text_contents()  # SVG text
        assert numbers and numbers[0] == fabriques


@pytest.mark.parametrize("theme", list(THEMES))
@pytest.mark.parametrize("scope_name", list(SCOPES))
@pytest.mark.parametrize("page_name", PAGES)
def test_page_is_accessible(app_url, themed_pages, theme, scope_name, page_name):
    page, scope = themed_pages[theme], SCOPES[scope_name]
    _open(page, _url(app_url, page_name, scope))
    assert page.evaluate("getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor") \
        == THEMES[theme]
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert page.locator("h1").count() == 1
    _check_headline(page, page_name, scope)
    if page_name != "presentation":  # the projector hides the chrome
        assert page.get_by_text("Agence nationale de la cohésion des territoires (ANCT)").first.is_visible()
        assert page.get_by_role("link", name=re.compile("Données : sources, licences et versions")).count() == 1
    if page_name == "carte":
        page.wait_for_selector(MAP + " canvas", state="attached", timeout=30_000)
        page.wait_for_timeout(1_500)
        assert _canvas_spread(page) > 10
    screenshot(page, f"a11y-{page_name}-{scope_name}-{theme}")
    assert _blocking_violations(page) == []


@pytest.mark.parametrize("theme", list(THEMES))
@pytest.mark.parametrize("scope_name", list(SCOPES))
def test_presentation_map_slide_is_drawn_and_accessible(app_url, themed_pages, theme, scope_name):
    page, scope = themed_pages[theme], SCOPES[scope_name]
    _open(page, _url(app_url, "presentation", scope, slide=3))
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("Diapositive 3 sur 5").count() == 1
    # One marker per commune with a fabrique, drawn over our own outlines.
    points = page.locator(".js-plotly-plot .scatterlayer .point").count()
    communes = run("static_map_points", **{"region": None, "departement": None, "territoire": None,
                                           "rural_definition": "insee", **scope})
    assert points >= len(communes) > 0
    screenshot(page, f"a11y-presentation-carte-{scope_name}-{theme}")
    assert _blocking_violations(page) == []


def _tab_to(page, wanted, backwards: bool = False, limit: int = 80) -> dict:
    """Press Tab (or Shift+Tab) until the focused element satisfies `wanted`."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focused = page.evaluate(FOCUSED)
        if wanted(focused):
            return focused
    raise AssertionError("élément jamais atteint au clavier")


def test_keyboard_only_journey_to_a_fabrique_card(app_url, page):
    bretagne = run("laureates_list", region="53", departement=None, territoire=None,
                   rural_definition="insee", search=None)
    chosen = bretagne.sort_values("name").iloc[-1]  # not the one whose card opens by default

    _open(page, app_url + "/")
    # 1. The région filter, reached with Tab, set to Bretagne by typing.
    _tab_to(page, lambda f: f["label"] == "Région" and f["testid"] == "stSelectbox")
    page.keyboard.type("Bretagne")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"region=53"))
    wait_for_app(page)
    assert page.locator("[data-testid='stMetricValue']").first.inner_text() == fr_int(len(bretagne))

    # 2. Back up to the navigation and open the list.
    _tab_to(page, lambda f: f["testid"] == "stSidebarNavLink" and f["text"].endswith("Lauréats"), backwards=True)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/laureats\?.*region=53"))
    wait_for_app(page)
    assert page.get_by_role("heading", name="Lauréats", level=1).count() == 1
    assert page.get_by_text(f"{fr_int(len(bretagne))} fabriques — Bretagne.", exact=False).count() == 1

    # 3. The card of one fabrique, chosen in the selector under the list.
    _tab_to(page, lambda f: f["label"] == "Fabrique" and f["testid"] == "stSelectbox")
    page.keyboard.type(chosen["name"][:25])
    page.keyboard.press("Enter")
    wait_for_app(page)
    card_texts = page.locator("[data-testid='stText']").all_inner_texts()  # the card's values
    assert chosen["name"] in card_texts
    assert f"{chosen['fabrique_id']} (rang {chosen['fabrique_number']} dans la liste)" in card_texts
    screenshot(page, "a11y-clavier-fiche")
