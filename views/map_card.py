"""The detail card of a fabrique on the Carte page: (label, value) rows, values shown as text."""
from __future__ import annotations

from domain.territory_types import type_label
from views.colors import GREY_TITLE, WHITE


def detail_fields(detail, definition: str, rural_definition: str) -> list[tuple[str, str]]:
    """(label, value) rows of the detail card; values are data, shown as plain text."""
    position = ("repli documenté : la liste ANCT n'a pas de point pour cette fabrique, elle est "
                "placée au chef-lieu de sa commune" if detail.point_is_fallback
                else "point de la liste ANCT (centre de la commune)")
    if detail.lon != detail.lon or detail.lon is None:
        position = "non placée : aucune coordonnée"
    return [
        ("Fabrique", str(detail["name"])),
        ("Identifiant", str(detail.fabrique_id)),
        ("Commune", f"{detail.commune_name} ({detail.commune_code})"),
        ("Intercommunalité", f"{detail.epci_name} (SIREN {detail.epci_siren})"
         if isinstance(detail.epci_siren, str) else "aucune (la commune n'appartient à aucun EPCI)"),
        ("Département", f"{detail.dep_name} ({detail.dep_code})"),
        ("Région", detail.reg_name if isinstance(detail.reg_name, str) else "aucune (collectivité d'outre-mer)"),
        ("Type de territoire", f"{type_label(detail.territory_type, rural_definition)} : {definition}"),
        ("Vague (déduite)", f"{detail.wave_label} — déduite de l'ordre des identifiants, la liste ne donne pas la vague"),
        ("Position", position),
        ("Source", str(detail.source)),
    ]


# The card lies right after the map in the map's column. On a phone (Streamlit stacks the columns
# below 640 px) it comes under the map, where one tap on a point opens it; wider, it lies over the
# map, on the side away from the chosen point, no taller than the map, with its own scroll: the
# card is read beside the point without leaving the map. Static CSS but for the map's height (a
# number) and the side (one of two words).
CARD_KEY = "carte_fiche"
NARROW_PX = 640
CARD_SIDES = ("left", "right")


def card_style(map_height_px: int, side: str) -> str:
    """The card's placement for a map `map_height_px` tall, the card on `side` ("left" or "right")."""
    if side not in CARD_SIDES:
        raise ValueError(f"côté de la fiche inconnu : {side!r}")
    # On the left, below the map's zoom buttons (top left of the map); 8 px from its bottom.
    top = 56 if side == "left" else 8
    height = max(int(map_height_px) - top - 8, 160)
    return f"""<style>
.st-key-{CARD_KEY} {{ background-color: {WHITE}; gap: 0.2rem; }}
.st-key-{CARD_KEY} [data-testid="stMarkdownContainer"] {{ margin-bottom: 0; }}
.st-key-{CARD_KEY} [data-testid="stMarkdownContainer"] p {{ margin: 0; padding-top: 0.4rem; }}
@media (prefers-color-scheme: dark) {{ .st-key-{CARD_KEY} {{ background-color: {GREY_TITLE}; }} }}
@media (min-width: {NARROW_PX}px) {{
  [data-testid="stColumn"]:has(.st-key-{CARD_KEY}) > [data-testid="stVerticalBlock"] {{ position: relative; }}
  [data-testid="stLayoutWrapper"]:has(> .st-key-{CARD_KEY}) {{
    position: absolute; top: {top}px; {side}: 0.5rem; width: min(21rem, 48%); z-index: 5; }}
  .st-key-{CARD_KEY} {{
    max-height: {height}px; overflow-y: auto; box-shadow: 0 2px 10px rgba(0, 0, 0, 0.35); }}
}}
</style>"""


# A press on a point is a click for deck.gl only if its press lasts less than its click recognizer's
# `time` (250 ms by default), measured from when the press is handled. On a new map the first press
# also makes deck.gl's first picking pass (measured: about 200 ms on a quiet 2-core machine, more
# under load), so the first tap or click on a point was often not a click at all: no selection
# reached the server and the card did not open (4 first taps in 5 lost on a phone). The press may
# last up to PRESS_MS: still far below a long press, and no other gesture of this map uses one.
PRESS_MS = 1500

CARD_SCRIPT = """<script>
(() => {
  if (window.__fabriquesCardWatch) return;
  window.__fabriquesCardWatch = true;
  const card = () => document.querySelector(".st-key-%(key)s");
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.defaultPrevented || !card()) return;
    const target = event.target;
    if (target instanceof Element && target.closest(
        "input, textarea, select, [role=combobox], [role=listbox], [role=dialog], [role=menu]")) return;
    const close = card().querySelector(".st-key-%(key)s_fermer button");
    if (close) { close.click(); event.preventDefault(); }
  }, true);
  // The map component keeps its deck.gl instance in a React ref next to its canvas: found from the
  // canvas, its click recognizer is given the longer press time (see PRESS_MS). Each new map (a
  // new canvas) is adjusted once; a canvas whose instance is not found yet is tried again at the
  // next frames.
  const adjusted = new WeakSet();
  const deckOf = (canvas) => {
    const key = Object.keys(canvas).find((name) => name.startsWith("__reactFiber"));
    for (let fiber = key && canvas[key]; fiber; fiber = fiber.return) {
      for (let hook = fiber.memoizedState; hook && typeof hook === "object" && "next" in hook; hook = hook.next) {
        const held = hook.memoizedState;
        if (held && held.current && held.current.deck) return held.current.deck;
      }
    }
    return null;
  };
  const lengthenPress = (canvas, tries) => {
    const click = deckOf(canvas)?.eventManager?.manager?.get("click");
    if (click) { click.set({time: %(press_ms)d}); canvas.dataset.pressMs = "%(press_ms)d"; return; }
    if (tries > 0) requestAnimationFrame(() => lengthenPress(canvas, tries - 1));
  };
  const adjustNewMaps = () => {
    document.querySelectorAll("[data-testid=stDeckGlJsonChart] canvas").forEach((canvas) => {
      if (adjusted.has(canvas)) return;
      adjusted.add(canvas);
      lengthenPress(canvas, 120);
    });
  };
  adjustNewMaps();
  let tapped = 0, shown = null;
  document.addEventListener("pointerdown", (event) => {
    if (event.target instanceof Element && event.target.closest("[data-testid=stDeckGlJsonChart]")) tapped = Date.now();
  }, true);
  new MutationObserver(() => {
    adjustNewMaps();
    const current = card();
    const text = current ? current.innerText : null;
    if (text === shown) return;
    shown = text;
    if (!current || window.innerWidth >= %(narrow)d || Date.now() - tapped > 30000) return;
    const box = current.getBoundingClientRect();
    if (box.top < 0 || box.top > window.innerHeight - 160) current.scrollIntoView({block: "start", behavior: "smooth"});
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
})();
</script>""" % {"key": CARD_KEY, "narrow": NARROW_PX, "press_ms": PRESS_MS}
