"""Keeping the map's hover tooltip inside the map.

deck.gl draws its tooltip (`.deck-tooltip`) at the pointer, to its right and below it: near the
map's right or bottom edge it would spill over the side column or be cut. CSS alone cannot move
it (its place is an inline `transform` set on each move), so a small script watches the tooltip
and, when its box leaves the map's, moves it left of or above the pointer, within the map.
The script adds no content: the tooltip's text stays what deck.gl wrote (plain text).
"""
from __future__ import annotations

GAP_PX = 12  # between the pointer and the moved tooltip

KEEP_INSIDE_SCRIPT = """
<script>
(() => {
  if (window.__fabriquesTooltipWatch) return;
  window.__fabriquesTooltipWatch = true;
  const GAP = %d;
  const place = (tip) => {
    if (tip.style.display === "none") return;
    const map = tip.closest("[data-testid='stDeckGlJsonChart']");
    const match = /translate\\(([-0-9.]+)px,\\s*([-0-9.]+)px\\)/.exec(tip.style.transform || "");
    if (!map || !match) return;
    const x = parseFloat(match[1]), y = parseFloat(match[2]);
    const frame = map.getBoundingClientRect(), parent = tip.offsetParent || map;
    const origin = parent.getBoundingClientRect();
    const left = origin.left - frame.left, top = origin.top - frame.top;  // parent inside the map
    const w = tip.offsetWidth, h = tip.offsetHeight;
    let nx = x, ny = y;
    if (left + x + w > frame.width) nx = Math.max(-left, x - w - GAP);
    if (top + y + h > frame.height) ny = Math.max(-top, y - h - GAP);
    if (nx !== x || ny !== y) tip.style.transform = `translate(${nx}px, ${ny}px)`;
  };
  new MutationObserver((changes) => {
    for (const change of changes) {
      const tip = change.target;
      if (tip instanceof HTMLElement && tip.classList.contains("deck-tooltip")) place(tip);
    }
  }).observe(document.body, {subtree: true, attributes: true, attributeFilter: ["style"]});
})();
</script>
""" % GAP_PX


# On a touch screen (no pointer that hovers) a tap both picks a point and shows deck.gl's tooltip,
# which then covers half a phone's map; the tap opens the point's card under the map, which says
# the same and more: the tooltip is not shown there.
HIDE_ON_TOUCH_STYLE = """<style>
@media (hover: none) { .deck-tooltip { display: none !important; } }
</style>"""
