"""One figure, one assembly: for a scope and a rural definition, Synthèse, the API's
indicateurs.json, the slides' sentences, the PowerPoint and the press kit say the same numbers
under the same definition, because they read the same model (models/figures.py). Each surface is
read back as its user gets it: the page through AppTest's model, the API over HTTP, the PPTX with
python-pptx, the PDF with pypdf. A deck or a document holds one rural figure: the chosen one."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pptx import Presentation
from pypdf import PdfReader

from app.announcement_exports import press_kit_bytes
from domain.format import fr_int
from domain.labels import scope_label
from domain.territory_types import words
from models import figures, presentation, synthese
from models import scope as scopes
from services import pptx_deck
from test_api import make_client

TODAY = date(2026, 12, 3)
# France, three régions (Guadeloupe overseas), two départements, two intercommunalités.
SCOPES = [{}, {"region": "53"}, {"region": "01"}, {"region": "84"}, {"departement": "29"},
          {"departement": "93"}, {"epci": "243500139"}, {"epci": "200054781"}]
DEFINITIONS = ["hors_grands_centres", "insee"]
# A picture stands for the map in the PowerPoint (rendering it needs a browser; its text is the
# alt text and the notes, which come from the model like the rest of the deck).
PNG = bytes.fromhex("89504e470d0a1a0a0000000d494844520000000100000001080600000"
                    "01f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
# How each definition's rural figure is said; the other definition's words must not appear.
RURAL_WORDS = {"hors_grands_centres": ("hors grands centres urbains", "hors des grands centres urbains"),
               "insee": ("commune rurale (INSEE)", "commune rurale au sens de l'INSEE")}


def _label(query: dict) -> str:
    return "&".join(f"{k}={v}" for k, v in query.items()) or "france"


@pytest.fixture(scope="module")
def client():
    return make_client()


@pytest.fixture(autouse=True)
def generous_rate_limit(monkeypatch):
    monkeypatch.setenv("FABRIQUES_API_RATE_LIMIT", "100000")


def _pptx_text(scope: scopes.Scope) -> str:
    deck_slides = presentation.deck_slides(scope, TODAY)
    pictures = {s.slug: PNG for s in deck_slides if s.picture is not None}
    deck = Presentation(io.BytesIO(pptx_deck.deck(deck_slides, pictures, scope.description)))
    texts = []
    for slide in deck.slides:
        texts += [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        texts.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(texts)


def _pdf_text(scope: scopes.Scope) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(press_kit_bytes(scope, TODAY))).pages)


def _flat(text: str) -> str:
    """Text as read: line breaks of a PDF's layout and non-breaking spaces as plain spaces."""
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " "))


@pytest.mark.parametrize("definition", DEFINITIONS)
@pytest.mark.parametrize("query", SCOPES, ids=_label)
def test_every_surface_tells_the_same_figures_under_the_same_definition(client, query, definition):
    scope, notices = scopes.from_url({**query, "rural": definition})
    assert notices == []
    model = synthese.page(scope)
    headline = model.figures.headline
    # The model is the scope's figures, assembled once: the page model holds that very object.
    assert model.figures is figures.of(scope)
    fabriques, qpv, rural = int(headline.fabriques), int(headline.qpv), int(headline.rural)
    rural_label = scope_label("rural", definition)

    # Synthèse: the cards, each rural one named by its definition.
    cards = {card.label: card.value for card in model.headline_cards}
    assert cards == {"Fabriques dans la liste": fr_int(fabriques), "En commune avec QPV": fr_int(qpv),
                     rural_label: fr_int(rural)}

    # The API: the same figures, and the definition it used.
    body = client.get("/api/v1/indicateurs.json", params={**query, "rural": definition}).json()
    by_type = {row["type"]: row["fabriques"] for row in body["par_type_de_territoire"]}
    assert (body["fabriques"], by_type["qpv"], by_type["rural"]) == (fabriques, qpv, rural)
    assert body["perimetre"]["filtres"]["rural"] == definition
    assert next(row["libelle"] for row in body["par_type_de_territoire"] if row["type"] == "rural") \
        == words("rural", definition).label
    api_targets = {t["identifiant"]: t for t in body["objectifs"]}
    for target in model.figures.targets.itertuples():
        assert api_targets[target.target_id]["maintenant"]["fabriques"] == target.achieved
        assert api_targets[target.target_id]["a_l_echeance"]["fabriques"] == target.achieved_at_deadline

    # The slides: the first slide's sentence says the same three numbers, the rural one in the
    # definition's words.
    first = _flat(presentation.screen_slides(scope, TODAY)[0].sentence)
    if fabriques:
        assert f"compte {fr_int(fabriques)} fabrique" in _flat(first).replace(" ", " ")
        assert f"{fr_int(rural)} {words('rural', definition).where}" in first
        assert f"{fr_int(qpv)} " in first

    # The PowerPoint and the press kit, read back.
    for surface, text in (("PPTX", _flat(_pptx_text(scope))), ("PDF", _flat(_pdf_text(scope)))):
        assert f"{fr_int(rural)} {words('rural', definition).among}" in text, surface
        assert f"{fr_int(qpv)} en commune avec QPV" in text, surface
        # The other definition is never a figure's name; it may be quoted as the target's own
        # wording (« hors grands centres urbains »), which the notes say when INSEE is chosen.
        other = next(d for d in DEFINITIONS if d != definition)
        unquoted = re.sub(r"«[^»]*»", "", text)
        for said in RURAL_WORDS[other]:
            assert said not in unquoted, (surface, said)


@pytest.mark.parametrize("definition, rural, other_count", [("hors_grands_centres", 15, 12), ("insee", 12, 15)])
def test_the_brittany_deck_and_press_kit_hold_one_rural_figure(definition, rural, other_count):
    """Bretagne holds 15 fabriques hors grands centres urbains and 12 in an INSEE-rural commune: a
    deck or a press kit says one of them, the chosen one, never both."""
    scope, _ = scopes.from_url({"region": "53", "rural": definition})
    pattern = re.compile(r"(\d+)\s+(?:sur \d+\s+)?(?:en |dans une )?(?:" + "|".join(
        re.escape(said) for saids in RURAL_WORDS.values() for said in saids) + r")")
    for text in (_flat(_pptx_text(scope)), _flat(_pdf_text(scope))):
        said = {int(n) for n in pattern.findall(text)}
        national = int(figures.of(scope.national()).headline.rural)
        assert rural in said and said <= {rural, national}, said
        assert other_count not in said
