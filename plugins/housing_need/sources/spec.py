"""What every source package provides: a spec of the feed and a pure parser from bytes to rows.

A source package exposes ``SOURCE: SourceSpec``. Parsers never touch the network, the archive or
the warehouse: bytes in, :class:`ParseResult` out. Structural problems (empty file, missing
column, unreadable workbook) raise :class:`~housing_need.errors.ParseError`; problems with a
single row put that row in ``quarantined`` with a reason, so that
``rows_in_file == len(rows) + len(quarantined)`` always holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..privacy.classes import PrivacyClass
from .publication import Calendar, Discovery

if TYPE_CHECKING:  # pandas is imported where a frame is made, not by every DAG file reading a spec
    import pandas as pd


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

    ``notes`` are informational (what the parser saw and decided). ``warnings`` are things a data
    engineer must hear about in the run summary even though the load is correct (e.g. a column the
    feed does not know, which was not loaded). ``published_columns`` maps a canonical column to the
    name of the column of the delivered file it was read from, so that messages about a row (such
    as screening's) can name the column a person sees; unlisted columns are named canonically.

    A parser of big files may return its rows as one ``frame`` (a pandas DataFrame with the
    canonical columns and ``_row_number``; dates as ``datetime64``) and leave ``rows`` empty:
    screening, pseudonymisation and the load then work on columns, not on a dict per row (the
    council registers: 16M rows at national scale). :meth:`row_count` and :meth:`records` read either.
    """

    rows: list[dict[str, Any]]
    quarantined: list[QuarantinedRow]
    rows_in_file: int
    release: str
    file_format: str
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    published_columns: dict[str, str] = field(default_factory=dict)
    frame: pd.DataFrame | None = None

    @property
    def row_count(self) -> int:
        return len(self.frame) if self.frame is not None else len(self.rows)

    def records(self) -> pd.DataFrame:
        """The parsed rows as a DataFrame, whichever way the parser returned them."""
        import pandas as pd

        return self.frame if self.frame is not None else pd.DataFrame(self.rows)

    def check_accounting(self) -> None:
        if self.frame is not None and self.rows:
            raise AssertionError("a parse returns its rows as a list or as a frame, not both")
        if self.rows_in_file != self.row_count + len(self.quarantined):
            raise AssertionError(
                f"parser lost rows: {self.rows_in_file} in file != "
                f"{self.row_count} parsed + {len(self.quarantined)} quarantined"
            )


@dataclass(frozen=True)
class SourceSpec:
    """A source extract: its name, raw table, canonical columns (name -> DuckDB type), parser and
    what the pipeline needs to know to handle it (cadence, publisher, licence, privacy class)."""

    name: str  # e.g. "home_office_asylum_support": archive folder, inbox folder, Asset name
    raw_table: str  # e.g. "home_office__asylum_support" in schema raw
    columns: Mapping[str, str]
    parse: Callable[[bytes, str], ParseResult]  # (content, file name) -> result
    file_extensions: Sequence[str]  # accepted in inbox/sample, e.g. (".csv", ".xlsx")
    cadence: str  # cron or preset for the extract DAG
    publisher: str
    licence: str
    privacy: PrivacyClass = PrivacyClass.OPEN
    # dbt model in schema ``audit`` that accounts for every raw row (loaded, dropped, why).
    row_outcomes_model: str | None = None
    # Parsed-row fields that identify one row of the delivered file: screening quarantines every
    # parsed row sharing them together (a census file row becomes many cells).
    file_row_key: tuple[str, ...] = ("_row_number",)
    # Personal-data column transforms applied at load (column -> transform); empty for open data.
    pseudonymise: Mapping[str, Any] = field(default_factory=dict)
    # When releases appear and where (sources/publication.py); None: deliveries come by URL or inbox.
    calendar: Calendar | None = None
    # one page, or one per page for a source whose files several pages list (the census)
    discovery: Discovery | tuple[Discovery, ...] | None = None
    # Why a feed has no release calendar (a closed series, a council's own extract): said by status
    no_calendar_because: str | None = None
    # True for a feed whose real sample cannot ship (personal data, licensed microdata): sample mode
    # reads a SYNTHETIC sample, written into var/generated/<source>/ on the deployment's first run by
    # the writer the caller hands the extract (the refresh's composition: housing_need.synth.samples).
    synthetic_sample: bool = False
    # For a feed of big files: (content, file name) -> release, raising ParseError for everything
    # that refuses a whole file, without reading its rows. The extract then archives without a
    # full parse (the load parses once); None: the extract parses.
    inspect: Callable[[bytes, str], str] | None = None
    # For a feed of many files: (content, file name)s, read one at a time -> a result per file, the same as ``parse`` of
    # each, parsed together to spread the fixed cost of its column operations; None: one at a time.
    parse_many: Callable[[Iterable[tuple[bytes, str]]], list[ParseResult]] | None = None

    @property
    def discoveries(self) -> tuple[Discovery, ...]:
        """The pages the source's releases are discovered on (none without a calendar)."""
        if self.discovery is None:
            return ()
        return self.discovery if isinstance(self.discovery, tuple) else (self.discovery,)

    def release_of(self, content: bytes, file_name: str) -> str:
        """The delivery's release, or ParseError if it must be refused whole (the extract's check)."""
        if self.inspect is not None:
            return self.inspect(content, file_name)
        parsed = self.parse(content, file_name)
        parsed.check_accounting()
        return parsed.release

    def __post_init__(self) -> None:
        unknown = [f for f in self.file_row_key if f != "_row_number" and f not in self.columns]
        if (self.calendar is None) != (self.discovery is None):
            raise ValueError(f"source {self.name!r}: a release calendar and a discovery page go together")
        names = [d.name for d in self.discoveries]
        if len(set(names)) != len(names):
            raise ValueError(f"source {self.name!r}: its discovery pages need distinct names, got {names}")
        if not self.file_row_key or unknown:
            raise ValueError(
                f"source {self.name!r}: file_row_key {self.file_row_key} must name '_row_number' or "
                f"canonical columns; not columns: {unknown}"
            )
