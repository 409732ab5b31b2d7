"""First visits in headless Chromium, against a hello-world page of the same run.

The app (python -m app.serve, what `make run` starts) and a hello-world page (the one-line
page, served by the same Streamlit server with the same options) are each opened in a new
browser context (empty cache, as a first visit); the clock is the page's own
performance.now(), which starts at navigation. Two moments are taken:
- "painted" (issue 8): the script has finished, no element is still waiting for its code
  (Streamlit's skeleton), every Plotly chart has drawn its SVG, every map canvas holds non-blank
  pixels and no fetch (a map's files) is under way;
- "settled" (issue 15): the page stops changing — the later of "painted" and the last change
  of the document (a MutationObserver installed before any script of the page), once the
  document has then stayed unchanged for QUIET_MS (a change more than QUIET_MS after the
  previous one, such as Streamlit's status widget fading out, is not waited for: the same on
  the hello-world page).
For each visit, Chromium's own counters (script, layout and style time, nodes) and the bytes
received on Streamlit's websocket are kept: they say where a slow page spends its time.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

from bench import first_visit_profile
from deploy.scale_out import free_port, wait_until_healthy

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CHROMIUM = "/usr/bin/chromium"
# The same flags as the browser tests (tests/conftest.py).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
# Where they listen; how they serve (headless, no file watcher) is .streamlit/config.toml, as for
# make run: every server of the comparison reads it (they start in the project's folder).
SERVER_OPTIONS = ["--server.address", "127.0.0.1"]

# True once the run is over and every chart on the page is drawn; then the time.
ALL_PAINTED = """() => {
    const main = document.querySelector('[data-testid="stMainBlockContainer"]');
    // The script has finished: the app's own state (the status widget may stay in the
    // document, hidden, after a second run of the script).
    const app = document.querySelector('[data-testid="stApp"]');
    if (!main || !app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (!main.innerText.trim()) return false;
    // An element whose code is still being fetched shows a skeleton (Streamlit loads the code
    // of a chart or a map when the element first appears): not drawn yet.
    if (app.querySelector('[data-testid="stSkeleton"]')) return false;
    // The map's outline and point files: fetched, and a few frames given to draw them.
    if (window.__fetching > 0 || performance.now() - window.__lastFetchEnd < 50) return false;
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
def served(script_args: list[str], env: dict | None = None, log: Path | None = None):
    """A server on a free port until the block ends; its output goes to `log` if given."""
    port = free_port()
    output = log.open("w") if log is not None else subprocess.DEVNULL
    process = subprocess.Popen([PYTHON, *script_args, "--server.port", str(port), *SERVER_OPTIONS],
                               cwd=ROOT, env={**os.environ, **(env or {})},
                               stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
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
        if log is not None:
            output.close()


@contextmanager
def app_server():
    # The national warm-up only (app/web/warm_start.py): it is over before the first measured
    # visit, whereas every région's would still compete with the visits for the CPU. The landing
    # page's static figures (app/static_charts.py) are drawn before the first visit, as they are
    # for a visitor once the server has started.
    from app import static_charts

    with tempfile.TemporaryDirectory(prefix="fabriques-bench-") as scratch:
        log = Path(scratch) / "serveur.log"
        with served(["-m", "app.serve"], env={"FABRIQUES_WARM_AT_START": "national"}, log=log) as url:
            if static_charts.enabled():
                wait_for_line(log, static_charts.READY_LOG, static_charts.FAILED_LOG)
            yield url


def wait_for_line(log: Path, wanted: str, failed: str, timeout: float = 300) -> None:
    """Until the server's log holds `wanted`; fails on `failed` or after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        if wanted in text:
            return
        if failed in text:
            raise RuntimeError(f"{failed} : {text[-2000:]}")
        time.sleep(0.5)
    raise RuntimeError(f"« {wanted} » absent du journal du serveur après {timeout} s")


def hello_server():
    return served(["-m", "streamlit", "run", str(ROOT / "bench" / "one_line_page.py")])


def one_chart_server():
    return served(["-m", "streamlit", "run", str(ROOT / "bench" / "one_chart_page.py")])


QUIET_MS = 1000
# Before any script of the page: the time of the last change of the document, and the
# fetches under way (a map's files: deck.gl draws them on its canvas, no change of the document).
WATCH_CHANGES = """
window.__lastChange = 0;
new MutationObserver(() => { window.__lastChange = performance.now(); })
    .observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
window.__fetching = 0;
window.__lastFetchEnd = -Infinity;
const nativeFetch = window.fetch;
window.fetch = function (...args) {
  window.__fetching += 1;
  const done = () => { window.__fetching -= 1; window.__lastFetchEnd = performance.now(); };
  return nativeFetch.apply(this, args).then(
    response => { response.clone().arrayBuffer().then(done, done); return response; },
    error => { done(); throw error; });
};
"""
# Checked once "painted" has been seen.
SETTLED = f"""() => {{
    if (performance.now() - window.__lastChange < {QUIET_MS}) return false;
    return window.__lastChange;
}}"""
# Every page of the dashboard (the hello-world page is the baseline).
APP_PATHS = ["/", "/territoires", "/carte", "/laureats", "/donnees", "/presentation"]
METRICS = ("ScriptDuration", "LayoutDuration", "RecalcStyleDuration", "TaskDuration", "Nodes")


def visit(browser, url: str, timeout_ms: int = 90_000) -> dict:
    """One first visit in a fresh context: painted and settled times (ms), counters, bytes."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="fr-FR")
    try:
        context.add_init_script(WATCH_CHANGES)
        context.add_init_script(first_visit_profile.WATCH_MILESTONES)
        page = context.new_page()
        received = [0]
        page.on("websocket", lambda socket: socket.on(
            "framereceived", lambda payload: received.__setitem__(0, received[0] + len(payload))))
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")
        page.goto(url, wait_until="commit")
        painted = float(page.wait_for_function(ALL_PAINTED, polling="raf", timeout=timeout_ms).json_value())
        settled = max(painted, float(page.wait_for_function(SETTLED, polling=100, timeout=timeout_ms).json_value()))
        counters = {item["name"]: item["value"] for item in cdp.send("Performance.getMetrics")["metrics"]}
        milestones = page.evaluate(first_visit_profile.READ_MILESTONES)
        return {"painted_ms": painted, "settled_ms": settled, "ws_bytes": received[0],
                **{name: counters.get(name, 0.0) for name in METRICS}, "milestones": milestones}
    finally:
        context.close()


def time_to_last_chart(browser, url: str, timeout_ms: int = 90_000) -> float:
    """Milliseconds from navigation to the last chart painted, in a fresh context."""
    return visit(browser, url, timeout_ms)["painted_ms"]


def measure(runs: int, paths: list[str] | None = None, extra_pages: dict[str, Path] | None = None) -> dict:
    """Medians of `runs` first visits of every page, of the hello-world and one-gauge pages,
    and of each extra page (name → script, each served by its own `streamlit run`)."""
    from playwright.sync_api import sync_playwright

    from bench.timing import median

    paths = paths or APP_PATHS
    extra_pages = extra_pages or {}
    visits: dict[str, list[dict]] = {"hello": [], "one_chart": [], **{path: [] for path in paths},
                                     **{name: [] for name in extra_pages}}
    with sync_playwright() as playwright, ExitStack() as servers:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            hello, one_chart, app = (servers.enter_context(server())
                                     for server in (hello_server, one_chart_server, app_server))
            extra = {name: servers.enter_context(served(["-m", "streamlit", "run", str(script)]))
                     for name, script in extra_pages.items()}
            urls = {"hello": hello, "one_chart": one_chart, **{path: app + path for path in paths}, **extra}
            for url in urls.values():
                visit(browser, url)  # first visits warm the servers' own caches
            # Interleaved, so that a slow moment of the shared machine hits every page.
            for _ in range(runs):
                for name, url in urls.items():
                    visits[name].append(visit(browser, url))
        finally:
            browser.close()
    summary = {}
    for name, samples in visits.items():
        summary[name] = {
            "samples_ms": [sample["painted_ms"] for sample in samples],
            "median_ms": median([sample["painted_ms"] for sample in samples]),
            "settled_samples_ms": [sample["settled_ms"] for sample in samples],
            "settled_median_ms": median([sample["settled_ms"] for sample in samples]),
            "profile": {key: median([sample[key] for sample in samples]) for key in ("ws_bytes", *METRICS)},
            "milestones": first_visit_profile.summarise(
                [{**sample["milestones"], "painted_ms": sample["painted_ms"], "settled_ms": sample["settled_ms"]}
                 for sample in samples]),
        }
    return summary
