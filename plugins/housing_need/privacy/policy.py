"""What a source's privacy class changes, in one place.

| class | archive | inbox file after archiving | quarantine | gate messages, Data Docs |
|---|---|---|---|---|
| open statistics | bytes as published | moved to ``processed/`` | row, column, value, reason, record | values shown |
| licensed microdata | encrypted (AES-256-GCM) | deleted | row, column, reason only | counts and column names only |
| personal data | encrypted (AES-256-GCM) | deleted | row, column, reason only | counts and column names only |

Personal data is also pseudonymised at load (see ``pseudonymise``): identifiers keyed-hashed,
names and dates of birth dropped or generalised, before any row reaches the warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass

OPEN, LICENSED, PERSONAL = "open", "licensed", "personal"


@dataclass(frozen=True)
class Policy:
    privacy: str
    encrypt_archive: bool
    keep_values: bool  # in quarantine, gate messages and Data Docs
    keep_inbox_copy: bool  # move an archived inbox file to processed/ (else delete it)
    pseudonymise: bool

    def sentence(self) -> str:
        if not self.encrypt_archive:
            return "open statistics: archived as published; quarantine and gate messages show values"
        parts = [
            f"{'personal data' if self.privacy == PERSONAL else 'licensed microdata'}: archive encrypted "
            "(AES-256-GCM), inbox copies deleted once archived",
            "quarantine keeps row, column and reason but no values",
            "gate messages and Data Docs show counts and column names, no values",
        ]
        if self.pseudonymise:
            parts.insert(1, "identifiers pseudonymised at load")
        return "; ".join(parts)


def policy_for(privacy: str) -> Policy:
    value = str(getattr(privacy, "value", privacy))
    if value == OPEN:
        return Policy(
            value, encrypt_archive=False, keep_values=True, keep_inbox_copy=True, pseudonymise=False
        )
    if value in (LICENSED, PERSONAL):
        return Policy(
            value,
            encrypt_archive=True,
            keep_values=False,
            keep_inbox_copy=False,
            pseudonymise=value == PERSONAL,
        )
    raise ValueError(f"unknown privacy class {value!r}; expected {OPEN}, {LICENSED} or {PERSONAL}")


def withhold(text: str, values: list[str | None]) -> str:
    """``text`` with any of ``values`` blanked out: a safety net for reasons written by parsers."""
    for value in values:
        if value and len(value.strip()) > 0:
            text = text.replace(value, "<withheld>")
    return text
