"""What every source module provides: a pure parser from bytes to canonical rows plus quarantine.

A source module exposes ``SOURCE: SourceSpec``. Parsers never touch the network, the archive or
the warehouse: bytes in, :class:`ParseResult` out. Structural problems (empty file, missing
column, unreadable workbook) raise :class:`~housing_need.errors.ParseError`; problems with a
single row put that row in ``quarantined`` with a reason, so that
``rows_in_file == len(rows) + len(quarantined)`` always holds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class PrivacyClass(StrEnum):
    OPEN = "open"
    LICENSED = "licensed"
    PERSONAL = "personal"


@dataclass(frozen=True)
class QuarantinedRow:
    """One row that could not be loaded, with the reason.

    ``row_number`` is the 1-based line (CSV, counting the header as line 1) or worksheet row
    (xlsx) as a person opening the file would see it.
    """

    row_number: int
    column: str | None
    value: str | None
    reason: str
    record: Mapping[str, Any]


@dataclass
class ParseResult:
    """Typed rows in the source's canonical columns, plus quarantined rows.

    ``rows`` are dicts keyed by the names in ``SourceSpec.columns``; every row also carries
    ``_row_number`` (same numbering as :class:`QuarantinedRow`). ``release`` names the
    publisher's release the file belongs to (e.g. ``2023-12-31`` for the Asy_D11 table that ends
    at that quarter), used for the archive folder and for choosing the latest revision.
    """

    rows: list[dict[str, Any]]
    quarantined: list[QuarantinedRow]
    rows_in_file: int
    release: str
    file_format: str
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def check_accounting(self) -> None:
        if self.rows_in_file != len(self.rows) + len(self.quarantined):
            raise AssertionError(
                f"parser lost rows: {self.rows_in_file} in file != "
                f"{len(self.rows)} parsed + {len(self.quarantined)} quarantined"
            )


@dataclass(frozen=True)
class SourceSpec:
    """A source extract: its name, raw table, canonical columns (name -> DuckDB type) and parser."""

    name: str  # e.g. "home_office_asylum_support": archive folder, inbox folder, Asset name
    raw_table: str  # e.g. "home_office__asylum_support" in schema raw
    columns: Mapping[str, str]
    parse: Callable[[bytes, str], ParseResult]  # (content, file name) -> result
    file_extensions: Sequence[str]  # accepted in inbox/sample, e.g. (".csv", ".xlsx")
    cadence: str  # cron or preset for the extract DAG
    publisher: str
    licence: str
    privacy: PrivacyClass = PrivacyClass.OPEN
    row_outcomes_model: str | None = None
    file_row_key: tuple[str, ...] = ("_row_number",)
    pseudonymise: Mapping[str, Any] = field(default_factory=dict)
