"""The width of the Carte page's map column, as the browser measures it, or as it will be.

deck.gl draws the view the server sends (a centre and a zoom): the server must know how wide the
map is to frame mainland France in it, and Streamlit does not tell it. This component (static JS,
no data reaches it) watches its own column and reports the width, rounded down to 100 px, when it
changes band; the page then sends the view fitted to that width (views/map_view.py).

Before that report (a session's first run), the width is predicted from the viewport width that
Chromium-based browsers announce before the first run (app/web/viewport_hint.py) and the layout
of the page (Streamlit 1.67's sidebar and paddings, the page's 3:1 columns; measured in Chromium
from 640 to 2560 px, `predicted_band`). The component is told the predicted band: when the column
falls in it, it reports nothing and the map is drawn once, at its real width (issue 25). Without
a prediction (another browser, a width near a layout breakpoint), the view is fitted to the
narrowest column the page is made for (1280 px wide), and the browser's report redraws it.
"""
from __future__ import annotations

import math

import streamlit as st

from app.web import viewport_hint

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


def column_width() -> int | None:
    """The map column's width band: reported by the browser, else predicted, else None."""
    predicted = predicted_band(viewport_hint.viewport_width(st.context.cookies))
    reported = reported_width(assumed=predicted)
    return reported if reported is not None else predicted


def reported_width(assumed: int | None = None) -> int | None:
    """The map column's width in px (a multiple of 100) once the browser has said it, else None.
    The browser reports again only when the width changes band (a resized window), or at once if
    it differs from `assumed`, the band the map was first drawn for."""
    last = _width_of(st.session_state.get(KEY))
    result = _component(key=KEY, data=last if last is not None else assumed, default={"width": None},
                        on_width_change=lambda: None)
    return _width_of(result)


# The page's layout in Streamlit 1.67, wide layout, sidebar open on a first visit from 769 px:
# (from, to, px taken beside the two columns); the map column is 3/4 of what is left. Measured in
# Chromium (tests/test_map_first_draw.py keeps the measured widths). Between 851 and 869 px the
# main area's padding changes at a width not measured exactly: no prediction there.
SIDEBAR_PX = 300
LAYOUT = ((641, 768, 42.67), (769, 850, SIDEBAR_PX + 42.67), (870, 10_000, SIDEBAR_PX + 170.67))
STACKED_UP_TO, STACKED_PADDING = 640, 32  # below, the columns stack: the map takes the width
MAP_SHARE = 0.75  # st.columns([3, 1]) in pages/carte.py


def predicted_column(viewport: int | None) -> float | None:
    """The map column's width in px for a viewport width, or None where it is not known."""
    if viewport is None:
        return None
    if viewport <= STACKED_UP_TO:
        return float(viewport - STACKED_PADDING)
    for low, high, beside in LAYOUT:
        if low <= viewport <= high:
            return MAP_SHARE * (viewport - beside)
    return None


def predicted_band(viewport: int | None) -> int | None:
    """The band (a multiple of 100, as the component reports it) of the predicted column width."""
    column = predicted_column(viewport)
    if column is None or column < 100:
        return None
    return int(column // 100) * 100


def _width_of(state) -> int | None:
    # From the browser: a positive number or nothing, never trusted further.
    value = state.get("width") if isinstance(state, dict) else getattr(state, "width", None)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0:
        return int(value)
    return None
