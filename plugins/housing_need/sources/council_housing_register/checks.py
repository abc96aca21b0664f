"""Check a register's records field by field: the canonical rows, and the rows quarantined.

A row's reason is the first check it fails, in the order of :func:`check_records`, and names the
column but never the value (these are personal data). Every check is a column operation: codes
and dates are looked up once per distinct value (:func:`_lookup`, :func:`_dates`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date, datetime
from functools import cache
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from ..spec import QuarantinedRow
from .layouts import CODED, Council, Layout

DATE_FIELDS = ("date_of_birth", "registration_date", "effective_date", "status_date")
COUNT_FIELDS = {"bedrooms_min": (0, 9), "bedrooms_max": (0, 9), "household_size": (1, 30)}
REQUIRED = ("application_ref", "registration_date", "band_code", "household_size", "status")


def field_text(value: Any) -> str:
    """A field's text, stripped; empty for a missing value."""
    return "" if value is None else str(value).strip()


def read_date(value: Any, layout: Layout) -> date | None:
    """A date in the layout's format (a time after ``T`` ignored), None when empty; ValueError if
    not a date."""
    text = field_text(value)
    if not text:
        return None
    fmt = layout.date_format
    if "T" in text and "T" not in fmt:
        text = text.split("T", 1)[0]
    return datetime.strptime(text, fmt).date()


_BAD = object()  # a distinct value that fails its check


def _lookup(values: pd.Series, convert: Callable[[Any], Any]) -> tuple[pd.Series, np.ndarray]:
    """``convert`` applied once per distinct value: (the converted values, which failed: raised
    ValueError or returned ``_BAD``); failed values become None."""
    table: dict[Any, Any] = {}
    failed: dict[Any, bool] = {}
    for value in values.unique():
        try:
            table[value] = convert(value)
        except ValueError:
            table[value] = _BAD
        failed[value] = table[value] is _BAD
        if failed[value]:
            table[value] = None
    return values.map(table), values.map(failed).to_numpy(dtype=bool)


@cache
def _engine() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()  # in memory, for date parsing only; each parse takes its own cursor


def _dates(values: pd.Series, layout: Layout) -> tuple[pd.Series, np.ndarray]:
    """Each text read as :func:`read_date` reads it: (datetime64 values, NaT when empty or not a date;
    which were not a date). DuckDB parses the column; a value is taken only if it prints back as
    written (so no engine leniency leaks in), and Python's ``strptime`` decides the rest (not
    zero-padded, impossible, not a date), so the result is exactly ``read_date``'s."""
    cursor = _engine().cursor()
    cursor.register("dates_in", pa.table({"v": pa.array(values, type=pa.string())}))
    parsed = cursor.execute(
        """select try_strptime(t, $f)::date as d, coalesce(strftime(d, $f) = t or v = '', false) as ok
           from (select v, if($cut, split_part(v, 'T', 1), v) as t from dates_in)""",
        {"f": layout.date_format, "cut": "T" not in layout.date_format},
    ).to_arrow_table()
    cursor.close()
    days = parsed["d"].to_numpy().astype("datetime64[s]")  # NaT where null
    bad = np.zeros(len(values), dtype=bool)
    for i in np.flatnonzero(~parsed["ok"].to_numpy()):  # rare: not zero-padded, impossible, not a date
        try:
            day = read_date(values.iloc[i], layout)
        except ValueError:
            bad[i], day = True, None
        days[i] = np.datetime64("NaT") if day is None else np.datetime64(day, "s")
    return pd.Series(days, index=values.index), bad


class _Reasons:
    """Each row's first failed check: (column, reason), None while it passes."""

    def __init__(self, n: int) -> None:
        self.column = np.full(n, None, dtype=object)
        self.reason = np.full(n, None, dtype=object)
        self.failed = np.zeros(n, dtype=bool)

    def flag(self, mask: Any, column: str, reason: str | np.ndarray) -> None:
        new = np.asarray(mask, dtype=bool) & ~self.failed
        self.column[new] = column
        self.reason[new] = reason[new] if isinstance(reason, np.ndarray) else reason
        self.failed |= new


def _count(low: int, high: int) -> Callable[[str], Any]:
    def read(text: str) -> Any:
        return int(text) if text.isdigit() and low <= int(text) <= high else _BAD

    return read


def _preferences(layout: Layout) -> Callable[[Hashable], Any]:
    def read(raw: Hashable) -> Any:
        parts = (
            list(raw)
            if isinstance(raw, tuple)
            else (
                list(str(raw))
                if layout.preference_separator == ""
                else str(raw).split(layout.preference_separator or ";")
            )
        )
        categories = []
        for part in (p.strip() for p in map(str, parts) if p.strip()):
            match = layout.preference_pattern.match(part)
            if not match:
                return _BAD
            categories.append(match[1])
        return ",".join(sorted(set(categories)))

    return read


