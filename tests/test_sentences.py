"""Ready-to-read sentences: the preposition of every région and département, French numbers,
the example forms, and the pace and projection of the waves timeline."""
from datetime import date

import pandas as pd
import pytest

from domain import prepositions
from domain.format import fr_month
from domain.prepositions import in_departement, in_region
from queries import run
from views import sentences, timeline

OPTIONS = run("filter_options")
REGIONS = OPTIONS.dropna(subset=["reg_code"]).drop_duplicates("reg_code").set_index("reg_code")["reg_name"].to_dict()
DEPARTEMENTS = OPTIONS.set_index("dep_code")["dep_name"].to_dict()
NBSP = "\u00a0"

# Written out in full, independently of domain/prepositions.csv, as a reader would say them.
EXPECTED_REGIONS = {
    "01": "en Guadeloupe", "02": "en Martinique", "03": "en Guyane", "04": "à La Réunion",
    "06": "à Mayotte", "11": "en Île-de-France", "24": "en Centre-Val de Loire",
    "27": "en Bourgogne-Franche-Comté", "28": "en Normandie", "32": "dans les Hauts-de-France",
    "44": "dans le Grand Est", "52": "dans les Pays de la Loire", "53": "en Bretagne",
    "75": "en Nouvelle-Aquitaine", "76": "en Occitanie", "84": "en Auvergne-Rhône-Alpes",
    "93": "en Provence-Alpes-Côte d'Azur", "94": "en Corse",
}
EXPECTED_DEPARTEMENTS = {
    "01": "dans l'Ain", "02": "dans l'Aisne", "03": "dans l'Allier",
    "04": "dans les Alpes-de-Haute-Provence", "05": "dans les Hautes-Alpes",
    "06": "dans les Alpes-Maritimes", "07": "dans l'Ardèche", "08": "dans les Ardennes",
    "09": "dans l'Ariège", "10": "dans l'Aube", "11": "dans l'Aude", "12": "dans l'Aveyron",
    "13": "dans les Bouches-du-Rhône", "14": "dans le Calvados", "15": "dans le Cantal",
    "16": "en Charente", "17": "en Charente-Maritime", "18": "dans le Cher", "19": "en Corrèze",
    "21": "en Côte-d'Or", "22": "dans les Côtes-d'Armor", "23": "en Creuse", "24": "en Dordogne",
    "25": "dans le Doubs", "26": "en Drôme", "27": "dans l'Eure", "28": "dans l'Eure-et-Loir",
    "29": "dans le Finistère", "2A": "en Corse-du-Sud", "2B": "en Haute-Corse", "30": "dans le Gard",
    "31": "en Haute-Garonne", "32": "dans le Gers", "33": "en Gironde", "34": "dans l'Hérault",
    "35": "dans l'Ille-et-Vilaine", "36": "dans l'Indre", "37": "dans l'Indre-et-Loire",
    "38": "dans l'Isère", "39": "dans le Jura", "40": "dans les Landes", "41": "dans le Loir-et-Cher",
    "42": "en Loire", "43": "en Haute-Loire", "44": "en Loire-Atlantique", "45": "dans le Loiret",
    "46": "dans le Lot", "47": "dans le Lot-et-Garonne", "48": "en Lozère", "49": "en Maine-et-Loire",
    "50": "en Manche", "51": "en Marne", "52": "en Haute-Marne", "53": "en Mayenne",
    "54": "en Meurthe-et-Moselle", "55": "en Meuse", "56": "dans le Morbihan", "57": "en Moselle",
    "58": "en Nièvre", "59": "dans le Nord", "60": "dans l'Oise", "61": "dans l'Orne",
    "62": "dans le Pas-de-Calais", "63": "dans le Puy-de-Dôme", "64": "dans les Pyrénées-Atlantiques",
    "65": "dans les Hautes-Pyrénées", "66": "dans les Pyrénées-Orientales", "67": "dans le Bas-Rhin",
    "68": "dans le Haut-Rhin", "69": "dans le Rhône", "70": "en Haute-Saône", "71": "en Saône-et-Loire",
    "72": "en Sarthe", "73": "en Savoie", "74": "en Haute-Savoie", "75": "à Paris",
    "76": "en Seine-Maritime", "77": "en Seine-et-Marne", "78": "dans les Yvelines",
    "79": "dans les Deux-Sèvres", "80": "en Somme", "81": "dans le Tarn", "82": "dans le Tarn-et-Garonne",
    "83": "dans le Var", "84": "dans le Vaucluse", "85": "en Vendée", "86": "en Vienne",
    "87": "en Haute-Vienne", "88": "dans les Vosges", "89": "dans l'Yonne",
    "90": "dans le Territoire de Belfort", "91": "dans l'Essonne", "92": "dans les Hauts-de-Seine",
    "93": "en Seine-Saint-Denis", "94": "dans le Val-de-Marne", "95": "dans le Val-d'Oise",
    "971": "en Guadeloupe", "972": "en Martinique", "973": "en Guyane", "974": "à La Réunion",
    "976": "à Mayotte", "978": "à Saint-Martin",
}


