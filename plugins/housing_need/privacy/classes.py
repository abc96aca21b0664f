"""The privacy classes a source declares (``SourceSpec.privacy``), from the archive to the marts."""

from __future__ import annotations

from enum import StrEnum


class PrivacyClass(StrEnum):
    """How much care a feed's rows need, from the archive to the marts (see DESIGN.md)."""

    OPEN = "open"
    LICENSED = "licensed"
    PERSONAL = "personal"

    @property
    def is_private(self) -> bool:
        """True for licensed microdata and personal data: archived encrypted, and quarantine, gate
        messages and Data Docs carry no values from them."""
        return self is not PrivacyClass.OPEN

    @property
    def description(self) -> str:
        return _PRIVACY_DESCRIPTIONS[self]


_PRIVACY_DESCRIPTIONS: dict[PrivacyClass, str] = {
    PrivacyClass.OPEN: "open statistics, published under an open licence and archived as published",
    PrivacyClass.LICENSED: ("licensed microdata, used under the licence's conditions; archived encrypted"),
    PrivacyClass.PERSONAL: (
        "personal data about identifiable people; archived encrypted, identifiers pseudonymised at load, "
        "small cells suppressed before marts"
    ),
}
