"""Builders of the Lauréats page: the search text, the list as shown and exported, the detail card."""
from __future__ import annotations

import unicodedata
from html import escape

import pandas as pd

from domain.epci import WITHOUT_EPCI, type_label
from domain.format import fr_date, fr_int
from domain.spreadsheet import EXPORT_COLUMNS, EXPORT_COORDINATE_DECIMALS
from domain.territory_types import definitions, type_labels
from domain.territory_types import type_label as territory_type_label

SEARCH_MAX_CHARS = 100  # longer than any name, commune or département in the list

# Sort choices offered above the list; the exported file keeps the chosen order.
SORTS = {
    "identifiant": "Identifiant (ordre de sélection)",
    "nom": "Nom",
    "commune": "Commune",
    "departement": "Département",
    "type": "Type de territoire",
}

COLUMNS = EXPORT_COLUMNS  # the import recognises an export by them (domain/spreadsheet.py)


def clean_search(raw: str | None) -> tuple[str | None, str | None]:
    """The search text to bind, and a French notice when it was cut or cleaned.

    Control characters (NUL, line breaks) and lone surrogates cannot be typed in a name: they
    are dropped. The text stays a literal: no character has a special meaning.
    """
    if raw is None:
        return None, None
    kept = "".join(ch for ch in raw if unicodedata.category(ch) not in ("Cc", "Cs"))
    text = kept.strip()
    notice = None
    if len(text) > SEARCH_MAX_CHARS:
        text = text[:SEARCH_MAX_CHARS].strip()
        notice = (f"La recherche est limitée à {SEARCH_MAX_CHARS} caractères : seuls les "
                  f"{SEARCH_MAX_CHARS} premiers ont été pris en compte.")
    return (text or None), notice


def _fold(value) -> str:
    """Sort key: accents and case ignored, as in the search."""
    if not isinstance(value, str):
        return ""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def sort_laureates(laureates: pd.DataFrame, sort_key: str) -> pd.DataFrame:
    if sort_key == "nom":
        columns = ["name", "fabrique_number"]
    elif sort_key == "commune":
        columns = ["commune_name", "fabrique_number"]
    elif sort_key == "departement":
        columns = ["dep_code", "commune_name", "fabrique_number"]
    elif sort_key == "type":
        columns = ["territory_type", "fabrique_number"]
    else:
        columns = ["fabrique_number"]
    def key(column: pd.Series) -> pd.Series:
        return column.map(_fold) if pd.api.types.is_string_dtype(column) else column

    return laureates.sort_values(columns, key=key, kind="stable").reset_index(drop=True)


def wave_text(row) -> str:
    label = row.wave_label if isinstance(row.wave_label, str) else "inconnue"
    return f"{label} — déduite" if bool(row.wave_is_inferred) else label


def departement_text(row) -> str:
    return f"{row.dep_name} ({row.dep_code})"


def epci_text(row) -> str:
    if not isinstance(row.epci_siren, str):
        return f"{WITHOUT_EPCI} : la commune n'appartient à aucune intercommunalité"
    return f"{row.epci_name} ({type_label(row.epci_type).lower()}, SIREN {row.epci_siren})"


def region_text(row) -> str:
    return row.reg_name if isinstance(row.reg_name, str) else "Hors région"


def laureates_table(laureates: pd.DataFrame, rural_definition: str) -> pd.DataFrame:
    """The list as shown and exported, French column names; coordinates stay numbers. The type of
    territory is named under the rural definition it was counted under.

    Built column by column (not row by row), so that it stays fast on a long list.
    """
    wave = laureates["wave_label"].fillna("inconnue")
    table = pd.DataFrame({
        "Identifiant": laureates["fabrique_id"].to_numpy(),
        "Nom": laureates["name"].to_numpy(),
        "Commune": laureates["commune_name"].to_numpy(),
        "Code commune": laureates["commune_code"].to_numpy(),
        # Saint-Martin belongs to no EPCI: said, not left blank.
        "Intercommunalité (EPCI)": laureates["epci_name"].fillna(WITHOUT_EPCI).to_numpy(),
        "SIREN de l'EPCI": laureates["epci_siren"].fillna("").to_numpy(),
        "Département": (laureates["dep_name"] + " (" + laureates["dep_code"] + ")").to_numpy(),
        "Région": laureates["reg_name"].fillna("Hors région").to_numpy(),
        "Type de territoire": laureates["territory_type"].map(type_labels(rural_definition)).to_numpy(),
        "Vague (déduite)": wave.where(~laureates["wave_is_inferred"].astype(bool), wave + " — déduite").to_numpy(),
        "Longitude": laureates["lon"].round(EXPORT_COORDINATE_DECIMALS).to_numpy(),
        "Latitude": laureates["lat"].round(EXPORT_COORDINATE_DECIMALS).to_numpy(),
        "Source": laureates["source"].to_numpy(),
    }, columns=COLUMNS)
    return table


