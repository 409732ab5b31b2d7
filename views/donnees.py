"""Builders of the Données page: sources, versions, history, import report and preview.

Every table returned here is shown with st.dataframe (text stays text: a name holding
"<script>" or "=1+1" is displayed as typed). CSV downloads go through views.exports, which
neutralises cells a spreadsheet would read as formulas.
"""
from __future__ import annotations

import math
from datetime import date
from urllib.parse import urlsplit

import pandas as pd

from domain.format import as_text, fr_date, fr_datetime, fr_int, fr_milestone_date, fr_month, fr_percent, share
from domain.signers import METHOD_LABELS, public_name
from views import exports

def limits_text(waves: pd.DataFrame, announced: pd.DataFrame, list_count: int, list_date: date | None) -> str:
    """What the data do not contain; the inferred id ranges and the later announcements come
    from the data (inferred_waves, announced_totals), so that an import updates them."""
    dated = [f"`fabt-{int(w.first_number):02d}` à `fabt-{int(w.last_number):02d}` : "
             f"{w.wave_label[:1].lower() + w.wave_label[1:]}" for w in waves.itertuples() if pd.notna(w.wave_date)]
    mixed = [f"`fabt-{int(w.first_number):02d}` à `fabt-{int(w.last_number):02d}`"
             for w in waves.itertuples() if pd.isna(w.wave_date)]
    ranges = " ; ".join(dated) + (f" ; {' et '.join(mixed)} : vagues que la liste ne permet pas de séparer"
                                  if mixed else "")
    text = (
        "- **Vague et date de chaque fabrique** : la liste de l'ANCT ne les donne pas. Les vagues affichées "
        f"sont **déduites** de l'ordre des identifiants ({ranges}). Une liste importée qui porte une "
        "colonne « vague » ou « date » remplace cette déduction pour ses fabriques.\n"
        "- **QPV et rural** : il n'existe pas de label officiel par fabrique. « En commune avec QPV » veut "
        "dire que la **commune** compte au moins un quartier prioritaire (géographie 2024) ; « en commune "
        "rurale », que la **commune** est rurale dans la grille de densité de l'INSEE. Ce sont des "
        "approximations au niveau de la commune : la fabrique n'est pas forcément dans le quartier "
        "(comparaison avec les chiffres annoncés ci-dessous).\n"
        "- **Points** : le centre de la commune, pas l'adresse de la fabrique.\n"
        "- **Type de fabrique** (fabrique de territoire ou fabrique numérique) : absent de la liste.\n"
    )
    later = announced.dropna(subset=["announced_total"])
    if list_date is not None:
        later = later[(pd.to_datetime(later.milestone_date).dt.date > list_date)
                      & (later.announced_total > list_count)]
        for row in later.sort_values("milestone_date").itertuples():
            text += (f"- **{row.event} ({fr_milestone_date(pd.Timestamp(row.milestone_date).date(), row.date_precision)}, "
                     f"{fr_int(row.announced_total)} fabriques annoncées)** n'est pas dans la liste en service "
                     f"({fr_month(list_date)}, {fr_int(list_count)} fabriques) : elle pourra être importée ici "
                     "quand l'ANCT publiera la liste.\n")
    return text


SPLITS_NOTE = (
    "Pourquoi les deux diffèrent : la liste ne porte aucun label, l'approximation compte une fabrique "
    "« en QPV » dès que sa **commune** compte un quartier prioritaire de la géographie **2024** (les "
    "annonces de 2020 s'appuyaient sur les quartiers de 2015, et la fabrique n'est pas forcément dans le "
    "quartier) ; les annonces parlent de « ruralité » sans définition publiée (ici : INSEE, ou « hors "
    "grands centres urbains » comme l'appel de 2019) ; une commune à la fois avec QPV et rurale compte "
    "ici comme QPV ; enfin, les fabriques d'une annonce sont les premiers identifiants de la liste "
    "(ordre déduit). Une annonce postérieure à la liste ne peut pas être comparée."
)


SPLIT_CATEGORIES = (
    ("QPV", "announced_qpv", "announced_qpv_pct", "approx_qpv"),
    ("Rural : commune rurale (INSEE)", "announced_rural", "announced_rural_pct", "approx_rural_insee"),
    ("Rural : hors grands centres urbains", "announced_rural", "announced_rural_pct",
     "approx_outside_large_centres"),
)


