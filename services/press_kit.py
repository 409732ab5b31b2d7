"""The press-kit PDF ("dossier de presse") of a scope, A4, drawn with fpdf2 (not a screenshot).

Text is real text (selectable, searchable), in DejaVu Sans embedded as a subset (the Debian
package fonts-dejavu-core, installed by `make run` and `make test` when missing; another folder
can be named in FABRIQUES_PDF_FONT_DIR). The document carries its title (shown by readers in
place of the file name), its language (fr-FR) and an outline of its sections.

Page 1 is what a journalist reads first and may be all they read: the key figures, the sentence,
the map and, when the operator set one (FABRIQUES_CONTACT_PRESSE), the press contact. The sources
are named by their publisher, title and public page (the manifest's words), never by a file.

The map is drawn here as vector paths from the plotly figure of the Présentation's map slide
(its outlines, points, inset frames and names), so the press kit needs no browser: without
Chromium the PNG and PPTX exports stop with a message, and this one still works.
"""
from __future__ import annotations

import math
import os
from pathlib import Path

from fpdf import FPDF, FontFace, ViewerPreferences
from fpdf.enums import XPos, YPos

from views.announcement import PressKit
from views.colors import BLUE_FRANCE, GREY_BACKGROUND_ALT, GREY_LIGHT, GREY_TEXT, RED_MARIANNE, WHITE

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
FONT = "DejaVu"
INSTALL_HINT = ("Installez le paquet Debian fonts-dejavu-core (`apt-get install fonts-dejavu-core`, ou "
                "`make fonts`), ou indiquez le dossier des polices DejaVu dans la variable "
                "d'environnement FABRIQUES_PDF_FONT_DIR.")
PX_TO_MM = 0.16  # plotly sizes (px on a 1920-px-wide slide) to millimetres on the A4 map
CONTACT_VARIABLE = "FABRIQUES_CONTACT_PRESSE"


def press_contact() -> str:
    """The press contact the operator set (docs/deploy.md); empty when unset: the PDF then says nothing."""
    return " ".join(os.environ.get(CONTACT_VARIABLE, "").split())


class PressKitError(RuntimeError):
    """A press kit that could not be produced; the message (French) says what to install."""


def font_files() -> dict[str, Path]:
    """The DejaVu Sans files (regular and bold); raises PressKitError when they are missing."""
    folders = [os.environ["FABRIQUES_PDF_FONT_DIR"]] if os.environ.get("FABRIQUES_PDF_FONT_DIR") else FONT_DIRS
    for folder in folders:
        files = {style: Path(folder) / name for style, name in FONT_FILES.items()}
        if all(path.is_file() for path in files.values()):
            return files
    raise PressKitError(f"Dossier de presse impossible : la police DejaVu Sans ({', '.join(FONT_FILES.values())}) "
                        f"est introuvable dans {', '.join(folders)}. {INSTALL_HINT}")


def _rgb(color: str) -> tuple[int, int, int]:
    color = color.strip()
    if color.startswith("rgba") or color.startswith("rgb"):
        parts = color[color.index("(") + 1:color.index(")")].split(",")
        return tuple(int(float(p)) for p in parts[:3])
    value = color.lstrip("#")
    return tuple(int(value[i:i + 2], 16) for i in (0, 2, 4))


class _Document(FPDF):
    def __init__(self, kit: PressKit):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.kit = kit
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=18)

    def footer(self):
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(*_rgb(GREY_TEXT))
        self.cell(0, 5, f"{self.kit.title} — données : {self.kit.data_said} — "
                        f"page {self.page_no()} sur {{nb}}", align="C")


def _section(pdf: _Document, title: str, needs: float = 35) -> None:
    """A heading, on a new page when what follows it (`needs` mm) would not fit below."""
    if pdf.get_y() + 12 + needs > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.start_section(title)  # an outline entry (bookmark) per section
    pdf.ln(3)
    pdf.set_font(FONT, "B", 14)
    pdf.set_text_color(*_rgb(BLUE_FRANCE))
    pdf.multi_cell(0, 7, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


def _paragraph(pdf: _Document, text: str, size: float = 10, color: str = GREY_TEXT, bold: bool = False) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_text_color(*_rgb(color))
    pdf.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1.5)


