"""What a spreadsheet would run: a cell starting with = + - @, a tab or a carriage return can be
read as a formula by Excel or LibreOffice (OWASP "CSV injection"). The import flags such a name;
the exports neutralise such a cell."""
from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def starts_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)