def splits_table(splits: pd.DataFrame) -> pd.DataFrame:
    """The announced QPV / rural splits beside the commune-level approximation for the same ids:
    one row per announcement and category, one unit per column (fabriques, or a share of the
    announcement's fabriques). What an announcement did not give, or what the list cannot say
    (an announcement after it), is "—"."""
    rows = []
    for r in splits.itertuples():
        when = fr_date(pd.Timestamp(r.milestone_date).date())
        heading = (f"{r.event}, {when} : {fr_int(r.announced_total)} fabriques"
                   + ("" if r.in_list else " (postérieure à la liste)"))
        for category, count, pct, approximation in SPLIT_CATEGORIES:
            announced_count, announced_pct = getattr(r, count), getattr(r, pct)
            approximated = getattr(r, approximation)
            rows.append({
                "Annonce": heading,
                "Catégorie": category,
                "Annoncé : fabriques": fr_int(announced_count) if pd.notna(announced_count) else "—",
                "Annoncé : part": fr_percent(announced_pct, 0) if pd.notna(announced_pct) else "—",
                "Approximation : fabriques": fr_int(approximated) if r.in_list else "—",
                "Approximation : part": fr_percent(share(approximated, r.listed), 0) if r.in_list else "—",
                "Source": r.source_url,
            })
    return pd.DataFrame(rows, columns=["Annonce", "Catégorie", "Annoncé : fabriques", "Annoncé : part",
                                       "Approximation : fabriques", "Approximation : part", "Source"])


# With a soft hyphen: the word may break there ("approxi-mation") when a phone's column is narrower.
_WORD = "Approximation"
APPROXIMATION = _WORD[:7] + "\u00ad" + _WORD[7:]


