"""The check report and preview of an import, as French sentences (the command line prints them)."""
from __future__ import annotations

from datetime import date

from domain.format import fr_date
from pipeline.import_workflow import Candidate


def report_lines(candidate: Candidate) -> list[str]:
    lines = [f"Fichier : {candidate.file_name} ({candidate.description or 'non lu'})"]
    for problem in candidate.errors:
        lines.append(f"  ERREUR — {problem.text()}")
    for problem in candidate.notices:
        lines.append(f"  Remarque — {problem.text()}")
    if candidate.laureates is None:
        return lines + [f"{len(candidate.errors)} problème(s) bloquant(s) : rien n'a été importé."]
    if candidate.is_unchanged:
        return lines + [unchanged_sentence(candidate)]
    lines.append(f"Aperçu : {len(candidate.added)} ajoutée(s), {len(candidate.removed)} retirée(s), "
                 f"{candidate.changed.fabrique_id.nunique()} modifiée(s).")
    for title, frame in (("Ajoutée", candidate.added), ("Retirée", candidate.removed)):
        lines += [f"  {title} : {row.fabrique_id} — {row.name} ({row.commune_name})" for row in frame.itertuples()]
    lines += [f"  Modifiée : {row.fabrique_id} — {row.field} : {row.before} → {row.after}"
              for row in candidate.changed.itertuples()]
    lines.append("Totaux (définition INSEE du rural) : avant → après")
    lines += [f"  {row.label} : {row.before} → {row.after}" for row in candidate.totals.itertuples()]
    return lines


def unchanged_sentence(candidate: Candidate) -> str:
    sentence = (f"La liste est identique à la version en service ({candidate.base_version}) : "
                "rien n'a été modifié.")
    previous = candidate.previous_import
    if previous:
        sentence += (f" Ce fichier a déjà été importé le {fr_date(date.fromisoformat(previous['at'][:10]))} par {previous['user']} "
                     f"(version {previous['to_version']}).")
    return sentence