def check_records(
    records: pd.DataFrame, layout: Layout, council: Council, snapshot: date
) -> tuple[pd.DataFrame, list[QuarantinedRow]]:
    """The canonical rows that pass every check, and a QuarantinedRow (column and reason, never the
    value) for each that fails one. Checks, in order: a malformed record; a required field empty;
    a date not in the layout's format; registration or birth after the snapshot; a count out of
    range; a band not in the council's scheme; a code not in the layout's lists; a preference
    category outside s166A(3); an application id already in the snapshot.

    Each step below flags the rows it refuses (a row keeps its first reason) and adds its canonical
    columns, gathered as arrays and made a frame once (each column added to a DataFrame costs more
    than the work on it, for a file of a few thousand rows)."""
    reasons = _Reasons(len(records))
    _check_structure(records, reasons)
    out = _given_columns(records, layout, council, snapshot)
    _check_dates(records, layout, snapshot, reasons, out)
    _check_counts(records, reasons, out)
    _check_codes(records, layout, council, reasons, out)
    refs = records["application_ref"].where(~reasons.failed)
    reasons.flag(
        refs.notna() & refs.duplicated(keep="first"),
        "application_ref",
        "application id already in this snapshot (duplicate)",
    )
    return _split(records, reasons, out)


def _check_structure(records: pd.DataFrame, reasons: _Reasons) -> None:
    """Flag malformed records (the reader's ``_broken`` note) and empty required fields."""
    n = len(records)
    broken = records["_broken"].to_numpy()
    malformed = pd.notna(broken)
    messages = np.full(n, None, dtype=object)
    messages[malformed] = [f"malformed record: {b}" for b in broken[malformed]]
    reasons.flag(malformed, "", messages)
    for name in REQUIRED:
        reasons.flag(records[name] == "", name, f"{name} is empty")


def _given_columns(records: pd.DataFrame, layout: Layout, council: Council, snapshot: date) -> dict[str, Any]:
    """The canonical columns taken as given: the snapshot, council and layout, and the text fields
    (empty as None)."""
    n = len(records)
    out: dict[str, Any] = {
        "snapshot_date": np.full(n, np.datetime64(snapshot, "s")),
        "lad_code": np.full(n, council.lad_code, dtype=object),
        "layout": np.full(n, layout.name, dtype=object),
    }
    for name in ("application_ref", "person_ref", "forename", "surname", "postcode", "nationality_code"):
        out[name] = records[name].where(records[name] != "", None)
    out["nationality_code_list"] = np.full(n, layout.nationality_code_list, dtype=object)
    return out


def _check_dates(
    records: pd.DataFrame, layout: Layout, snapshot: date, reasons: _Reasons, out: dict[str, Any]
) -> None:
    """Flag dates not in the layout's format, and registration or birth after the snapshot."""
    for name in DATE_FIELDS:
        dates, bad = _dates(records[name], layout)
        reasons.flag(bad, name, f"{name} is not a date in the layout's format {layout.date_format}")
        out[name] = dates.where(~reasons.failed)
    day = pd.Timestamp(snapshot)
    reasons.flag(
        out["registration_date"] > day, "registration_date", "registration date after the snapshot date"
    )
    reasons.flag(out["date_of_birth"] > day, "date_of_birth", "date of birth after the snapshot date")


def _check_counts(records: pd.DataFrame, reasons: _Reasons, out: dict[str, Any]) -> None:
    """Flag counts that are not whole numbers in their range (0 on a refused row)."""
    for name, (low, high) in COUNT_FIELDS.items():
        counts, bad = _lookup(records[name], _count(low, high))
        reasons.flag(bad, name, f"{name} is not a whole number from {low} to {high}")
        out[name] = counts.where(~reasons.failed, 0).astype(np.int64)


def _check_codes(
    records: pd.DataFrame, layout: Layout, council: Council, reasons: _Reasons, out: dict[str, Any]
) -> None:
    """Flag a band outside the council's scheme, a code outside the layout's lists and a
    preference category outside s166A(3); add the band's rank and the codes' canonical values."""
    band = records["band_code"]
    reasons.flag(
        ~band.isin(list(council.bands)),
        "band_code",
        f"band code not in {council.name}'s scheme ({', '.join(council.bands)})",
    )
    out["band_code"] = band
    out["band_rank"] = band.map(council.bands).where(~reasons.failed, 0).astype(np.int64)
    for name in CODED:
        codes = layout.codes[name]
        reasons.flag(
            ~records[name].isin(list(codes)),
            name,
            f"{name} code not in the layout's code list ({len(codes)} codes)",
        )
        out[name] = records[name].map(codes).where(~reasons.failed, None)
    raw = records["preference_categories"]
    keys = raw if raw.dtype != object else raw.map(lambda v: tuple(v) if isinstance(v, list) else v)
    categories, bad = _lookup(keys, _preferences(layout))
    reasons.flag(bad, "preference_categories", "reasonable-preference category not in s166A(3) (a) to (e)")
    out["preference_categories"] = categories


def _split(
    records: pd.DataFrame, reasons: _Reasons, out: dict[str, Any]
) -> tuple[pd.DataFrame, list[QuarantinedRow]]:
    """The frame of the rows no check refused, and a QuarantinedRow for each refused one."""
    numbers = records["_row_number"].to_numpy()
    out["_row_number"] = numbers
    quarantined = [
        QuarantinedRow(int(numbers[i]), reasons.column[i], None, reasons.reason[i], {})
        for i in np.flatnonzero(reasons.failed)
    ]
    keep = ~reasons.failed
    rows = pd.DataFrame(
        {
            name: values[keep].reset_index(drop=True) if isinstance(values, pd.Series) else values[keep]
            for name, values in out.items()
        }
    )
    return rows, quarantined
