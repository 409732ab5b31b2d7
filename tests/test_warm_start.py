"""Warm at start (app/web/warm_start.py): the server answers its health check at once, then
computes the national view and each région in the background, without an error."""
from __future__ import annotations

import re
import time
import urllib.request

import pytest

from app.web import STARTUP, warm_start
from conftest import ServedApp


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
            match = re.search(r"Préchauffage : (\d+) pages calculées en \d+ s, (\d+) erreur",
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
