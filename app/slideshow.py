"""The two windows of a presentation: the audience's screen and the presenter's, kept on the same
slide, and the keys of a presenter's clicker.

- The audience window (`?vue=projection`) shows the slide only: its title, its figure and a short
  source line, sized from the viewport (flex column, type sizes in vh) from 1280 x 720 to
  1920 x 1080, in full screen too. No notes, no button, no sidebar, no header.
- The presenter window (no `vue`) shows the same slide, the next slide's title, the sentence to
  read in large type, the notes, the elapsed time and the navigation. In full screen (a laptop
  mirrored to the projector) it shows the audience's view: the rest is hidden by CSS.

Two windows are two Streamlit sessions. A static component (no data but the slide number, the
count and the channel's name) joins them through a same-origin BroadcastChannel: the window that
moves says its slide on the channel, the others hear it and rerun themselves on that slide (the
component's `goto` trigger, whose callback sets `?slide=`). A window just opened says its slide
(its link names it); a rerun caused by the channel says nothing back (`announce` false), so that
two windows never echo each other. Nothing is stored in the browser (no storage key:
/mentions-legales lists what the app keeps).

Keys (either window): → Page Down and space the next slide, ← Page Up the previous one, Début /
Fin the first and last; B (or the full stop, what some clickers send) blanks the audience screen
and brings it back; F toggles the full screen (a key press is a user gesture, as a click);
Échap leaves it (the browser's own). A double click on the audience window toggles full screen.
"""
from __future__ import annotations

import streamlit as st

from views.filters import shown

SLIDE_KEY = "diapositive"          # st.container(key=...) of the slide
FIGURE_KEY = "diapositive_figure"  # the chart's container inside it
PREVIOUS_KEY, NEXT_KEY = "diapositive_precedente", "diapositive_suivante"
BAR_KEY, NOTES_KEY, CONTROLS_KEY = "barre_orateur", "notes_orateur", "commandes_diapositives"
SYNC_KEY = "diapositives_synchro"
QUIET = "presentation_rerun_from_the_other_window"
PROJECTION = "projection"

_HIDDEN_CHROME = """
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
.st-key-entete_service { display: none !important; }
[data-testid="stMain"] { overflow: hidden; }
[data-testid="stMainBlockContainer"] {
  padding: clamp(0.4rem, 1.6vh, 1.2rem) clamp(1rem, 2.2vw, 2.5rem); max-width: 100%;
  height: 100dvh; box-sizing: border-box; display: flex; flex-direction: column;
}
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] { flex: 1 1 0; min-height: 0; gap: 0.4rem; }
/* Zero-height helpers (style, script, the key listener) take no gap. */
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] > [data-testid="stElementContainer"]:has(> [data-testid="stHtml"]),
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] > [data-testid="stElementContainer"]:has(style),
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] > [data-testid="stLayoutWrapper"]:has(> .st-key-entete_service) {
  display: none;
}
/* The slide: title, figure (takes what is left), source line. */
[data-testid="stLayoutWrapper"]:has(> .st-key-SLIDE) { flex: 1 1 0; min-height: 0; display: flex; flex-direction: column; }
.st-key-SLIDE { flex: 1 1 0; min-height: 0; gap: clamp(0.2rem, 1vh, 0.8rem); }
.st-key-SLIDE > * { flex-shrink: 0; }
.st-key-SLIDE > [data-testid="stLayoutWrapper"]:has(> .st-key-FIGURE) { flex: 1 1 0; min-height: 0; display: flex; flex-direction: column; }
.st-key-FIGURE { flex: 1 1 0; min-height: 0; }
.st-key-FIGURE > [data-testid="stElementContainer"] { flex: 1 1 0; min-height: 0; height: 100%; }
/* A deliberate light card: the chart keeps a white page (the exported image's) in either theme. */
.st-key-FIGURE [data-testid="stPlotlyChart"] {
  background: #FFFFFF; border-radius: 0.75rem; overflow: hidden; height: 100%;
  border: 1px solid rgba(128, 128, 128, 0.45);
}
.st-key-SLIDE [data-testid="stMarkdownContainer"], .st-key-SLIDE [data-testid="stCaptionContainer"] { margin-bottom: 0 !important; }
.st-key-SLIDE h1 { font-size: clamp(1.5rem, 4.4vh, 3rem); padding: 0; line-height: 1.2; }
.st-key-SLIDE [data-testid="stCaptionContainer"], .st-key-SLIDE [data-testid="stCaptionContainer"] * {
  font-size: clamp(0.75rem, 1.65vh, 1.1rem) !important; line-height: 1.3;
}
/* No frame around the whole page after a click; buttons keep their focus ring (:focus-visible). */
[data-testid="stMain"]:focus, [data-testid="stMain"] *:focus:not(:focus-visible),
[data-testid="stAppScrollToBottomContainer"]:focus, section:focus { outline: none !important; box-shadow: none; }
/* The exports fit a 720-px screen: the menu scrolls inside itself. */
[data-testid="stPopoverBody"] { max-height: calc(100dvh - 7rem); overflow-y: auto; }
"""

