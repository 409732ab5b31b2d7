"""What Streamlit draws around the pages, made French: its English menus hidden, its English
labels translated in the browser, and the links to the legal pages at the bottom of every page.

Streamlit 1.67 has no language setting: its own words ("Skip to main content", "Open",
"No results", the ⋮ menu, the toolbars of tables and charts) are written in English in its
frontend bundle. What can be hidden without losing a function is hidden (CSS); what must
stay (the skip link, the buttons of the selects, the sidebar button) is translated by a
fixed script. Everything here is static text: no data, no URL value reaches it.
"""
from __future__ import annotations

import json

import streamlit as st

from services import publication
from views import declarations
from views.colors import GREY_MEDIUM

# - The ⋮ menu only offers English items (System / Light / Dark, Print, Record screen, "Made
#   with Streamlit"): hidden. The theme follows the system setting (prefers-color-scheme);
#   printing is the browser's own (Ctrl+P).
# - Element toolbars (tables: Show/hide columns, Download as CSV, Search, Fullscreen; charts
#   and the map: Fullscreen) are English-only: hidden. The project's own French buttons
#   replace them: CSV and XLSX downloads and the search field on Lauréats, the full-screen
#   slides of Présentation.
HIDE_ENGLISH_CONTROLS = """<style>
[data-testid="stMainMenu"], [data-testid="stElementToolbar"] { display: none !important; }
</style>"""

# Streamlit's English words that stay on screen or in the accessibility tree, in French.
# Exact strings of the frontend bundle (streamlit/static/static/js); the browser test lists
# every English string left, and /accessibilite shows them as known limits.
TEXTS = {
    "Skip to main content": "Aller au contenu principal",
    "No results": "Aucun résultat",
    "Choose an option": "Choisissez une option",
    "Choose options": "Choisissez des options",
}
ARIA_LABELS = {
    "Open": "Ouvrir la liste",
    "Clear value": "Effacer la valeur",
    "Clear all": "Tout effacer",
    "Selected values": "Valeurs choisies",
    "App pages": "Pages du tableau de bord",
    "Sidebar": "Panneau latéral",
    "Collapse sidebar": "Replier le panneau latéral",
    "Expand sidebar": "Déplier le panneau latéral",
    "Main menu": "Menu principal",
    "Running...": "Calcul en cours…",
    "Stop script": "Arrêter le calcul",
    "Link to heading": "Lien vers ce titre",
    "Scroll tabs left": "Faire défiler les onglets vers la gauche",
    "Scroll tabs right": "Faire défiler les onglets vers la droite",
    "Close": "Fermer",
    "Add files": "Ajouter des fichiers",
    "Show password": "Afficher le mot de passe",
    "Hide password": "Masquer le mot de passe",
    "file upload": "Choisir un fichier",
}
# Labels that end with a name from the page: "Help for <label>" on the (?) button of a widget's
# help text, "Remove <file name>" on the uploader's button that drops a chosen file (and "Cancel
# upload of <file name>" while it is sent).
ARIA_PREFIXES = {"Help for ": "Aide : ", "Remove ": "Retirer ", "Cancel upload of ": "Annuler l'envoi de "}
# Inside the file uploader only: its button and instructions, the file's size ("24.2KB"), the
# limit ("20MB per file") and the refusal of a larger file ("File must be 20.0MB or smaller."),
# with French units and a decimal comma.
# Short words translated only inside the element that owns them (by its data-testid).
SCOPED_TEXTS = {
    "stFileUploader": {
        "Upload": "Choisir un fichier",
        "Drag and drop a file here": "Glissez un fichier ici",
        "Drag and drop files here": "Glissez des fichiers ici",
    },
    # Top right while a page is computed.
    "stStatusWidget": {
        "Stop": "Arrêter",
        "Stopping...": "Arrêt…",
        "Rerun": "Relancer",
        "Always rerun": "Toujours relancer",
        "File change.": "Fichier modifié.",
    },
}
UNITS = {"B": "o", "KB": "Ko", "MB": "Mo", "GB": "Go"}

