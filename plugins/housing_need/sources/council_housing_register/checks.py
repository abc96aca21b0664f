"""Check a register's records field by field: the canonical rows, and the rows quarantined.

A row's reason is the first check it fails, in the order of :func:`check_records`, and names the
column but never the value (these are personal data). Every check is a column operation: codes
and dates are looked up once per distinct value (:func:`_lookup`, :func:`_dates`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
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


def _distinct(values: pd.Series) -> tuple[np.ndarray, Any]:
    """(each value's code, the distinct values), missing values included (``pd.factorize``, in C:
    ``Series.map`` on text calls Python for every row). Object columns (a JSON list read as a
    tuple) are factorized as an array, so tuples stay values."""
    if values.dtype == object:
        return pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=False)
    return pd.factorize(values, use_na_sentinel=False)


def _mapped(values: pd.Series, table: Mapping[Any, Any]) -> np.ndarray:
    """``values`` looked up in ``table`` (None where absent), once per distinct value."""
    codes, distinct = _distinct(values)
    return np.array([table.get(v) for v in distinct], dtype=object)[codes]


def _lookup(values: pd.Series, convert: Callable[[Any], Any]) -> tuple[pd.Series, np.ndarray]:
    """``convert`` applied once per distinct value: (the converted values, which failed: raised
    ValueError or returned ``_BAD``); failed values become None."""
    codes, distinct = _distinct(values)
    converted = np.empty(len(distinct), dtype=object)
    failed = np.zeros(len(distinct), dtype=bool)
    for i, value in enumerate(distinct):
        try:
            result = convert(value)
        except ValueError:
            result = _BAD
        failed[i] = result is _BAD
        converted[i] = None if failed[i] else result
    return pd.Series(converted[codes], index=values.index), failed[codes]


@cache
def _engine() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()  # in memory, for date parsing only; each parse takes its own cursor


def _date_sql(name: str, cut: bool) -> str:
    """The select items parsing one text column: the date (``d_``), and whether it prints back as
    written or is empty (``ok_``); a time after ``T`` is cut when the format has none."""
    text = f"split_part(\"{name}\", 'T', 1)" if cut else f'"{name}"'
    return (
        f'try_strptime({text}, $f)::date as "d_{name}", '
        f'coalesce(strftime("d_{name}", $f) = {text} or "{name}" = \'\', false) as "ok_{name}"'
    )


def _dates(records: pd.DataFrame, layout: Layout) -> dict[str, tuple[pd.Series, np.ndarray]]:
    """Each date field's text read as :func:`read_date` reads it: field -> (datetime64 values, NaT
    when empty or not a date; which were not a date). DuckDB parses the columns, in one query; a value
    is taken only if it prints back as written (so no engine leniency leaks in), and Python's
    ``strptime`` decides the rest (not zero-padded, impossible, not a date), so the result is exactly
    ``read_date``'s."""
    cursor = _engine().cursor()
    cursor.register(
        "dates_in", pa.table({name: pa.array(records[name], type=pa.string()) for name in DATE_FIELDS})
    )
    cut = "T" not in layout.date_format
    columns = ", ".join(_date_sql(name, cut) for name in DATE_FIELDS)
    parsed = cursor.execute(f"select {columns} from dates_in", {"f": layout.date_format}).to_arrow_table()
    cursor.close()
    out = {}
    for name in DATE_FIELDS:
        values = records[name]
        days = parsed[f"d_{name}"].to_numpy().astype("datetime64[s]")  # NaT where null
        bad = np.zeros(len(values), dtype=bool)
        for i in np.flatnonzero(~parsed[f"ok_{name}"].to_numpy()):  # rare: not zero-padded, impossible
            try:
                day = read_date(values.iloc[i], layout)
            except ValueError:
                bad[i], day = True, None
            days[i] = np.datetime64("NaT") if day is None else np.datetime64(day, "s")
        out[name] = (pd.Series(days, index=values.index), bad)
    return out


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
    """The canonical rows of one snapshot that pass every check, and a QuarantinedRow for each that
    fails one (:func:`check_batch` of a batch of one)."""
    rows, quarantined = check_batch(records.assign(_part=0), layout, [(council, snapshot)])
    return rows.drop(columns="_part"), [q for _, q in quarantined]


