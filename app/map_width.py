"""The width of the Carte page's map column, as the browser measures it.

deck.gl draws the view the server sends (a centre and a zoom): the server must know how wide the
map is to frame mainland France in it, and Streamlit does not tell it. This component (static JS,
no data reaches it) watches its own column and reports the width, rounded down to 100 px, when it
changes band; the page then sends the view fitted to that width (views/map_view.py). Until the
first report (the first draw of a session), the view is fitted to the narrowest column the page is
made for (1280 px wide), so the whole of France is in sight before and after.
"""
from __future__ import annotations

import math

import streamlit as st

KEY = "carte_largeur"

_JS = """
export default function (component) {
  const { parentElement, setStateValue, data } = component;
  const column = parentElement.closest('[data-testid="stColumn"]') || parentElement.parentElement;
  if (!column) return;
  const host = parentElement.closest('[data-testid="stElementContainer"]');
  if (host) host.style.display = "none";  // nothing to see: no gap under the map
  let sent = data;
  const report = () => {
    const band = Math.floor(column.getBoundingClientRect().width / 100) * 100;
    if (band > 0 && band !== sent) { sent = band; setStateValue("width", band); }
  };
  const watch = new ResizeObserver(report);
  watch.observe(column);
  report();
  return () => watch.disconnect();
}
"""

_component = st.components.v2.component("fabriques_largeur_carte", js=_JS, isolate_styles=False)


def reported_width() -> int | None:
    """The map column's width in px (a multiple of 100) once the browser has said it, else None.
    The browser reports again only when the width changes band (a resized window)."""
    last = _width_of(st.session_state.get(KEY))
    result = _component(key=KEY, data=last, default={"width": None}, on_width_change=lambda: None)
    return _width_of(result)


def _width_of(state) -> int | None:
    # From the browser: a positive number or nothing, never trusted further.
    value = state.get("width") if isinstance(state, dict) else getattr(state, "width", None)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0:
        return int(value)
    return None
