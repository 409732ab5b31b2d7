"""Every page in a real browser, in the light and the dark theme, with no filter, a région and an
overseas département: no exception, the expected figures, the maps drawn, no serious or critical
axe-core violation, and no English word of Streamlit's on screen or in a label the project sets.
Then a journey made with the keyboard only, and what the browser keeps (cookies, storage).

The results are the accessibility declaration's: they must equal docs/accessibilite/audit.json,
which /accessibilite reads. `make audit` (FABRIQUES_ECRIRE_AUDIT=1) runs this file and rewrites it.
"""
import io
import json
import os
import re
import subprocess
from datetime import datetime, timezone
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image, ImageStat

import streamlit
import streamlit_strings
from conftest import ROOT, new_page, screenshot, wait_for_app, wait_until
from domain.format import fr_int
from queries import run
from services import publication
from views import declarations

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# The axe-core shipped inside the package (no network): WCAG 2.1 A and AA rules + best practices.
AXE_OPTIONS = {"resultTypes": ["violations"],
               "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}
BLOCKING = {"serious", "critical"}
THEMES = {"light": "rgb(255, 255, 255)", "dark": "rgb(22, 22, 22)"}  # the app's background in each
SCOPES = {"france": {}, "bretagne": {"region": "53"}, "guadeloupe": {"departement": "971"}}
PAGES = ["synthese", "territoires", "carte", "laureats", "donnees", "presentation", "accessibilite",
         "mentions_legales"]
WRITE_AUDIT = os.environ.get("FABRIQUES_ECRIRE_AUDIT") == "1"
MAP = "[data-testid='stDeckGlJsonChart']"
FOCUSED = """() => { const e = document.activeElement;
  return {label: e.getAttribute('aria-label') || '', text: (e.innerText || '').trim(),
          testid: e.closest('[data-testid]')?.getAttribute('data-testid') || ''}; }"""


def _fabriques(scope: dict) -> int:
    """The headline figure, from the same query the pages use."""
    params = {"region": None, "departement": None, "epci": None, "territoire": None, "rural_definition": "insee",
              **scope}
    return int(run("headline_counts", **params).iloc[0].fabriques)


def _url(base: str, page_name: str, scope: dict, **extra) -> str:
    path = declarations.PAGE_TITLES[page_name][1]
    query = "&".join(f"{key}={value}" for key, value in {**scope, **extra}.items())
    return f"{base}{path}" + (f"?{query}" if query else "")


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "inconnu"


@pytest.fixture(scope="module")
def audit_run(browser):
    """What this run measures; with FABRIQUES_ECRIRE_AUDIT=1, written to the audit file at the end."""
    measured = {"views": {}, "keyboard": None, "browser_storage": None, "axe_core": None}
    yield measured
    if not WRITE_AUDIT:
        return
    expected = {_key(p, s, t) for p in PAGES for s in SCOPES for t in THEMES}
    missing = expected - set(measured["views"])
    if missing or measured["keyboard"] is None or measured["browser_storage"] is None:
        print(f"\naudit incomplet, docs/accessibilite/audit.json non réécrit (manque : {sorted(missing)[:5]}…)")
        return
    audit = {
        "generated": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "commit": _commit(),
        "code_fingerprint": publication.code_fingerprint(),
        "streamlit": streamlit.__version__,
        "axe_core": measured["axe_core"],
        "browser": browser.version,
        "rgaa_audit": None,
        "views": {key: measured["views"][key] for key in sorted(expected)},
        "keyboard": measured["keyboard"],
        "browser_storage": measured["browser_storage"],
    }
    publication.AUDIT_PATH.parent.mkdir(parents=True, exist_ok=True)
    publication.AUDIT_PATH.write_text(json.dumps(audit, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _key(page_name: str, scope_name: str, theme: str) -> str:
    return f"{page_name}/{scope_name}/{theme}"


def _compare_with_declaration(section: str, key: str | None, measured) -> None:
    """The declaration says what this run measured (unless this run rewrites it)."""
    if WRITE_AUDIT:
        return
    committed = publication.read_audit()
    assert committed is not None, ("docs/accessibilite/audit.json manque : lancez `make audit` et "
                                   "validez le fichier.")
    declared = committed[section] if key is None else committed[section].get(key)
    assert declared == measured, (
        f"la déclaration d'accessibilité (docs/accessibilite/audit.json, {section} {key or ''}) ne dit "
        f"pas ce que le navigateur mesure : {declared!r} != {measured!r}. Lancez `make audit` et "
        "validez le fichier.")


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
    page.wait_for_function("() => window.__fabriquesEnFrancais === true")  # app/chrome.py's script
    # The footer is the last thing a page writes, and the browser may show it most of a second
    # after the run is reported over (measured: 0.9 s on Synthèse, while its charts mount):
    # the page is whole, for the checks and for axe, once it is there, its links included (the
    # container can be drawn up to a second before its links: measured on Données). Présentation
    # has none.
    if urlsplit(url).path != "/presentation":
        page.locator(".st-key-pied_de_page a").last.wait_for(timeout=60_000)
        wait_for_app(page)  # and what mounted with it has drawn


def _axe(page) -> tuple[list[str], dict, str]:
    """Blocking violations with their details, and the view's entry in the declaration."""
    response = Axe().run(page, options=AXE_OPTIONS).response
    violations = response["violations"]
    details = [f"{v['impact']} {v['id']}: {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
               for v in violations if v["impact"] in BLOCKING]
    entry = {"blocking": sorted(f"{v['impact']} {v['id']}" for v in violations if v["impact"] in BLOCKING),
             "other": sorted(f"{v['impact']} {v['id']}" for v in violations if v["impact"] not in BLOCKING)}
    return details, entry, response["testEngine"]["version"]


def _blocking_violations(page) -> list[str]:
    return _axe(page)[0]


# Every text node and aria-label the user's browser exposes: visible elements only (an element
# hidden with display:none is neither seen nor read), outside aria-hidden subtrees.
EXPOSED_TEXT = """() => {
  const shown = (e) => e && e.checkVisibility() && !e.closest('[aria-hidden=true]');
  const texts = [], labels = [], placeholders = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || ['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(parent.tagName)) continue;
    const text = node.data.trim();
    if (text && shown(parent)) texts.push(text);
  }
  for (const e of document.querySelectorAll('[aria-label]')) if (shown(e)) labels.push(e.getAttribute('aria-label'));
  for (const e of document.querySelectorAll('[placeholder]')) if (shown(e)) placeholders.push(e.getAttribute('placeholder'));
  return {texts, labels, placeholders};
}"""


def _english(page) -> dict:
    """Streamlit's English strings on screen, English aria-labels the project set, and the English
    aria-labels Streamlit sets itself (known limits, each explained on /accessibilite)."""
    exposed = page.evaluate(EXPOSED_TEXT)
    on_screen = sorted({text for text in exposed["texts"] + exposed["placeholders"]
                        if streamlit_strings.is_builtin(text)})
    streamlit_labels = sorted({label for label in exposed["labels"] if streamlit_strings.is_builtin(label)})
    project_labels = sorted({label for label in exposed["labels"]
                             if not streamlit_strings.is_builtin(label) and streamlit_strings.looks_english(label)})
    return {"on_screen": on_screen, "streamlit_labels": streamlit_labels, "project_labels": project_labels}


def _canvas_spread(page) -> float:
    """Standard deviation of the map's pixels: 0 for a blank canvas."""
    image = Image.open(io.BytesIO(page.locator(MAP).first.screenshot())).convert("L")
    return ImageStat.Stat(image).stddev[0]


def _check_headline(page, page_name: str, scope: dict) -> None:
    fabriques = fr_int(_fabriques(scope))
    if page_name in ("synthese", "territoires", "carte"):
        # The script may end before the browser has drawn the cards: wait for the first one.
        page.locator("[data-testid='stMetricValue']").first.wait_for()
    metrics = page.locator("[data-testid='stMetricValue']").all_inner_texts()
    if page_name in ("synthese", "territoires", "carte"):
        assert metrics[0] == fabriques
    elif page_name == "laureats":
        page.get_by_text(re.compile(rf"^{fabriques} fabriques? — ")).wait_for()  # drawn after the script ends
        assert page.get_by_text(re.compile(rf"^{fabriques} fabriques? — ")).count() == 1
    elif page_name == "donnees":  # the filters do not apply: the whole list
        page.get_by_text(f"Lauréats (CSV, {fr_int(_fabriques({}))} lignes)").wait_for()
        assert page.get_by_text(f"Lauréats (CSV, {fr_int(_fabriques({}))} lignes)").count() == 1
    elif page_name == "presentation":
        page.locator(".indicatorlayer .number").first.wait_for(timeout=60_000)
        numbers = page.locator(".indicatorlayer .number").all_text_contents()  # SVG text
        assert numbers and numbers[0] == fabriques
    else:  # the legal pages: their title, whatever the filters
        assert page.locator("h1").inner_text() == {"accessibilite": "Déclaration d'accessibilité",
                                                   "mentions_legales": "Mentions légales"}[page_name]


@pytest.mark.parametrize("theme", list(THEMES))
@pytest.mark.parametrize("scope_name", list(SCOPES))
@pytest.mark.parametrize("page_name", PAGES)
def test_page_is_accessible(app_url, themed_pages, audit_run, theme, scope_name, page_name):
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
        page.wait_for_selector(MAP + " canvas", state="attached", timeout=60_000)
        wait_until(page, lambda: _canvas_spread(page) > 10, "la carte est dessinée")
    screenshot(page, f"a11y-{page_name}-{scope_name}-{theme}")
    details, entry, audit_run["axe_core"] = _axe(page)
    assert details == []
    english = _english(page)
    assert english["on_screen"] == [], f"textes anglais de Streamlit à l'écran : {english['on_screen']}"
    assert english["project_labels"] == [], f"aria-label en anglais posés par le projet : {english['project_labels']}"
    unexplained = set(english["streamlit_labels"]) - set(declarations.STREAMLIT_STRINGS)
    assert not unexplained, f"textes anglais de Streamlit sans explication sur /accessibilite : {unexplained}"
    entry["streamlit_english"] = english["streamlit_labels"]
    key = _key(page_name, scope_name, theme)
    audit_run["views"][key] = entry
    _compare_with_declaration("views", key, entry)
    _check_legal_links(page, page_name)


def _check_legal_links(page, page_name: str) -> None:
    """The legal pages from every page, the conformity state named on the link (RGAA); on the
    projector, in its Exporter menu, beside the way out."""
    where = page.locator(".st-key-pied_de_page")
    if page_name == "presentation":
        page.get_by_role("button", name=re.compile("Exporter")).click()
        page.get_by_role("link", name=re.compile("Quitter la présentation")).wait_for()
        where = page.locator("[data-testid='stPopoverBody']")
    label = declarations.link_label(publication.read_audit())
    assert where.get_by_role("link", name=label).count() == 1
    assert where.get_by_role("link", name="Mentions légales", exact=True).count() == 1
    if page_name == "presentation":
        page.keyboard.press("Escape")


@pytest.mark.parametrize("theme", list(THEMES))
@pytest.mark.parametrize("scope_name", list(SCOPES))
def test_presentation_map_slide_is_drawn_and_accessible(app_url, themed_pages, theme, scope_name):
    page, scope = themed_pages[theme], SCOPES[scope_name]
    _open(page, _url(app_url, "presentation", scope, slide=3))
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("Diapositive 3 sur 5").count() == 1
    # One marker per commune with a fabrique, drawn over our own outlines. Plotly adds the
    # markers after the chart's frame (main-svg), so wait for them rather than count at once.
    communes = run("static_map_points", **{"region": None, "departement": None, "epci": None, "territoire": None,
                                           "rural_definition": "insee", **scope})
    assert len(communes) > 0
    page.wait_for_function(
        "n => document.querySelectorAll('.js-plotly-plot .scatterlayer .point').length >= n",
        arg=len(communes), timeout=60_000)
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


def test_keyboard_only_journey_to_a_fabrique_card(app_url, page, audit_run):
    bretagne = run("laureates_list", region="53", departement=None, epci=None, territoire=None,
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
    # The choice reruns the page: wait for the chosen card itself (the app may still report the
    # previous run as finished when the key has just been pressed).
    page.locator("[data-testid='stText']", has_text=chosen["name"]).first.wait_for(timeout=60_000)
    wait_for_app(page)
    card_texts = page.locator("[data-testid='stText']").all_inner_texts()  # the card's values
    assert chosen["name"] in card_texts
    assert f"{chosen['fabrique_id']} (rang {chosen['fabrique_number']} dans la liste)" in card_texts
    screenshot(page, "a11y-clavier-fiche")
    journey = {"passed": True, "steps": ["filtre Région au clavier", "page Lauréats par la navigation",
                                          "fiche d'une fabrique choisie au clavier"]}
    audit_run["keyboard"] = journey
    _compare_with_declaration("keyboard", None, journey)


# Local storage keys hold the page's path ("stActiveTheme-/laureats-v2"): one name per kind.
STORAGE_PAGE = re.compile(r"-/.*(-v\d+)$")


def test_what_the_browser_keeps_is_declared(app_url, browser, audit_run):
    """Every page opened in a fresh browser: the cookies and storage it leaves and the hosts it
    contacts. /mentions-legales shows exactly this, each cookie and key with its purpose."""
    page = new_page(browser)
    hosts = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname))
    try:
        for page_name in PAGES:
            _open(page, _url(app_url, page_name, {}))
        storage = {
            "cookies": sorted({cookie["name"] for cookie in page.context.cookies()}),
            "local_storage": sorted({STORAGE_PAGE.sub(r"-<page>\1", key)
                                     for key in page.evaluate("Object.keys(localStorage)")}),
            "session_storage": sorted(page.evaluate("Object.keys(sessionStorage)")),
        }
    finally:
        page.context.close()
    assert hosts <= {"localhost", None}, f"requêtes vers d'autres sites : {hosts}"
    assert not set(storage["cookies"]) - set(declarations.COOKIE_PURPOSES)
    assert not set(storage["local_storage"]) - set(declarations.STORAGE_PURPOSES)
    assert storage["session_storage"] == []
    audit_run["browser_storage"] = storage
    _compare_with_declaration("browser_storage", None, storage)