# The audience's window: the slide and nothing else (the controls run, unseen).
PROJECTION_CSS = _HIDDEN_CHROME + """
.st-key-CONTROLS, [data-testid="stLayoutWrapper"]:has(> .st-key-CONTROLS) { display: none !important; }
"""

# The presenter's window: a bar, the slide on the left, what to say on the right; in full screen
# (one screen mirrored), the audience's view.
PRESENTER_CSS = _HIDDEN_CHROME + """
.st-key-BAR { flex-shrink: 0; gap: 0.6rem; align-items: center; }
.st-key-BAR [data-testid="stMarkdownContainer"] p { margin: 0; font-size: clamp(0.9rem, 2vh, 1.15rem); }
[data-testid="stLayoutWrapper"]:has(> [data-testid="stHorizontalBlock"] .st-key-SLIDE),
[data-testid="stHorizontalBlock"]:has(.st-key-SLIDE) { flex: 1 1 0; min-height: 0; }
[data-testid="stHorizontalBlock"]:has(.st-key-SLIDE) > [data-testid="stColumn"] { display: flex; flex-direction: column; min-height: 0; }
[data-testid="stColumn"]:has(.st-key-SLIDE) > [data-testid="stVerticalBlock"] { flex: 1 1 0; min-height: 0; }
[data-testid="stColumn"]:has(.st-key-NOTES) > [data-testid="stVerticalBlock"] { flex: 1 1 0; min-height: 0; }
[data-testid="stLayoutWrapper"]:has(> .st-key-NOTES) { flex: 1 1 0; min-height: 0; display: flex; flex-direction: column; }
/* What to say scrolls inside its own column, never the page. */
.st-key-NOTES { flex: 1 1 0; min-height: 0; overflow-y: auto; gap: 0.5rem; padding: 4px 0.3rem 0 4px; }
.st-key-NOTES .st-key-a_lire p { font-size: clamp(1.1rem, 3vh, 1.7rem) !important; line-height: 1.35; }
.st-key-NOTES [data-testid="stCaptionContainer"] p { font-size: clamp(0.8rem, 1.8vh, 1.05rem); }
.st-key-NOTES button p { font-size: clamp(0.9rem, 2vh, 1.15rem) !important; }
html:fullscreen .st-key-BAR, html:fullscreen [data-testid="stLayoutWrapper"]:has(> .st-key-BAR),
html:fullscreen [data-testid="stColumn"]:has(.st-key-NOTES) { display: none !important; }
html:fullscreen [data-testid="stColumn"]:has(.st-key-SLIDE) { width: 100% !important; flex: 1 1 100% !important; }
"""


def _keyed(css: str) -> str:
    return (css.replace("SLIDE", SLIDE_KEY).replace("FIGURE", FIGURE_KEY).replace("BAR", BAR_KEY)
            .replace("NOTES", NOTES_KEY).replace("CONTROLS", CONTROLS_KEY))


CONTROLS_HTML = """<div class="commandes">
<span class="chrono-bloc">Temps écoulé <span class="chrono" role="timer">0:00</span></span>
<button type="button" class="zero" title="Remettre le temps écoulé à zéro"
 aria-label="Remettre le temps écoulé à zéro">↺</button>
<button type="button" class="plein-ecran" aria-keyshortcuts="F"><span class="libelle">Plein écran (F)</span></button>
<span class="ecran-noir" role="status"></span>
</div>"""

