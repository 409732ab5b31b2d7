"""The build step: reproducible, and loud about malformed sources."""
import json
import shutil

import pytest

from conftest import ROOT
from pipeline import build
from pipeline.sources import SourceError

SOURCES = ROOT / "data" / "sources"


def test_rebuild_gives_the_committed_extracts(tmp_path):
    first = build.write_extracts(build.build_all(SOURCES), tmp_path / "a", SOURCES)
    second = build.write_extracts(build.build_all(SOURCES), tmp_path / "b", SOURCES)
    assert first == second
    committed = json.loads((ROOT / "data" / "manifest.json").read_text())
    assert first["data_version"] == committed["data_version"], "run `make data` and commit data/"


@pytest.fixture
def sources_copy(tmp_path):
    copy = tmp_path / "sources"
    shutil.copytree(SOURCES, copy)
    return copy


def _edit_fabriques(folder, edit):
    path = folder / "anct_fabt_geom_2024-01.geojson"
    collection = json.loads(path.read_text())
    edit(collection["features"])
    path.write_text(json.dumps(collection))


def _duplicate_id(features):
    features[1]["properties"]["id_territoire"] = features[0]["properties"]["id_territoire"]


def _unknown_commune(features):
    features[5]["properties"]["id_geo"] = "99999"


def _point_outside(features):
    features[3]["geometry"]["coordinates"] = [-30.0, 40.0]  # the Atlantic, off the Azores


def _point_in_wrong_departement(features):
    features[0]["geometry"]["coordinates"] = [-4.1, 48.0]  # Finistère, for a commune of the Ain


@pytest.mark.parametrize(
    "edit, expected",
    [
        (_duplicate_id, "identifiant en double"),
        (_unknown_commune, "commune inconnue '99999'"),
        (_point_outside, "hors de son département"),
        (_point_in_wrong_departement, "hors de son département 01"),
    ],
)
def test_malformed_fabrique_list_names_file_and_entity(sources_copy, edit, expected):
    _edit_fabriques(sources_copy, edit)
    with pytest.raises(SourceError) as error:
        build.build_all(sources_copy)
    assert "anct_fabt_geom_2024-01.geojson, entité" in str(error.value)
    assert expected in str(error.value)


def test_departement_in_unknown_region_is_refused(sources_copy):
    path = sources_copy / "anct_departements_2023_4326.geojson"
    collection = json.loads(path.read_text())
    collection["features"][0]["properties"]["insee_reg"] = "99"
    path.write_text(json.dumps(collection))
    with pytest.raises(SourceError, match="anct_departements_2023_4326.geojson : région inconnue"):
        build.build_all(sources_copy)


def _edit_census_line_2(sources_copy, old, new):
    path = sources_copy / "CGET_TiersLieux_2019_sans_contacts.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[1]
    lines[1] = lines[1].replace(old, new)
    path.write_text("".join(lines), encoding="utf-8")


def test_census_code_contradicted_by_its_point_takes_the_departement_of_the_point(sources_copy):
    _edit_census_line_2(sources_copy, ",52,Pays de la Loire,44109,44,", ",52,Pays de la Loire,44109,99,")
    census = build.build_all(sources_copy)["tiers_lieux_2019"].set_index("tiers_lieu_id")
    assert (census.at[1, "dep_code"], census.at[1, "reg_code"]) == ("44", "52")
    assert census.at[1, "dep_code_in_source"] == "99" and census.at[1, "dep_from_point"]


def test_census_point_outside_every_departement_names_its_line(sources_copy):
    _edit_census_line_2(sources_copy, ",47.245935,-1.505602,", ",40.0,-20.0,")
    _edit_census_line_2(sources_copy, ",52,Pays de la Loire,44109,44,", ",52,Pays de la Loire,44109,99,")
    with pytest.raises(SourceError, match=r"CGET_TiersLieux_2019_sans_contacts.csv, ligne 2 : le département "
                                          r"'99' ne correspond pas au point"):
        build.build_all(sources_copy)


def test_command_line_reports_the_error_in_french(sources_copy, tmp_path, capsys):
    _edit_fabriques(sources_copy, _unknown_commune)
    assert build.main(["--sources", str(sources_copy), "--out", str(tmp_path / "out")]) == 1
    assert "Erreur dans les sources" in capsys.readouterr().err
    assert not (tmp_path / "out" / "manifest.json").exists()
