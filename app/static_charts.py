"""The landing page's figures drawn on the server as static SVG, so that its first visit does not
load plotly.js (issue 25).

"/" is the page every shared link opens. Its national view shows four gauges and the announced
totals over time: figures nobody interacts with. Drawn by plotly.js they cost a first visit the
plotly.js bundle (about 4.6 MB of script); drawn by plotly on the server (services/static_figure.py)
they are a few kB of SVG each, placed as images with their text alternative. The text around them
(headings, readings, captions) and the tables under them are the page's own and do not change.

- `landing(scope)`: the national view's figures if they are ready, else None. Rendering needs a
  Chromium started for the batch (its 28 variants took 18 to 28 s here, on a machine busy with
  other work), so it runs in a thread of its own, never in a visitor's run: until it is done (and if it fails: no browser on
  the server, a crash), the page draws the same figures with plotly.js, as before.
  Kept per scope key (data version, rural definition): an import renders anew.
- `prepare_at_start()`: the national view under the default rural definition, started when the
  server starts (STARTUP), or once the whole warm-up is over when it runs.
- `show(static, figure, alt, key)`: one figure, static if it is there, plotly.js otherwise.

FABRIQUES_STATIC_FIGURES=0 turns it off (every figure then drawn by plotly.js).
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

import streamlit as st

from models import scope as scopes, synthese
from services import static_figure

ENV_SWITCH = "FABRIQUES_STATIC_FIGURES"
# Widths rendered, narrowest first, from a phone's column to a 1920-px screen's: a variant is
# enlarged to its column by less than the ratio of two neighbours (its height with it), and the
# widest is centred in a wider column. A gauge's height (250 px) limits its dial beyond about
# 470 px, where plotly.js centres it too: its steps are finer (a tenth), its height fixed.
GAUGE_WIDTHS = (320, 350, 385, 425, 470)
TIMELINE_WIDTHS = (330, 415, 520, 650, 815, 1020, 1275, 1595)
KEPT = 8  # national scopes: two rural definitions a data version, and a few versions
READY_LOG = "Figures statiques de l'accueil prêtes"
FAILED_LOG = "Figures statiques de l'accueil impossibles"
LOG = logging.getLogger("fabriques.static_charts")


@dataclass(frozen=True)
class LandingFigures:
    gauges: dict[str, static_figure.ResponsiveFigure]  # by target id
    timeline: static_figure.ResponsiveFigure

    def css(self) -> str:
        return "\n".join(dict.fromkeys(figure.css() for figure in (*self.gauges.values(), self.timeline)))


_lock = threading.Lock()
_done: OrderedDict[tuple, LandingFigures | None] = OrderedDict()  # None: rendering failed
_under_way: set[tuple] = set()
_one_browser = threading.Lock()  # one render at a time: one Chromium, not one per scope


def enabled() -> bool:
    return os.environ.get(ENV_SWITCH, "1").strip().lower() not in {"0", "off", "false", "non", "no"}


def landing(scope: scopes.Scope) -> LandingFigures | None:
    """The national view's static figures if rendered; else None (and the rendering is started)."""
    if not enabled() or not scope.is_national:
        return None
    with _lock:
        if scope.key in _done:
            _done.move_to_end(scope.key)
            return _done[scope.key]
        if scope.key not in _under_way:
            _under_way.add(scope.key)
            threading.Thread(target=_render, args=(scope,), name="figures-statiques", daemon=True).start()
    return None


def prepare_at_start() -> None:
    """STARTUP: the national view's figures, in the background (the server starts at once).

    Under the whole warm-up (app/web/warm_start.py), once it is over: its 60 s on two cores are
    a budget (issue 25), and the render's browser and sanitising took it to 63 s when they ran
    together (59 s without). Visitors meanwhile get the same figures drawn by plotly.js."""
    from app.web import warm_start

    if not enabled():
        return
    after_warm_up = warm_start.mode() == "all" and warm_start.server_url() is not None

    def prepare() -> None:
        if after_warm_up:
            warm_start.REPORT.done.wait(timeout=warm_start.RUN_TIMEOUT_S * 10)
        landing(scopes.from_url({})[0])

    threading.Thread(target=prepare, name="figures-statiques-depart", daemon=True).start()


def _render(scope: scopes.Scope) -> None:
    started = time.perf_counter()
    result = None
    try:
        view, timeline = synthese.page(scope), synthese.timeline(scope)
        with _one_browser:
            rendered = static_figure.render_responsive(
                [("jauge", gauge.figure, gauge.sentence, GAUGE_WIDTHS) for gauge in view.gauges]
                + [("chronologie", timeline.announced_figure, timeline.announced_alt, TIMELINE_WIDTHS)])
        result = LandingFigures(
            gauges={gauge.target_id: figure for gauge, figure in zip(view.gauges, rendered)},
            timeline=rendered[-1])
        LOG.info("%s : %d figures en %.1f s (version %s)", READY_LOG, len(rendered),
                 time.perf_counter() - started, scope.version)
    except Exception as error:  # no browser, a crash, a timeout: plotly.js draws them instead
        LOG.warning("%s (%s : %s) : elles restent dessinées dans le navigateur.", FAILED_LOG,
                    type(error).__name__, error)
    with _lock:
        _done[scope.key] = result
        _under_way.discard(scope.key)
        while len(_done) > KEPT:
            _done.popitem(last=False)


def style(static: LandingFigures | None) -> None:
    """The rules choosing each figure's variant (static CSS: widths, no data)."""
    if static is not None:
        st.html(f"<style>{static.css()}</style>")


def show(static: static_figure.ResponsiveFigure | None, figure, alt: str, key: str) -> None:
    """One figure: its static SVG when rendered, else drawn by plotly.js."""
    if static is None:
        # No mode bar: its buttons are labelled in English, and these figures need none.
        st.plotly_chart(figure, alt=alt, config={"displayModeBar": False}, key=key)
        return
    with st.container(key=key):
        # The variants as images of sanitised SVG (services/static_figure.py), in Markdown's raw HTML.
        st.markdown(static.markup(), unsafe_allow_html=True)
