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


# Once the map has had time to set up its event handling (measured on a phone's first visit: a click
# made as soon as the canvas appears was itself lost in 3 of 4 tries, one made a second later in 1 of 4).
PRIME_DELAY_MS = 1000

# Escape closes the card (its "Fermer la fiche" button is pressed), unless the key was meant for a
# field, a list or a menu. On a phone, a card that a tap on the map opened or replaced is scrolled
# into view if it lies out of sight (a card opened by a shared link is left where the page puts
# it). No content: it only presses the card's own button and scrolls.
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
  // deck.gl (Streamlit 1.67) often loses the first click or tap on a new map: no selection
  // reaches the server (measured on a phone: the first tap on a point lost in 3 of 4 visits, the
  // second one always taken). A click is therefore made once on each new map, in its top left
  // corner (no point lies there: nothing is selected), a moment after it appears. It lowers the
  // loss (1 visit in 4 measured) without removing it: the cause lies in the map component.
  const primed = new WeakSet();
  const prime = (canvas) => {
    primed.add(canvas);
    const box = canvas.getBoundingClientRect();
    const at = {clientX: box.left + 2, clientY: box.top + 2, bubbles: true, pointerType: "mouse",
                isPrimary: true, pointerId: 1, button: 0, buttons: 1};
    canvas.dispatchEvent(new PointerEvent("pointerdown", at));
    setTimeout(() => {
      canvas.dispatchEvent(new PointerEvent("pointerup", {...at, buttons: 0}));
      window.dispatchEvent(new PointerEvent("pointerup", {...at, buttons: 0}));
    }, 20);
  };
  const primeNewMaps = () => {
    document.querySelectorAll("[data-testid=stDeckGlJsonChart] canvas").forEach((canvas) => {
      if (!primed.has(canvas) && canvas.getBoundingClientRect().width > 0) {
        primed.add(canvas);
        setTimeout(() => prime(canvas), %(prime_delay)d);
      }
    });
  };
  primeNewMaps();
  let tapped = 0, shown = null;
  document.addEventListener("pointerdown", (event) => {
    if (event.target instanceof Element && event.target.closest("[data-testid=stDeckGlJsonChart]")) tapped = Date.now();
  }, true);
  new MutationObserver(() => {
    primeNewMaps();
    const current = card();
    const text = current ? current.innerText : null;
    if (text === shown) return;
    shown = text;
    if (!current || window.innerWidth >= %(narrow)d || Date.now() - tapped > 30000) return;
    const box = current.getBoundingClientRect();
    if (box.top < 0 || box.top > window.innerHeight - 160) current.scrollIntoView({block: "start", behavior: "smooth"});
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
})();
</script>""" % {"key": CARD_KEY, "narrow": NARROW_PX, "prime_delay": PRIME_DELAY_MS}