CONTROLS_CSS = """
.commandes { display: flex; flex-wrap: nowrap; white-space: nowrap; gap: 0.5rem; align-items: center; font-size: clamp(0.9rem, 2vh, 1.15rem); }
.chrono { font-variant-numeric: tabular-nums; font-weight: 600; }
button {
  font: inherit; color: var(--st-text-color); background: var(--st-background-color);
  border: 1px solid var(--st-border-color); border-radius: 0.5rem; padding: 0.25rem 0.75rem;
  min-height: 2.5rem; cursor: pointer;
}
button:hover { border-color: var(--st-primary-color); color: var(--st-primary-color); }
button:focus-visible { outline: 2px solid var(--st-primary-color); outline-offset: 2px; }
/* Room kept for the blank state, so that saying it moves nothing. */
.ecran-noir { display: inline-block; min-width: 7.5em; font-weight: 600; color: var(--st-primary-color); }
"""

CONTROLS_JS = """
export default function ({ parentElement, data, setTriggerValue }) {
  const s = window.__diapositives || (window.__diapositives = {
    number: 0, count: 0, lastSent: null, blank: false, started: Date.now(), pending: null, mounted: false,
  });
  s.trigger = setTriggerValue;
  s.count = data.count;
  s.view = data.view;

  const post = (message) => { try { s.channel.postMessage(message); } catch (error) { /* closed */ } };
  const applyBlank = () => {
    let veil = document.getElementById("voile-ecran-noir");
    const shown = s.blank && (s.view === "projection" || document.fullscreenElement);
    if (shown && !veil) {
      veil = document.createElement("div");
      veil.id = "voile-ecran-noir";
      veil.setAttribute("aria-label", "Écran masqué");
      veil.style.cssText = "position:fixed;inset:0;background:#000;z-index:2147483647;cursor:none;";
      document.body.appendChild(veil);
    } else if (!shown && veil) { veil.remove(); }
    const status = parentElement.querySelector(".ecran-noir");
    if (status) status.textContent = s.blank ? "Écran noir (B)" : "";
  };
  const goTo = (target) => {
    if (!(target >= 1 && target <= s.count) || target === s.number) return;
    s.number = target;
    s.lastSent = target;
    s.pending = { target, until: Date.now() + 2000 };
    post({ type: "slide", number: target });
    s.trigger("goto", target);
  };
  const setBlank = (on) => { s.blank = on; post({ type: "blank", on }); applyBlank(); };
  const toggleFullScreen = () => {
    if (document.fullscreenElement) { document.exitFullscreen(); }
    else if (document.documentElement.requestFullscreen) { document.documentElement.requestFullscreen(); }
  };
  s.goTo = goTo; s.setBlank = setBlank; s.toggleFullScreen = toggleFullScreen; s.applyBlank = applyBlank;

  if (s.channelName !== data.channel) {
    if (s.channel) s.channel.close();
    s.channel = new BroadcastChannel(data.channel);
    s.channelName = data.channel;
    s.channel.onmessage = (event) => {
      const message = event.data || {};
      if (message.type === "slide" && Number.isInteger(message.number) && message.number !== s.number) {
        s.number = message.number;
        s.lastSent = message.number;
        s.pending = { target: message.number, until: Date.now() + 2000 };
        s.trigger("goto", message.number);
      } else if (message.type === "blank") {
        s.blank = Boolean(message.on);
        s.applyBlank();
      } else if (message.type === "hello") {
        post({ type: "blank", on: s.blank });  // a window just opened: is the screen blank?
      }
    };
    post({ type: "hello" });
  }

  // The slide the server shows. A window just opened (its link names the slide) or moved here (a
  // button of the presenter) says it on the channel; a rerun caused by the other window does not.
  const pending = s.pending && Date.now() < s.pending.until && s.pending.target !== data.number;
  if (!pending) { s.number = data.number; s.pending = null; }
  if (s.mounted && !data.announce) { s.lastSent = data.number; }
  else if (data.number !== s.lastSent) { s.lastSent = data.number; post({ type: "slide", number: data.number }); }
  s.mounted = true;

  // The presenter's controls: elapsed time since this window opened, full screen, the blank state.
  const clock = parentElement.querySelector(".chrono");
  const tick = () => {
    const seconds = Math.floor((Date.now() - s.started) / 1000);
    const h = Math.floor(seconds / 3600), m = Math.floor(seconds / 60) % 60, sec = seconds % 60;
    clock.textContent = (h ? `${h}:${String(m).padStart(2, "0")}` : `${m}`) + `:${String(sec).padStart(2, "0")}`;
  };
  tick();
  const timer = setInterval(tick, 1000);
  parentElement.querySelector(".zero").onclick = () => { s.started = Date.now(); tick(); };
  const button = parentElement.querySelector(".plein-ecran");
  const label = button.querySelector(".libelle");
  const showFullScreen = () => {
    label.textContent = document.fullscreenElement ? "Quitter le plein écran (Échap)" : "Plein écran (F)";
    s.applyBlank();
  };
  button.onclick = toggleFullScreen;
  showFullScreen();
  document.addEventListener("fullscreenchange", showFullScreen);
  applyBlank();

  if (!s.keys) {
    s.keys = true;
    document.addEventListener("dblclick", () => { if (s.view === "projection") s.toggleFullScreen(); });
    document.addEventListener("keydown", (event) => {
      // A click in the page focuses Streamlit's scrolling area; a key then makes it :focus-visible
      // and the browser frames the whole screen. That area is no control: let the focus go.
      const focused = document.activeElement;
      if (focused && focused.matches('[data-testid="stMain"], [data-testid="stMainBlockContainer"]')) focused.blur();
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      const target = event.target;
      if (target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) return;
      if (!document.querySelector(".st-key-diapositive")) return;  // another page of the app
      const onControl = target && target.closest && target.closest("button, a, summary, [role=button]");
      const key = event.key;
      if (key === "ArrowRight" || key === "PageDown" || (key === " " && !onControl)) s.goTo(s.number + 1);
      else if (key === "ArrowLeft" || key === "PageUp") s.goTo(s.number - 1);
      else if (key === "Home") s.goTo(1);
      else if (key === "End") s.goTo(s.count);
      else if (key === "b" || key === "B" || key === ".") s.setBlank(!s.blank);
      else if (key === "f" || key === "F") s.toggleFullScreen();
      else return;
      event.preventDefault();
    });
  }
  // The keys answer from here on (the component's script runs once its module has loaded, after
  // the slide may already show): said on the page for whoever waits for it (the browser tests).
  document.documentElement.dataset.diapositivesClavier = "1";
  return () => { clearInterval(timer); document.removeEventListener("fullscreenchange", showFullScreen); };
}
"""

