"""Re-importing the dashboard's own export of the full list (the Lauréats page's CSV and XLSX
downloads) is an identity: no remark, no change. Before the import reader recognised the
export's layout, the CSV gave 383 remarks and 41 changed points, and the XLSX was refused."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

import queries
from conftest import copy_data
from pipeline.import_files import read_table
from pipeline.import_workflow import preview
from views import exports
from views import laureats as lv
from domain.territory_types import DEFAULT_RURAL_DEFINITION

ALL = {"region": None, "departement": None, "epci": None, "territoire": None, "rural_definition": DEFAULT_RURAL_DEFINITION}


def full_list_exports() -> dict[str, bytes]:
    """The two downloads of the Lauréats page, unfiltered, in its default order."""
    found = lv.sort_laureates(queries.run("laureates_list", **ALL, search=None), next(iter(lv.SORTS)))
    table = lv.laureates_table(found, ALL["rural_definition"])
    about = exports.about_rows("France entière", None, lv.SORTS[next(iter(lv.SORTS))], len(table),
                               "version", "source", date.today(), ALL["rural_definition"])
    return {"liste.csv": exports.csv_bytes(table), "liste.xlsx": exports.xlsx_bytes(table, about)}


@pytest.mark.parametrize("file_name", ["liste.csv", "liste.xlsx"])
def test_export_of_the_full_list_reimports_as_an_identity(tmp_path, monkeypatch, file_name):
    data_dir = copy_data(tmp_path / "data")
    monkeypatch.setenv("FABRIQUES_DATA_DIR", str(data_dir))
    content = full_list_exports()[file_name]
    assert read_table(file_name, content).is_export
    candidate = preview(file_name, content, data_dir)
    assert [p.text() for p in candidate.problems] == []
    assert candidate.added.empty and candidate.removed.empty
    assert candidate.changed.empty, candidate.changed.to_string()
    assert candidate.is_unchanged
    assert len(candidate.laureates) == 382


def with_formula_like_names(frame: pd.DataFrame) -> pd.DataFrame:
    frame.loc[0, "name"] = "=1+1 Fabrique"
    frame.loc[1, "name"] = "-Fabrique du tiret"
    frame.loc[2, "name"] = "'Fabrique entre apostrophes'"  # kept: not put there by the export
    return frame


@pytest.mark.parametrize("file_name", ["liste.csv", "liste.xlsx"])
def test_export_neutralisation_is_undone_only_where_the_export_added_it(tmp_path, monkeypatch, file_name):
    data_dir = copy_data(tmp_path / "data", with_formula_like_names)
    monkeypatch.setenv("FABRIQUES_DATA_DIR", str(data_dir))
    content = full_list_exports()[file_name]
    if file_name.endswith(".csv"):
        assert "'=1+1 Fabrique".encode() in content  # the export did neutralise it
    candidate = preview(file_name, content, data_dir)
    assert candidate.changed.empty, candidate.changed.to_string()
    names = candidate.laureates.set_index("fabrique_id")["name"]
    assert names["fabt-01"] == "=1+1 Fabrique"
    assert names["fabt-02"] == "-Fabrique du tiret"
    assert names["fabt-03"] == "'Fabrique entre apostrophes'"
    # Only the names that start like a formula are remarked on (kept as text, never run).
    assert {p.row for p in candidate.problems} == {2, 3}
    assert all(not p.blocking for p in candidate.problems)


def test_a_csv_that_is_not_the_export_keeps_its_apostrophes():
    content = "id_territoire;id_geo;lib_territoire\r\nfabt-01;35238;'=1+1\r\n".encode()
    table = read_table("liste.csv", content)
    assert not table.is_export
    assert table.rows[0][1][2] == "'=1+1"
