"""One model per surface, built once per (surface, scope), read by every surface that shows it.

A page, the API, the slides, the PowerPoint and the press kit read the same figure from the same
model, so that they cannot disagree: `figures.of(scope)` holds the counts of a scope (by territory
type under the chosen rural definition, and toward each target); the page models
(`synthese`, `territoires`, `carte`, `laureats`, `presentation`, `donnees`) assemble what their
page shows from it and from their own queries, once, and pages only lay them out.
"""
