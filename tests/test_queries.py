"""The SQL files and their callers agree; filtered queries behave on edge cases."""
import ast
from dataclasses import fields

import pandas as pd
import pytest

import queries
from conftest import ROOT
from views.filters import Filters
from domain.territory_types import DEFAULT_RURAL_DEFINITION

SQL_FILES = sorted(p for p in (ROOT / "queries").glob("*.sql") if not p.name.startswith("_"))
FILTER_PARAMS = {f.name for f in fields(Filters)}
CALLER_DIRS = ["pages", "app", "models", "views", "bench", "pipeline"]


def _calls():
    """(query name, passed keyword names, file) for every run("name", ...) and
    run_at(version, "name", ...) in the code."""
    found = []
    files = [ROOT / "dashboard.py"] + [p for d in CALLER_DIRS for p in (ROOT / d).rglob("*.py")]
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            function = getattr(node.func, "id", getattr(node.func, "attr", None))
            position = {"run": 0, "run_at": 1}.get(function)
            if position is None or len(node.args) <= position:
                continue
            name = node.args[position]
            if not isinstance(name, ast.Constant) or not isinstance(name.value, str):
                continue
            passed = set()
            for keyword in node.keywords:
                if keyword.arg is not None:
                    passed.add(keyword.arg)
                elif ast.unparse(keyword.value).endswith(".params"):
                    passed |= FILTER_PARAMS  # **ctx.params / **filters.params()
                else:
                    passed.add(f"**{ast.unparse(keyword.value)}")
            found.append((name.value, passed, f"{path.relative_to(ROOT)}:{node.lineno}"))
    return found


CALLS = _calls()


@pytest.mark.parametrize("sql", SQL_FILES, ids=lambda p: p.name)
def test_each_sql_file_starts_with_a_comment_and_is_called(sql):
    assert sql.read_text(encoding="utf-8").startswith("-- "), "first line: what the query returns"
    assert any(name == sql.stem for name, _, _ in CALLS), f"{sql.name} n'est appelée nulle part"


# Ids name the call site: a set's order differs between xdist workers.
@pytest.mark.parametrize("name, passed, path", CALLS, ids=[f"{c[2]}-{c[0]}" for c in CALLS])
def test_callers_pass_exactly_the_parameters_of_the_file(name, passed, path):
    assert passed == queries.sql_parameters(name), f"{path} appelle {name}.sql"


def test_loader_refuses_missing_or_extra_parameters():
    with pytest.raises(TypeError):
        queries.run("headline_counts", region=None)
    with pytest.raises(TypeError):
        queries.run("census_totals", region="53")


def test_no_sql_file_formats_values_in():
    for sql in (ROOT / "queries").glob("*.sql"):
        text = sql.read_text(encoding="utf-8")
        assert "{" not in text and "%s" not in text, sql.name


ALL = dict(region=None, departement=None, epci=None, territoire=None, rural_definition=DEFAULT_RURAL_DEFINITION)


@pytest.mark.parametrize(
    "params, fabriques",
    [
        (ALL, 382),
        ({**ALL, "region": "53"}, 23),
        ({**ALL, "departement": "29"}, None),
        ({**ALL, "departement": "978"}, 1),
        ({**ALL, "territoire": "qpv"}, 195),
        ({**ALL, "territoire": "rural", "rural_definition": "insee"}, 137),
        ({**ALL, "territoire": "rural"}, 182),  # the default: hors grands centres urbains
        ({**ALL, "region": "53", "departement": "75"}, 0),  # Paris is not in Bretagne
        ({**ALL, "region": "' or 1=1 --"}, 0),  # bound: a literal that matches nothing
        ({**ALL, "departement": "x" * 10_000}, 0),
    ],
)
def test_headline_counts_edge_cases(params, fabriques):
    row = queries.run("headline_counts", **params).iloc[0]
    assert row.qpv + row.rural + row.urbain + row.indetermine == row.fabriques
    assert row.national_fabriques == 382
    if fabriques is not None:
        assert row.fabriques == fabriques


