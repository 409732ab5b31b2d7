"""`make run` serves as production does (issue 25): how the server serves lives in one place,
.streamlit/config.toml, read by `make run` and by the systemd unit of docs/deploy.md alike;
`make dev` alone turns the file watcher on."""
from __future__ import annotations

import re
import shlex
import tomllib

from conftest import ROOT

CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))


def make_recipe(target: str) -> str:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(rf"^{target}:[^\n]*\n((?:\t[^\n]*\n)+)", makefile, re.MULTILINE)
    assert match, f"pas de cible {target} dans le Makefile"
    return match.group(1)


def options(command: str) -> dict[str, str]:
    words = shlex.split(command.replace("$(PY)", "python").replace("$(PORT)", "8501"))
    return {word[2:]: value for word, value in zip(words, words[1:]) if word.startswith("--server.")}


def unit_command() -> str:
    deploy = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    (line,) = re.findall(r"^ExecStart=(.*)$", deploy, re.MULTILINE)
    return line


def test_the_config_serves_without_file_watcher():
    assert CONFIG["server"]["fileWatcherType"] == "none"
    assert CONFIG["server"]["runOnSave"] is False
    assert CONFIG["server"]["headless"] is True


def test_make_run_and_the_unit_start_the_same_module_without_overriding_the_config():
    run, unit = make_recipe("run"), unit_command()
    assert "-m app.serve" in run and "-m app.serve" in unit
    assert set(options(run)) == {"server.port"}
    assert set(options(unit)) == {"server.port", "server.address"}  # where it listens, nothing else


def test_make_dev_alone_turns_the_watcher_on():
    dev = options(make_recipe("dev"))
    assert dev["server.fileWatcherType"] == "auto" and dev["server.runOnSave"] == "true"


def test_the_readme_names_both_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make dev" in readme and "make soak" in readme
