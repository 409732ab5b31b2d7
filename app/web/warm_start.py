"""Warm at start: the national view and each région are computed before the first visitor asks.

A startup step (STARTUP) only starts a background thread and returns: the server starts
listening and answers its health check at once. The thread waits for that health check,
then opens one loopback session per (filter, page) — the national view first, then each
région, then each of them with a type de territoire (the sidebar's next click) —, as a
browser would (services/loopback_session.py). Each run fills the query cache
and the page models (models/store.py) that a visitor's first run then
only sends. The sessions run one after the other, in one script thread at a time, and each
waits until visitors have been quiet for QUIET_S (app/web/visitor_activity.py): Python runs
one thread at a time, so a visitor arriving meanwhile would otherwise share the interpreter
with the warm-up for the whole of their first visit. A visitor now waits for the one page run
under way at most. Under a steady crowd, a page is still warmed every MAX_YIELD_S.

FABRIQUES_WARM_AT_START=0 turns it off (the browser tests' servers, whose CPU the shared test
machine needs); =national warms the national view only.
"""
from __future__ import annotations

import gc
import logging
import os
import threading
import time
import urllib.request
from dataclasses import dataclass, field

import streamlit as st

from app.web import STARTUP, visitor_activity
from domain.territory_types import FILTERABLE_TERRITORY_TYPES

ENV_SWITCH = "FABRIQUES_WARM_AT_START"
# The pages a shared link opens; each computes the figures of its filter (Présentation: every
# slide at once).
PAGES = ("", "territoires", "carte", "laureats", "presentation")
# With a type de territoire too, except Présentation: its slide sets are the heaviest entries of
# the model store (models/store.py MAX_LARGE_ENTRIES), and a type is not what one presents.
TYPED_PAGES = tuple(page for page in PAGES if page != "presentation")
HEALTH_WAIT_S = 120
RUN_TIMEOUT_S = 120
QUIET_S = 1.5  # visitors' silence before the next warm-up run (their page's last files, a click)
MAX_YIELD_S = 30.0
LOG = logging.getLogger("fabriques.warm_start")


@dataclass
class WarmReport:
    """What the warm-up did, for the log and the tests."""
    runs: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    yielded_s: float = 0.0  # of which waiting for visitors to be quiet
    per_page: dict[str, float] = field(default_factory=dict)  # seconds of the runs, by page
    done: threading.Event = field(default_factory=threading.Event)


REPORT = WarmReport()


def mode() -> str:
    """"all" (the default), "national" or "off", from FABRIQUES_WARM_AT_START."""
    value = os.environ.get(ENV_SWITCH, "all").strip().lower()
    if value in {"0", "off", "false", "non", "no", ""}:
        return "off"
    return "national" if value == "national" else "all"


def plan(region_codes: list[str], territory_types: list[str] | tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(page, query string) in the order they are warmed: national first, then each région,
    then each of these with each type de territoire."""
    scopes = ["", *(f"region={code}" for code in region_codes)]
    typed = [f"{scope}&territoire={kind}".lstrip("&") for scope in scopes for kind in territory_types]
    return ([(page, query) for query in scopes for page in PAGES]
            + [(page, query) for query in typed for page in TYPED_PAGES])


def server_url() -> str | None:
    """Where this process listens, seen from itself (loopback); None if not on loopback."""
    address = st.config.get_option("server.address") or "127.0.0.1"
    if address in {"0.0.0.0", "::", "localhost"}:
        address = "127.0.0.1"
    if address != "127.0.0.1":
        return None  # bound to another interface only: no loopback session possible
    base = (st.config.get_option("server.baseUrlPath") or "").strip("/")
    return f"http://127.0.0.1:{st.config.get_option('server.port')}" + (f"/{base}" if base else "")


def _wait_healthy(url: str) -> bool:
    deadline = time.monotonic() + HEALTH_WAIT_S
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.2)
    return False


def _region_codes() -> list[str]:
    import queries

    options = queries.run("filter_options")
    return sorted(options.reg_code.dropna().astype(str).unique())


def warm(url: str, report: WarmReport = REPORT) -> WarmReport:
    """Run every (page, filter) of the plan once on the server at `url`."""
    from services.loopback_session import StreamlitSession

    start = time.perf_counter()
    try:
        if not _wait_healthy(url):
            report.errors.append(f"{url} ne répond pas après {HEALTH_WAIT_S} s")
            return report
        steps = (plan(_region_codes(), FILTERABLE_TERRITORY_TYPES) if mode() == "all" else plan([]))
        for page, query in steps:
            report.yielded_s += yield_to_visitors()
            session = StreamlitSession(url, page=page, query_string=query, timeout=RUN_TIMEOUT_S)
            session.headers[visitor_activity.WARM_UP_HEADER] = "1"  # not a visitor to yield to
            step_start = time.perf_counter()
            try:
                result = session.open().rerun()
                report.errors.extend(f"/{page}?{query} : {problem}" for problem in result.exceptions)
                report.runs += 1
            except Exception as error:  # a failed warm-up run must never stop the server
                report.errors.append(f"/{page}?{query} : {type(error).__name__}: {error}")
            finally:
                elapsed = time.perf_counter() - step_start
                report.per_page[page] = report.per_page.get(page, 0.0) + elapsed
                session.close()
    except Exception as error:
        report.errors.append(f"{type(error).__name__}: {error}")
    finally:
        settle_the_warmed_heap()
        report.seconds = time.perf_counter() - start
        LOG.warning("Préchauffage : %d pages calculées en %.0f s (dont %.0f s cédées aux visiteurs), "
                    "%d erreur(s)%s", report.runs, report.seconds, report.yielded_s, len(report.errors),
                    "" if not report.errors else " — " + " ; ".join(report.errors[:3]))
        LOG.warning("Préchauffage, secondes par page : %s", ", ".join(
            f"/{page} {seconds:.1f}" for page, seconds in sorted(report.per_page.items(), key=lambda item: -item[1])))
        report.done.set()
    return report


def yield_to_visitors(activity: visitor_activity.Activity = visitor_activity.ACTIVITY,
                      quiet_s: float = QUIET_S, max_wait_s: float = MAX_YIELD_S,
                      clock=time.monotonic, sleep=time.sleep) -> float:
    """Wait until visitors have been quiet for quiet_s, or max_wait_s at most; the seconds waited."""
    start = clock()
    while True:
        quiet, waited = activity.quiet_for(), clock() - start
        if quiet >= quiet_s or waited >= max_wait_s:
            return waited
        sleep(max(0.02, min(quiet_s - quiet, max_wait_s - waited)))


def settle_the_warmed_heap() -> None:
    """What the warm-up built (queries' results, figures, tables: the process's working set) is
    moved out of the garbage collector's reach. Python's full collections walk every live
    object; with the caches filled, one took 140 to 290 ms under the interpreter lock, and
    one fell on a visitor's page now and then (make load: a p95 of 450 to 780 ms against a
    p50 of 80). Frozen objects are still freed by their reference count; only a cycle among
    them would outlive its use, and the caches keep them for the life of the process anyway.
    """
    gc.collect()
    gc.freeze()


def start_warming() -> None:
    """The startup step: a daemon thread, so that the server never waits for it."""
    if mode() == "off":
        return
    url = server_url()
    if url is None:
        LOG.warning("Préchauffage désactivé : le serveur n'écoute pas sur la boucle locale.")
        return
    threading.Thread(target=warm, args=(url,), name="fabriques-warm-start", daemon=True).start()


STARTUP.append(start_warming)
