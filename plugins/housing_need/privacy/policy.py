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

from .classes import PrivacyClass


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
            f"{'personal data' if self.privacy == PrivacyClass.PERSONAL else 'licensed microdata'}: archive encrypted "
            "(AES-256-GCM), inbox copies deleted once archived",
            "quarantine keeps row, column and reason but no values",
            "gate messages and Data Docs show counts and column names, no values",
        ]
        if self.pseudonymise:
            parts.insert(1, "identifiers pseudonymised at load")
        return "; ".join(parts)


def policy_for(privacy: PrivacyClass | str) -> Policy:
    """The policy of a privacy class (or its value, as the run report stores it)."""
    try:
        kind = PrivacyClass(str(getattr(privacy, "value", privacy)))
    except ValueError:
        raise ValueError(
            f"unknown privacy class {privacy!r}; expected one of {', '.join(c.value for c in PrivacyClass)}"
        ) from None
    private = kind.is_private
    return Policy(
        kind.value,
        encrypt_archive=private,
        keep_values=not private,
        keep_inbox_copy=not private,
        pseudonymise=kind is PrivacyClass.PERSONAL,
    )


def withhold(text: str, values: list[str | None]) -> str:
    """``text`` with any of ``values`` blanked out: a safety net for reasons written by parsers."""
    for value in values:
        if value and len(value.strip()) > 0:
            text = text.replace(value, "<withheld>")
    return text
