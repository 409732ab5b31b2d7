"""The announcement kit of a scope, assembled once: the slides on screen, the same slides for a
1920 × 1080 image, the PowerPoint's slides and the press kit.

All of them start from `slide_data(scope, day)`, whose counts are the scope's figures
(models/figures.py), the ones Synthèse and the API show: a deck, a PDF and a page of the same
scope and rural definition say the same numbers. Kept per (scope, day): the footer dates them.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from models import figures
from models.scope import Scope
from models.store import kept
from views import announcement, slides


def _key(scope: Scope, day: date) -> tuple:
    return (*scope.key, day.isoformat())


def slide_data(scope: Scope, day: date) -> slides.SlideData:
    def build() -> slides.SlideData:
        counted = figures.of(scope)
        f = scope.filters
        return slides.SlideData(
            headline=counted.headline, targets=counted.targets,
            announced=scope.run("announced_totals"),
            outlines=scope.run("static_map_outlines"),
            points=scope.run("static_map_points", **scope.params),
            place=scope.place, region=f.region, departement=f.departement,
            territoire=f.territoire, rural_definition=f.rural_definition,
            scope=scope.description, manifest=scope.manifest, produced_on=day, epci=f.epci,
        )

    return kept("presentation_data", _key(scope, day), build)


def screen_slides(scope: Scope, day: date) -> list[slides.Slide]:
    """The slides as the Présentation page shows them (type sizes of a screen)."""
    return kept("presentation_slides", _key(scope, day),
                lambda: slides.build_slides(slide_data(scope, day), font_size=slides.SCREEN_FONT_SIZE),
                large=True)


def presenter_slides(scope: Scope, day: date) -> list[slides.Slide]:
    """The same slides for the presenter's window, where the slide takes two thirds of the width."""
    return kept("presentation_presenter_slides", _key(scope, day),
                lambda: slides.build_slides(slide_data(scope, day), font_size=slides.PRESENTER_FONT_SIZE),
                large=True)


def export_slides(scope: Scope, day: date) -> list[slides.Slide]:
    """The slides with the type sizes of a 1920 × 1080 image."""
    return kept("presentation_export_slides", _key(scope, day),
                lambda: slides.build_slides(slide_data(scope, day)), large=True)


def deck_slides(scope: Scope, day: date) -> list[announcement.DeckSlide]:
    """The editable PowerPoint's slides (rendered by services/pptx_deck.py)."""
    return kept("presentation_deck_slides", _key(scope, day),
                lambda: announcement.deck_slides(slide_data(scope, day)), large=True)


def press_kit(scope: Scope, day: date) -> announcement.PressKit:
    """The A4 press kit's sections (rendered by services/press_kit.py)."""
    def build() -> announcement.PressKit:
        laureates: pd.DataFrame = scope.run("laureates_list", search="", **scope.params)
        return announcement.press_kit(slide_data(scope, day), laureates)

    return kept("presentation_press_kit", _key(scope, day), build, large=True)
