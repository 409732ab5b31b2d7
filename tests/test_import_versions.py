"""Versions: a kill in the middle of an import leaves the previous version in service and
loadable; a full round trip import -> every page shows the new totals -> rollback."""
from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import signal
import subprocess
import sys

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, copy_data
from pipeline import import_workflow, importer, versions
from pipeline.import_workflow import ImportRequest

# Three new fabriques in real communes: Rennes, Guéret, Saint-Denis (La Réunion).
NEW_FABRIQUES = [("fabt-383", "35238", "Tiers-lieu de la gare", "Rennes"),
                 ("fabt-384", "23096", "Fabrique du Limousin", "Guéret"),
                 ("fabt-385", "97411", "Fabrique de Saint-Denis", "Saint-Denis")]


def list_with_new_fabriques(directory, path):
    laureates = pd.read_parquet(directory / "laureates.parquet")
    frame = pd.DataFrame({"id_territoire": laureates.fabrique_id, "id_geo": laureates.commune_code,
                          "lib_territoire": laureates["name"], "lib_geo": laureates.commune_name})
    frame = pd.concat([frame, pd.DataFrame(NEW_FABRIQUES, columns=frame.columns)], ignore_index=True)
    frame.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    return path


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def national_count(directory) -> int:
    """The count the dashboard shows, read through the loader in a fresh process."""
    code = ("from queries import run; print(int(run('headline_counts', region=None, departement=None, epci=None, "
            "territoire=None, rural_definition='insee').fabriques.iloc[0]))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "FABRIQUES_DATA_DIR": str(directory)}, timeout=120)
    assert result.returncode == 0, result.stderr
    return int(result.stdout.strip())


# The command-line import, with os.replace made to stop (announce, then sleep) before renaming
# the target: the test kills the process there. The fault is injected here, not in the code.
PAUSED_IMPORT = """
import fnmatch, os, sys, time
from pipeline import importer, versions
target, real_replace = sys.argv[1], os.replace
def paused_replace(source, destination):
    relative = os.path.relpath(destination, sys.argv[2])
    if fnmatch.fnmatch(relative, target):
        print("pause avant renommage : " + relative, file=sys.stderr, flush=True)
        time.sleep(600)
    real_replace(source, destination)
versions.os.replace = paused_replace
sys.exit(importer.main([sys.argv[3], "--yes", "--user", "test", "--source", "ANCT", "--data-dir", sys.argv[2]]))
"""


@pytest.mark.parametrize("target", ["versions/*/laureates.parquet", "manifest.json"])
def test_kill_between_temporary_file_and_rename_keeps_previous_version(tmp_path, target):
    data_dir = copy_data(tmp_path / "data")
    listing = list_with_new_fabriques(data_dir, tmp_path / "liste.csv")
    manifest_before = sha(data_dir / "manifest.json")
    process = subprocess.Popen(
        [sys.executable, "-c", PAUSED_IMPORT, target, str(data_dir), str(listing)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        # readline blocks until the pause is announced (the process sleeps there for minutes).
        line = process.stderr.readline()
        while line and not line.startswith("pause avant renommage :"):
            line = process.stderr.readline()
        paused_at = line.split(":", 1)[1].strip()
        assert fnmatch.fnmatch(paused_at, target), paused_at
        assert list(data_dir.glob(".*.tmp")), "le fichier temporaire devrait exister"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    assert sha(data_dir / "manifest.json") == manifest_before
    assert national_count(data_dir) == 382
    assert versions.read_history(data_dir) == []
    # The next import clears the orphan temporary file and succeeds.
    assert importer.main([str(listing), "--yes", "--user", "test", "--source", "ANCT", "--data-dir", str(data_dir)]) == 0
    assert not list(data_dir.glob(".*.tmp"))
    assert national_count(data_dir) == 385


def test_crash_in_write_leaves_no_partial_file(tmp_path, monkeypatch):
    data_dir = copy_data(tmp_path / "data")
    manifest_before = sha(data_dir / "manifest.json")

    def failing_replace(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(versions.os, "replace", failing_replace)
    with pytest.raises(OSError):
        versions.atomic_write(data_dir, data_dir / "manifest.json", b"{}")
    assert sha(data_dir / "manifest.json") == manifest_before
    assert not list(data_dir.glob(".*.tmp"))


def metric_values(at) -> list[str]:
    return [metric.value for metric in at.metric]


def page_metrics(page: str) -> dict[str, str]:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    if page != "pages/synthese.py":
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return {metric.label: metric.value for metric in at.metric}


def test_round_trip_import_then_rollback(tmp_path, monkeypatch):
    data_dir = copy_data(tmp_path / "data")
    monkeypatch.setenv("FABRIQUES_DATA_DIR", str(data_dir))
    base = versions.read_manifest(data_dir)
    listing = list_with_new_fabriques(data_dir, tmp_path / "liste-vague-10.csv")

    candidate = import_workflow.preview(listing.name, listing.read_bytes(), data_dir)
    assert candidate.added.fabrique_id.tolist() == ["fabt-383", "fabt-384", "fabt-385"]
    assert candidate.removed.empty and candidate.changed.empty
    totals = candidate.totals.set_index("key")
    assert (totals.at["total_2021", "before"], totals.at["total_2021", "after"]) == (382, 385)
    entry = import_workflow.apply(candidate, data_dir, ImportRequest("agent", source="ANCT"))

    imported = versions.read_manifest(data_dir)
    assert imported["previous_version"] == base["data_version"]
    assert imported["extracts"]["laureates"]["file"] == f"versions/{imported['data_version']}/laureates.parquet"
    assert imported["extracts"]["communes"] == base["extracts"]["communes"]  # unchanged extracts keep their path
    assert json.loads(versions.archived_manifest_path(data_dir, base["data_version"]).read_text()) == base
    assert entry["added"] == ["fabt-383", "fabt-384", "fabt-385"] and entry["totals"]["total_2021"] == 385

    assert page_metrics("pages/synthese.py")["Fabriques dans la liste"] == "385"
    assert page_metrics("pages/territoires.py")["Fabriques dans le périmètre"] == "385"
    assert page_metrics("pages/carte.py")["Fabriques"] == "385"

    versions.rollback(data_dir, base["data_version"], "agent")
    assert versions.read_manifest(data_dir) == base
    assert page_metrics("pages/synthese.py")["Fabriques dans la liste"] == "382"
    assert page_metrics("pages/territoires.py")["Fabriques dans le périmètre"] == "382"
    assert page_metrics("pages/carte.py")["Fabriques"] == "382"

    # Both versions stay available; the history says who did what, in order.
    listed = versions.list_versions(data_dir)
    assert [(row["version"], row["is_current"]) for row in listed] == [
        (base["data_version"], True), (imported["data_version"], False)]
    assert [(e["action"], e["to_version"]) for e in versions.read_history(data_dir)] == [
        ("import", imported["data_version"]), ("retour_arriere", base["data_version"])]
    # And the import can be put back the same way.
    versions.rollback(data_dir, imported["data_version"], "agent")
    assert versions.read_manifest(data_dir)["extracts"]["laureates"]["rows"] == 385


def test_rollback_refuses_a_tampered_version(tmp_path):
    data_dir = copy_data(tmp_path / "data")
    base = versions.read_manifest(data_dir)
    listing = list_with_new_fabriques(data_dir, tmp_path / "liste.csv")
    import_workflow.apply(import_workflow.preview(listing.name, listing.read_bytes(), data_dir), data_dir, ImportRequest("agent", source="ANCT"))
    versions.rollback(data_dir, base["data_version"], "agent")
    imported = versions.list_versions(data_dir)[-1]["manifest"]
    (data_dir / imported["extracts"]["laureates"]["file"]).write_bytes(b"abime")
    with pytest.raises(versions.VersionError, match="a été modifié depuis son import"):
        versions.rollback(data_dir, imported["data_version"], "agent")
    assert versions.read_manifest(data_dir) == base


def test_preview_made_on_an_older_version_is_refused(tmp_path):
    data_dir = copy_data(tmp_path / "data")
    listing = list_with_new_fabriques(data_dir, tmp_path / "liste.csv")
    first = import_workflow.preview(listing.name, listing.read_bytes(), data_dir)
    second = import_workflow.preview(listing.name, listing.read_bytes(), data_dir)
    import_workflow.apply(first, data_dir, ImportRequest("agent", source="ANCT"))
    with pytest.raises(versions.VersionError, match="Les données ont changé depuis l'aperçu"):
        import_workflow.apply(second, data_dir, ImportRequest("autre agent", source="ANCT"))
    assert len(versions.read_history(data_dir)) == 1


def test_wave_and_date_given_by_the_list_replace_the_inference(tmp_path):
    data_dir = copy_data(tmp_path / "data")
    listing = list_with_new_fabriques(data_dir, tmp_path / "liste.csv")
    frame = pd.read_csv(listing, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    frame["vague"] = ""
    frame["date"] = ""
    frame.loc[frame.id_territoire.isin(["fabt-383", "fabt-384", "fabt-385"]), ["vague", "date"]] = ["10", "28/10/2024"]
    frame.to_csv(listing, sep=";", index=False)
    candidate = import_workflow.preview(listing.name, listing.read_bytes(), data_dir)
    new = candidate.laureates.set_index("fabrique_id").loc["fabt-384"]
    assert (new.wave_label, str(new.wave_date), new.wave_is_inferred) == ("Vague 10", "2024-10-28", False)
    old = candidate.laureates.set_index("fabrique_id").loc["fabt-01"]
    assert (old.wave_label, bool(old.wave_is_inferred)) == ("Vague 1 (3 février 2020)", True)


def test_preview_lists_changed_fabriques_field_by_field(tmp_path):
    data_dir = copy_data(tmp_path / "data")
    listing = list_with_new_fabriques(data_dir, tmp_path / "liste.csv")
    frame = pd.read_csv(listing, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    frame.loc[frame.id_territoire == "fabt-05", "lib_territoire"] = "Nouveau nom"
    frame.loc[frame.id_territoire == "fabt-06", ["id_geo", "lib_geo"]] = ["35238", "Rennes"]
    frame = frame[frame.id_territoire != "fabt-07"]
    frame.to_csv(listing, sep=";", index=False)
    candidate = import_workflow.preview(listing.name, listing.read_bytes(), data_dir)
    changes = {(row.fabrique_id, row.field) for row in candidate.changed.itertuples()}
    assert changes == {("fabt-05", "nom"), ("fabt-06", "commune"), ("fabt-06", "point")}
    assert candidate.removed.fabrique_id.tolist() == ["fabt-07"]
    assert not candidate.needs_removal_confirmation  # 1 of 382 is under the 10 % share
    moved = candidate.laureates.set_index("fabrique_id").loc["fabt-06"]
    assert (moved.dep_code, bool(moved.point_is_fallback)) == ("35", True)
