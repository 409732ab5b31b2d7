"""Time from navigation to the last chart painted, in headless Chromium, and its baseline.

The app (python -m app.serve, what `make run` starts) and a hello-world page (the one-line
page, served by the same Streamlit server with the same options) are each opened in a new
browser context (empty cache, as a first visit); the clock is the page's own
performance.now(), which starts at navigation. "Painted" means: the script has finished,
every Plotly chart has drawn its SVG, and every map canvas holds non-blank pixels.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from deploy.scale_out import free_port, wait_until_healthy

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CHROMIUM = "/usr/bin/chromium"
# The same flags as the browser tests (tests/conftest.py).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SERVER_OPTIONS = ["--server.headless", "true", "--server.address", "127.0.0.1",
                  "--browser.gatherUsageStats", "false"]

# True once the run is over and every chart on the page is drawn; then the time.
ALL_PAINTED = """() => {
    const main = document.querySelector('[data-testid="stMainBlockContainer"]');
    if (!main || document.querySelector('[data-testid="stStatusWidget"]')) return false;
    if (!main.innerText.trim()) return false;
    for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
        if (!chart.querySelector('.main-svg')) return false;
    }
    for (const deck of document.querySelectorAll('[data-testid="stDeckGlJsonChart"]')) {
        const canvas = deck.querySelector('canvas');
        if (!canvas || canvas.width === 0) return false;
        const probe = document.createElement('canvas');
        probe.width = 64; probe.height = 64;
        const context = probe.getContext('2d');
        context.drawImage(canvas, 0, 0, 64, 64);
        const pixels = context.getImageData(0, 0, 64, 64).data;
        let painted = false;
        for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] !== 0) { painted = true; break; } }
        if (!painted) return false;
    }
    return performance.now();
}"""


@contextmanager
def served(script_args: list[str], env: dict | None = None):
    port = free_port()
    process = subprocess.Popen([PYTHON, *script_args, "--server.port", str(port), *SERVER_OPTIONS],
                               cwd=ROOT, env={**os.environ, **(env or {})},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_healthy(url, process)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def app_server():
    return served(["-m", "app.serve"])


def hello_server():
    return served(["-m", "streamlit", "run", str(ROOT / "bench" / "one_line_page.py")])


def time_to_last_chart(browser, url: str, timeout_ms: int = 90_000) -> float:
    """Milliseconds from navigation to the last chart painted, in a fresh context."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="fr-FR")
    try:
        page = context.new_page()
        page.goto(url, wait_until="commit")
        handle = page.wait_for_function(ALL_PAINTED, polling="raf", timeout=timeout_ms)
        return float(handle.json_value())
    finally:
        context.close()


def measure(runs: int) -> dict:
    """Medians of `runs` first visits of /, /carte and the hello-world page (ms)."""
    from playwright.sync_api import sync_playwright

    from bench.timing import median

    samples: dict[str, list[float]] = {"hello": [], "/": [], "/carte": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            with hello_server() as hello, app_server() as app:
                time_to_last_chart(browser, hello)  # first visits warm the servers' own caches
                time_to_last_chart(browser, app + "/")
                time_to_last_chart(browser, app + "/carte")
                # Interleaved, so that a slow moment of the shared machine hits every page.
                for _ in range(runs):
                    samples["hello"].append(time_to_last_chart(browser, hello))
                    samples["/"].append(time_to_last_chart(browser, app + "/"))
                    samples["/carte"].append(time_to_last_chart(browser, app + "/carte"))
        finally:
            browser.close()
    return {name: {"samples_ms": values, "median_ms": median(values)} for name, values in samples.items()}
