"""URL filters: every bad value is dropped with a French notice, never an exception."""
import pytest

import queries
from views.filters import Filters, Geography, describe, parse, shown


@pytest.fixture(scope="module")
def geography():
    return Geography.from_options(queries.run("filter_options"))


@pytest.mark.parametrize(
    "raw, expected, notices",
    [
        ({}, Filters(), 0),
        ({"region": "53"}, Filters(region="53"), 0),
        ({"departement": "2a"}, Filters(departement="2A"), 0),
        ({"departement": "971"}, Filters(departement="971"), 0),
        ({"region": "53", "departement": "29"}, Filters(region="53", departement="29"), 0),
        ({"region": "53", "departement": "75"}, Filters(region="53"), 1),
        ({"region": "99"}, Filters(), 1),
        ({"region": "53' OR '1'='1"}, Filters(), 1),
        ({"departement": "<script>alert(1)</script>"}, Filters(), 1),
        ({"territoire": "rural"}, Filters(territoire="rural"), 0),
        ({"territoire": "indetermine"}, Filters(), 1),
        ({"territoire": "x" * 10_000}, Filters(), 1),
        ({"rural": "hors_grands_centres"}, Filters(rural_definition="hors_grands_centres"), 0),
        ({"rural": "n'importe"}, Filters(), 1),
        ({"region": ["53", "11"]}, Filters(region="53"), 0),
        ({"region": ""}, Filters(), 0),
    ],
)
def test_parse(geography, raw, expected, notices):
    filters, messages = parse(raw, geography)
    assert filters == expected
    assert len(messages) == notices
    for message in messages:
        assert "ignoré" in message and len(message) < 250


def test_notice_never_echoes_markup():
    assert shown("![x](http://evil)<b>") == "??x??http???evil??b?"
    assert shown("9" * 10_000).endswith("…") and len(shown("9" * 10_000)) == 25


def test_url_round_trip(geography):
    filters = Filters(region="53", departement="29", territoire="qpv", rural_definition="hors_grands_centres")
    assert parse(filters.url_params(), geography) == (filters, [])
    assert Filters().url_params() == {}


def test_describe(geography):
    assert describe(Filters(), geography) == "France entière"
    assert describe(Filters(region="53", territoire="rural"), geography) == "Bretagne — hors grands centres urbains"
    assert (describe(Filters(region="53", territoire="rural", rural_definition="insee"), geography)
            == "Bretagne — communes rurales (INSEE)")
    assert describe(Filters(departement="29"), geography) == "Finistère (29)"
