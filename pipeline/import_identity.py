"""Who signs an import or a rollback, and who may: the signer recorded in the history and the
log, the operator's list of staff allowed to import, and a signed-in identity read from the
claims of an OpenID Connect provider.

Pure functions and values (no network, no Streamlit): services/sign_in.py reads the settings
and talks to the provider; the import workflow and the versions record the signer.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from domain.signers import COMMAND_LINE, METHOD_LABELS, NAMELESS, SHARED_PASSWORD, SIGNED_IN, public_name

__all__ = ["AllowList", "COMMAND_LINE", "Identity", "NAMELESS", "SHARED_PASSWORD", "SIGNED_IN", "Signer",
           "identity_from_claims", "parse_allowed", "public_name", "typed_signer"]

ADDRESS = re.compile(r"[^@\s]{1,64}@([a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})+)")
DOMAIN = re.compile(r"@?([a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})+)")


@dataclass(frozen=True)
class Signer:
    """Who signs an import or a rollback. The name is shown to every visitor; the e-mail address
    and the subject (the provider's stable identifier of the person) go to the history file and
    the server's log only."""
    name: str
    method: str
    email: str = ""
    subject: str = ""
    issuer: str = ""

    @property
    def shown_name(self) -> str:
        return public_name(self.name)

    def history_fields(self) -> dict:
        fields = {"user": self.shown_name, "method": self.method, "email": self.email,
                  "sub": self.subject, "issuer": self.issuer}
        return {key: value for key, value in fields.items() if value}

    def log_label(self) -> str:
        """The signer in a log line: the identity for a signed-in person, the typed name otherwise."""
        if self.method == SIGNED_IN:
            return f"{self.email or 'adresse inconnue'} (sub {self.subject}, fournisseur {self.issuer or '?'})"
        method = METHOD_LABELS.get(self.method, self.method)
        return f"« {self.shown_name} »" + (f" ({method})" if method else "")


def typed_signer(name: str, method: str) -> Signer:
    """A signer who typed their name (shared password, command line): nothing proves it."""
    return Signer(public_name(name) if (name or "").strip() else "inconnu", method)


@dataclass(frozen=True)
class AllowList:
    """The operator's one setting: e-mail addresses and whole domains allowed to import."""
    addresses: frozenset[str]
    domains: frozenset[str]

    def __bool__(self) -> bool:
        return bool(self.addresses or self.domains)

    def allows(self, email: str | None) -> bool:
        email = (email or "").strip().lower()
        match = ADDRESS.fullmatch(email)
        return bool(match) and (email in self.addresses or match.group(1) in self.domains)


def parse_allowed(raw) -> tuple[AllowList, list[str]]:
    """The allow list from the setting (a list of strings, or one string separated by commas or
    spaces), and the entries ignored because they are neither an address nor a domain."""
    if isinstance(raw, str):
        items: Iterable = re.split(r"[\s,;]+", raw)
    elif isinstance(raw, Iterable) and not isinstance(raw, (bytes, Mapping)):
        items = [part for item in raw for part in re.split(r"[\s,;]+", str(item))]
    else:
        items = []
    addresses, domains, ignored = set(), set(), []
    for item in items:
        entry = item.strip().lower()
        if not entry:
            continue
        if ADDRESS.fullmatch(entry):
            addresses.add(entry)
        elif DOMAIN.fullmatch(entry):
            domains.add(DOMAIN.fullmatch(entry).group(1))
        else:
            ignored.append(item.strip()[:100])
    return AllowList(frozenset(addresses), frozenset(domains)), ignored


@dataclass(frozen=True)
class Identity:
    """A person signed in with the identity provider, as its claims describe them."""
    subject: str
    issuer: str
    email: str
    email_verified: bool | None
    name: str
    signed_in_at: float | None  # seconds since the epoch: when the provider issued the identity

    def signer(self) -> Signer:
        return Signer(public_name(self.name), SIGNED_IN, self.email, self.subject, self.issuer)


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def identity_from_claims(claims: Mapping) -> Identity | None:
    """The identity in an ID token's claims (with the userinfo claims merged in when the provider
    gives the address there only); None without a subject."""
    subject = _text(claims.get("sub"))
    if not subject:
        return None
    name = _text(claims.get("name")) or " ".join(
        part for part in (_text(claims.get("given_name")),
                          _text(claims.get("family_name")) or _text(claims.get("usual_name"))) if part)
    issued = claims.get("iat")
    verified = claims.get("email_verified")
    return Identity(
        subject=subject[:255], issuer=_text(claims.get("iss"))[:255],
        email=_text(claims.get("email")).lower()[:254],
        email_verified=verified if isinstance(verified, bool) else None,
        name=name,
        signed_in_at=float(issued) if isinstance(issued, (int, float)) and not isinstance(issued, bool) else None,
    )
