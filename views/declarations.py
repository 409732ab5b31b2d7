"""Builders of the two legal pages: the accessibility declaration (RGAA model) and the legal
notices. Pure functions of the audit written by the browser tests, the manual checks, the
operator's settings and the data manifest; no figure is typed here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from domain.format import fr_date, fr_int

# The pages as the browser tests name them, with their title and address.
PAGE_TITLES = {
    "synthese": ("Synthèse", "/"),
    "territoires": ("Territoires", "/territoires"),
    "carte": ("Carte", "/carte"),
    "laureats": ("Lauréats", "/laureats"),
    "donnees": ("Données", "/donnees"),
    "presentation": ("Présentation", "/presentation"),
    "accessibilite": ("Accessibilité", "/accessibilite"),
    "mentions_legales": ("Mentions légales", "/mentions-legales"),
}
SCOPE_TITLES = {"france": "sans filtre", "bretagne": "région Bretagne (?region=53)",
                "guadeloupe": "département de la Guadeloupe (?departement=971)"}
THEME_TITLES = {"light": "thème clair", "dark": "thème sombre"}
IMPACTS = {"critical": "critique", "serious": "grave", "moderate": "modérée", "minor": "mineure"}

# What each English string left by Streamlit is, for the list of known limits. The browser
# test fails on an English string that has no entry here.
STREAMLIT_STRINGS = {
    "Skip to main content": "le lien d'évitement en tête de page",
    "Open": "le bouton qui ouvre la liste d'un menu déroulant",
    "App pages": "la liste des pages du panneau latéral",
    "Sidebar": "le panneau latéral",
    "Collapse sidebar": "le bouton qui replie le panneau latéral",
    "Main menu": "le menu ⋮ (masqué)",
}

# Where a person who cannot use a map or a chart finds the same information.
ALTERNATIVES = """\
- **Carte** (dessinée dans un canevas, que les lecteurs d'écran ne lisent pas) : elle a un texte de
  remplacement qui la résume ; le tableau sous la carte donne chaque fabrique du périmètre (nom,
  commune, département, région, type de territoire, vague déduite), le sélecteur « Fiche d'une
  fabrique » ouvre la fiche de chacune au clavier, et des tableaux donnent les départements sans
  fabrique et les valeurs des aplats.
- **Graphiques** : chacun a un texte de remplacement et ses valeurs en tableau, dans l'onglet
  « Tableau » sur Territoires, dans « Voir les jauges en tableau » et « Voir les annonces en
  tableau » sur Synthèse.
- **Présentation** : chaque diapositive a sa phrase « À lire », qui dit le chiffre montré ; le
  diaporama exporté porte cette phrase dans les notes de chaque diapositive.
- **Liste complète** : la page Lauréats l'offre en CSV et en XLSX, avec les filtres en cours.
"""

DEFENSEUR_DES_DROITS = """\
Si vous avez signalé un défaut d'accessibilité qui vous empêche d'accéder à un contenu ou à une
fonction de ce tableau de bord et que vous n'avez pas obtenu de réponse satisfaisante, vous pouvez
saisir le **Défenseur des droits**, gratuitement :

- par le formulaire en ligne du site [defenseurdesdroits.fr](https://www.defenseurdesdroits.fr/) ;
- en rencontrant un délégué du Défenseur des droits près de chez vous (coordonnées sur le même
  site, ou au téléphone) ;
- par téléphone : 09 69 39 00 00 ;
- par courrier, sans affranchissement : Défenseur des droits, Libre réponse 71120,
  75342 Paris CEDEX 07.
"""

METHOD = """\
- **axe-core dans un vrai navigateur** : chaque page est ouverte dans Chromium (Playwright), dans le
  thème clair et le thème sombre, sans filtre, pour une région (Bretagne) et pour un département
  d'outre-mer (Guadeloupe) ; axe-core y applique les règles WCAG 2.1 niveaux A et AA et ses bonnes
  pratiques. Une violation grave ou critique fait échouer les tests.
- **Parcours au clavier seul** : choisir une région dans les filtres, aller à la liste des lauréats
  et ouvrir la fiche d'une fabrique, sans souris.
- **Langue** : chaque page est déclarée en français, et un test cherche sur chaque page, dans les deux
  thèmes, les textes anglais de Streamlit (pris dans son code) à l'écran et dans les libellés lus
  par les lecteurs d'écran.
- **Vérifications manuelles** : listées plus bas, avec leur date.

Ces tests automatiques couvrent une partie seulement des 106 critères du RGAA : ils ne remplacent
pas un audit de conformité.
"""


@dataclass(frozen=True)
class Conformity:
    state: str              # "non conforme", "partiellement conforme", "totalement conforme"
    reasons: list[str]      # why, each from the audit


def conformity(audit: dict | None) -> Conformity:
    """The RGAA state: without a valid RGAA audit the service is 'non conforme'; with one, the
    share of criteria met decides (50 % or more: partially; all: totally). Blocking axe
    violations or a failed keyboard journey are named as reasons as well."""
    if audit is None:
        return Conformity("non conforme", ["aucun résultat de test d'accessibilité n'est disponible"])
    reasons = []
    rgaa = audit.get("rgaa_audit")
    if not rgaa:
        reasons.append("aucun audit de conformité au RGAA (106 critères) n'a encore été réalisé : "
                       "en son absence, le RGAA impose de déclarer le service non conforme")
    blocking = sum(len(view["blocking"]) for view in audit["views"].values())
    if blocking:
        reasons.append(f"{fr_int(blocking)} violation(s) grave(s) ou critique(s) relevée(s) par axe-core")
    if not audit["keyboard"]["passed"]:
        reasons.append("le parcours au clavier seul n'aboutit pas")
    if reasons:
        return Conformity("non conforme", reasons)
    share = rgaa["criteria_met"] / rgaa["criteria_applicable"]
    if share == 1:
        return Conformity("totalement conforme", [])
    if share >= 0.5:
        return Conformity("partiellement conforme", [f"{fr_int(round(share * 100))} % des critères RGAA respectés"])
    return Conformity("non conforme", [f"{fr_int(round(share * 100))} % des critères RGAA respectés"])


def link_label(audit: dict | None) -> str:
    """The footer link, as the RGAA wants it: 'Accessibilité : <état>'."""
    return f"Accessibilité : {conformity(audit).state}"


def _moment(value: str) -> str:
    moment = datetime.fromisoformat(value)
    return f"{fr_date(moment.date())} à {moment.hour} h {moment.minute:02d} (UTC)"


def audit_facts(audit: dict, current_fingerprint: str) -> list[tuple[str, str]]:
    """When, on what and with which tools the measured state was established."""
    up_to_date = audit["code_fingerprint"] == current_fingerprint
    return [
        ("Mesuré le", _moment(audit["generated"])),
        ("Version du code mesurée", f"commit {audit['commit']}"),
        ("Code servi", "identique au code mesuré" if up_to_date
         else "modifié depuis la mesure : les résultats ci-dessous peuvent ne plus être exacts"),
        ("Outils", f"axe-core {audit['axe_core']} dans Chromium {audit['browser']} (Playwright) ; "
                   f"Streamlit {audit['streamlit']}"),
        ("Technologies", "HTML, CSS, JavaScript (application Streamlit)"),
    ]


def _page_of(key: str) -> str:
    return key.split("/")[0]


def audited_pages(audit: dict) -> list[str]:
    pages = dict.fromkeys(_page_of(key) for key in audit["views"])
    return [f"{PAGE_TITLES[page][0]} ({PAGE_TITLES[page][1]})" for page in pages]


def measured_state(audit: dict) -> str:
    views = audit["views"]
    blocking = sum(len(view["blocking"]) for view in views.values())
    others = sum(len(view["other"]) for view in views.values())
    pages = len({_page_of(key) for key in views})
    keyboard = "réussi" if audit["keyboard"]["passed"] else "échoué"
    return (f"{fr_int(len(views))} vues vérifiées avec axe-core ({fr_int(pages)} pages × périmètres × "
            f"thèmes) : **{fr_int(blocking)} violation grave ou critique**, {fr_int(others)} remarque(s) "
            f"de gravité modérée ou mineure. Parcours au clavier seul : **{keyboard}**.")


def results_table(audit: dict) -> pd.DataFrame:
    """One row per page: views checked, blocking violations, other remarks (rule names)."""
    rows = {}
    for key, view in audit["views"].items():
        page = _page_of(key)
        row = rows.setdefault(page, {"Page": PAGE_TITLES[page][0], "Vues vérifiées": 0,
                                     "Violations graves ou critiques": 0, "Autres remarques": set()})
        row["Vues vérifiées"] += 1
        row["Violations graves ou critiques"] += len(view["blocking"])
        row["Autres remarques"].update(view["other"])
    for row in rows.values():
        row["Autres remarques"] = ", ".join(sorted(row["Autres remarques"])) or "aucune"
    return pd.DataFrame(list(rows.values()))


def non_conformities(audit: dict) -> list[str]:
    """Each axe rule still reported (any impact), with the views where it is."""
    where: dict[str, list[str]] = {}
    for key, view in audit["views"].items():
        for remark in [*view["blocking"], *view["other"]]:
            where.setdefault(remark, []).append(key)
    lines = []
    for remark, keys in sorted(where.items()):
        impact, rule = remark.split(" ", 1)
        pages = sorted({PAGE_TITLES[_page_of(key)][0] for key in keys})
        lines.append(f"règle axe-core « {rule} » (gravité {IMPACTS.get(impact, impact)}) : "
                     f"{', '.join(pages)}")
    return lines


def known_limits(audit: dict) -> list[str]:
    """Streamlit's English strings the browser still found (set by Streamlit, not by us)."""
    found = sorted({text for view in audit["views"].values() for text in view["streamlit_english"]})
    return [f"« {text} » : {STREAMLIT_STRINGS.get(text, 'texte de Streamlit')}" for text in found]


def manual_checks_table(checks: list[dict]) -> pd.DataFrame:
    return pd.DataFrame({
        "Date": [fr_date(date.fromisoformat(check["date"])) for check in checks],
        "Vérification": [check["what"] for check in checks],
        "Résultat": [check["result"] for check in checks],
    })


CONTACT_INTRO = ("Si vous n'arrivez pas à accéder à un contenu ou à une fonction, écrivez-nous : nous "
                 "vous répondrons et vous proposerons une autre façon d'obtenir l'information.")
CONTACT_UNSET = ("Le contact n'est **pas encore renseigné** par l'exploitant de ce serveur (variable "
                 "d'environnement `FABRIQUES_CONTACT` : une adresse électronique ou l'adresse d'un "
                 "formulaire). En attendant, adressez-vous à l'Agence nationale de la cohésion des "
                 "territoires.")


# Legal notices --------------------------------------------------------------------------------

PUBLISHER = "Agence nationale de la cohésion des territoires (ANCT), établissement public de l'État"


def publisher_facts(settings: dict) -> list[tuple[str, str]]:
    director = settings.get("directeur_publication")
    return [
        ("Éditeur", PUBLISHER),
        ("Directeur ou directrice de la publication",
         director or "non renseigné par l'exploitant (variable FABRIQUES_DIRECTEUR_PUBLICATION)"),
        ("Contact", settings.get("contact") or "non renseigné par l'exploitant (variable FABRIQUES_CONTACT)"),
    ]


HOSTING_UNSET = ("L'hébergeur **n'est pas renseigné** par l'exploitant de ce serveur (variable "
                 "d'environnement `FABRIQUES_HEBERGEUR` : nom, adresse et téléphone de l'hébergeur).")
NO_THIRD_PARTY = ("Le tableau de bord ne fait appel à aucun service extérieur : ni tuiles de carte, ni "
                  "polices, ni scripts chargés depuis un autre site.")


def licences_table(manifest: dict) -> pd.DataFrame:
    """The sources of the data version in service: one row per licence and producer (short
    cells: a long list of producers in one cell would be cut in the table)."""
    sources = pd.DataFrame(manifest["sources"])
    grouped = sources.groupby(["licence", "producer"], sort=True).size().reset_index(name="files")
    return pd.DataFrame({"Licence": grouped.licence, "Producteur": grouped.producer,
                         "Fichiers sources": grouped.files})


# What each cookie or browser storage key is for; the browser test fails on one without an entry.
COOKIE_PURPOSES = {
    "_streamlit_xsrf": "protège les envois de formulaires et de fichiers contre la falsification de "
                       "requêtes (cookie de session, effacé à la fermeture du navigateur)",
}
STORAGE_PURPOSES = {
    "stActiveTheme-<page>-v2": "le thème d'affichage (clair ou sombre) de la page",
    "stSidebarSectionsState-": "les sections du panneau latéral ouvertes ou repliées",
}


def storage_text(audit: dict | None) -> str:
    """What the browser keeps, as the browser test measured it."""
    lines = ["**Aucune mesure d'audience** : ni outil de statistiques, ni traceur publicitaire ; "
             "l'envoi de statistiques d'usage à Streamlit est désactivé (`gatherUsageStats = false`)."]
    storage = audit["browser_storage"] if audit else None
    if storage is None:
        lines.append("Aucune mesure des cookies n'est disponible.")
    elif storage["cookies"]:
        lines.append("**Cookies déposés**, relevés dans le navigateur sur chaque page ; strictement "
                     "nécessaires au fonctionnement du service, ils sont dispensés de consentement :\n\n"
                     + "\n".join(f"- `{name}` : {COOKIE_PURPOSES.get(name, 'usage non documenté')}"
                                  for name in storage["cookies"]))
    else:
        lines.append("**Aucun cookie** n'est déposé (relevé dans le navigateur sur chaque page).")
    if storage and storage["local_storage"]:
        lines.append("**Stockage local du navigateur**, gardé sur votre poste et jamais transmis :\n\n"
                     + "\n".join(f"- `{name}` : {STORAGE_PURPOSES.get(name, 'usage non documenté')}"
                                  for name in storage["local_storage"]))
    lines.append("Derrière le répartiteur nginx décrit dans la documentation de déploiement "
                 "(`docs/deploy.md`), un cookie de session `fabriques_replica` garde chaque navigateur "
                 "sur le même processus ; il ne contient qu'un identifiant tiré au hasard.")
    return "\n\n".join(lines)
