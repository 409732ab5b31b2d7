from datetime import date

import pytest

from domain.format import fr_date, fr_decimal, fr_int, fr_percent, share

NBSP = "\u00a0"


@pytest.mark.parametrize("value, text", [(0, "0"), (80, "80"), (1800, f"1{NBSP}800"),
                                          (1234567, f"1{NBSP}234{NBSP}567"), (None, "non disponible"),
                                          (float("nan"), "non disponible")])
def test_fr_int(value, text):
    assert fr_int(value) == text


def test_fr_percent_and_decimal():
    assert fr_percent(42.5) == f"42,5{NBSP}%"
    assert fr_percent(130, 0) == f"130{NBSP}%"
    assert fr_decimal(12345.678, 2) == f"12{NBSP}345,68"
    assert fr_percent(None) == "non disponible"


def test_fr_date():
    assert fr_date(date(2020, 2, 3)) == "3 février 2020"
    assert fr_date(date(2021, 12, 1)) == "1er décembre 2021"


def test_share():
    assert share(1, 4) == 25.0
    assert share(3, 0) is None
