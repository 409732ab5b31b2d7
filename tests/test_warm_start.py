"""Warm at start (app/web/warm_start.py): the server answers its health check at once, then
computes the national view and each région in the background, without an error."""
from __future__ import annotations

import re
import time
import urllib.request

import pytest

from app.web import STARTUP, visitor_activity, warm_start
from conftest import ServedApp, run_coroutine


def test_the_warm_up_is_a_startup_step():
    assert warm_start.start_warming in STARTUP


def test_plan_warms_the_national_view_first_then_each_region():
    steps = warm_start.plan(["53", "84"])
    pages = warm_start.PAGES
    assert steps[:len(pages)] == [(page, "") for page in pages]
    assert steps[len(pages):2 * len(pages)] == [(page, "region=53") for page in pages]
    assert steps[-1] == (pages[-1], "region=84") and len(steps) == 3 * len(pages)
    assert {"", "carte"} <= set(pages)  # the two pages a shared link opens most


def test_plan_then_warms_each_scope_with_each_type_of_territory():
    steps = warm_start.plan(["53", "84"], ["qpv", "rural"])
    typed = steps[3 * len(warm_start.PAGES):]
    assert typed[:len(warm_start.TYPED_PAGES)] == [(page, "territoire=qpv") for page in warm_start.TYPED_PAGES]
    assert typed[-1] == (warm_start.TYPED_PAGES[-1], "region=84&territoire=rural")
    assert len(typed) == 3 * 2 * len(warm_start.TYPED_PAGES)
    assert "presentation" not in warm_start.TYPED_PAGES and "carte" in warm_start.TYPED_PAGES
    assert len(set(steps)) == len(steps)


@pytest.mark.parametrize("value, expected", [
    ("0", "off"), ("off", "off"), ("national", "national"), ("1", "all"), ("all", "all"), (None, "all"),
])
def test_switch(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv(warm_start.ENV_SWITCH, raising=False)
    else:
        monkeypatch.setenv(warm_start.ENV_SWITCH, value)
    assert warm_start.mode() == expected


def test_server_answers_at_once_and_warms_without_error():
    """A real server (make run) with the national warm-up: health first, then every page."""
    served = ServedApp(env={warm_start.ENV_SWITCH: "national"})
    try:
        # ServedApp returned on the first healthy answer: the warm-up waits for that same
        # answer before its first run, so the server never makes its health check wait.
        with urllib.request.urlopen(f"{served.url}/_stcore/health", timeout=60) as response:
            assert response.status == 200
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            match = re.search(r"Préchauffage : (\d+) pages calculées en \d+ s \(dont \d+ s cédées aux "
                              r"visiteurs\), (\d+) erreur",
                              served.log.read_text(encoding="utf-8", errors="replace"))
            if match:
                break
            if served.process.poll() is not None:
                raise AssertionError(served.log.read_text()[-2000:])
            time.sleep(0.5)
        else:
            raise AssertionError("pas de fin de préchauffage dans le journal du serveur")
        assert (int(match.group(1)), int(match.group(2))) == (len(warm_start.PAGES), 0), match.group(0)
    finally:
        served.stop()


def test_the_warmed_heap_is_kept_out_of_full_collections():
    """After the warm-up, what it built is frozen: a full collection no longer walks it."""
    import gc

    gc.unfreeze()
    cached = [[index] for index in range(10_000)]  # stands for the caches the warm-up filled
    try:
        warm_start.settle_the_warmed_heap()
        assert gc.get_freeze_count() >= len(cached)
    finally:
        gc.unfreeze()


# --- the warm-up yields to visitors (issue 25) -------------------------------------------------
class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class ScriptedActivity:
    """Visitors active until `busy_until` on the fake clock."""

    def __init__(self, clock: FakeClock, busy_until: float):
        self.clock, self.busy_until = clock, busy_until

    def quiet_for(self) -> float:
        return max(0.0, self.clock.now - self.busy_until)


def test_the_warm_up_goes_on_at_once_when_nobody_visits():
    clock = FakeClock()
    waited = warm_start.yield_to_visitors(ScriptedActivity(clock, busy_until=-10), quiet_s=1.5,
                                          clock=clock, sleep=clock.sleep)
    assert waited == 0.0


def test_the_warm_up_waits_until_visitors_have_been_quiet():
    clock = FakeClock()
    waited = warm_start.yield_to_visitors(ScriptedActivity(clock, busy_until=4.0), quiet_s=1.5,
                                          clock=clock, sleep=clock.sleep)
    assert 5.5 <= waited < 5.6


def test_under_a_steady_crowd_the_warm_up_still_moves_on():
    clock = FakeClock()
    waited = warm_start.yield_to_visitors(ScriptedActivity(clock, busy_until=1e9), quiet_s=1.5,
                                          max_wait_s=30, clock=clock, sleep=clock.sleep)
    assert 30 <= waited < 30.1


def _scope(kind: str, path: str, warm_up: bool = False) -> dict:
    headers = [(b"host", b"127.0.0.1")] + ([(visitor_activity.WARM_UP_HEADER.encode(), b"1")] if warm_up else [])
    return {"type": kind, "path": path, "headers": headers}


def _through_middleware(scope: dict) -> visitor_activity.Activity:
    activity = visitor_activity.Activity()

    async def app(scope, receive, send):
        assert activity.in_flight == (1 if scope["type"] == "http" and visitor_activity.counted(scope) else 0)
        await receive()
        await send({"type": "message"})

    async def receive():
        return {"type": "message"}

    async def send(message):
        return None

    run_coroutine(visitor_activity.VisitorActivityMiddleware(app, activity)(scope, receive, send))
    return activity


@pytest.mark.parametrize("scope, counted", [
    (_scope("http", "/"), True),
    (_scope("http", "/static/js/index.js"), True),
    (_scope("websocket", "/_stcore/stream"), True),
    (_scope("http", "/_stcore/health"), False),
    (_scope("http", "/", warm_up=True), False),
    (_scope("websocket", "/_stcore/stream", warm_up=True), False),
    ({"type": "lifespan"}, False),
])
def test_visitors_requests_and_messages_are_noted_not_the_warm_up_s(scope, counted):
    activity = _through_middleware(scope)
    assert activity.in_flight == 0
    assert (activity.quiet_for() < 1.0) is counted


def test_the_warm_up_sessions_say_who_they_are():
    """The loopback session sends its headers with the page request too, not only the websocket."""
    import http.server
    import threading

    from services.loopback_session import StreamlitSession

    seen = []

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.headers.get(visitor_activity.WARM_UP_HEADER))
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.handle_request, daemon=True).start()
    session = StreamlitSession(f"http://127.0.0.1:{server.server_port}", timeout=10)
    session.headers[visitor_activity.WARM_UP_HEADER] = "1"
    try:
        with pytest.raises(OSError):  # the page answers 404: the session stops there
            session.open()
    finally:
        server.server_close()
    assert seen == ["1"]
