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
# - The toolbars of charts and of the map (one English "Fullscreen" button drawn over the
#   chart) are hidden. The data grids keep theirs (search, full screen, columns shown), its
#   labels, tooltips and menus translated below, except its "Download as CSV": that file writes
#   the cells raw (a name "=1+1" would run in a spreadsheet) with commas; the pages' own French
#   downloads neutralise such cells and use ";".
# - The collapsed sidebar's button, an unlabelled "»" on a phone, says "Filtres" on screen.
HIDE_ENGLISH_CONTROLS = """<style>
[data-testid="stMainMenu"],
[data-testid="stElementToolbar"]:not([data-testid="stDataFrame"] *),
[data-testid="stDataFrame"] [data-testid="stElementToolbarButton"]:has(button[aria-label^="Download as CSV"]),
[data-testid="stDataFrame"] [data-testid="stElementToolbarButton"]:has(button[aria-label^="Télécharger en CSV"]) {
  display: none !important; }
[data-testid="stExpandSidebarButton"] {
  width: auto; gap: 0.25rem; padding: 0.25rem 0.75rem 0.25rem 0.5rem;
  border: 1px solid currentColor; border-radius: 0.5rem; }
[data-testid="stExpandSidebarButton"]::after { content: "Filtres"; font-size: 1rem; font-weight: 600; }
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
    # Named by what it opens (its visible word first: the name a voice command says).
    "Expand sidebar": "Filtres et pages",
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
    # The data grids' toolbar (its buttons' names and tooltips), its search bar and its menus.
    **{
        "Show/hide columns": "Afficher ou masquer des colonnes",
        "Download as CSV": "Télécharger en CSV",
        "Search": "Rechercher dans le tableau",
        "Fullscreen": "Plein écran",
        "Close fullscreen": "Quitter le plein écran",
        "Clear selection": "Effacer la sélection",
        "Previous Result": "Résultat précédent",
        "Next Result": "Résultat suivant",
        "Close Search": "Fermer la recherche",
        "Dataframe column menu": "Menu de la colonne",
        "Copy column name": "Copier le nom de la colonne",
    },
}
# Labels that end with a name from the page: "Help for <label>" on the (?) button of a widget's
# help text, "Remove <file name>" on the uploader's button that drops a chosen file (and "Cancel
# upload of <file name>" while it is sent).
ARIA_PREFIXES = {"Help for ": "Aide : ", "Remove ": "Retirer ", "Cancel upload of ": "Annuler l'envoi de "}
# A grid with an accessible name (st.dataframe's alt) names its toolbar's buttons "Search: <name>".
ARIA_PREFIXES.update({f"{english}: ": f"{ARIA_LABELS[english]} : " for english in (
    "Show/hide columns", "Download as CSV", "Search", "Fullscreen", "Close fullscreen")})
# Inside the file uploader only: its button and instructions, the file's size ("24.2KB"), the
# limit ("20MB per file") and the refusal of a larger file ("File must be 20.0MB or smaller."),
# with French units and a decimal comma.
# Short words translated only inside the element that owns them (by its data-testid).
# The data grids' menus: a column's (sort, statistics, format, pin, hide), the list of columns
# shown, and the toolbar's tooltips.
GRID_TEXTS = {
    "Sort ascending": "Trier par ordre croissant",
    "Sort descending": "Trier par ordre décroissant",
    "Statistics": "Statistiques",
    "Autosize": "Ajuster la largeur",
    "Pin column": "Épingler la colonne",
    "Unpin column": "Détacher la colonne",
    "Hide column": "Masquer la colonne",
    "Select all": "Tout cocher",
    "Type to search": "Tapez pour rechercher",
    "Count": "Nombre",
    "Distinct": "Valeurs distinctes",
    "Empty": "Vides",
    "Values": "Valeurs",
    "Average": "Moyenne",
    "Average length": "Longueur moyenne",
    "Median": "Médiane",
    "Sum": "Somme",
    "Range": "Étendue",
    "Standard deviation": "Écart type",
    "Minimum length": "Longueur minimale",
    "Maximum length": "Longueur maximale",
    "Based on sample": "Calculé sur un échantillon",
    "No data": "Aucune donnée",
    "True": "Vrai",
    "False": "Faux",
    "Automatic": "Automatique",
    "Localized": "Selon la langue",
    "Plain": "Sans mise en forme",
    "Percent": "Pourcentage",
    "Scientific": "Scientifique",
    "Accounting": "Comptable",
    "Calendar": "Calendrier",
    "Duration": "Durée",
}
TOOLTIP_TEXTS = {english: ARIA_LABELS[english] for english in (
    "Show/hide columns", "Download as CSV", "Search", "Fullscreen", "Close fullscreen", "Clear selection")}
# The grid and its menus (drawn outside it, in a popover), by data-testid.
GRID_SCOPES = ("stDataFrame", "stDataFrameColumnMenu", "stDataFrameColumnFormattingMenu",
               "stDataFrameColumnVisibilityMenu", "stDataFrameStatisticsMenu", "stDataFrameStatisticsContent")
# The grid's search bar: its field has no name once a search is typed (its only label, "Type to
# search", goes away with the first letter); the script names it.
GRID_SEARCH_FIELD_LABEL = "Rechercher dans le tableau"
SCOPED_TEXTS = {
    "stTooltipContent": TOOLTIP_TEXTS,
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
  const scoped = %(scoped)s, gridTexts = %(grid_texts)s;
  const gridScope = %(grid_scopes)s.map((testid) => `[data-testid=${testid}]`).join(",");
  // The grid's search results: "8 results", "1 result", "2 of 8 results", "over 1000".
  const results = /^(?:(\d+) of )?(over 1000|\d+) results?$/;
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
    if (!result && parent && (gridTexts[value] || results.test(value)) && parent.closest(gridScope)) {
      const m = value.match(results);
      if (!m) result = gridTexts[value];
      else {
        const count = m[2] === "over 1000" ? "plus de 1\u00a0000" : m[2];
        const total = count + " résultat" + (m[2] === "1" ? "" : "s");
        result = m[1] ? m[1] + " sur " + total : total;
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
  // An aria-label, or a title (the tooltip the browser shows and a screen reader may read).
  const translateAttribute = (element, attribute) => {
    const value = element.getAttribute(attribute);
    if (!value) return;
    let result = labels[value];
    for (const prefix in prefixes) {
      if (!result && value.startsWith(prefix)) result = prefixes[prefix] + value.slice(prefix.length);
    }
    if (result) element.setAttribute(attribute, result);
  };
  const translateLabel = (element) => {
    translateAttribute(element, "aria-label");
    translateAttribute(element, "title");
  };
  const nameSearchField = (root) => {
    root.querySelectorAll("input[data-testid=search-input]:not([aria-label])")
      .forEach((field) => field.setAttribute("aria-label", %(search_label)s));
  };
  const visit = (node) => {
    if (node.nodeType === Node.TEXT_NODE) { translateText(node); return; }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    translateLabel(node);
    node.querySelectorAll("[aria-label], [title]").forEach(translateLabel);
    nameSearchField(node);
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
                             attributes: true, attributeFilter: ["aria-label", "title"]});
  visit(document.body);
})();
</script>"""

IN_FRENCH_SCRIPT = _SCRIPT % {
    "texts": json.dumps(TEXTS, ensure_ascii=False), "labels": json.dumps(ARIA_LABELS, ensure_ascii=False),
    "units": json.dumps(UNITS, ensure_ascii=False), "prefixes": json.dumps(ARIA_PREFIXES, ensure_ascii=False),
    "scoped": json.dumps(SCOPED_TEXTS, ensure_ascii=False), "grid_texts": json.dumps(GRID_TEXTS, ensure_ascii=False),
    "grid_scopes": json.dumps(GRID_SCOPES), "search_label": json.dumps(GRID_SEARCH_FIELD_LABEL, ensure_ascii=False),
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
</style>
<style>
/* A card's or a switch's label is read whole: Streamlit cuts it with an ellipsis ("Fabrique…",
   "Hors gra…") when three cards or two columns of switches share a tablet's width beside the
   sidebar; it wraps instead. */
[data-testid="stMetricLabel"] *, [data-testid="stCheckbox"] [data-testid="stWidgetLabel"] * {{
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
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
