"""Ready-to-read sentences: the preposition of every région and département, French numbers,
the example forms, and the pace and projection of the waves timeline."""
import re
from datetime import date

import pandas as pd
import pytest

from domain import prepositions
from domain.format import fr_percent, share
from domain.prepositions import in_departement, in_region
from queries import run
from views import sentences, timeline

OPTIONS = run("filter_options")
REGIONS = OPTIONS.dropna(subset=["reg_code"]).drop_duplicates("reg_code").set_index("reg_code")["reg_name"].to_dict()
DEPARTEMENTS = OPTIONS.set_index("dep_code")["dep_name"].to_dict()
NBSP = "\u00a0"

# The grammar of a place name, written independently of domain/prepositions.csv: the form
# follows from the name's first word (its number, gender and first sound), plus the few words
# whose gender or number the spelling does not show.
SINGULAR_ENDING_IN_S = {"Doubs", "Calvados", "Gers", "Pas", "Bas"}  # "le Pas-de-Calais"
MASCULINE_ENDING_IN_E = {"Rhône", "Finistère", "Vaucluse", "Territoire"}
CITY_OR_ISLAND_WITHOUT_ARTICLE = {"Paris", "Mayotte"}  # "à Paris", "à Mayotte"
VOWELS = "AEIOUYÉÎ"


def expected_preposition(name: str, level: str) -> str:
    head = re.split(r"[- ]", name)[0]
    if name.startswith(("La ", "Saint-")) or head in CITY_OR_ISLAND_WITHOUT_ARTICLE:
        return "à"  # an island named with its article or after a saint, a city
    if head[-1] in "sx" and head not in SINGULAR_ENDING_IN_S:
        return "dans les"  # "les Hautes-Alpes", "les Deux-Sèvres", "les Pays de la Loire"
    if head[0] in VOWELS or head.startswith("Hé"):
        # Elision before a vowel or a mute h ("Haute-" has an aspirated h): a département
        # takes "dans l'" ("dans l'Isère"); a région, feminine, takes "en" ("en Occitanie").
        return "dans l'" if level == "departement" else "en"
    if head.endswith("e") and head not in MASCULINE_ENDING_IN_E:
        return "en"  # feminine: "en Bretagne", "en Haute-Garonne"
    return "dans le"  # masculine: "dans le Finistère", "dans le Grand Est"


def _said(preposition: str, name: str) -> str:
    return f"{preposition}{name}" if preposition.endswith("'") else f"{preposition} {name}"


def test_tables_cover_exactly_the_codes_of_the_extracts():
    assert len(REGIONS) == 18 and len(DEPARTEMENTS) == 102  # 101 départements + Saint-Martin
    assert set(prepositions.REGION_PREPOSITIONS) == set(REGIONS)
    assert set(prepositions.DEPARTEMENT_PREPOSITIONS) == set(DEPARTEMENTS)


@pytest.mark.parametrize("code", sorted(REGIONS))
def test_every_region_has_its_preposition(code):
    name = REGIONS[code]
    assert in_region(code, name) == _said(expected_preposition(name, "region"), name)


@pytest.mark.parametrize("code", sorted(DEPARTEMENTS))
def test_every_departement_has_its_preposition(code):
    name = DEPARTEMENTS[code]
    assert in_departement(code, name) == _said(expected_preposition(name, "departement"), name)


@pytest.mark.parametrize("name, level, said", [
    ("Bretagne", "region", "en Bretagne"), ("Grand Est", "region", "dans le Grand Est"),
    ("Hauts-de-France", "region", "dans les Hauts-de-France"), ("La Réunion", "region", "à La Réunion"),
    ("Ain", "departement", "dans l'Ain"), ("Finistère", "departement", "dans le Finistère"),
    ("Hauts-de-Seine", "departement", "dans les Hauts-de-Seine"), ("Paris", "departement", "à Paris"),
    ("Pas-de-Calais", "departement", "dans le Pas-de-Calais"), ("Haute-Garonne", "departement", "en Haute-Garonne"),
])
def test_the_rule_reads_the_examples_of_a_french_grammar(name, level, said):
    """The rule of this test, checked on forms any French reader knows."""
    assert _said(expected_preposition(name, level), name) == said


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
    params = {"region": region, "departement": departement, "epci": None, "territoire": None,
              "rural_definition": "insee"}
    headline = run("headline_counts", **params).iloc[0]
    place = sentences.place_of(region, departement, REGIONS, DEPARTEMENTS)
    text = sentences.headline_sentence(headline, place, None, date(2024, 1, 26))
    assert text.startswith(f"{opening}, ")
    assert "janvier 2024" in text
    # Its QPV and rural counts when it has several fabriques; where it is when it has one (Belfort has none).
    if headline.fabriques > 1:
        assert "quartier prioritaire" in text
    elif headline.fabriques == 1:
        assert text.endswith(".") and "Elle est située " in text
    else:
        assert "quartier prioritaire" not in text
    # Read aloud: no caveat, no internal wording; the caveats go to the notes.
    assert "nos sources" not in text and "au niveau de la commune" not in text