_SCRIPT = """<script>
(() => {
  if (window.__fabriquesEnFrancais) return;
  window.__fabriquesEnFrancais = true;
  const texts = %(texts)s, labels = %(labels)s, units = %(units)s, prefixes = %(prefixes)s;
  const scoped = %(scoped)s;
  const size = /^(\\d+(?:\\.\\d+)?)(B|KB|MB|GB)$/;
  const perFile = /^(\\d+(?:\\.\\d+)?)(B|KB|MB|GB) per file$/;
  const tooLarge = /^File must be (\\d+(?:\\.\\d+)?)(B|KB|MB|GB) or smaller\\.$/;
  const french = (number, unit) => number.replace(".", ",") + "\\u00a0" + units[unit];
  const translateText = (node) => {
    const value = node.data.trim();
    let result = texts[value];
    const parent = node.parentElement;
    for (const testid in scoped) {
      if (!result && parent && scoped[testid][value] && parent.closest(`[data-testid=${testid}]`)) {
        result = scoped[testid][value];
      }
    }
    if (!result && parent && parent.closest("[data-testid=stFileUploader]")) {
      let m = value.match(size);
      if (m) result = french(m[1], m[2]);
      m = value.match(perFile);
      if (m) result = french(m[1], m[2]) + " au plus par fichier";
      m = value.match(tooLarge);
      if (m) result = "Fichier refusé avant l'envoi : il dépasse " + m[1].replace(/\\.0+$/, "").replace(".", ",")
        + " " + units[m[2]] + ", la limite de l'import. Une liste de fabriques pèse moins de 1 Mo : "
        + "vérifiez qu'il s'agit du bon fichier.";
    }
    if (result) node.data = node.data.replace(value, result);
  };
  const translateLabel = (element) => {
    const value = element.getAttribute("aria-label");
    if (!value) return;
    let result = labels[value];
    for (const prefix in prefixes) {
      if (!result && value.startsWith(prefix)) result = prefixes[prefix] + value.slice(prefix.length);
    }
    if (result) element.setAttribute("aria-label", result);
  };
  const visit = (node) => {
    if (node.nodeType === Node.TEXT_NODE) { translateText(node); return; }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    if (node.hasAttribute("aria-label")) translateLabel(node);
    node.querySelectorAll("[aria-label]").forEach(translateLabel);
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    for (let text = walker.nextNode(); text; text = walker.nextNode()) translateText(text);
  };
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.type === "attributes") translateLabel(m.target);
      else if (m.type === "characterData") visit(m.target);
      else m.addedNodes.forEach(visit);
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true,
                             attributes: true, attributeFilter: ["aria-label"]});
  visit(document.body);
})();
</script>"""

IN_FRENCH_SCRIPT = _SCRIPT % {
    "texts": json.dumps(TEXTS, ensure_ascii=False), "labels": json.dumps(ARIA_LABELS, ensure_ascii=False),
    "units": json.dumps(UNITS, ensure_ascii=False), "prefixes": json.dumps(ARIA_PREFIXES, ensure_ascii=False),
    "scoped": json.dumps(SCOPED_TEXTS, ensure_ascii=False),
}


# Streamlit's chart theme writes the axes' ticks and titles of every plotly chart in its grey
# #808495: 3.8:1 on the white page, under the 4.5:1 that small text needs (RGAA 3.2). In the
# light theme (the app follows prefers-color-scheme) that grey, and only it, is replaced by the
# DSFR's text-mention-grey (5.7:1); the dark theme's chart text is light enough already.
STREAMLIT_CHART_GREY = "rgb(128, 132, 149)"
CHART_TEXT_CONTRAST = f"""<style>
@media (prefers-color-scheme: light) {{
  .js-plotly-plot text[style*="fill: {STREAMLIT_CHART_GREY}"] {{ fill: {GREY_MEDIUM} !important; }}
}}
</style>"""


def in_french() -> None:
    """Hide Streamlit's English-only controls and translate its remaining words (every rerun);
    give the charts' small text a readable contrast."""
    st.html(HIDE_ENGLISH_CONTROLS + CHART_TEXT_CONTRAST)
    st.html(IN_FRENCH_SCRIPT, unsafe_allow_javascript=True)


def legal_links(query_params: dict | None = None) -> None:
    """The two pages every French public website links from each page; the first one names the
    conformity state, derived from the committed test results."""
    declaration, notices = st.columns(2)
    declaration.page_link("pages/accessibilite.py", label=declarations.link_label(publication.read_audit()),
                          icon=":material/accessibility_new:", query_params=query_params)
    notices.page_link("pages/mentions_legales.py", label="Mentions légales",
                      icon=":material/gavel:", query_params=query_params)
