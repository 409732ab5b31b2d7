"""Shared fixtures: paths, AppTest runs, and the real app served by the README command."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def _route_every_page_through_dashboard() -> None:
    """Make AppTest route pages as the real server does (see app/serve.py).

    AppTest resets PagesManager.uses_pages_directory before every run and recomputes it
    from the pages/ folder: a run after switch_page() would then execute the page file on
    its own (Streamlit's legacy multipage mode), without dashboard.py and its filter bar,
    reusing the previous run's context. Reset it right after AppTest's recomputation.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if getattr(PagesManager.__init__, "routed_by_dashboard", False):
        return
    original = PagesManager.__init__

    def routed(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    routed.routed_by_dashboard = True
    PagesManager.__init__ = routed


_route_every_page_through_dashboard()

# AppTest runs draw every figure with plotly.js, whose specification the tests read: the landing
# page's static figures (app/static_charts.py) would replace them once a background render ends,
# at a moment no test chooses. Their own tests turn them on; the served app has them, as in
# production (ServedApp), and the shared server waits until they are drawn (app_url).
os.environ["FABRIQUES_STATIC_FIGURES"] = "0"


def run_app(page: str = "dashboard.py", query: dict | None = None, timeout: int = 60):
    """Run the dashboard (or a page through it) once in AppTest with URL parameters."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / page), default_timeout=timeout)
    for key, value in (query or {}).items():
        app.query_params[key] = value
    return app.run()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServedApp:
    """The app started with the README's command (`make run`) on a free port."""

    def __init__(self, env: dict | None = None, port: int | None = None):
        # A port chosen beforehand when something else must know it first (an identity
        # provider registers the app's redirect URI before the app starts).
        self.port = port or _free_port()
        self.url = f"http://localhost:{self.port}"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.log = ARTIFACTS / f"server-{self.port}.log"
        self.process = subprocess.Popen(
            ["make", "--no-print-directory", "run", f"PORT={self.port}"], cwd=ROOT,
            # No warm-up of every région at start (app/web/warm_start.py): the test machine's
            # CPU goes to the tests; tests/test_warm_start.py starts one with it. The browser
            # tests are one client doing the work of many visitors: the map's files are not
            # rate-limited for it (the limit is tested in tests/test_static_points.py).
            env={**os.environ, "FABRIQUES_WARM_AT_START": "0", "FABRIQUES_POINTS_RATE_LIMIT": "100000",
                 "FABRIQUES_STATIC_FIGURES": "1", **(env or {})},
            stdout=self.log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.time() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            if self.process.poll() is not None or time.time() > deadline:
                self.stop()
                raise RuntimeError(f"le serveur n'a pas démarré : {self.log.read_text()[-2000:]}")
            time.sleep(0.5)

    def wait_for_static_figures(self, timeout: float = 180) -> None:
        """Until the server says the landing page's static figures are drawn (or could not be):
        from then on "/" shows them to every visitor (app/static_charts.py)."""
        from app import static_charts

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            log = self.log.read_text(errors="replace")
            if static_charts.READY_LOG in log:
                return
            if static_charts.FAILED_LOG in log:
                raise RuntimeError(f"figures statiques impossibles : {log[-2000:]}")
            time.sleep(0.5)
        raise RuntimeError(f"figures statiques non dessinées en {timeout} s : {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def app_url():
    """The app on the shipped extracts of data/."""
    served = ServedApp()
    try:
        served.wait_for_static_figures()
    except RuntimeError:
        served.stop()
        raise
    yield served.url
    served.stop()


def copy_data(destination: Path, mutate_laureates=None) -> Path:
    """A copy of data/ (extracts + manifest) in which a test may change the laureates.

    mutate_laureates(frame) -> frame; the manifest's data version is kept so that the app
    loads the copy as it would the original (the cache key includes the folder).
    """
    import shutil

    import pandas as pd

    destination.mkdir(parents=True, exist_ok=True)
    for path in (ROOT / "data").glob("*.parquet"):
        shutil.copy(path, destination / path.name)
    shutil.copy(ROOT / "data" / "manifest.json", destination / "manifest.json")
    if mutate_laureates is not None:
        frame = mutate_laureates(pd.read_parquet(destination / "laureates.parquet"))
        frame.to_parquet(destination / "laureates.parquet", index=False)
    return destination


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_page(browser, width: int = 1440, height: int = 1000, **options):
    """A page in a new French context; `page.dialogs` collects any JS dialog (XSS checks)."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR", **options)
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    return page


@pytest.fixture
def page(browser):
    page = new_page(browser)
    yield page
    page.context.close()


def wait_for_app(page, timeout: int = 60_000) -> None:
    """Wait until Streamlit has finished running the script (the app root says so in its
    data-test-script-state attribute) and every plotly chart has drawn."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelectorAll('[data-testid=\"stMainBlockContainer\"] *').length > 20",
        timeout=timeout,
    )
    # Every plotly chart on the page has drawn its SVG (plotly draws after the element mounts).
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')].every(p => p.querySelector('.main-svg'))",
        timeout=timeout,
    )


def run_coroutine(coroutine):
    """Run an ASGI call to its end in a thread of its own: a worker that has driven a browser
    holds Playwright's event loop in its main thread, where asyncio.run() is refused."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def wait_until(page, condition, what: str, timeout: float = 30.0) -> None:
    """Poll a condition read on the Python side (a screenshot's pixels, a count) until it holds;
    fail naming what was awaited. For what the DOM cannot tell, such as a WebGL canvas drawn."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"délai dépassé ({timeout:.0f} s) : {what}")
        page.wait_for_timeout(100)


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def announcement_data(filters, today):
    """The data of the slides, the deck and the press kit for a filter, built by the model the
    pages use (models/presentation.py), so that tests read what users download."""
    from models import presentation
    from models import scope as scopes

    return presentation.slide_data(scopes.of(filters), today)
