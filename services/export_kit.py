"""Images of the slides: PNG at 1920 x 1080 (plotly static export), also the PPTX map picture.

A service, not a view: it sets BROWSER_PATH, launches Chromium and runs a worker thread.

Plotly's static export (kaleido 1.5) drives a Chromium browser; kaleido looks for it on the
PATH or at BROWSER_PATH. Debian installs it at /usr/bin/chromium (`make chromium`), which we
point BROWSER_PATH at when nothing else is set. A missing browser or a failed export raises
ExportError with a French message naming what to install: the page shows it and keeps working.
Each render launches Chromium once (about two seconds), so a whole deck is rendered in one batch
and results are kept per slide content.
"""
from __future__ import annotations

import copy
import json
import os
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

import plotly.graph_objects as go

from views.colors import BLUE_FRANCE, GREY_TEXT, WHITE
from views.slides import Slide

WIDTH, HEIGHT = 1920, 1080
DEBIAN_CHROMIUM = "/usr/bin/chromium"
INSTALL_HINT = ("Installez Chromium (paquet Debian : `apt-get install chromium`, ou `make chromium`), "
                "ou indiquez le chemin d'un Chrome/Chromium dans la variable d'environnement BROWSER_PATH.")


class ExportError(RuntimeError):
    """An export that could not be produced; the message (French) says what to do."""


def browser_path() -> str:
    """The browser kaleido will drive; raises ExportError when there is none."""
    os.environ.setdefault("BROWSER_PATH", DEBIAN_CHROMIUM)
    path = os.environ["BROWSER_PATH"]
    if not (Path(path).is_file() and os.access(path, os.X_OK)):
        raise ExportError(f"Export d'image impossible : aucun navigateur Chromium à « {path} ». {INSTALL_HINT}")
    return path


TITLE_BAND, FOOTER_BAND, SIDE = 140, 110, 50
RENDER_TIMEOUT = 120  # seconds for a whole deck; a render takes about two seconds per slide


def slide_image_figure(slide: Slide) -> go.Figure:
    """The slide's figure at 1920 x 1080, its title on top and the footer drawn into the image.

    The slide figures keep legends and axis labels inside their paper area (axis domains), so
    fixed bands above and below hold the title and the footer without overlapping anything.
    """
    figure = copy.deepcopy(slide.figure)
    figure.update_layout(
        width=WIDTH, height=HEIGHT, paper_bgcolor=WHITE, plot_bgcolor=WHITE,
        title={"text": slide.title, "x": 0.03, "xanchor": "left", "y": 1 - 40 / HEIGHT, "yanchor": "top",
               "font": {"size": 52, "color": BLUE_FRANCE}},
        margin={"t": TITLE_BAND, "b": FOOTER_BAND, "l": SIDE, "r": SIDE, "autoexpand": False},
    )
    figure.add_annotation(
        text=_wrapped(slide.footer, 140), xref="paper", yref="paper", x=0, y=0, xanchor="left",
        yanchor="top", yshift=-30, align="left", showarrow=False,
        font={"size": 20, "color": GREY_TEXT},
    )
    return figure


def _wrapped(text: str, width: int) -> str:
    """Line breaks (<br>) so that a long footer stays inside the image."""
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "<br>".join(lines + [line])


def slide_pngs(slides: list[Slide]) -> list[bytes]:
    """PNG of every slide, rendered in one browser session."""
    return list(_render((slide_image_figure(s).to_json() for s in slides)))


def _render(figure_jsons) -> tuple[bytes, ...]:
    return _render_cached(tuple(figure_jsons))


@lru_cache(maxsize=16)
def _render_cached(figure_jsons: tuple[str, ...]) -> tuple[bytes, ...]:
    browser_path()
    import kaleido
    from choreographer.errors import ChromeNotFoundError

    with tempfile.TemporaryDirectory(prefix="fabriques-export-") as folder:
        paths = [Path(folder) / f"diapositive-{i}.png" for i in range(len(figure_jsons))]
        jobs = [{"fig": json.loads(text), "path": path,
                 "opts": {"format": "png", "width": WIDTH, "height": HEIGHT}}
                for text, path in zip(figure_jsons, paths)]
        try:
            _within_time_limit(lambda: kaleido.write_fig_from_object_sync(jobs, cancel_on_error=True))
        except ChromeNotFoundError as error:
            raise ExportError(f"Export d'image impossible : Chromium est introuvable. {INSTALL_HINT}") from error
        except Exception as error:  # kaleido reports browser crashes and timeouts as many types
            # kaleido's own message is English and technical: the type is enough to search logs.
            raise ExportError(
                f"Export d'image impossible : le navigateur « {os.environ['BROWSER_PATH']} » n'a pas pu "
                f"produire l'image ({type(error).__name__}). {INSTALL_HINT}"
            ) from error
        missing = [p.name for p in paths if not p.is_file()]
        if missing:
            raise ExportError(f"Export d'image incomplet : {', '.join(missing)} non produit(s). {INSTALL_HINT}")
        return tuple(p.read_bytes() for p in paths)


def _within_time_limit(render) -> None:
    """Run a render, giving up after RENDER_TIMEOUT seconds.

    Seen once in testing: a render that never returned (no browser process left). A page must
    not hang on the day of an announcement, so the render runs in a worker thread and a late
    one is reported as a failure (the thread is left to finish or die on its own).
    """
    outcome: dict = {}

    def work():
        try:
            outcome["value"] = render()
        except BaseException as error:  # handed over to the caller's thread
            outcome["error"] = error

    worker = threading.Thread(target=work, name="export-png", daemon=True)
    worker.start()
    worker.join(RENDER_TIMEOUT)
    if worker.is_alive():
        raise ExportError(f"Export d'image impossible : le navigateur n'a pas répondu en "
                          f"{RENDER_TIMEOUT} secondes. Réessayez ; si cela persiste, {INSTALL_HINT[0].lower()}"
                          f"{INSTALL_HINT[1:]}")
    if "error" in outcome:
        raise outcome["error"]


def picture_figure(figure: go.Figure) -> go.Figure:
    """A figure drawn alone (the PPTX map picture): white page, no title band, 1920 x 1080."""
    picture = copy.deepcopy(figure)
    picture.update_layout(width=WIDTH, height=HEIGHT, paper_bgcolor=WHITE, plot_bgcolor=WHITE,
                          margin={"t": 20, "b": 20, "l": 20, "r": 20, "autoexpand": False})
    return picture


def slide_and_picture_pngs(slides: list[Slide], pictures: dict[str, go.Figure]) -> tuple[list[bytes], dict[str, bytes]]:
    """PNG of every slide and of every picture (by key), rendered in one browser session."""
    jsons = [slide_image_figure(s).to_json() for s in slides] + [picture_figure(f).to_json() for f in pictures.values()]
    rendered = _render(jsons)
    return list(rendered[:len(slides)]), dict(zip(pictures, rendered[len(slides):]))


def file_name(slide: Slide, data_version: str) -> str:
    return f"fabriques-de-territoire-diapositive-{slide.slug}-{data_version}.png"


def deck_file_name(scope_slug: str, day) -> str:
    """Named by what it shows and when: "fabriques-de-territoire-presentation-region-53-bretagne-2026-12-03.pptx"."""
    return f"fabriques-de-territoire-presentation-{scope_slug}-{day.isoformat()}.pptx"
