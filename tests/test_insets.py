"""The overseas insets: points and outlines land in their boxes, the move is invertible."""
import json

import pandas as pd
import pytest
from shapely.geometry import shape

from conftest import ROOT
from domain import insets

DATA = ROOT / "data"


@pytest.fixture(scope="module")
def laureates():
    return pd.read_parquet(DATA / "laureates.parquet")


@pytest.fixture(scope="module")
def departements():
    return pd.read_parquet(DATA / "departements.parquet")


def _inside(box, lon, lat) -> bool:
    lon0, lat0, lon1, lat1 = box
    return lon0 <= lon <= lon1 and lat0 <= lat <= lat1


@pytest.mark.parametrize("dep_code", sorted(insets.INSETS))
def test_each_overseas_laureate_and_commune_falls_inside_its_box(dep_code, laureates):
    communes = pd.read_parquet(DATA / "communes.parquet", columns=["dep_code", "display_lon", "display_lat"])
    box = insets.INSETS[dep_code].box
    placed = laureates[laureates.dep_code == dep_code]
    assert len(placed) > 0
    for row in placed.itertuples():
        assert _inside(box, row.display_lon, row.display_lat), row.fabrique_id
    for row in communes[communes.dep_code == dep_code].dropna().itertuples():
        assert _inside(box, row.display_lon, row.display_lat)


@pytest.mark.parametrize("dep_code", sorted(set(insets.INSETS) - {"978"}))
def test_each_overseas_outline_fits_inside_its_box(dep_code, departements):
    row = departements.set_index("dep_code").loc[dep_code]
    lon0, lat0, lon1, lat1 = shape(json.loads(row.display_geometry_geojson)).bounds
    box = insets.INSETS[dep_code].box
    assert _inside(box, lon0, lat0) and _inside(box, lon1, lat1)
    # The stored display bounds are those of the moved full outline; the drawn one is simplified
    # (0.005°, times the inset's scale), so they agree to a few hundredths of a degree.
    assert row.display_min_lon == pytest.approx(lon0, abs=0.05)
    assert row.display_max_lat == pytest.approx(lat1, abs=0.05)


def test_boxes_do_not_overlap_each_other_or_mainland(departements):
    mainland = departements[~departements.dep_code.isin(list(insets.INSETS))]
    west_of_mainland = mainland.min_lon.min()
    boxes = [inset.box for inset in insets.INSETS.values()]
    for box in boxes:
        assert box[2] < west_of_mainland
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


@pytest.mark.parametrize("lon,lat,dep_code", [
    (-61.53, 16.24, "971"), (-61.07, 14.64, "972"), (-52.33, 4.92, "973"),
    (55.45, -20.88, "974"), (45.23, -12.78, "976"), (-63.083, 18.0708, "978"),
    (-4.49, 48.39, "29"), (9.45, 42.70, "2B"), (2.35, 48.86, None),
])
def test_a_point_lands_in_its_own_box_or_stays_put(lon, lat, dep_code):
    shown = insets.to_display(lon, lat, dep_code)
    inset = insets.INSETS.get(dep_code)
    if inset is None:
        assert shown == (lon, lat)
        return
    lon0, lat0, lon1, lat1 = inset.box
    assert lon0 < shown[0] < lon1 and lat0 < shown[1] < lat1
    # The territory's centre goes to the centre of its box.
    assert insets.to_display(*inset.source_centre, dep_code) == pytest.approx(inset.box_centre, abs=1e-9)


def test_mainland_is_untouched(laureates, departements):
    mainland = laureates[~laureates.dep_code.isin(list(insets.INSETS))]
    assert len(mainland) > 300
    assert (mainland.display_lon == mainland.lon).all()
    assert (mainland.display_lat == mainland.lat).all()
    deps = departements[~departements.dep_code.isin(list(insets.INSETS))]
    assert (deps.display_geometry_geojson == deps.geometry_geojson).all()
    assert (deps.display_min_lon == deps.min_lon).all()


def test_true_positions_are_kept(laureates):
    overseas = laureates[laureates.dep_code.isin(list(insets.INSETS))]
    # True overseas points are far from Europe; displayed ones sit west of Brittany.
    assert (overseas.lon.abs() > 40).all()
    assert overseas.display_lon.between(-12, -6).all()
    # The displayed positions are derived from the true ones, which the build kept.
    display_lon, display_lat = insets.display_columns(overseas.lon, overseas.lat, overseas.dep_code)
    assert list(display_lon) == pytest.approx(list(overseas.display_lon), abs=1e-9)
    assert list(display_lat) == pytest.approx(list(overseas.display_lat), abs=1e-9)


def test_every_laureate_is_placed_exactly_once_or_listed(laureates):
    assert laureates.fabrique_id.is_unique
    placed = laureates.dropna(subset=["display_lon", "display_lat"])
    not_placed = laureates[laureates.display_lon.isna() | laureates.display_lat.isna()]
    assert len(placed) + len(not_placed) == len(laureates) == 382
    # Saint-Martin's point comes from the documented fallback, and is flagged as such.
    fallback = laureates[laureates.point_is_fallback]
    assert list(fallback.fabrique_id) == ["fabt-364"]
    assert fallback.iloc[0].dep_code == "978"