def check_batch(
    records: pd.DataFrame, layout: Layout, parts: Sequence[tuple[Council, date]]
) -> tuple[pd.DataFrame, list[tuple[int, QuarantinedRow]]]:
    """The canonical rows that pass every check, and a QuarantinedRow (column and reason, never the
    value) for each that fails one, of the records of one or more snapshots written in ``layout``:
    ``records["_part"]`` is the index in ``parts`` of each row's snapshot (its council and date).
    Checks, in order: a malformed record; a required field empty; a date not in the layout's format;
    registration or birth after the snapshot; a count out of range; a band not in the council's
    scheme; a code not in the layout's lists; a preference category outside s166A(3); an
    application id already in the snapshot.

    Each step below flags the rows it refuses (a row keeps its first reason) and adds its canonical
    columns, gathered as arrays and made a frame once. Checking many snapshots in one call spreads
    the fixed cost of each column operation (the cost of a file of a few thousand rows) over them."""
    reasons = _Reasons(len(records))
    part = records["_part"].to_numpy(dtype=np.int64)
    _check_structure(records, reasons)
    out = _given_columns(records, layout, parts, part)
    _check_dates(records, layout, reasons, out)
    _check_counts(records, reasons, out)
    _check_codes(records, layout, parts, part, reasons, out)
    refs = pd.DataFrame({"part": part, "ref": records["application_ref"].where(~reasons.failed).to_numpy()})
    reasons.flag(
        refs["ref"].notna().to_numpy() & refs.duplicated(keep="first").to_numpy(),
        "application_ref",
        "application id already in this snapshot (duplicate)",
    )
    return _split(records, reasons, out, part)


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


def _given_columns(
    records: pd.DataFrame, layout: Layout, parts: Sequence[tuple[Council, date]], part: np.ndarray
) -> dict[str, Any]:
    """The canonical columns taken as given: the snapshot, council and layout, and the text fields
    (empty as None)."""
    n = len(records)
    out: dict[str, Any] = {
        "snapshot_date": np.array([np.datetime64(day, "s") for _, day in parts])[part],
        "lad_code": np.array([council.lad_code for council, _ in parts], dtype=object)[part],
        "layout": np.full(n, layout.name, dtype=object),
    }
    for name in ("application_ref", "person_ref", "forename", "surname", "postcode", "nationality_code"):
        out[name] = records[name].where(records[name] != "", None)
    out["nationality_code_list"] = np.full(n, layout.nationality_code_list, dtype=object)
    return out


def _check_dates(records: pd.DataFrame, layout: Layout, reasons: _Reasons, out: dict[str, Any]) -> None:
    """Flag dates not in the layout's format, and registration or birth after the snapshot."""
    parsed = _dates(records, layout)
    for name in DATE_FIELDS:
        dates, bad = parsed[name]
        reasons.flag(bad, name, f"{name} is not a date in the layout's format {layout.date_format}")
        out[name] = dates.where(~reasons.failed)
    day = out["snapshot_date"]
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
    records: pd.DataFrame,
    layout: Layout,
    parts: Sequence[tuple[Council, date]],
    part: np.ndarray,
    reasons: _Reasons,
    out: dict[str, Any],
) -> None:
    """Flag a band outside the council's scheme, a code outside the layout's lists and a
    preference category outside s166A(3); add the band's rank and the codes' canonical values."""
    band = records["band_code"]
    schemes = list({council.lad_code: council for council, _ in parts}.values())
    index = {council.lad_code: i for i, council in enumerate(schemes)}
    scheme = np.array([index[council.lad_code] for council, _ in parts], dtype=np.int64)[part]
    codes, distinct = _distinct(band)
    ranks = np.array([[c.bands.get(b, np.nan) for b in distinct] for c in schemes], dtype="float64")
    rank = ranks[scheme, codes] if len(band) else np.zeros(0)
    messages = np.array(
        [f"band code not in {c.name}'s scheme ({', '.join(c.bands)})" for c in schemes], dtype=object
    )
    reasons.flag(np.isnan(rank), "band_code", messages[scheme])
    out["band_code"] = band
    out["band_rank"] = np.where(reasons.failed, 0, np.nan_to_num(rank)).astype(np.int64)
    for name in CODED:
        table = layout.codes[name]
        values = _mapped(records[name], table)
        reasons.flag(
            ~records[name].isin(list(table)),
            name,
            f"{name} code not in the layout's code list ({len(table)} codes)",
        )
        values[reasons.failed] = None
        out[name] = values
    raw = records["preference_categories"]
    keys = raw if raw.dtype != object else raw.map(lambda v: tuple(v) if isinstance(v, list) else v)
    categories, bad = _lookup(keys, _preferences(layout))
    reasons.flag(bad, "preference_categories", "reasonable-preference category not in s166A(3) (a) to (e)")
    out["preference_categories"] = categories


def _split(
    records: pd.DataFrame, reasons: _Reasons, out: dict[str, Any], part: np.ndarray
) -> tuple[pd.DataFrame, list[tuple[int, QuarantinedRow]]]:
    """The frame of the rows no check refused (with their ``_part``), and (part, QuarantinedRow) for
    each refused one."""
    numbers = records["_row_number"].to_numpy()
    out["_row_number"] = numbers
    out["_part"] = part
    quarantined = [
        (int(part[i]), QuarantinedRow(int(numbers[i]), reasons.column[i], None, reasons.reason[i], {}))
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