def _figure_boxes(pdf: _Document, figures) -> None:
    width = (pdf.epw - 4 * (len(figures) - 1)) / len(figures)
    top = pdf.get_y()
    bottom = top
    for i, figure in enumerate(figures):
        x = pdf.l_margin + i * (width + 4)
        pdf.set_fill_color(*_rgb(GREY_BACKGROUND_ALT))
        pdf.rect(x, top, width, 32, style="F")
        pdf.set_xy(x + 2, top + 2)
        pdf.set_font(FONT, "B", 22)
        pdf.set_text_color(*_rgb(BLUE_FRANCE))
        pdf.multi_cell(width - 4, 10, figure.value, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_font(FONT, "", 9)
        pdf.set_text_color(*_rgb(GREY_TEXT))
        pdf.multi_cell(width - 4, 4.2, figure.label, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        if figure.detail:
            pdf.set_font(FONT, "", 8)
            pdf.multi_cell(width - 4, 3.8, figure.detail, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        bottom = max(bottom, pdf.get_y(), top + 32)
    pdf.set_xy(pdf.l_margin, bottom + 3)


def _progress_bars(pdf: _Document, kit: PressKit) -> None:
    """Nationally: one bar per target, filled to the achieved count, the target marked in red."""
    for figure, (achieved, target) in zip(kit.targets, kit.target_progress, strict=True):
        top = pdf.get_y()
        pdf.set_font(FONT, "B", 10)
        pdf.set_text_color(*_rgb(GREY_TEXT))
        pdf.multi_cell(70, 5, f"{figure.value} {figure.label}", align="L", new_x=XPos.RIGHT, new_y=YPos.TOP)
        scale = max(achieved, target) * 1.1 or 1
        x, width = pdf.l_margin + 72, 60
        pdf.set_fill_color(*_rgb(GREY_LIGHT))
        pdf.rect(x, top + 1, width, 4, style="F")
        pdf.set_fill_color(*_rgb(BLUE_FRANCE))
        pdf.rect(x, top + 1, width * achieved / scale, 4, style="F")
        pdf.set_draw_color(*_rgb(RED_MARIANNE))
        pdf.set_line_width(0.6)
        pdf.line(x + width * target / scale, top, x + width * target / scale, top + 6)
        pdf.set_xy(x + width + 3, top)
        pdf.set_font(FONT, "", 9)
        pdf.multi_cell(0, 5, figure.detail, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_y(max(pdf.get_y(), top + 7))


def _table_style(pdf: _Document) -> None:
    pdf.set_font(FONT, "", 9)
    pdf.set_text_color(*_rgb(GREY_TEXT))
    pdf.set_draw_color(*_rgb(GREY_LIGHT))
    pdf.set_fill_color(*_rgb(WHITE))
    pdf.set_line_width(0.2)


def _target_rows(pdf: _Document, kit: PressKit) -> None:
    _table_style(pdf)
    with pdf.table(col_widths=(25, 55, 100), text_align=("RIGHT", "LEFT", "LEFT"), line_height=5,
                   headings_style=FontFace(emphasis="BOLD", fill_color=_rgb(GREY_BACKGROUND_ALT)),
                   padding=1.2) as table:
        table.row(["Fabriques", "Périmètre", "Part de la France ; objectif national"])
        for figure in kit.targets:
            table.row([figure.value, figure.label, figure.detail])


MAP_MAX_HEIGHT = 125


def _map_size(pdf: _Document, figure, max_height: float = MAP_MAX_HEIGHT) -> tuple[float, float]:
    x_range, y_range = figure.layout.xaxis.range, figure.layout.yaxis.range
    span_x, span_y = x_range[1] - x_range[0], y_range[1] - y_range[0]
    width, height = pdf.epw, pdf.epw * span_y / span_x
    if height > max_height:
        height, width = max_height, max_height * span_x / span_y
    return width, height


def _map(pdf: _Document, figure, max_height: float = MAP_MAX_HEIGHT) -> None:
    """The map slide's figure as vector paths: outlines, insets, points, and a legend."""
    x_range, y_range = list(figure.layout.xaxis.range), list(figure.layout.yaxis.range)
    span_x, span_y = x_range[1] - x_range[0], y_range[1] - y_range[0]
    width, height = _map_size(pdf, figure, max_height)
    left, top = pdf.l_margin + (pdf.epw - width) / 2, pdf.get_y()

    def at(x, y):
        return left + (x - x_range[0]) / span_x * width, top + (y_range[1] - y) / span_y * height

    legend = []
    with pdf.rect_clip(left, top, width, height):
        for shape in figure.layout.shapes or ():
            x0, y0 = at(shape.x0, shape.y1)
            x1, y1 = at(shape.x1, shape.y0)
            pdf.set_draw_color(*_rgb(shape.line.color or GREY_TEXT))
            pdf.set_line_width(0.2)
            pdf.rect(x0, y0, x1 - x0, y1 - y0)
        for trace in figure.data:
            xs, ys = list(trace.x), list(trace.y)
            if trace.mode == "lines":
                pdf.set_draw_color(*_rgb(trace.line.color))
                pdf.set_line_width(max((trace.line.width or 1) * 0.12, 0.1))
                if trace.fill == "toself" and trace.fillcolor:
                    pdf.set_fill_color(*_rgb(trace.fillcolor))
                ring = []
                for x, y in [*zip(xs, ys), (math.nan, math.nan)]:
                    if x is None or y is None or math.isnan(x) or math.isnan(y):
                        if len(ring) > 2:
                            pdf.polygon(ring, style="DF" if trace.fill == "toself" else "D")
                        ring = []
                    else:
                        ring.append(at(x, y))
            elif trace.mode == "markers":
                color = trace.marker.color
                sizes = trace.marker.size if isinstance(trace.marker.size, (list, tuple)) else [trace.marker.size] * len(xs)
                pdf.set_fill_color(*_rgb(color))
                pdf.set_draw_color(*_rgb(WHITE))
                pdf.set_line_width(0.15)
                for x, y, size in zip(xs, ys, sizes):
                    _marker(pdf, *at(x, y), size * PX_TO_MM / 2, trace.marker.symbol)
                legend.append((trace.name, color, trace.marker.symbol))
        for note in figure.layout.annotations or ():
            if note.xref == "paper":
                continue
            x, y = at(note.x, note.y)
            pdf.set_font(FONT, "", 6)
            pdf.set_text_color(*_rgb(GREY_TEXT))
            label_width = pdf.get_string_width(note.text)
            pdf.text(x - label_width / 2, y - 0.8, note.text)
    pdf.set_y(top + height + 2)
    pdf.set_font(FONT, "", 9)
    pdf.set_text_color(*_rgb(GREY_TEXT))
    x = pdf.l_margin
    for name, color, symbol in legend:
        label_width = pdf.get_string_width(name) + 8
        if x + label_width > pdf.l_margin + pdf.epw:
            x = pdf.l_margin
            pdf.set_y(pdf.get_y() + 5)
        pdf.set_fill_color(*_rgb(color))
        _marker(pdf, x + 2, pdf.get_y() + 2.2, 1.6, symbol)
        pdf.text(x + 5, pdf.get_y() + 3.4, name)
        x += label_width + 4
    pdf.set_y(pdf.get_y() + 7)


def _marker(pdf: _Document, x: float, y: float, radius: float, symbol: str) -> None:
    if symbol == "square":
        pdf.rect(x - radius, y - radius, 2 * radius, 2 * radius, style="DF")
    elif symbol == "diamond":
        pdf.polygon([(x, y - radius * 1.2), (x + radius * 1.2, y), (x, y + radius * 1.2), (x - radius * 1.2, y)],
                    style="DF")
    elif symbol == "x":
        pdf.set_draw_color(*pdf.fill_color.colors255) if hasattr(pdf.fill_color, "colors255") else None
        pdf.line(x - radius, y - radius, x + radius, y + radius)
        pdf.line(x - radius, y + radius, x + radius, y - radius)
    else:
        pdf.circle(x, y, radius, style="DF")


def _table(pdf: _Document, header: list[str], rows: list[list[str]], widths: tuple, align: tuple) -> None:
    _table_style(pdf)
    with pdf.table(col_widths=widths, text_align=align, line_height=4.6, padding=1.2,
                   headings_style=FontFace(emphasis="BOLD", fill_color=_rgb(GREY_BACKGROUND_ALT)),
                   repeat_headings=1) as table:
        table.row(header)
        for row in rows:
            table.row(row)
    pdf.ln(2)


def press_kit_pdf(kit: PressKit) -> bytes:
    """The A4 PDF of the press kit."""
    fonts = font_files()
    pdf = _Document(kit)
    for style, path in fonts.items():
        pdf.add_font(FONT, style, str(path))
    pdf.set_title(kit.title)
    pdf.set_lang("fr-FR")
    pdf.set_author("Agence nationale de la cohésion des territoires (ANCT)")
    pdf.set_subject(f"Fabriques de territoire — {kit.scope}")
    pdf.set_creator("Fabriques de territoire — tableau de bord")
    pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)
    pdf.add_page()
    contact = press_contact()

    pdf.set_font(FONT, "B", 20)
    pdf.set_text_color(*_rgb(BLUE_FRANCE))
    pdf.multi_cell(0, 9, kit.title, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    _paragraph(pdf, f"Périmètre : {kit.scope}. Données : {kit.data_said}. Produit le {kit.produced_on}.",
               size=9)

    # Page 1: the figures, the sentence, the map, the contact; the rest from page 2 on.
    _section(pdf, "Chiffres clés")
    _figure_boxes(pdf, kit.headline)
    _paragraph(pdf, kit.headline_sentence, size=11)
    below_map = 30 + (14 if contact else 0)  # legend, sentence, contact
    if kit.map_figure is not None:
        room = pdf.h - pdf.b_margin - pdf.get_y() - 12 - below_map
        _section(pdf, "Carte", needs=min(room, 60))
        _map(pdf, kit.map_figure, max_height=max(min(room, MAP_MAX_HEIGHT + 30), 60))
    _paragraph(pdf, kit.map_sentence)
    if contact:
        pdf.ln(2)
        _paragraph(pdf, f"Contact presse : {contact}", size=10, color=BLUE_FRANCE, bold=True)
    pdf.add_page()

    _section(pdf, "Progression vers les objectifs")
    if kit.target_progress:
        _progress_bars(pdf, kit)
    else:
        _target_rows(pdf, kit)
    pdf.ln(1)
    _paragraph(pdf, kit.targets_sentence)

    _section(pdf, "Fabriques par type de territoire")
    _table(pdf, kit.types_header, kit.types_rows, (90, 40, 50), ("LEFT", "RIGHT", "RIGHT"))
    _paragraph(pdf, kit.types_sentence)

    _section(pdf, f"Les fabriques du périmètre ({len(kit.fabriques_rows)})")
    if kit.fabriques_rows:
        _table(pdf, kit.fabriques_header, kit.fabriques_rows, (95, 50, 35), ("LEFT", "LEFT", "LEFT"))
    else:
        _paragraph(pdf, "Aucune fabrique dans la liste pour ce périmètre.")

    _section(pdf, "À savoir")
    for caveat in kit.caveats:
        _paragraph(pdf, f"• {caveat}", size=9)

    _section(pdf, "Sources")
    for source in kit.sources:
        _paragraph(pdf, f"• {source}", size=9)
    _paragraph(pdf, f"Données : {kit.data_said}. Document produit le {kit.produced_on}.", size=9)
    if contact:
        _paragraph(pdf, f"Contact presse : {contact}", size=9)
    return bytes(pdf.output())


def file_name(scope_slug: str, day) -> str:
    return f"fabriques-de-territoire-dossier-de-presse-{scope_slug}-{day.isoformat()}.pdf"
