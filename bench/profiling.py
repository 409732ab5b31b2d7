"""Where a page's server time goes: pyinstrument on the script thread of one rerun."""
from __future__ import annotations

from contextlib import contextmanager

from streamlit.runtime.scriptrunner.script_runner import ScriptRunner


@contextmanager
def profiled_runs(profiles: list):
    """Each script run inside the block is profiled; its text report is appended."""
    from pyinstrument import Profiler

    original = ScriptRunner._run_script

    def run_script(self, rerun_data):
        profiler = Profiler(async_mode="disabled", interval=0.001)
        profiler.start()
        try:
            return original(self, rerun_data)
        finally:
            profiler.stop()
            profiles.append(profiler.output_text(unicode=False, color=False, show_all=False))

    ScriptRunner._run_script = run_script
    try:
        yield
    finally:
        ScriptRunner._run_script = original


def top_lines(report: str, count: int = 40) -> str:
    """The head of a report: the call tree down to the frames that cost the most."""
    return "\n".join(report.splitlines()[:count])
