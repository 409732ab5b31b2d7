"""What a spreadsheet would run: a cell starting with = + - @, a tab or a carriage return can be
read as a formula by Excel or LibreOffice (OWASP "CSV injection"). The import flags such a name;
the exports neutralise such a cell (an apostrophe before it in CSV), and the import undoes that
apostrophe, only in a file laid out as the dashboard's own export of the list (its columns, its
two sheets), so that re-importing an export is an identity."""
from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def starts_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


# The dashboard's export of the list: its columns (French display labels) and its XLSX sheets.
EXPORT_COLUMNS = ["Identifiant", "Nom", "Commune", "Code commune", "Intercommunalité (EPCI)",
                  "SIREN de l'EPCI", "Département", "Région",
                  "Type de territoire", "Vague (déduite)", "Longitude", "Latitude", "Source"]
EXPORT_DATA_SHEET = "Fabriques"
EXPORT_ABOUT_SHEET = "À propos"
# The export rounds coordinates to this many decimals (about 0.1 m).
EXPORT_COORDINATE_DECIMALS = 6


def neutralised_text(value):
    """The CSV form of a cell: risky text behind an apostrophe, everything else unchanged."""
    return "'" + value if starts_like_formula(value) else value


def unneutralised_text(value: str) -> str:
    """The cell as it was before neutralised_text (for a file laid out as the export)."""
    return value[1:] if value.startswith("'") and starts_like_formula(value[1:]) else value