def splits_by_announcement(table: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """`splits_table` one announcement at a time, for a screen of any width: a heading (Markdown:
    the announcement, a link to its source) and its categories in a table of five short columns,
    one unit per column (a count or a share). Short tables that a phone's width holds, where one
    wide grid was cut on the right. Text from the data is escaped (st.table reads Markdown)."""
    shown = []
    for (heading, source), rows in table.groupby(["Annonce", "Source"], sort=False):
        link = f" — [source : {as_text(urlsplit(source).netloc.removeprefix('www.'))}]({source})" \
            if isinstance(source, str) and urlsplit(source).scheme in ("http", "https") else ""
        frame = pd.DataFrame({
            "Catégorie": rows["Catégorie"].map(as_text).to_numpy(),
            "Annoncé (nombre)": rows["Annoncé : fabriques"].to_numpy(),
            "Annoncé (part)": rows["Annoncé : part"].to_numpy(),
            f"{APPROXIMATION} (nombre)": rows["Approximation : fabriques"].to_numpy(),
            f"{APPROXIMATION} (part)": rows["Approximation : part"].to_numpy(),
        })
        shown.append((f"**{as_text(heading)}**{link}", frame))
    return shown


# What a visitor reads when the import is not enabled: no operator command (issue 24), those are
# in the import section once the visitor is authorised, and in docs/donnees.md.
IMPORT_NOT_ENABLED = (
    "L'import d'une nouvelle liste et le retour à une version antérieure sont réservés aux agents "
    "habilités et **ne sont pas activés sur ce serveur**. L'administrateur du serveur trouvera comment "
    "les activer dans la documentation du tableau de bord (« Données » et « Déploiement »)."
)
SIGN_IN_INVITE = (
    "L'import d'une nouvelle liste et le retour à une version antérieure sont réservés aux agents "
    "habilités, connectés avec leur compte professionnel. Le reste du tableau de bord est ouvert sans "
    "connexion."
)
PASSWORD_FALLBACK = (
    "Mode de secours : aucun fournisseur d'identité n'est configuré sur ce serveur, l'import s'ouvre "
    "avec le mot de passe partagé des agents habilités, et l'historique inscrit le nom que chacun "
    "indique (rien ne le prouve). La connexion de chaque agent avec son propre compte le remplace dès "
    "qu'un fournisseur est configuré."
)
OPERATOR_NOTES_SIGN_IN = """- **Ajouter ou retirer un agent** : réglage `import_allowed` de `.streamlit/secrets.toml` (adresses
  complètes ou domaines entiers, `"@anct.gouv.fr"`), placé avant la section `[auth]`, puis
  redémarrage de l'application. La personne à qui les agents refusés doivent s'adresser :
  `import_contact`.
- **Fournisseur d'identité** : section `[auth]` du même fichier (`redirect_uri`, `cookie_secret`,
  `client_id`, `client_secret`, `server_metadata_url`) ; une connexion vaut pour 8 heures.
- **Journal** : chaque import et retour arrière y est inscrit avec l'adresse et l'identifiant (`sub`)
  de l'agent (`fabriques.import`) ; les échecs de connexion sous `fabriques.connexion`.
- Détails et exemples (ProConnect, LemonLDAP::NG) : `docs/deploy.md`, section « Connexion des agents ».
"""
OPERATOR_NOTES_PASSWORD = """- **Changer le mot de passe partagé** : `.venv/bin/python -m pipeline.importer --hash-password`
  (12 caractères au moins) affiche son empreinte, à placer dans `.streamlit/secrets.toml`
  (`import_password_hash = "pbkdf2_sha256$…"`) ou dans la variable d'environnement
  `FABRIQUES_IMPORT_PASSWORD_HASH`, puis redémarrer l'application. Le mot de passe lui-même n'est
  jamais stocké.
- **Passer à la connexion de chaque agent** (recommandé) : configurer un fournisseur d'identité
  (ProConnect, LemonLDAP::NG…) dans la section `[auth]` du même fichier et la liste des agents
  habilités (`import_allowed`) : voir `docs/deploy.md`, section « Connexion des agents ». Le mot
  de passe partagé cesse alors de servir.
"""

ACTIONS = {"import": "Import", "retour_arriere": "Retour arrière"}


def version_facts(manifest: dict) -> list[tuple[str, str]]:
    """(label, value) pairs describing the version in service."""
    laureates = manifest["extracts"]["laureates"]
    facts = [
        ("Version des données", manifest["data_version"]),
        ("Fabriques dans la liste", fr_int(laureates["rows"])),
        ("Liste", manifest.get("laureates_source", "—")),
        ("Date de la liste", fr_date(date.fromisoformat(manifest["laureates_list_date"]))
         if manifest.get("laureates_list_date") else "—"),
    ]
    imported = manifest.get("imported")
    if imported:
        facts.append(("Importée", f"le {fr_datetime(manifest.get('created_at', ''))} par {public_name(imported.get('user'))}"))
        facts.append(("Fichier importé", imported.get("file_name", "—")))
        facts.append(("Version précédente", manifest.get("previous_version", "—")))
    else:
        facts.append(("Origine", "construite depuis les fichiers sources publics, sans import"))
    return facts


def sources_table(manifest: dict) -> pd.DataFrame:
    return pd.DataFrame(
        [{"Fichier": s["file"], "Producteur": s["producer"], "Licence": s["licence"],
          "Millésime": s["vintage"], "Empreinte SHA-256": s["sha256"][:16] + "…"}
         for s in manifest.get("sources", [])],
        columns=["Fichier", "Producteur", "Licence", "Millésime", "Empreinte SHA-256"],
    )


def extracts_table(manifest: dict) -> pd.DataFrame:
    return pd.DataFrame(
        [{"Extrait": name, "Lignes": entry["rows"], "Fichier": entry["file"]}
         for name, entry in manifest["extracts"].items()]
    )


HISTORY_COLUMNS = ["Date", "Action", "Par", "Connexion", "Fichier", "Source", "De la version", "À la version",
                   "Fabriques", "Ajoutées", "Retirées", "Modifiées"]


def history_table(history: list[dict], with_addresses: bool = False) -> pd.DataFrame:
    """Most recent first: what each import or rollback did, and who signed it. Visitors read a
    name (or "agent habilité"), never an address; staff allowed to import also see the address
    of each signed-in signer (`with_addresses`)."""
    rows = []
    for entry in reversed(history):
        is_import = entry.get("action") == "import"
        rows.append({
            "Date": fr_datetime(entry.get("at", "")),
            "Action": ACTIONS.get(entry.get("action"), entry.get("action", "")),
            "Par": public_name(entry.get("user")),
            # Entries written before the signature was recorded say nothing of how it was made.
            "Connexion": METHOD_LABELS.get(entry.get("method"), "—"),
            "Adresse": entry.get("email", "") if isinstance(entry.get("email"), str) else "",
            "Fichier": entry.get("file_name", "") if is_import else "",
            "Source": entry.get("source", ""),  # a rollback's: the list it put back in service
            "De la version": entry.get("from_version", ""),
            "À la version": entry.get("to_version", ""),
            "Fabriques": fr_int(entry.get("laureates")),
            # A rollback adds or removes nothing by itself: a dash, not "None".
            "Ajoutées": fr_int(len(entry.get("added", []))) if is_import else "—",
            "Retirées": fr_int(len(entry.get("removed", []))) if is_import else "—",
            "Modifiées": fr_int(len(entry.get("changed", []))) if is_import else "—",
        })
    columns = HISTORY_COLUMNS[:3] + ["Adresse"] + HISTORY_COLUMNS[3:] if with_addresses else HISTORY_COLUMNS
    return pd.DataFrame(rows, columns=columns)


def version_label(row: dict) -> str:
    """A version as offered for rollback: id, count, list and when it was put in service."""
    when = f"importée le {fr_datetime(row['created_at'])}" if row["created_at"] else "version construite depuis les sources"
    return f"{row['version']} — {fr_int(row['laureates'])} fabriques — {row['source']} ({when})"


def report_text(problems) -> str:
    """One line per problem, row and column first: shown as plain text, easy to copy and send."""
    return "\n".join(f"• {problem.text()}" for problem in problems)


# CSS only (no data): Streamlit's file uploader writes "Upload" and "200MB per file" in English.
# (The browser's refusal of a file over the limit is said in French by app/chrome.py.)
UPLOADER_IN_FRENCH = """<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { font-size: 0; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {
  content: "Choisir un fichier"; font-size: 0.875rem; }
[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0; }
[data-testid="stFileUploaderDropzoneInstructions"] span::after {
  content: "ou glissez-le ici — CSV ou XLSX, 20 Mo au plus"; font-size: 0.875rem; }
</style>"""


def login_wait_sentence(seconds: float) -> str:
    """'Trop d'essais … réessayez dans 2 minutes.' (rounded up: never sooner than said)."""
    seconds = max(1, math.ceil(seconds))
    if seconds < 60:
        delay = f"{seconds} seconde{'s' if seconds > 1 else ''}"
    elif seconds < 3600:
        minutes = math.ceil(seconds / 60)
        delay = f"{minutes} minute{'s' if minutes > 1 else ''}"
    else:
        hours = math.ceil(seconds / 3600)
        delay = f"{hours} heure{'s' if hours > 1 else ''}"
    return (f"Trop d'essais de mot de passe : réessayez dans {delay}. Chaque nouvel échec allonge "
            "l'attente ; recharger la page n'y change rien.")


def fabriques_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Added or removed fabriques: id, name, commune."""
    return pd.DataFrame({"Identifiant": frame.fabrique_id, "Nom": frame["name"],
                         "Commune": frame.commune_name, "Code commune": frame.commune_code})


def changes_table(changed: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"Identifiant": changed.fabrique_id, "Nom": changed["name"],
                         "Champ": changed.field, "Avant": changed.before, "Après": changed.after})


def totals_table(totals: pd.DataFrame) -> pd.DataFrame:
    """Before / after per target and per territory type (pipeline/import_workflow.py names each
    under the default rural definition)."""
    labels = list(totals.label)
    return pd.DataFrame({
        "Indicateur": labels,
        "Objectif": totals.target.astype("Int64"),
        "Avant": totals.before.astype(int),
        "Après": totals.after.astype(int),
        "Écart": (totals.after - totals.before).astype(int),
    })


def preview_counts(candidate) -> list[tuple[str, str]]:
    return [
        ("Ajoutées", fr_int(len(candidate.added))),
        ("Retirées", fr_int(len(candidate.removed))),
        ("Modifiées", fr_int(candidate.changed.fabrique_id.nunique())),
        ("Fabriques après import", fr_int(len(candidate.laureates))),
    ]


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """List columns (QPV codes) as one text cell: 'QN03502M, QN03503I'."""
    flat = frame.copy()
    for column in flat.columns:
        if flat[column].map(lambda v: hasattr(v, "__len__") and not isinstance(v, str)).any():
            flat[column] = flat[column].map(
                lambda v: ", ".join(map(str, v)) if hasattr(v, "__len__") and not isinstance(v, str) else v)
    return flat


def extract_csv(frame: pd.DataFrame) -> bytes:
    """An extract as a French spreadsheet reads it, formulas neutralised (views/exports.py)."""
    return exports.csv_bytes(_flat(frame))


def extract_file_name(name: str, data_version: str) -> str:
    return f"{exports.ascii_slug(name) or 'extrait'}_{exports.ascii_slug(data_version, 20)}.csv"