def test_tables_cover_exactly_the_codes_of_the_extracts():
    assert len(REGIONS) == 18 and len(DEPARTEMENTS) == 102  # 101 départements + Saint-Martin
    assert set(prepositions.REGION_PREPOSITIONS) == set(REGIONS)
    assert set(prepositions.DEPARTEMENT_PREPOSITIONS) == set(DEPARTEMENTS)
    assert set(EXPECTED_REGIONS) == set(REGIONS) and set(EXPECTED_DEPARTEMENTS) == set(DEPARTEMENTS)


@pytest.mark.parametrize("code", sorted(REGIONS))
def test_every_region_has_its_preposition(code):
    assert in_region(code, REGIONS[code]) == EXPECTED_REGIONS[code]


@pytest.mark.parametrize("code", sorted(DEPARTEMENTS))
def test_every_departement_has_its_preposition(code):
    phrase = in_departement(code, DEPARTEMENTS[code])
    assert phrase == EXPECTED_DEPARTEMENTS[code]
    name = DEPARTEMENTS[code]
    # Elision before a vowel or a mute h only; "Haute-", "Hauts-" take an aspirated h.
    elides = name[0] in "AEIOUYÉÎ" or name.startswith("Hé")
    plural = name.split("-")[0] in {"Alpes", "Hautes", "Ardennes", "Bouches", "Côtes", "Landes",
                                    "Pyrénées", "Yvelines", "Deux", "Vosges", "Hauts"}
    assert phrase.startswith("dans l'") == (elides and not plural)


@pytest.mark.parametrize(
    "region, departement, opening",
    [("53", None, "En Bretagne"), ("11", None, "En Île-de-France"), (None, "29", "Dans le Finistère"),
     (None, "92", "Dans les Hauts-de-Seine"), (None, "01", "Dans l'Ain"), (None, "974", "À La Réunion"),
     (None, "976", "À Mayotte"), (None, "973", "En Guyane"), (None, "971", "En Guadeloupe"),
     (None, "972", "En Martinique"), (None, "2A", "En Corse-du-Sud"),
     (None, "90", "Dans le Territoire de Belfort"), (None, "75", "À Paris"), (None, "978", "À Saint-Martin"),
     (None, None, "En France")],
)
def test_headline_sentence_opens_with_the_place(region, departement, opening):
    params = {"region": region, "departement": departement, "territoire": None, "rural_definition": "insee"}
    headline = run("headline_counts", **params).iloc[0]
    place = sentences.place_of(region, departement, REGIONS, DEPARTEMENTS)
    text = sentences.headline_sentence(headline, place, None, date(2024, 1, 26))
    assert text.startswith(f"{opening}, ")
    assert "janvier 2024" in text
    assert ("commune avec QPV" in text) == (headline.fabriques > 0)  # Belfort has none