def test_types_partition_the_national_total_under_both_definitions():
    for definition in ("insee", "hors_grands_centres"):
        row = queries.run("headline_counts", **{**ALL, "rural_definition": definition}).iloc[0]
        assert row.qpv == 195  # QPV comes first: it does not depend on the rural definition
        assert row.qpv + row.rural + row.urbain + row.indetermine == 382


def test_progress_toward_targets_counts_the_scope_of_each_target():
    targets = queries.run("progress_toward_targets", **{**ALL, "region": "53"}).set_index("target_id")
    assert targets.loc["total_2021", "achieved"] == 23
    assert targets.loc["total_2021", "national_achieved"] == 382
    assert targets.loc["qpv_2021", "achieved"] == queries.run("headline_counts", **{**ALL, "region": "53"}).iloc[0].qpv
    assert list(targets.index[:3]) == ["total_2021", "qpv_2021", "rural_2021"]


def test_census_2019_count_by_region_adds_up():
    total = queries.run("tiers_lieux_2019_count", region=None, departement=None, epci=None).iloc[0].tiers_lieux
    assert total == 1512
    options = queries.run("filter_options")
    by_region = sum(
        queries.run("tiers_lieux_2019_count", region=code, departement=None, epci=None).iloc[0].tiers_lieux
        for code in options.reg_code.dropna().unique()
    )
    assert by_region == 1512


def test_run_at_a_version_that_does_not_exist_says_so():
    with pytest.raises(queries.UnknownVersion):
        queries.run_at("0123456789ab", "census_totals")
    with pytest.raises(queries.UnknownVersion):
        queries.run_at("../../etc/passwd", "census_totals")
    assert len(queries.run_at(queries.data_version(), "census_totals")) == 3


def test_a_stored_territory_type_of_an_older_list_is_not_read():
    """A list imported before the type left the extracts still stores an INSEE-only
    territory_type: the counts come from the flags under the chosen definition, not from it."""
    params = dict(region=None, departement=None, epci=None, territoire=None, rural_definition="hors_grands_centres")
    laureates = queries.run_on({}, "laureates_list", search=None, **params)
    stored = pd.read_parquet(ROOT / "data" / "laureates.parquet").assign(territory_type="urbain")
    expected = queries.run("headline_counts", **params).iloc[0]
    counts = queries.run_on({"laureates": stored}, "headline_counts", **params).iloc[0]
    assert counts.urbain == expected.urbain < len(laureates)
    assert (counts.qpv, counts.rural) == (expected.qpv, expected.rural) and counts.rural > 0


def test_the_territory_type_and_the_target_counts_are_decided_in_one_macro_each():
    """One rule in SQL: the flags a territory type is decided from, and the deadline a target
    count reads, appear in queries/_macros.sql only (typed_laureates, target_counts_by); every
    query reads the types and the target counts from there."""
    macros = (ROOT / "queries" / "_macros.sql").read_text(encoding="utf-8")
    for rule in ("create or replace macro typed_laureates", "create or replace macro target_counts_by"):
        assert rule in macros
    for sql in SQL_FILES:
        text = sql.read_text(encoding="utf-8")
        for flag in ("is_rural_insee", "is_outside_large_centres", "labelled_by"):
            assert flag not in text, f"{sql.name} décide lui-même avec {flag} : passer par queries/_macros.sql"
        assert "filter (where territory_type" not in text, f"{sql.name} recompte les types (counts_by_type)"
    for name in ("progress_toward_targets", "regional_share_of_targets"):
        assert "target_counts_by(" in queries.sql_text(name), name
    assert "counts_by_type(" in queries.sql_text("headline_counts")


def test_no_page_imports_the_query_layer():
    """Pages lay out models (models/): none of them runs a query or reads the loader."""
    for path in sorted((ROOT / "pages").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert name.split(".")[0] != "queries", f"{path.name}:{node.lineno} importe {name}"
