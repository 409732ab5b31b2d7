"""The Données page in a real browser: the extract downloads arrive, complete."""
import csv
import io

import pytest

import queries
from conftest import screenshot, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_laureates_extract_downloads_whole(app_url, page):
    page.goto(app_url + "/donnees")
    wait_for_app(page)
    manifest = queries.read_manifest()
    screenshot(page, "donnees")
    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_role("button", name="Lauréats (CSV", exact=False).click()
    raw = open(download_info.value.path(), "rb").read()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) - 1 == manifest["extracts"]["laureates"]["rows"] == 382
    assert manifest["data_version"] in download_info.value.suggested_filename
    assert page.locator("[data-testid='stException']").count() == 0
