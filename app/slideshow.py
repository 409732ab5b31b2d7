"""The projector frame of the Présentation page: a layout sized from the viewport, full screen,
and the presenter's keys.

Static CSS and JS only (no data reaches them). The slide container fills the viewport's
height (flex column): the chart takes what the title, the sentence, the footer and the
navigation leave, so the page never scrolls, from 1280 x 720 to 1920 x 1080 and in full
screen. Type sizes follow the viewport height (clamp), not fixed pixels.

Keys: ← and → (and Page Up / Page Down, what a presenter's clicker sends) click the
previous / next buttons; F toggles the browser's full screen (Fullscreen API; a key press is
a user gesture, as the Plein écran button's click is); Échap leaves it (the browser's own).
Streamlit's `shortcut=` would also work for the arrows but prints its key next to the
label, which gave "← Diapositive précédente ←".
"""
from __future__ import annotations

import streamlit as st

SLIDE_KEY = "diapositive"          # st.container(key=...) of the slide
FIGURE_KEY = "diapositive_figure"  # the chart's container inside it
PREVIOUS_KEY, NEXT_KEY = "diapositive_precedente", "diapositive_suivante"

PROJECTOR_CSS = f"""
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
.st-key-entete_service {{ display: none !important; }}
/* The page is exactly the viewport: the main block is a flex column, the slide takes what is left. */
[data-testid="stMain"] {{ overflow: hidden; }}
[data-testid="stMainBlockContainer"] {{
  padding: clamp(0.4rem, 1.6vh, 1.2rem) clamp(1rem, 2.2vw, 2.5rem); max-width: 100%;
  height: 100dvh; box-sizing: border-box; display: flex; flex-direction: column;
}}
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] {{
  flex: 1 1 0; min-height: 0; gap: 0.4rem;
}}
/* Zero-height helpers (style, script, the key listener) take no gap. */
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] > [data-testid="stElementContainer"]:has(> [data-testid="stHtml"]),
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] > [data-testid="stElementContainer"]:has(style),
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] > [data-testid="stLayoutWrapper"]:has(> .st-key-entete_service) {{
  display: none;
}}
[data-testid="stLayoutWrapper"]:has(> .st-key-{SLIDE_KEY}) {{ flex: 1 1 0; min-height: 0; display: flex; flex-direction: column; }}
.st-key-{SLIDE_KEY} {{ flex: 1 1 0; min-height: 0; gap: clamp(0.2rem, 1vh, 0.8rem); }}
/* Title, sentence, footer and buttons keep their height; only the chart gives way. */
.st-key-{SLIDE_KEY} > * {{ flex-shrink: 0; }}
.st-key-{SLIDE_KEY} > [data-testid="stLayoutWrapper"]:has(> .st-key-{FIGURE_KEY}) {{ flex: 1 1 0; min-height: 0; display: flex; flex-direction: column; }}
.st-key-{FIGURE_KEY} {{ flex: 1 1 0; min-height: 0; }}
.st-key-{FIGURE_KEY} > [data-testid="stElementContainer"] {{ flex: 1 1 0; min-height: 0; height: 100%; }}
/* A deliberate light card: the slide's chart keeps a white page (the exported image's) in
   either theme, framed and rounded so that in the dark theme it reads as a card, not a gap. */
.st-key-{FIGURE_KEY} [data-testid="stPlotlyChart"] {{
  background: #FFFFFF; border-radius: 0.75rem; overflow: hidden; height: 100%;
  border: 1px solid rgba(128, 128, 128, 0.45);
}}
/* Streamlit pulls markdown up by the paragraph margin (-1rem); the slide sets its own spacing. */
.st-key-{SLIDE_KEY} [data-testid="stMarkdownContainer"], .st-key-{SLIDE_KEY} [data-testid="stCaptionContainer"] {{ margin-bottom: 0 !important; }}
.st-key-{SLIDE_KEY} h1 {{ font-size: clamp(1.5rem, 4.4vh, 3rem); padding: 0; line-height: 1.2; }}
.st-key-{SLIDE_KEY} [data-testid="stMarkdownContainer"] p {{ font-size: clamp(0.95rem, 2.3vh, 1.45rem); line-height: 1.35; margin: 0; }}
.st-key-{SLIDE_KEY} [data-testid="stCaptionContainer"],
.st-key-{SLIDE_KEY} [data-testid="stCaptionContainer"] * {{ font-size: clamp(0.75rem, 1.65vh, 1.1rem) !important; line-height: 1.3; }}
.st-key-{SLIDE_KEY} button p {{ font-size: clamp(0.9rem, 2vh, 1.25rem) !important; }}
/* No frame around the whole page after a click: the scrolling area takes focus but shows nothing;
   buttons keep their keyboard focus ring (:focus-visible). */
[data-testid="stMain"]:focus, [data-testid="stMain"] *:focus:not(:focus-visible),
[data-testid="stAppScrollToBottomContainer"]:focus, section:focus {{ outline: none !important; box-shadow: none; }}
</style>
"""

