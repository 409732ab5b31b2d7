"""Exports read back: CSV (BOM, ';', apostrophe before formulas) and XLSX (string cells with the
quote prefix), accents intact, numbers kept as numbers, file names safe."""
import csv
import io
from datetime import date

import openpyxl
import pytest

import queries
from domain.spreadsheet import FORMULA_STARTS
from views import exports
from views.laureats import laureates_table
from domain.territory_types import DEFAULT_RURAL_DEFINITION

ALL = dict(region=None, departement=None, epci=None, territoire=None, rural_definition=DEFAULT_RURAL_DEFINITION)
HOSTILE = ["=1+1", "+33", "-2", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK(\"http://exemple.invalid\")"]


@pytest.fixture(scope="module")
def table():
    """The Bretagne list as the page shows it, with hostile names written into a copy."""
    shown = laureates_table(queries.run("laureates_list", **{**ALL, "region": "53"}, search=None),
                            ALL["rural_definition"]).copy()
    for i, name in enumerate(HOSTILE):
        shown.loc[i, "Nom"] = name
    shown.loc[len(HOSTILE), "Nom"] = "Fabrique Évry-Courcouronnes « l'Œil » — déjà"
    return shown


def test_csv_has_bom_semicolons_and_neutralised_formulas(table, tmp_path):
    path = tmp_path / "liste.csv"
    path.write_bytes(exports.csv_bytes(table))
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header == list(table.columns)
    assert len(body) == len(table) == 23
    names = [row[header.index("Nom")] for row in body]
    for i, hostile in enumerate(HOSTILE):
        assert names[i] == "'" + hostile
    assert names[len(HOSTILE)] == "Fabrique Évry-Courcouronnes « l'Œil » — déjà"
    # No cell of the file starts with a formula character any more, except numbers.
    for row in body:
        for cell, column in zip(row, header):
            if column not in ("Longitude", "Latitude"):
                assert not cell.startswith(FORMULA_STARTS), (column, cell)
    # Negative longitudes stay numbers (decimal comma), not neutralised text.
    longitudes = [row[header.index("Longitude")] for row in body]
    assert all(value.startswith("-") and "," in value and "'" not in value for value in longitudes)
    assert any("Côtes-d'Armor" in row[header.index("Département")] for row in body)


def test_xlsx_stores_formulas_as_text_and_numbers_as_numbers(table, tmp_path):
    about = exports.about_rows("Bretagne", None, "Nom", len(table), "b312a3587740",
                               "ANCT, liste (janvier 2024)", date(2026, 1, 5), "hors_grands_centres")
    path = tmp_path / "liste.xlsx"
    path.write_bytes(exports.xlsx_bytes(table, about))
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == [exports.DATA_SHEET, exports.ABOUT_SHEET]
    sheet = workbook[exports.DATA_SHEET]
    rows = list(sheet.iter_rows(min_row=1))
    header = [cell.value for cell in rows[0]]
    assert header == list(table.columns)
    assert sheet.max_row - 1 == len(table) == 23
    name_column = header.index("Nom")
    for i, hostile in enumerate(HOSTILE):
        cell = rows[i + 1][name_column]
        assert cell.data_type == "s", hostile
        assert cell.quotePrefix, hostile
        # Without lxml, openpyxl writes a bare carriage return, which XML reads back as a line feed.
        assert cell.value in (hostile, hostile.replace("\r", "\n"))
    assert rows[len(HOSTILE) + 1][name_column].value == "Fabrique Évry-Courcouronnes « l'Œil » — déjà"
    assert not any(cell.data_type == "f" for row in rows for cell in row)
    longitude = rows[1][header.index("Longitude")]
    assert longitude.data_type == "n" and isinstance(longitude.value, float) and longitude.value < 0
    notes = {row[0].value: row[1].value for row in workbook[exports.ABOUT_SHEET].iter_rows()}
    assert notes["Périmètre (filtres)"] == "Bretagne"
    assert notes["Version des données"] == "b312a3587740"
    assert notes["Source"] == "ANCT, liste (janvier 2024)"
    assert notes["Nombre de fabriques"] == "23"


def test_xlsx_raw_xml_holds_no_formula(table):
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(exports.xlsx_bytes(table, [])))
    xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in xml and "=1+1" in xml


def test_about_values_are_neutralised_too():
    workbook = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes(
        __import__("pandas").DataFrame({"Nom": ["a"]}), [("Recherche", "=1+1")])))
    cell = workbook[exports.ABOUT_SHEET]["B1"]
    assert cell.value == "=1+1" and cell.data_type == "s" and cell.quotePrefix


def test_control_characters_do_not_break_the_workbook():
    import pandas as pd

    frame = pd.DataFrame({"Nom": ["a\x00b\x07c"], "Latitude": [48.1]})
    sheet = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes(frame, [])))[exports.DATA_SHEET]
    assert sheet["A2"].value == "abc" and sheet["B2"].value == 48.1


@pytest.mark.parametrize(
    "scope, search, extension, expected",
    [
        ("Bretagne", None, "csv", "fabriques_bretagne_b312a3587740.csv"),
        ("France entière", None, "xlsx", "fabriques_france-entiere_b312a3587740.xlsx"),
        ("Finistère (29) — communes rurales", None, "csv",
         "fabriques_finistere-29-communes-rurales_b312a3587740.csv"),
        ("Bretagne", "Réalmont", "csv", "fabriques_bretagne_recherche-realmont_b312a3587740.csv"),
        ("Bretagne", "../../etc/passwd", "csv", "fabriques_bretagne_recherche-etc-passwd_b312a3587740.csv"),
        ("Bretagne", "%%%", "csv", "fabriques_bretagne_recherche-texte_b312a3587740.csv"),
        ("Bretagne", "x" * 10_000, "csv", "fabriques_bretagne_recherche-" + "x" * 30 + "_b312a3587740.csv"),
    ],
)
def test_file_names_name_the_filter_and_version_in_ascii(scope, search, extension, expected):
    name = exports.export_file_name(scope, "b312a3587740", extension, search)
    assert name == expected
    assert name.isascii() and "/" not in name and " " not in name
