"""The landing page's figures drawn by the server (app/static_charts.py): rendered in the
background, never in a visitor's run; the page draws them with plotly.js until they are there or
when they cannot be; what is rendered holds the figures' numbers and their text alternatives."""
from __future__ import annotations

import logging
import threading
import xml.etree.ElementTree as ET

import pytest

from app import static_charts
from models import scope as scopes, synthese
from services import static_figure

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def fresh(monkeypatch):
    """Static figures on, nothing rendered yet in this process."""
    monkeypatch.setenv(static_charts.ENV_SWITCH, "1")
    monkeypatch.setattr(static_charts, "_done", type(static_charts._done)())
    monkeypatch.setattr(static_charts, "_under_way", set())


def _join_renders() -> None:
    for thread in threading.enumerate():
        if thread.name == "figures-statiques":
            thread.join(timeout=300)
            assert not thread.is_alive(), "le rendu des figures statiques ne s'est pas terminé"


def _texts(svg: str) -> list[str]:
    return ["".join(element.itertext()).strip() for element in ET.fromstring(svg).iter(f"{SVG}text")]


def test_a_filtered_view_or_the_switch_off_draws_with_plotly(fresh, monkeypatch):
    bretagne, _ = scopes.from_url({"region": "53"})
    assert static_charts.landing(bretagne) is None
    monkeypatch.setenv(static_charts.ENV_SWITCH, "0")
    assert static_charts.landing(scopes.from_url({})[0]) is None
    assert not static_charts._under_way


def test_rendered_once_in_the_background_then_shown(fresh, monkeypatch):
    release, calls = threading.Event(), []

    def slow_render(items):
        calls.append(len(items))
        assert release.wait(timeout=60)
        return tuple(static_figure.ResponsiveFigure(name, ((widths[0], f"<svg>{name}</svg>"),), alt)
                     for name, _, alt, widths in items)

    monkeypatch.setattr(static_figure, "render_responsive", slow_render)
    national, _ = scopes.from_url({})
    assert static_charts.landing(national) is None  # a visitor meanwhile: plotly.js, at once
    assert static_charts.landing(national) is None
    release.set()
    _join_renders()
    assert calls == [5]  # one batch: four gauges and the timeline, started once
    ready = static_charts.landing(national)
    assert list(ready.gauges) == [gauge.target_id for gauge in synthese.page(national).gauges]
    assert ready.timeline.alt == synthese.timeline(national).announced_alt


def test_a_failed_render_leaves_plotly_and_says_so(fresh, monkeypatch, caplog):
    def no_browser(items):
        raise static_figure.ExportError("Chromium est introuvable")

    monkeypatch.setattr(static_figure, "render_responsive", no_browser)
    national, _ = scopes.from_url({})
    with caplog.at_level(logging.WARNING, logger="fabriques.static_charts"):
        assert static_charts.landing(national) is None
        _join_renders()
    assert static_charts.landing(national) is None  # not tried again at every visit
    assert not static_charts._under_way
    assert static_charts.FAILED_LOG in caplog.text and "Chromium est introuvable" in caplog.text


def test_the_landing_figures_rendered_hold_their_numbers_and_alternatives(fresh):
    """One real render (Chromium through kaleido) of the national view."""
    national, _ = scopes.from_url({})
    static_charts._render(national)
    ready = static_charts.landing(national)
    view, timeline = synthese.page(national), synthese.timeline(national)
    for gauge in view.gauges:
        figure = ready.gauges[gauge.target_id]
        assert [width for width, _ in figure.variants] == list(static_charts.GAUGE_WIDTHS)
        assert figure.alt == gauge.sentence
        value = str(int(gauge.figure.data[0].value))
        for _, svg in figure.variants:
            assert value in _texts(svg)
            assert ET.fromstring(svg).get("aria-label") == gauge.sentence
    assert [width for width, _ in ready.timeline.variants] == list(static_charts.TIMELINE_WIDTHS)
    for _, svg in ready.timeline.variants:
        texts = _texts(svg)
        assert {"80", "407", "Fabriques (cumul)"} <= set(texts), texts
    assert ".fs-jauge" in ready.css() and ".fs-chronologie" in ready.css()


def test_at_start_after_the_whole_warm_up_when_it_runs(fresh, monkeypatch):
    from app.web import warm_start

    asked = threading.Event()
    monkeypatch.setattr(static_charts, "landing", lambda scope: asked.set())
    monkeypatch.setattr(warm_start, "REPORT", warm_start.WarmReport())
    monkeypatch.setattr(warm_start, "server_url", lambda: "http://127.0.0.1:8501")
    monkeypatch.setenv(warm_start.ENV_SWITCH, "all")
    static_charts.prepare_at_start()
    assert not asked.wait(timeout=1)  # the warm-up is still running
    warm_start.REPORT.done.set()
    assert asked.wait(timeout=60)
    asked.clear()
    monkeypatch.setenv(warm_start.ENV_SWITCH, "0")  # no warm-up: at once
    static_charts.prepare_at_start()
    assert asked.wait(timeout=60)