# Registered once per process, at import (registering it again on every rerun is warned against).
_controls = st.components.v2.component("diapositives", html=CONTROLS_HTML, css=CONTROLS_CSS, js=CONTROLS_JS)

def view_from_url(raw) -> tuple[str, str | None]:
    """"projection" (the audience) or "orateur" (the presenter, no `vue`), and a French notice
    when `vue=` names neither."""
    if raw is None or raw == "":
        return "orateur", None
    text = str(raw).strip()
    if text == PROJECTION:
        return PROJECTION, None
    return "orateur", (f"Vue inconnue (« {shown(text)} ») : les vues sont l'écran de projection "
                       "(vue=projection) et la vue de l'orateur (sans vue). Retour à la vue de l'orateur, "
                       "à la première diapositive.")


def frame(view: str) -> None:
    """The CSS of the window (call once, before the slide)."""
    css = PROJECTION_CSS if view == PROJECTION else PRESENTER_CSS
    st.markdown(f"<style>{_keyed(css)}</style>", unsafe_allow_html=True)


def moved_by_the_other_window() -> bool:
    """This run follows a move said on the channel (or made with a key here, already said)."""
    return bool(st.session_state.pop(QUIET, False))


def _follow() -> None:
    state = st.session_state.get(SYNC_KEY)
    value = state.get("goto") if isinstance(state, dict) else getattr(state, "goto", None)
    # From the browser: a small positive integer or nothing; the page checks the range.
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 1000:
        st.query_params["slide"] = str(value)
        st.session_state[QUIET] = True


def controls(number: int, count: int, view: str, channel: str, announce: bool) -> None:
    """The keys, the channel between the windows, and (presenter) the clock and full screen."""
    with st.container(key=CONTROLS_KEY):
        _controls(key=SYNC_KEY, data={"number": number, "count": count, "view": view,
                                      "channel": channel, "announce": announce},
                  on_goto_change=_follow, width="content" if view != PROJECTION else "stretch")
