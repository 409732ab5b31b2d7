"""The 2024 wave told as one story: 80 laureates = 25 new places + 55 fabriques labelled again, and
407 = 382 (the list of January 2024) + 25. The facts file holds the split, the build checks it
against the wave and against the list, and the milestones extract carries it."""
import re
import shutil
from datetime import date

import pandas as pd
import pytest

from conftest import ROOT
from pipeline import build, facts
from pipeline.sources import SourceError

SOURCES = ROOT / "data" / "sources"
WAVE_2024_LINE = 8  # line of programme_jalons_fabriques.csv holding 2024-10-28
WAVE_2024_COUNTS = ",80,25,55,407,"  # nouveaux_laureats, dont_nouveaux_lieux, dont_relabellises, cumul_annonce


@pytest.fixture
def facts_copy(tmp_path):
    """A copy of the milestones file alone: its own checks need no other source."""
    folder = tmp_path / "sources"
    folder.mkdir()
    shutil.copy(SOURCES / facts.MILESTONES_FILE, folder)
    return folder


def _edit_wave_2024(folder, new_counts):
    path = folder / facts.MILESTONES_FILE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[WAVE_2024_LINE - 1].startswith("2024-10-28,") and WAVE_2024_COUNTS in lines[WAVE_2024_LINE - 1]
    lines[WAVE_2024_LINE - 1] = lines[WAVE_2024_LINE - 1].replace(WAVE_2024_COUNTS, new_counts, 1)
    path.write_text("".join(lines), encoding="utf-8")


def test_the_2024_wave_is_split_in_the_extract_and_adds_its_new_places_to_the_list():
    milestones = pd.read_parquet(ROOT / "data" / "milestones.parquet")
    laureates = pd.read_parquet(ROOT / "data" / "laureates.parquet")
    wave = milestones.set_index("milestone_date").loc[date(2024, 10, 28)]
    assert (wave.new_laureates, wave.new_places, wave.relabelled, wave.announced_total) == (80, 25, 55, 407)
    assert wave.new_places + wave.relabelled == wave.new_laureates
    assert wave.announced_total - wave.new_places == len(laureates) == 382
    assert wave.source_url.startswith("https://banquedesterritoires.fr/")
    # Only the rows whose source gives the split carry it.
    assert milestones.new_places.notna().sum() == milestones.relabelled.notna().sum() == 1


@pytest.mark.parametrize("counts, message", [
    (",80,25,54,407,", "25 nouveaux lieux + 54 relabellisés = 79, mais la vague compte 80 lauréats"),
    (",80,25,,407,", "colonne « dont_nouveaux_lieux » remplie sans la colonne « dont_relabellises »"),
    (",80,,55,407,", "colonne « dont_relabellises » remplie sans la colonne « dont_nouveaux_lieux »"),
    (",,25,55,407,", "colonne « nouveaux_laureats » vide, alors que la vague est répartie en 25 nouveaux "
                     "lieux et 55 relabellisés"),
])
def test_a_split_that_does_not_add_up_to_the_wave_names_file_and_line(facts_copy, counts, message):
    _edit_wave_2024(facts_copy, counts)
    with pytest.raises(SourceError, match="^" + re.escape(f"{facts.MILESTONES_FILE}, ligne 8 : {message}")):
        facts.read_milestones(facts_copy)


def test_a_total_is_checked_against_the_count_known_before_it():
    milestones = facts.read_milestones(SOURCES)
    list_date = date(2024, 1, 26)
    facts.check_totals_follow_the_list(milestones, 382, list_date)
    # One fabrique fewer in the list: 381 + 25 is not the 407 announced.
    with pytest.raises(SourceError, match=re.escape(
            "programme_jalons_fabriques.csv, ligne 8 : cumul annoncé 407, mais 381 (liste des lauréats "
            "du 26 janvier 2024) + 25 nouveaux lieux = 406")):
        facts.check_totals_follow_the_list(milestones, 381, list_date)
    # A list older than the 300 reached at the end of 2021 is not the count before the wave:
    # the latest earlier total is (300 + 25 is not 407).
    with pytest.raises(SourceError, match=re.escape("mais 300 (cumul annoncé le 31 décembre 2021)")):
        facts.check_totals_follow_the_list(milestones, 382, date(2021, 6, 1))


def test_the_build_stops_on_a_total_that_the_list_does_not_explain(tmp_path, capsys):
    copy = tmp_path / "sources"
    shutil.copytree(SOURCES, copy)
    _edit_wave_2024(copy, ",80,25,55,408,")
    assert build.main(["--sources", str(copy), "--out", str(tmp_path / "out")]) == 1
    assert ("programme_jalons_fabriques.csv, ligne 8 : cumul annoncé 408, mais 382 (liste des lauréats du "
            "26 janvier 2024) + 25 nouveaux lieux = 407") in capsys.readouterr().err
    assert not (tmp_path / "out" / "manifest.json").exists()