def test_the_brittany_example_reads_as_specified():
    headline = run("headline_counts", region="53", departement=None, epci=None, territoire=None,
                   rural_definition="insee").iloc[0]
    place = sentences.place_of("53", None, REGIONS, DEPARTEMENTS)
    text = sentences.headline_sentence(headline, place, None, date(2024, 1, 26), "insee")
    assert text == (
        f"En Bretagne, la liste de l'ANCT de janvier 2024 compte 23 fabriques de territoire, soit "
        f"6,0{NBSP}% des 382 fabriques de France. Parmi elles, 8 sont situées dans une commune comptant un "
        "quartier prioritaire et 12 dans une commune rurale au sens de l'INSEE."
    )
    # Under the default definition (the rural target's), the rural figure says its own name.
    default = run("headline_counts", region="53", departement=None, epci=None, territoire=None,
                  rural_definition="hors_grands_centres").iloc[0]
    assert sentences.headline_sentence(default, place, None, date(2024, 1, 26)).endswith(
        "8 sont situées dans une commune comptant un quartier prioritaire et 15 hors des grands centres urbains.")
    # QPV / rural said as commune-level proxies, in the notes and on the page.
    assert "au niveau de la commune" in sentences.headline_caveats("insee")


def _headline(fabriques, qpv, rural, national=1800):
    return pd.Series({"fabriques": fabriques, "qpv": qpv, "rural": rural, "urbain": fabriques - qpv - rural,
                      "indetermine": 0, "communes": fabriques, "departements": 1,
                      "national_fabriques": national, "national_qpv": 900, "national_rural": 700})


def test_numbers_and_agreement_are_french():
    place = sentences.Place("dans l'Ain", "Ain", False)
    many = sentences.headline_sentence(_headline(1250, 1, 0), place, None, date(2024, 1, 26))
    assert many.startswith(f"Dans l'Ain, la liste de l'ANCT de janvier 2024 compte 1{NBSP}250 fabriques "
                           f"de territoire, soit 69,4{NBSP}% des 1{NBSP}800 fabriques de France. Parmi elles, "
                           "1 est située")
    one = sentences.headline_sentence(_headline(1, 1, 0), place, None, date(2024, 1, 26))
    assert one.startswith("Dans l'Ain, la liste de l'ANCT de janvier 2024 compte 1 fabrique de territoire, soit 0,1")
    assert one.endswith(". Elle est située dans une commune comptant un quartier prioritaire.")
    none = sentences.headline_sentence(_headline(0, 0, 0), place, None, date(2024, 1, 26))
    assert none == "Dans l'Ain, aucune fabrique de territoire ne figure dans la liste de l'ANCT de janvier 2024."


def test_territory_filter_sentence_compares_with_the_same_type_nationally():
    place = sentences.Place("en Bretagne", "Bretagne", False)
    text = sentences.headline_sentence(_headline(8, 8, 0), place, "qpv", date(2024, 1, 26))
    assert text.startswith("En Bretagne, 8 fabriques de territoire de la liste de l'ANCT de janvier 2024 "
                           "sont situées dans une commune comptant un quartier prioritaire")
    assert f"0,9{NBSP}% des 900 fabriques de France en commune avec QPV" in text


def test_pace_is_computed_between_announcements_and_nothing_is_projected():
    announced = pd.DataFrame({"milestone_date": [date(2020, 1, 1), date(2022, 1, 1), date(2025, 1, 1)],
                              "date_precision": ["jour"] * 3, "announced_total": [100, 250, 400]})
    pace = timeline.pace_of(announced)
    months = (date(2025, 1, 1) - date(2020, 1, 1)).days / (365.25 / 12)
    assert pace.per_month == pytest.approx(300 / months)
    text = sentences.timeline_sentence(announced, pace, sentences.NATIONAL)
    assert text == ("Le programme a annoncé 100 fabriques le 1er janvier 2020, 250 le 1er janvier 2022 et "
                    "400 le 1er janvier 2025 : 300 fabriques de plus en 60 mois, soit 5,0 par mois en moyenne.")
    assert "projection" not in text and "seraient" not in text and "passée" not in text