FULLSCREEN_HTML = """<button type="button" class="plein-ecran" aria-keyshortcuts="F">
<span class="libelle">Plein écran (F)</span></button>"""

FULLSCREEN_CSS = """
.plein-ecran {
  font: inherit; font-size: clamp(0.9rem, 2vh, 1.25rem); color: var(--st-text-color);
  background: var(--st-background-color); border: 1px solid var(--st-border-color);
  border-radius: 0.5rem; padding: 0.25rem 0.75rem; min-height: 2.5rem; width: 100%; cursor: pointer;
}
.plein-ecran:hover { border-color: var(--st-primary-color); color: var(--st-primary-color); }
.plein-ecran:focus-visible { outline: 2px solid var(--st-primary-color); outline-offset: 2px; }
"""

# Registered once per page load (a rerun mounts the component again): a flag on window.
FULLSCREEN_JS = """
export default function ({ parentElement }) {
  const button = parentElement.querySelector(".plein-ecran");
  const label = button.querySelector(".libelle");
  const toggle = () => {
    if (document.fullscreenElement) { document.exitFullscreen(); }
    else if (document.documentElement.requestFullscreen) { document.documentElement.requestFullscreen(); }
  };
  const show = () => {
    label.textContent = document.fullscreenElement ? "Quitter le plein écran (Échap)" : "Plein écran (F)";
  };
  button.onclick = toggle;
  show();
  document.addEventListener("fullscreenchange", show);
  if (window.__diapositivesClavier) { window.__diapositivesToggle = toggle; return; }
  window.__diapositivesClavier = true;
  window.__diapositivesToggle = toggle;
  document.addEventListener("keydown", (event) => {
    // A click in the page focuses Streamlit's scrolling area; a key then makes it :focus-visible
    // and the browser frames the whole screen. That area is no control: let the focus go.
    const focused = document.activeElement;
    if (focused && focused.matches('[data-testid="stMain"], [data-testid="stMainBlockContainer"]')) focused.blur();
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    if (target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) return;
    if (!document.querySelector(".st-key-diapositive")) return;  // another page of the app
    const press = (key) => {
      const button = document.querySelector(`.st-key-${key} button`);
      if (button && !button.disabled) button.click();
      event.preventDefault();
    };
    if (event.key === "ArrowLeft" || event.key === "PageUp") press("diapositive_precedente");
    else if (event.key === "ArrowRight" || event.key === "PageDown") press("diapositive_suivante");
    else if (event.key === "f" || event.key === "F") { window.__diapositivesToggle(); event.preventDefault(); }
  });
}
"""


# Registered once per process, at import (registering it again on every rerun is warned against).
_fullscreen = st.components.v2.component("plein_ecran", html=FULLSCREEN_HTML, css=FULLSCREEN_CSS,
                                         js=FULLSCREEN_JS)


def projector_frame() -> None:
    """The CSS of the projector layout (call once, before the slide)."""
    st.markdown(PROJECTOR_CSS, unsafe_allow_html=True)


def fullscreen_button() -> None:
    """The Plein écran button, and the presenter's keys for the whole page."""
    _fullscreen(key="plein_ecran")
