"""The same filter gives the same totals on Synthèse, Territoires and Lauréats: through the
queries each page uses, and through what the pages display (AppTest)."""
import re

import duckdb
import pytest

import queries
from conftest import ROOT, run_app
from domain.territory_types import DEFAULT_RURAL_DEFINITION

ALL = dict(region=None, departement=None, epci=None, territoire=None, rural_definition=DEFAULT_RURAL_DEFINITION)
REGION_CODES = sorted(duckdb.sql(
    f"select reg_code from read_parquet('{ROOT / 'data' / 'regions.parquet'}')").df()["reg_code"])

SCOPES = (
    [ALL]
    + [{**ALL, "region": code} for code in REGION_CODES]
    + [{**ALL, "departement": code} for code in ("29", "75", "90", "971", "976", "978", "2A")]
    + [{**ALL, "territoire": t} for t in ("qpv", "rural", "urbain")]
    + [{**ALL, "territoire": "rural", "rural_definition": "hors_grands_centres"},
       {**ALL, "region": "76", "territoire": "rural"},
       {**ALL, "region": "02", "territoire": "rural"}]
    # EPCI: Brest Métropole (1), Rennes Métropole (3), the Métropole du Grand Paris (22, over
    # several départements, alone and inside one of them), a CC, a CA in Guyane, and an EPCI with
    # no fabrique (Pays d'Iroise).
    + [{**ALL, "epci": siren} for siren in ("242900314", "243500139", "200054781", "245100615", "249730045", "242900074")]
    + [{**ALL, "departement": "93", "epci": "200054781"},
       {**ALL, "departement": "29", "epci": "242900314", "territoire": "qpv"}]
)


def _label(params):
    return "-".join(f"{k}={v}" for k, v in params.items() if v and k != "rural_definition") or "national"


@pytest.mark.parametrize("params", SCOPES, ids=[_label(p) for p in SCOPES])
def test_queries_of_the_three_pages_agree(params):
    synthese = queries.run("headline_counts", **params).iloc[0]
    territoires = queries.run("laureates_by_departement", **params)
    by_region = queries.run("laureates_by_region", **params)
    laureats = queries.run("laureates_list", **params, search=None)
    assert territoires["fabriques"].sum() == synthese.fabriques
    assert by_region["fabriques"].sum() == synthese.fabriques
    assert len(laureats) == synthese.fabriques
    for territory in ("qpv", "rural", "urbain", "indetermine"):
        assert territoires[territory].sum() == synthese[territory]
        assert (laureats["territory_type"] == territory).sum() == synthese[territory]
    if params["region"]:
        row = by_region[by_region.reg_code == params["region"]]
        assert row["fabriques"].item() == synthese.fabriques


@pytest.mark.parametrize("definition", ["hors_grands_centres", "insee"])
def test_regional_shares_match_the_national_filter_by_region(definition):
    shares = queries.run("regional_share_of_targets", rural_definition=definition)
    # The rural figure is read under the definition chosen, as every page shows it.
    assert set(shares.loc[shares.scope == "rural", "rural_definition"]) == {definition}
    for code in REGION_CODES:
        headline = queries.run("headline_counts", **{**ALL, "region": code,
                                                     "rural_definition": definition}).iloc[0]
        mine = shares[shares.reg_code == code].set_index("scope")["achieved"]
        assert mine["total"] == headline.fabriques
        assert mine["qpv"] == headline.qpv
        assert mine["rural"] == headline.rural


def _page(path, query):
    app = run_app(query=query)
    app.switch_page(path).run()
    assert not app.exception
    return app


def _laureats_count(app) -> int:
    for caption in app.caption:
        match = re.match(r"^(\d+) fabriques? ", caption.value)
        if match:
            return int(match.group(1))
    assert any("Aucune fabrique" in info.value for info in app.info)
    return 0


@pytest.mark.parametrize(
    "query",
    [{}, {"region": "53"}, {"region": "84", "territoire": "qpv"}, {"departement": "978"},
     {"departement": "90"}, {"territoire": "rural", "rural": "hors_grands_centres"},
     {"departement": "29", "epci": "242900314"}, {"epci": "200054781"}],
    ids=_label,
)
def test_pages_display_the_same_total(query):
    synthese = run_app(query=query)
    shown = {m.label: m.value for m in synthese.metric}.get("Fabriques dans la liste")
    headline = queries.run("headline_counts", **{**ALL, **{
        "region": query.get("region"), "departement": query.get("departement"),
        "epci": query.get("epci"), "territoire": query.get("territoire"), "rural_definition": query.get("rural", "insee")}}).iloc[0]
    if headline.fabriques:
        assert shown == str(headline.fabriques)
    territoires = _page("pages/territoires.py", query)
    assert {m.label: m.value for m in territoires.metric}["Fabriques dans le périmètre"] == str(headline.fabriques)
    laureats = _page("pages/laureats.py", query)
    assert _laureats_count(laureats) == headline.fabriques