def test_real_timeline_draws_announced_totals_and_targets_only():
    announced = run("announced_totals")
    targets = run("progress_toward_targets", region=None, departement=None, epci=None, territoire=None,
                  rural_definition="insee")
    pace = timeline.pace_of(announced)
    assert (pace.first_total, pace.last_total) == (80, 407)
    figure = timeline.announced_totals_figure(announced, targets, 382, date(2024, 1, 26), timeline.SLIDE_STYLE)
    assert [t.name for t in figure.data] == ["Total annoncé (cumul)", "Liste en service (janvier 2024) : 382 fabriques"]
    assert list(figure.data[0].y) == [80, 170, 218, 300, 407]  # 380 is a target, drawn as one
    lines = {shape.y0 for shape in figure.layout.shapes}
    assert lines == {300, 380}
    assert max(figure.layout.yaxis.range) < 500
    notes = sentences.timeline_caveats(announced, 382, date(2024, 1, 26))
    assert "aucune projection" in notes
    # The later wave and the list told as one story, from the milestones (25 new places + 55).
    assert ("La vague annoncée le 28 octobre 2024 a retenu 80 lauréats, dont 25 nouveaux lieux et 55 "
            "fabriques déjà labellisées qui le sont de nouveau : aux 382 fabriques de la liste de l'ANCT "
            "de janvier 2024 s'ajoutent ses 25 nouveaux lieux, soit 407 fabriques.") in notes


def test_an_announcement_dated_by_its_year_end_only_is_never_given_a_day():
    """The 300 was reached "fin 2021" by the ANCT's words: the sentence read aloud, the table,
    the chart's hover and the slide's chart say "fin 2021", never "31 décembre 2021"."""
    from views import announcement, synthese

    announced = run("announced_totals")
    text = sentences.timeline_sentence(announced, timeline.pace_of(announced), sentences.NATIONAL)
    assert "218 le 30 mars 2021, 300 fin 2021 et 407 le 28 octobre 2024" in text
    assert "31 décembre" not in text
    assert "fin 2021" in list(synthese.announced_totals_table(announced)["Date"])
    assert "300 fin 2021" in synthese.announced_totals_alt(announced)
    figure = timeline.announced_totals_figure(announced, announced.iloc[0:0].assign(scope=[], target_value=[]),
                                              382, date(2024, 1, 26))
    assert [when for when, _ in figure.data[0].customdata][3] == "fin 2021"
    # The PowerPoint's timeline stands each point at its date on a time axis; its alt text says "fin 2021".
    chart = announcement.timeline_chart(announced)
    assert "fin 2021 : 300" in chart.alt_text and "31 décembre" not in chart.alt_text


# ---- Read aloud: whole sentences, QPV spelled out once, a national slide said national ----------

BRETAGNE = sentences.Place("en Bretagne", "Bretagne", False)


def _targets(definition: str) -> pd.DataFrame:
    return run("progress_toward_targets", region="53", departement=None, epci=None, territoire=None,
               rural_definition=definition)


@pytest.mark.parametrize("definition, rural_words, rural, national_rural", [
    ("hors_grands_centres", "hors des grands centres urbains", 15, 182),
    ("insee", "dans une commune rurale au sens de l'INSEE", 12, 137)])
def test_a_regions_share_of_france_is_said_in_sentences(definition, rural_words, rural, national_rural):
    text = sentences.gauges_sentence(_targets(definition), BRETAGNE)
    assert " ; " not in text and ";" not in text
    assert text == (
        f"En Bretagne se trouvent 23 des 382 fabriques de territoire de France, soit 6,0{NBSP}%. Parmi elles, "
        f"8 sont situées dans une commune comptant un quartier prioritaire, soit 4,1{NBSP}% des 195 de France, "
        f"et {rural} sont situées {rural_words}, soit "
        f"{fr_percent(share(rural, national_rural))} des {national_rural} de France. "
        "Les objectifs du programme sont nationaux : il n'existe pas d'objectif régional ou départemental.")


def test_territory_types_are_a_sentence_with_a_verb():
    text = sentences.territory_types_sentence(_headline(23, 8, 15), BRETAGNE)
    assert text == (f"En Bretagne, sur 23 fabriques de territoire, 8 sont situées dans une commune comptant un "
                    f"quartier prioritaire, soit 34,8{NBSP}%, 15 hors des grands centres urbains, soit 65,2{NBSP}%, "
                    "et aucune dans un grand centre urbain sans quartier prioritaire.")


def test_the_first_mention_of_a_qpv_is_spelled_out_once():
    said = sentences.spell_out_qpv(["Sans quartier.", "8 dans une commune comptant un quartier prioritaire.",
                                    "171 dans une commune comptant un quartier prioritaire, pour un objectif."])
    assert said[0] == "Sans quartier."
    assert said[1] == "8 dans une commune comptant un quartier prioritaire de la politique de la ville (QPV)."
    assert said[2] == "171 dans une commune comptant un quartier prioritaire, pour un objectif."


def test_the_waves_read_in_a_regional_deck_say_first_they_are_national():
    announced = run("announced_totals")
    pace = timeline.pace_of(announced)
    regional = sentences.timeline_sentence(announced, pace, BRETAGNE)
    assert regional.startswith("Les annonces du programme sont nationales : elles ne sont pas détaillées par "
                               "territoire. Pour la France entière, le programme a annoncé 80 fabriques")
    national = sentences.timeline_sentence(announced, pace, sentences.NATIONAL)
    assert national.startswith("Le programme a annoncé 80 fabriques") and "nationales" not in national
