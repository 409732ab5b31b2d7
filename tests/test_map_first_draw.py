"""The Carte map drawn once, at its column's real width (issue 25): the browser's viewport width,
announced by Chromium's client hints before the first run (app/web/viewport_hint.py), gives the
column's width (app/map_width.py) before the map is first drawn."""
from __future__ import annotations

import binascii

import pytest

from app.web import viewport_hint
from conftest import run_coroutine


def xsrf_cookie(token: bytes, mask: bytes = b"\x01\x02\x03\x04") -> str:
    masked = bytes(byte ^ mask[index % 4] for index, byte in enumerate(token))
    return f"2|{binascii.hexlify(mask).decode()}|{binascii.hexlify(masked).decode()}|1700000000"


TOKEN = bytes(range(16))


@pytest.mark.parametrize("raw, width", [
    (b"1440", 1440), ("1920", 1920), (b" 800 ", 800), (b"199", None), (b"10001", None),
    (b"1e3", None), (b"-800", None), (b"\xd9\xa1\xd9\xa4", None), (b"", None), (None, None),
    ("١٤٤٠", None),  # Arabic-Indic digits are digits to Python, not to us
])
def test_a_width_is_read_strictly(raw, width):
    assert viewport_hint.parse_width(raw) == width


def test_the_token_is_the_same_under_every_mask():
    first = viewport_hint.xsrf_token(xsrf_cookie(TOKEN, b"\x01\x02\x03\x04"))
    second = viewport_hint.xsrf_token(xsrf_cookie(TOKEN, b"\xff\x00\xaa\x55"))
    assert first == second == TOKEN.hex()


@pytest.mark.parametrize("value", [None, "", "2|zz|00|1", "3|00|00|1", "2|0102|", "x" * 400, "2|01020304|0g|1"])
def test_anything_but_a_streamlit_token_gives_none(value):
    assert viewport_hint.xsrf_token(value) is None


def test_the_store_keeps_the_most_recent_entries():
    widths = viewport_hint.ViewportWidths(max_entries=2)
    for token, width in (("a", 800), ("b", 900), ("c", 1000)):
        widths.note(token, width)
    assert (widths.of("a"), widths.of("b"), widths.of("c"), widths.of(None)) == (None, 900, 1000, None)


def _request(widths, headers, answer_headers=()):
    sent = []

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": list(answer_headers)})
        await send({"type": "http.response.body", "body": b""})

    async def receive():
        return {"type": "http.request"}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "path": "/_stcore/health", "headers": headers}
    run_coroutine(viewport_hint.ViewportHintMiddleware(app, widths)(scope, receive, send))
    return dict(sent[0]["headers"])


def test_the_width_is_noted_under_the_cookie_the_health_answer_sets():
    """A first visit: no cookie yet; the health check's answer sets it, the websocket carries it."""
    widths = viewport_hint.ViewportWidths()
    cookie = xsrf_cookie(TOKEN)
    _request(widths, [(b"sec-ch-viewport-width", b"1440")],
             [(b"set-cookie", f"_streamlit_xsrf={cookie}; Path=/; SameSite=Lax".encode())])
    # The websocket carries the same token, under another mask.
    assert widths.of(viewport_hint.xsrf_token(xsrf_cookie(TOKEN, b"\x09\x08\x07\x06"))) == 1440


def test_the_width_is_noted_under_the_cookie_the_request_carries():
    widths = viewport_hint.ViewportWidths()
    _request(widths, [(b"viewport-width", b"1280"), (b"cookie", f"a=b; _streamlit_xsrf={xsrf_cookie(TOKEN)}".encode())])
    assert widths.of(TOKEN.hex()) == 1280


def test_nothing_is_noted_without_a_hint_or_with_a_bad_one():
    widths = viewport_hint.ViewportWidths()
    cookie = [(b"cookie", f"_streamlit_xsrf={xsrf_cookie(TOKEN)}".encode())]
    _request(widths, cookie)
    _request(widths, [(b"sec-ch-viewport-width", b"<script>")] + cookie)
    assert widths.of(TOKEN.hex()) is None


def test_pages_ask_for_the_hint_other_files_do_not():
    widths = viewport_hint.ViewportWidths()
    page = _request(widths, [], [(b"content-type", b"text/html; charset=utf-8")])
    script = _request(widths, [], [(b"content-type", b"application/javascript")])
    assert page[b"accept-ch"] == b"Sec-CH-Viewport-Width, Viewport-Width"
    assert b"accept-ch" not in script


# Map column widths measured in Chromium 2026-12 (Streamlit 1.67, /carte on a first visit,
# viewport width → the column holding the map), the table the layout model was fitted to.
MEASURED_COLUMNS = {640: 608, 641: 448.75, 660: 463, 700: 493, 768: 544, 769: 319.75, 800: 343, 820: 358,
                    850: 380.5, 870: 299.5, 880: 307, 890: 314.5, 899: 321.25, 900: 322, 960: 367,
                    1000: 397, 1024: 415, 1100: 472, 1280: 607, 1366: 671.5, 1440: 727, 1536: 799,
                    1600: 847, 1680: 907, 1920: 1087, 2560: 1567}


@pytest.mark.parametrize("viewport, measured", sorted(MEASURED_COLUMNS.items()))
def test_the_predicted_column_is_the_measured_one(viewport, measured):
    from app import map_width

    assert map_width.predicted_column(viewport) == pytest.approx(measured, abs=0.5)
    assert map_width.predicted_band(viewport) == int(measured // 100) * 100


@pytest.mark.parametrize("viewport", [None, 851, 860, 869, 10_001])
def test_no_prediction_where_the_layout_is_not_known(viewport):
    from app import map_width

    assert map_width.predicted_band(viewport) is None


@pytest.mark.parametrize("viewport, band", [(None, None), (1920, 1000), (1280, 600)])
def test_the_first_draw_is_fitted_to_the_announced_viewport(monkeypatch, viewport, band):
    """Carte's first run: the deck is fitted to the band predicted from the viewport the browser
    announced; without an announcement, to the assumed width as before."""
    import json

    import pandas as pd
    from streamlit.testing.v1 import AppTest

    from conftest import ROOT
    from queries import run
    from views import map_view

    monkeypatch.setattr(viewport_hint, "viewport_width", lambda cookies: viewport)
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    app.switch_page("pages/carte.py").run()
    assert not app.exception
    (deck,) = [json.loads(e.proto.json) for e in app.main
               if type(e).__name__ == "UnknownElement" and e.type == "deck_gl_json_chart"]
    bounds = run("map_view_bounds", region=None, departement=None, epci=None, insets=True).iloc[0]
    expected = map_view.fit_view(pd.Series(bounds), map_view.map_width(band))
    assert deck["initialViewState"]["zoom"] == pytest.approx(expected.zoom)
