"""French number, percentage and date formatting (1 800 ; 42,5 % ; 3 février 2020)."""
from __future__ import annotations

from datetime import date

NBSP = "\u00a0"  # no-break space: a figure never breaks across lines

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre"]


def fr_int(value) -> str:
    if value is None or value != value:  # None or NaN
        return "non disponible"
    return f"{int(round(value)):,}".replace(",", NBSP)


def fr_decimal(value, digits: int = 1) -> str:
    if value is None or value != value:
        return "non disponible"
    text = f"{value:,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", NBSP)
    return text


def fr_percent(value, digits: int = 1) -> str:
    """value is a percentage already (42.5 -> '42,5 %')."""
    if value is None or value != value:
        return "non disponible"
    return f"{fr_decimal(value, digits)}{NBSP}%"


def fr_date(value: date) -> str:
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def fr_month(value: date) -> str:
    return f"{MONTHS[value.month - 1]} {value.year}"


def share(part, whole) -> float | None:
    """Percentage of part in whole, None when whole is zero."""
    return None if not whole else 100.0 * part / whole