# On a phone the grid (a canvas whose cells never wrap) cut names and communes: below the width at
# which Streamlit stacks columns, the page shows the list as cards instead (CSS chooses; both are
# sent), each name whole. Up to COMPACT_MAX cards (the 382 of the list; a longer list says where
# the rest is).
COMPACT_MAX = 500
NARROW_PX = 640


def compact_list_html(table: pd.DataFrame, most: int = COMPACT_MAX) -> str:
    """The list as shown (`laureates_table`, in its order) as cards: name, commune and département,
    identifier and type. Every value from the data is escaped: shown as text, never as HTML."""
    shown = table.head(most)
    cards = "".join(
        f"<li><strong>{escape(str(name))}</strong><br>{escape(str(commune))} — {escape(str(departement))}"
        f"<br><span>{escape(str(fabrique_id))} · {escape(str(kind))}</span></li>"
        for fabrique_id, name, commune, departement, kind in zip(
            shown["Identifiant"], shown["Nom"], shown["Commune"], shown["Département"], shown["Type de territoire"]))
    more = (f"<p>Les {fr_int(most)} premières sur {fr_int(len(table))} : affinez la recherche, ou téléchargez "
            "la liste entière ci-dessous.</p>" if len(table) > most else "")
    return f'<ul class="fabriques-en-fiches" aria-label="Liste des fabriques">{cards}</ul>{more}'


COMPACT_STYLE = f"""<style>
.st-key-laureates_fiches {{ display: none !important; }}
@media (max-width: {NARROW_PX - 0.02}px) {{
  .st-key-laureates_table {{ display: none !important; }}
  .st-key-laureates_fiches {{ display: flex !important; }}
}}
.fabriques-en-fiches {{ list-style: none; padding: 0; margin: 0; }}
.fabriques-en-fiches li {{ padding: 0.5rem 0; border-bottom: 1px solid rgba(128, 128, 128, 0.4); margin: 0;
  overflow-wrap: anywhere; }}
.fabriques-en-fiches li span {{ font-size: 0.875rem; }}
</style>"""


def coordinates_text(lat, lon) -> str:
    """'48,87503 N, 2,48556 E' in WGS84 (west and south written O and S)."""
    if pd.isna(lat) or pd.isna(lon):
        return "non disponibles"
    latitude = f"{abs(lat):.5f} {'N' if lat >= 0 else 'S'}"
    longitude = f"{abs(lon):.5f} {'E' if lon >= 0 else 'O'}"
    return f"{latitude}, {longitude} (WGS84)".replace(".", ",")


def option_labels(laureates: pd.DataFrame) -> dict[str, str]:
    """How each fabrique is named in the detail selector, by id (built column-wise)."""
    labels = laureates["fabrique_id"] + " — " + laureates["name"] + " (" + laureates["commune_name"] + ")"
    return dict(zip(laureates["fabrique_id"], labels))


def count_sentence(shown: int, in_scope: int, scope: str, search: str | None) -> str:
    """The number of fabriques listed; the search text itself is not echoed (shown elsewhere as text)."""
    if search is None:
        return f"{fr_int(shown)} fabrique{'s' if shown > 1 else ''} — {scope}."
    verb = "correspondent" if shown > 1 else "correspond"
    return f"{fr_int(shown)} fabrique{'s' if shown > 1 else ''} sur {fr_int(in_scope)} {verb} à la recherche — {scope}."


def detail_fields(row, rural_definition: str) -> list[tuple[str, str]]:
    """The detail card of one fabrique, as (label, text) pairs; texts are shown as plain text."""
    territory = row.territory_type
    definition = definitions(rural_definition).get(territory, "")
    density = row.density_level if isinstance(row.density_level, str) else "inconnu"
    qpv_codes = list(row.qpv_codes) if row.qpv_codes is not None else []
    announced = "" if pd.isna(row.wave_date) else fr_date(pd.Timestamp(row.wave_date).date())
    # "Vague 2023" gains its announcement date; "Vague du 30 mars 2021" already says it.
    wave_date = f" (annonce du {announced})" if announced and announced not in str(row.wave_label) else ""
    point = coordinates_text(row.lat, row.lon)
    if bool(row.point_is_fallback):
        point += " — point placé par le projet : la source n'en donne pas pour cette commune"
    else:
        point += " — centre de la commune, pas l'adresse de la fabrique"
    fields = [
        ("Nom", row.name),
        ("Identifiant", f"{row.fabrique_id} (rang {row.fabrique_number} dans la liste)"),
        ("Commune", f"{row.commune_name} (code INSEE {row.commune_code})"),
        ("Intercommunalité", epci_text(row)),
        ("Département", departement_text(row)),
        ("Région", region_text(row)),
        ("Type de territoire", f"{territory_type_label(territory, rural_definition)} : {definition}"),
        ("Niveau de densité de la commune", density),
        ("QPV de la commune", ", ".join(qpv_codes) if qpv_codes else "aucun"),
        ("Vague", f"{wave_text(row)}{wave_date}. La liste ne donne pas la vague : elle est déduite "
                  "de l'ordre des identifiants."),
        ("Coordonnées", point),
        ("Source", row.source),
    ]
    return fields
