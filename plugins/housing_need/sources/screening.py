"""Row screening the loader applies to every parse, whatever the feed: :func:`screen`.

Parsers check what their publisher's table means; screening checks what no delivered row may do,
in any feed:

- repeat another row of the same file exactly (every canonical column equal; the row number
  aside): a row delivered twice would be counted twice. Every occurrence after the first is
  quarantined, reason ``exact duplicate of row N``, column None. Rows that repeat a feed's KEY
  with different values are not exact duplicates and stay (Asy_D11 publishes two such pairs, and
  their counts add up; the parser notes them).
- carry text a spreadsheet would run as a formula: a text (VARCHAR) value beginning with ``=``,
  ``+``, ``-``, ``@``, tab or carriage return (see
  :func:`~housing_need.sources.conventions.formula_start`; signed numbers such as ``-1`` and
  ``-2 or less`` are not formulas). Marts are exported to spreadsheets, so the row is quarantined,
  reason naming the column as the delivered file names it.

A flagged row takes its whole file row with it: every parsed row sharing the spec's
``file_row_key`` (a census area row is many cells) is quarantined together, with the same
column, value and reason, so that no area is loaded in part. Rows the parser quarantined are not
looked at again (a repeated census area is already quarantined by the parser, and is not counted
twice). Accounting still holds: ``rows_in_file == len(rows) + len(quarantined)``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Mapping
from datetime import date
from operator import itemgetter
from typing import Any

import pandas as pd

from .conventions import FORMULA_CHARACTERS, formula_start
from .spec import ParseResult, QuarantinedRow, SourceSpec

_SAMPLE = 5  # row numbers quoted in a warning


@dataclasses.dataclass(frozen=True)
class _Flag:
    column: str | None
    value: str | None
    reason: str
    kind: str  # "duplicate" or "formula"


def _record(row: Mapping[str, Any]) -> dict[str, Any]:
    """The parsed row as a quarantine record (canonical columns, dates as ISO text, missing as None)."""
    return {k: _plain(v) for k, v in row.items() if k != "_row_number"}


def _plain(value: Any) -> Any:
    if value is pd.NaT or (isinstance(value, float) and value != value):  # a frame's missing value
        return None
    if isinstance(value, pd.Timestamp):  # a frame's date (a datetime, so tested before date)
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _formula_flags(result: ParseResult, spec: SourceSpec) -> dict[int, _Flag]:
    """Row index -> flag, for rows with formula-like text (first text column in spec order wins)."""
    flags: dict[int, _Flag] = {}
    rows = result.rows
    for column, kind in spec.columns.items():
        if kind.upper() != "VARCHAR":
            continue
        # Distinct values first (in C): 214k census cells share a few hundred labels.
        values = set(map(itemgetter(column), rows))
        bad = {v for v in values if isinstance(v, str) and v[:1] in FORMULA_CHARACTERS and formula_start(v)}
        if not bad:
            continue
        name = result.published_columns.get(column, column)
        for i, row in enumerate(rows):
            value = row[column]
            if value in bad and i not in flags:
                flags[i] = _Flag(
                    column=name,
                    value=value,
                    reason=(
                        f"text in column {name!r} begins with {value[0]!r} and would run as a "
                        "spreadsheet formula"
                    ),
                    kind="formula",
                )
    return flags


def _duplicate_flags(result: ParseResult, spec: SourceSpec) -> dict[int, _Flag]:
    """Row index -> flag, for every exact repeat of an earlier row of the file."""
    flags: dict[int, _Flag] = {}
    signatures = list(map(itemgetter(*spec.columns), result.rows))
    if len(set(signatures)) == len(signatures):  # the usual case, decided in C
        return flags
    first: dict[Any, int] = {}
    for i, signature in enumerate(signatures):
        seen = first.setdefault(signature, i)
        if seen != i:
            flags[i] = _Flag(
                column=None,
                value=None,
                reason=f"exact duplicate of row {result.rows[seen]['_row_number']}",
                kind="duplicate",
            )
    return flags


def _frame_flags(result: ParseResult, spec: SourceSpec) -> dict[int, _Flag]:
    """:func:`_duplicate_flags` and :func:`_formula_flags` for a parse returned as a frame, in
    column operations (the formula check looks at each text column's distinct values once)."""
    frame = result.frame
    assert frame is not None
    flags: dict[int, _Flag] = {}
    columns = [c for c in spec.columns if c in frame.columns]
    repeated = frame.duplicated(subset=columns, keep="first").to_numpy()
    if repeated.any():
        first = (
            frame.reset_index(drop=True)
            .groupby(columns, dropna=False, sort=False)["_row_number"]
            .transform("first")
        )
        for i in map(int, repeated.nonzero()[0]):
            flags[i] = _Flag(None, None, f"exact duplicate of row {first.iloc[i]}", "duplicate")
    for column, kind in spec.columns.items():
        if kind.upper() != "VARCHAR" or column not in frame.columns:
            continue
        values = frame[column]
        starts = values.dropna()
        starts = starts[starts.astype("str").str.slice(0, 1).isin(list(FORMULA_CHARACTERS))]
        bad = {v for v in starts.unique() if isinstance(v, str) and formula_start(v)}
        if not bad:
            continue
        name = result.published_columns.get(column, column)
        for i in map(int, values.isin(list(bad)).to_numpy().nonzero()[0]):
            if flags.get(i, _Flag(None, None, "", "duplicate")).kind != "formula":
                value = values.iloc[i]
                flags[i] = _Flag(
                    name,
                    value,
                    f"text in column {name!r} begins with {value[0]!r} and would run as a spreadsheet formula",
                    "formula",
                )
    return flags


def _screen_frame(result: ParseResult, spec: SourceSpec) -> ParseResult:
    frame = result.frame
    assert frame is not None
    flags = _frame_flags(result, spec)
    if not flags:
        return dataclasses.replace(result, quarantined=list(result.quarantined))
    keys = list(spec.file_row_key)
    flagged = frame.iloc[sorted(flags)]
    by_file_row: dict[Hashable, _Flag] = {}
    for i, key in zip(sorted(flags), flagged[keys].itertuples(index=False, name=None), strict=True):
        by_file_row.setdefault(key, flags[i])
    hit = pd.MultiIndex.from_frame(frame[keys]).isin(list(by_file_row))
    screened = []
    for row in frame[hit].to_dict("records"):
        flag = by_file_row[tuple(row[k] for k in keys)]
        screened.append(
            QuarantinedRow(row["_row_number"], flag.column, flag.value, flag.reason, _record(row))
        )
    found = {}
    for kind in _KINDS:
        indices = sorted(i for i, f in flags.items() if f.kind == kind)
        rows = frame.iloc[indices]
        found[kind] = (
            set(map(int, rows["_row_number"])),
            len(set(rows[keys].itertuples(index=False, name=None))),
        )
    return _screened(result, found, screened, len(by_file_row), frame=frame[~hit].reset_index(drop=True))


def screen(result: ParseResult, spec: SourceSpec) -> ParseResult:
    """A new ParseResult with exact duplicate rows and rows carrying formula-like text moved, whole
    file rows at a time, to quarantine; a warning says how many of each. ``result`` is unchanged."""
    if result.frame is not None:
        return _screen_frame(result, spec)
    flags = _duplicate_flags(result, spec)
    flags.update(_formula_flags(result, spec))  # a formula is the more pressing reason
    if not flags:
        return dataclasses.replace(result, rows=list(result.rows), quarantined=list(result.quarantined))

    key = itemgetter(*spec.file_row_key)
    by_file_row: dict[Hashable, _Flag] = {}
    for i in sorted(flags):
        by_file_row.setdefault(key(result.rows[i]), flags[i])
    kept: list[dict[str, Any]] = []
    screened: list[QuarantinedRow] = []
    for row in result.rows:
        flag = by_file_row.get(key(row))
        if flag is None:
            kept.append(row)
            continue
        screened.append(
            QuarantinedRow(
                row_number=row["_row_number"],
                column=flag.column,
                value=flag.value,
                reason=flag.reason,
                record=_record(row),
            )
        )

    found = {}
    for kind in _KINDS:
        flagged = [result.rows[i] for i, f in flags.items() if f.kind == kind]
        found[kind] = ({row["_row_number"] for row in flagged}, len({key(row) for row in flagged}))
    return _screened(result, found, screened, len(by_file_row), rows=kept)


_KINDS = {
    "formula": "text a spreadsheet would run as a formula",
    "duplicate": "an exact duplicate of an earlier row",
}


def _screened(
    result: ParseResult,
    found: dict[str, tuple[set[int], int]],
    screened: list[QuarantinedRow],
    file_rows: int,
    **kept: Any,
) -> ParseResult:
    """``result`` with the ``kept`` rows (``rows=`` or ``frame=``), the ``screened`` rows
    quarantined, and a warning per kind found: (its row numbers, how many file rows)."""
    warnings = list(result.warnings)
    for kind, what in _KINDS.items():
        numbers, count = found[kind]
        if numbers:
            ordered = sorted(numbers)
            shown = ", ".join(str(n) for n in ordered[:_SAMPLE]) + (", ..." if len(ordered) > _SAMPLE else "")
            warnings.append(f"screening quarantined {count} file row(s) holding {what} (rows {shown})")
    screened_result = dataclasses.replace(
        result,
        **kept,
        quarantined=[*result.quarantined, *screened],
        warnings=warnings,
        notes=[
            *result.notes,
            f"screening: {len(screened)} parsed row(s) from {file_rows} file row(s) quarantined",
        ],
    )
    screened_result.check_accounting()
    return screened_result
