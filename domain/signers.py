"""Who signed an import or a rollback, in the words every visitor reads: how they proved who they
are, and their name as shown (never an e-mail address: the history shows names to everyone,
the addresses stay in the history file and the server's log)."""
from __future__ import annotations

import re

# How a signer proved who they are: their own account with the operator's identity provider,
# the shared password of the fallback mode (the name is typed, not proved), or the command line
# of the server (the name is the option --user or the system account).
SIGNED_IN = "connexion"
SHARED_PASSWORD = "mot_de_passe"
COMMAND_LINE = "ligne_de_commande"
METHOD_LABELS = {SIGNED_IN: "compte personnel", SHARED_PASSWORD: "mot de passe partagé",
                 COMMAND_LINE: "ligne de commande du serveur"}

# What visitors read when a signed-in person has no name to show (or a name that is an address).
NAMELESS = "agent habilité"
MAX_NAME_LENGTH = 80
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def public_name(name: str | None) -> str:
    """A name as everybody may read it: one line, bounded, never an e-mail address."""
    name = re.sub(r"\s+", " ", CONTROL.sub(" ", name if isinstance(name, str) else "")).strip()
    return NAMELESS if not name or "@" in name else name[:MAX_NAME_LENGTH]