def test_the_brittany_example_reads_as_specified():
    headline = run("headline_counts", region="53", departement=None, territoire=None,
                   rural_definition="insee").iloc[0]
    place = sentences.place_of("53", None, REGIONS, DEPARTEMENTS)
    text = sentences.headline_sentence(headline, place, None, date(2024, 1, 26))
    assert text.startswith(
        f"En Bretagne, 23 fabriques de territoire sont labellisées, soit 6,0{NBSP}% des 382 fabriques "
        "de France ; 8 sont situées dans une commune comptant un quartier prioritaire (commune avec QPV) "
        "et 12 dans une commune rurale."
    )
    assert "au niveau de la commune" in text  # QPV / rural said as commune-level proxies


def _headline(fabriques, qpv, rural, national=1800):
    return pd.Series({"fabriques": fabriques, "qpv": qpv, "rural": rural, "urbain": fabriques - qpv - rural,
                      "indetermine": 0, "communes": fabriques, "departements": 1,
                      "national_fabriques": national, "national_qpv": 900, "national_rural": 700})


def test_numbers_and_agreement_are_french():
    place = sentences.Place("dans l'Ain", "Ain", False)
    many = sentences.headline_sentence(_headline(1250, 1, 0), place, None, date(2024, 1, 26))
    assert many.startswith(f"Dans l'Ain, 1{NBSP}250 fabriques de territoire sont labellisées, soit "
                           f"69,4{NBSP}% des 1{NBSP}800 fabriques de France ; 1 est située")
    one = sentences.headline_sentence(_headline(1, 1, 0), place, None, date(2024, 1, 26))
    assert one.startswith("Dans l'Ain, 1 fabrique de territoire est labellisée, soit 0,1")
    none = sentences.headline_sentence(_headline(0, 0, 0), place, None, date(2024, 1, 26))
    assert none == "Dans l'Ain, aucune fabrique de territoire n'est labellisée dans la liste de l'ANCT de janvier 2024."


def test_territory_filter_sentence_compares_with_the_same_type_nationally():
    place = sentences.Place("en Bretagne", "Bretagne", False)
    text = sentences.headline_sentence(_headline(8, 8, 0), place, "qpv", date(2024, 1, 26))
    assert text.startswith("En Bretagne, 8 fabriques de territoire de la liste de l'ANCT de janvier 2024 "
                           "sont situées dans une commune comptant un quartier prioritaire")
    assert f"0,9{NBSP}% des 900 fabriques de France en commune avec QPV" in text


def test_pace_and_projection_are_computed_from_the_announcements():
    announced = pd.DataFrame({"milestone_date": [date(2020, 1, 1), date(2022, 1, 1), date(2025, 1, 1)],
                              "announced_total": [100, 250, 400]})
    pace = timeline.pace_of(announced)
    months = (date(2025, 1, 1) - date(2020, 1, 1)).days / (365.25 / 12)
    assert pace.per_month == pytest.approx(300 / months)
    assert pace.horizon == 500
    assert date(2026, 8, 1) <= pace.horizon_date <= date(2026, 9, 30)  # 100 more at 5 a month: 20 months
    france = sentences.Place("en France", "France", True)
    text = sentences.timeline_sentence(pace, france, date(2025, 6, 1))
    assert "soit 5,0 fabriques par mois" in text
    assert f"à ce rythme, 500 fabriques seraient atteintes vers {fr_month(pace.horizon_date)}" in text
    assert "projection" in text and "date est passée" not in text
    later = sentences.timeline_sentence(pace, france, date(2027, 1, 1))
    assert "Cette date est passée : nos sources n'ont pas d'annonce postérieure au 1er janvier 2025." in later


def test_real_timeline_draws_the_projection_dashed_and_labelled():
    announced = run("announced_totals")
    targets = run("progress_toward_targets", region=None, departement=None, territoire=None,
                  rural_definition="insee")
    pace = timeline.pace_of(announced)
    assert (pace.first_total, pace.last_total, pace.horizon) == (80, 407, 500)
    figure = timeline.timeline_figure(announced, targets, 382, date(2024, 1, 26), pace)
    projection = [t for t in figure.data if t.name.startswith("Projection")]
    assert len(projection) == 1 and projection[0].line.dash == "dash"
    assert "projection" in projection[0].text[-1]
    assert list(projection[0].y) == [407, 500]
