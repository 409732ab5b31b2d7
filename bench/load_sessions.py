"""The simulated users of make load (bench/load.py): one who arrives by a shared link and
clicks the filters, one who clicks and closes the tab at once, and the caps they share.
"""
from __future__ import annotations

import random
import threading
import time

from services.loopback_session import StreamlitSession

PAGES = ["", "carte"]  # Synthèse and Carte: the two pages a shared link opens most


class Budget:
    """The hard caps shared by every session of a level."""

    def __init__(self, deadline_s: float, max_requests: int):
        self.deadline = time.monotonic() + deadline_s
        self.max_requests = max_requests
        self.requests = 0
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if time.monotonic() > self.deadline or self.requests >= self.max_requests:
                return False
            self.requests += 1
            return True


class Outcome:
    def __init__(self):
        self.latencies: list[float] = []
        self.loads: list[float] = []
        self.errors: list[str] = []
        self.stickiness: list[tuple[str | None, str | None]] = []
        self.capped = False
        self._lock = threading.Lock()

    def add_load(self, seconds: float) -> None:
        with self._lock:
            self.loads.append(seconds)

    def add(self, seconds: float | None = None, error: str | None = None) -> None:
        with self._lock:
            if seconds is not None:
                self.latencies.append(seconds)
            if error is not None:
                self.errors.append(error)


def arrival_link(index: int, rng: random.Random, region_codes: list[str]) -> tuple[str, str]:
    """(page, query string) of a shared link: / or /carte, a third of them for a région."""
    page = PAGES[index % len(PAGES)]
    return page, (f"region={rng.choice(region_codes)}" if region_codes and index % 3 == 2 else "")


def user_session(url: str, index: int, interactions: int, budget: Budget, outcome: Outcome,
                 connected: threading.Barrier | None, seed: int, delay: float = 0.0,
                 region_codes: list[str] | None = None) -> None:
    rng = random.Random(seed * 1000 + index)
    page, query = arrival_link(index, rng, region_codes or [])
    session = StreamlitSession(url, page=page, query_string=query)
    time.sleep(delay)
    try:
        if not budget.take():
            outcome.capped = True
            return
        start = time.perf_counter()
        session.open()
        first = session.rerun()
        outcome.add_load(time.perf_counter() - start)  # HTTP page + websocket + first run
        outcome.stickiness.append((session.upstream_http, session.upstream_ws))
        for problem in first.exceptions:
            outcome.add(error=f"session {index}, chargement : {problem}")
        for _ in range(interactions):
            if not budget.take():
                outcome.capped = True
                break
            choose_filter(session, rng)
            result = session.rerun()
            outcome.add(seconds=result.seconds)
            for problem in result.exceptions:
                outcome.add(error=f"session {index} : {problem}")
    except Exception as error:  # every failure of a session is an error of the run
        outcome.add(error=f"session {index} : {type(error).__name__}: {error}")
    finally:
        if connected is not None:
            try:
                connected.wait(timeout=max(1.0, budget.deadline - time.monotonic()))
            except threading.BrokenBarrierError:
                pass
        session.close()


def choose_filter(session: StreamlitSession, rng: random.Random) -> None:
    """A new région, sometimes a département of it, sometimes a territory type."""
    regions = session.widgets["filter_region"].options
    session.choose("filter_region", rng.choice(regions))
    session.choose("filter_departement", session.widgets["filter_departement"].options[0])
    session.choose("filter_territoire", rng.choice(session.widgets["filter_territoire"].options))


def leaving_session(url: str, index: int, budget: Budget, outcome: Outcome, seed: int) -> None:
    """Opens, clicks a new filter and closes the tab at once: the run is cut mid-way."""
    rng = random.Random(seed * 7 + index)
    session = StreamlitSession(url, page="carte")
    try:
        if not (budget.take() and budget.take()):
            outcome.capped = True
            return
        session.open()
        session.rerun()
        choose_filter(session, rng)
        session.send_rerun_and_leave()
    except Exception as error:
        outcome.add(error=f"session qui part {index} : {type(error).__name__}: {error}")
