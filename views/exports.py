"""CSV and XLSX files of a table as shown, safe to open in a spreadsheet.

A text cell that a spreadsheet would run (domain/spreadsheet.py) is neutralised: prefixed with an apostrophe
in CSV, stored as a string cell with the "quote prefix" style in XLSX. Numbers stay numbers.
"""
from __future__ import annotations

import io
import re
import unicodedata
from datetime import date

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from domain.format import fr_date
from domain.spreadsheet import (EXPORT_ABOUT_SHEET, EXPORT_DATA_SHEET, neutralised_text,
                                 starts_like_formula)
from domain.territory_types import RURAL_DEFINITIONS
from views.colors import BLUE_FRANCE

CSV_SEPARATOR = ";"  # a French Excel splits columns on ';' (',' is the decimal mark)
DATA_SHEET = EXPORT_DATA_SHEET
ABOUT_SHEET = EXPORT_ABOUT_SHEET


def csv_bytes(table: pd.DataFrame) -> bytes:
    """UTF-8 with BOM (Excel then reads the accents), ';' separated, decimal comma."""
    safe = table.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(neutralised_text)
    text = safe.to_csv(sep=CSV_SEPARATOR, index=False, decimal=",", lineterminator="\r\n")
    return text.encode("utf-8-sig")


def _cell_value(value):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, str):
        # Control characters other than tab, LF and CR are refused by the XLSX format.
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if hasattr(value, "item"):  # numpy scalar -> Python number
        return value.item()
    return value


def _write_text_safely(cell, value) -> None:
    """Assign a value; risky text is forced to a string cell that shows as typed text."""
    cell.value = value
    if starts_like_formula(value):
        # openpyxl makes any text starting with '=' a formula: force a string cell.
        cell.data_type = "s"
        cell.quotePrefix = True


def xlsx_bytes(table: pd.DataFrame, about: list[tuple[str, str]]) -> bytes:
    """A workbook: the table (header row frozen) and a sheet saying what it is and where from."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor=BLUE_FRANCE.lstrip("#"))
    for col, name in enumerate(table.columns, start=1):
        cell = sheet.cell(row=1, column=col)
        _write_text_safely(cell, str(name))
        cell.font, cell.fill = header_font, header_fill
    for row_number, row in enumerate(table.itertuples(index=False), start=2):
        for col, value in enumerate(row, start=1):
            _write_text_safely(sheet.cell(row=row_number, column=col), _cell_value(value))
    sheet.freeze_panes = "A2"
    for col, name in enumerate(table.columns, start=1):
        longest = max([len(str(name))] + [len(str(v)) for v in table.iloc[:, col - 1].head(500)])
        sheet.column_dimensions[get_column_letter(col)].width = min(max(10, longest + 2), 60)

    notes = workbook.create_sheet(ABOUT_SHEET)
    for row_number, (label, text) in enumerate(about, start=1):
        _write_text_safely(notes.cell(row=row_number, column=1), label)
        notes.cell(row=row_number, column=1).font = Font(bold=True)
        cell = notes.cell(row=row_number, column=2)
        _write_text_safely(cell, _cell_value(text))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 100

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def about_rows(scope: str, search: str | None, sort_label: str, rows: int, data_version: str,
               source: str, produced: date, rural_definition: str) -> list[tuple[str, str]]:
    """The XLSX 'À propos' sheet: filter, search, data version, source and caveats."""
    return [
        ("Contenu", "Fabriques de territoire, liste filtrée telle qu'affichée dans le tableau de bord"),
        ("Périmètre (filtres)", scope),
        ("Recherche", search if search else "aucune"),
        ("Tri", sort_label),
        ("Nombre de fabriques", str(rows)),
        ("Version des données", data_version),
        ("Source", source),
        ("Type de territoire", "Approximation au niveau de la commune : commune avec au moins un QPV 2024, "
                              "sinon rural selon la grille de densité de l'INSEE lue selon la définition "
                              f"choisie ({RURAL_DEFINITIONS[rural_definition]}) ; pas de label officiel."),
        ("Vague", "Déduite de l'ordre des identifiants : la liste ne donne ni la vague ni la date."),
        ("Coordonnées", "Centre de la commune (WGS84), pas l'adresse de la fabrique."),
        ("Fichier produit le", fr_date(produced)),
    ]


def ascii_slug(text: str, max_length: int = 40) -> str:
    """'Finistère (29) — communes rurales' -> 'finistere-29-communes-rurales'."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug[:max_length].strip("-")


def export_file_name(scope: str, data_version: str, extension: str, search: str | None = None) -> str:
    """e.g. fabriques_bretagne_b312a3587740.csv; a search adds its words: _recherche-realmont."""
    parts = ["fabriques", ascii_slug(scope) or "perimetre"]
    if search:
        parts.append("recherche-" + (ascii_slug(search, 30) or "texte"))
    parts.append(ascii_slug(data_version, 20) or "version")
    return "_".join(parts) + "." + extension
