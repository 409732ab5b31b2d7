"""Server-side script time, measured where Streamlit runs the script, and small statistics.

AppTest's `run()` returns after its main thread has polled the script thread with sleeps,
so a stopwatch around `run()` mostly measures that polling. We time instead the script
runner's own `_run_script` (the method the real server calls in its script thread for every
rerun: widget callbacks, the exec of dashboard.py and its page, the cleanup that follows),
on the script thread itself. Pages and the one-line baseline are measured the same way.
"""
from __future__ import annotations

import math
import statistics
import threading
import time
from contextlib import contextmanager

from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.runtime.scriptrunner.script_runner import ScriptRunner


class ScriptTimer:
    """Durations (seconds) of every script run since the timer was installed."""

    def __init__(self):
        self.durations: list[float] = []
        self.cpu: list[float] = []  # CPU time of the script thread, for information
        self._lock = threading.Lock()

    def record(self, seconds: float, cpu_seconds: float = 0.0) -> None:
        with self._lock:
            self.durations.append(seconds)
            self.cpu.append(cpu_seconds)

    def mark(self) -> int:
        return len(self.durations)

    def since(self, mark: int) -> float:
        """Server time of the runs recorded after `mark` (a st.rerun() makes two runs)."""
        with self._lock:
            runs = self.durations[mark:]
        if not runs:
            raise RuntimeError("aucune exécution de script mesurée")
        return sum(runs)

    def cpu_since(self, mark: int) -> float:
        with self._lock:
            return sum(self.cpu[mark:])


@contextmanager
def server_bytecode_cache():
    """Compile each script once per process, as the server does.

    The server keeps one ScriptCache for its lifetime: dashboard.py and a page are read,
    rewritten for "magic" and compiled on their first run only. AppTest builds a new
    ScriptCache for every run, so without this each timed rerun would also pay 10 to 20 ms
    of compilation that no user ever waits for (pyinstrument: ast._fix under Page.run).
    """
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    saved = app_test.ScriptCache, local_script_runner.ScriptCache
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared
    try:
        yield shared
    finally:
        app_test.ScriptCache, local_script_runner.ScriptCache = saved


@contextmanager
def script_timer(before_run=None):
    """Patch ScriptRunner._run_script for the duration of the block (one process).

    before_run(), if given, is called in the script thread just before the timed run.
    """
    timer = ScriptTimer()
    original = ScriptRunner._run_script
    bytecode = server_bytecode_cache()
    bytecode.__enter__()

    def timed_run_script(self, rerun_data):
        if before_run is not None:
            before_run()
        start, start_cpu = time.perf_counter(), time.thread_time()
        try:
            return original(self, rerun_data)
        finally:
            timer.record(time.perf_counter() - start, time.thread_time() - start_cpu)

    ScriptRunner._run_script = timed_run_script
    try:
        yield timer
    finally:
        ScriptRunner._run_script = original
        bytecode.__exit__(None, None, None)


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def percentile(samples: list[float], share: float) -> float:
    """Nearest-rank percentile (share in 0..1): a value that was really observed."""
    if not samples:
        raise ValueError("aucune mesure")
    if not 0 < share <= 1:
        raise ValueError(f"part hors de ]0, 1] : {share}")
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]
