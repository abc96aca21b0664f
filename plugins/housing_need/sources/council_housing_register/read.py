"""Read one register snapshot in its council's layout into canonical rows and quarantined rows.

The file names its council by GSS code (the layout's header must agree where it carries one);
the council's entry in the councils configuration gives the layout and band scheme. Structural
problems stop the file with a :class:`~housing_need.errors.ParseError` naming the file (and the
record or column): an unknown council, a missing mapped column, a corrupt or truncated file (bad
JSON, a fixed-width trailer count that disagrees with the records read). A bad value stops only its
row, quarantined with the column and a reason that never repeats the value (these are personal
data): an unknown band or code, an unreadable or future date, a non-numeric count, or an application
id seen earlier in the same snapshot.

The rows are read as columns, not a dict per row (a national register is 16M rows a year): each
layout's records become one frame of text fields, every check is a column operation (codes and
dates looked up once per distinct value), and a row's reason is the first check it fails, in the
order of :func:`_checked`.

The fixed-width reader (:func:`_records_fixed`) is written by hand on purpose: ``pandas.read_fwf``
reads one record layout, while these files mix a header, detail records and a trailer of different
layouts (the trailer's count is what catches a truncated file); a detail record of the wrong type
or width must quarantine its row, not fail the file or shift the columns; and the cut is a
vectorised slice of each field's ``[start, width]`` from the layout, a few lines.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Hashable
from datetime import date, datetime
from functools import cache
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from ...errors import ParseError
from ..spec import ParseResult, QuarantinedRow
from .layouts import CODED, Council, Layout, councils

GSS = re.compile(r"(?<![0-9A-Z])([EW]0[6-9]\d{6})(?![0-9])")
DATE_FIELDS = ("date_of_birth", "registration_date", "effective_date", "status_date")
COUNT_FIELDS = {"bedrooms_min": (0, 9), "bedrooms_max": (0, 9), "household_size": (1, 30)}
REQUIRED = ("application_ref", "registration_date", "band_code", "household_size", "status")


def council_for(file_name: str) -> Council:
    codes = GSS.findall(file_name.upper())
    known = councils()
    matched = [c for c in codes if c in known]
    if not matched:
        raise ParseError(
            file_name,
            f"the file name names no configured council (a GSS code of one of "
            f"{', '.join(sorted(known))}); add the council to the councils configuration",
        )
    return known[matched[0]]


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


# A layout's records as a frame: one text column per canonical field (a JSON list kept as a list
# for the preference categories), "_row_number" and "_broken" (why a record is not one, or None).
Records = tuple[dict[str, str], pd.DataFrame | None, int]  # None: the structure only (``rows=False``)


def _frame(columns: dict[str, Any], numbers: Any, broken: Any) -> pd.DataFrame:
    """Text columns as pandas' Arrow-backed strings (vectorised in C); a JSON list column as objects."""
    frame = pd.DataFrame(
        {
            name: values.reset_index(drop=True)
            if isinstance(values, pd.Series)
            else pd.Series(values, dtype=object if any(isinstance(v, list) for v in values) else "str")
            for name, values in columns.items()
        }
    )
    frame["_row_number"] = np.asarray(numbers, dtype=np.int64)
    frame["_broken"] = pd.Series(broken, index=frame.index, dtype=object)
    return frame


def _records_csv(layout: Layout, text: str, file_name: str, rows: bool = True) -> Records:
    first = text.split("\n", 1)[0]
    names = [h.strip().lstrip("\ufeff") for h in next(csv.reader([first]), [])]
    if not first.strip():
        raise ParseError(file_name, "empty file")
    wanted = [*layout.fields.values(), layout.snapshot_field]
    missing = [column for column in wanted if column not in names]
    if missing:
        raise ParseError(
            file_name, f"the layout {layout.name} maps column(s) {', '.join(missing)}, not in the file", row=1
        )
    broken: dict[int, str] = {}  # file row -> why it is not a record of the header's width

    def invalid(row: Any) -> str:
        broken[row.number] = f"{row.actual_columns} fields where the header has {row.expected_columns}"
        return "skip"

    table = pa_csv.read_csv(
        io.BytesIO(text.encode("utf-8")),
        read_options=pa_csv.ReadOptions(use_threads=False, column_names=names, skip_rows=1),
        parse_options=pa_csv.ParseOptions(invalid_row_handler=invalid, newlines_in_values=False),
        convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            include_columns=sorted(set(wanted)) if rows else [layout.snapshot_field],
        ),
    )
    good = table.to_pandas()
    snapshots = set(good[layout.snapshot_field].str.strip().unique())
    if len(snapshots) > 1:
        raise ParseError(
            file_name, f"{len(snapshots)} snapshot dates in one snapshot file", column=layout.snapshot_field
        )
    header = {"snapshot_date": next(iter(snapshots), "")}
    if not rows:
        return header, None, len(good) + len(broken)
    # file rows: the header is row 1; a skipped row keeps its number, its fields empty
    numbers = np.setdiff1d(np.arange(2, len(good) + len(broken) + 2), list(broken))
    columns = {field: good[column].str.strip() for field, column in layout.fields.items()}
    frame = _frame(columns, numbers, None)
    if broken:
        extra = _frame(
            {field: [""] * len(broken) for field in layout.fields},
            sorted(broken),
            [broken[n] for n in sorted(broken)],
        )
        frame = pd.concat([frame, extra]).sort_values("_row_number", kind="stable").reset_index(drop=True)
    return header, frame, len(frame)


def _records_fixed(layout: Layout, text: str, file_name: str, rows: bool = True) -> Records:
    lines = text.splitlines()
    if not lines:
        raise ParseError(file_name, "empty file")

    def cut(line: str, spec: list[int]) -> str:
        return line[spec[0] - 1 : spec[0] - 1 + spec[1]].strip()

    if not lines[0].startswith(layout.header.get("record_type", "H")):
        raise ParseError(file_name, f"no header record {layout.header.get('record_type', 'H')!r}", row=1)
    header = {key: cut(lines[0], spec) for key, spec in layout.header.items() if key != "record_type"}
    trailer_type = layout.trailer.get("record_type", "T")
    if not lines[-1].startswith(trailer_type):
        raise ParseError(
            file_name, f"the last record is not a trailer {trailer_type!r}: the file is truncated"
        )
    declared = cut(lines[-1], layout.trailer["count"])
    detail = pd.Series(lines[1:-1], dtype="str")
    if not declared.isdigit() or int(declared) != len(detail):
        raise ParseError(
            file_name,
            f"the trailer counts {declared or 'no'} detail records, the file has {len(detail)}: truncated or corrupt",
        )
    if not rows:
        return header, None, len(detail)
    width = max(start + size - 1 for start, size in layout.fields.values())
    ok = detail.str.startswith(layout.detail_record_type or "D") & (detail.str.len() >= width - 40)
    padded = detail.where(ok, "").str.ljust(width)
    columns = {
        field: padded.str.slice(start - 1, start - 1 + size).str.strip()
        for field, (start, size) in layout.fields.items()
    }
    broken = [None if fits else "not a detail record of the layout's width" for fits in ok]
    return header, _frame(columns, range(2, len(detail) + 2), broken), len(detail)


def _path(document: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(document, dict) or part not in document:
            return _MISSING
        document = document[part]
    return document


_MISSING = object()


def _getter(dotted: str) -> Callable[[Any], Any]:
    parts = dotted.split(".")

    def get(item: Any) -> Any:
        for part in parts:
            if not isinstance(item, dict):
                return None
            item = item.get(part)
        return item

    return get


def _records_json(layout: Layout, text: str, file_name: str, rows: bool = True) -> Records:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(
            file_name, f"not valid JSON (line {exc.lineno}, column {exc.colno}): corrupt or truncated"
        ) from None
    items = _path(document, layout.records or "")
    if not isinstance(items, list):
        raise ParseError(file_name, f"no array at {layout.records!r}")
    header = {key: _text(_path(document, dotted)) for key, dotted in layout.header.items()}
    if header.get("count") and header["count"].isdigit() and int(header["count"]) != len(items):
        raise ParseError(
            file_name, f"the export counts {header['count']} applications, the file has {len(items)}"
        )
    if items:
        absent = [
            dotted for dotted in layout.fields.values() if all(_path(i, dotted) is _MISSING for i in items)
        ]
        if absent:
            raise ParseError(
                file_name, f"the layout {layout.name} maps field(s) {', '.join(absent)}, in no application"
            )
    if not rows:
        return header, None, len(items)
    columns: dict[str, list[Any]] = {}
    for field, dotted in layout.fields.items():
        get = _getter(dotted)
        if field == "preference_categories":  # a JSON list stays a list
            columns[field] = [v if isinstance(v, list) else _text(v) for v in map(get, items)]
        else:
            columns[field] = [_text(v) for v in map(get, items)]
    return header, _frame(columns, range(1, len(items) + 1), [None] * len(items)), len(items)


READERS = {"csv": _records_csv, "fixed_width": _records_fixed, "json": _records_json}


def _date(value: Any, layout: Layout) -> date | None:
    text = _text(value)
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
    """Each text read as :func:`_date` reads it: (datetime64 values, NaT when empty or not a date;
    which were not a date). DuckDB parses the column; a value is taken only if it prints back as
    written (so no engine leniency leaks in), and Python's ``strptime`` decides the rest (not
    zero-padded, impossible, not a date), so the result is exactly ``_date``'s."""
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
            day = _date(values.iloc[i], layout)
        except ValueError:
            bad[i], day = True, None
        days[i] = np.datetime64("NaT") if day is None else np.datetime64(day, "s")
    return pd.Series(days, index=values.index), bad


def _read(content: bytes, file_name: str, rows: bool) -> tuple[Council, date, pd.DataFrame | None, int]:
    """The file's council, snapshot date, records (when ``rows``) and record count; ParseError for
    anything that refuses the whole file."""
    council = council_for(file_name)
    layout = council.layout
    try:
        text = content.decode(layout.encoding)
    except UnicodeDecodeError as exc:
        raise ParseError(file_name, f"not {layout.encoding} text (byte {exc.start}): corrupt?") from None
    header, records, rows_in_file = READERS[layout.format](layout, text, file_name, rows)
    if header.get("council") and header["council"] != council.lad_code:
        raise ParseError(
            file_name, f"the header names council {header['council']}, the file name {council.lad_code}"
        )
    try:
        snapshot = _date(header.get("snapshot_date"), layout)
    except ValueError:
        snapshot = None
    if snapshot is None:
        raise ParseError(file_name, f"no readable snapshot date in the layout's {layout.format} header")
    return council, snapshot, records, rows_in_file


def inspect_register(content: bytes, file_name: str) -> str:
    """The snapshot's release (its date), after every check that refuses a whole file, without
    reading its rows: what the extract needs to archive it (the load reads the rows once)."""
    return _read(content, file_name, rows=False)[1].isoformat()


def parse_register(content: bytes, file_name: str) -> ParseResult:
    council, snapshot, records, rows_in_file = _read(content, file_name, rows=True)
    assert records is not None
    layout = council.layout
    rows, quarantined = _checked(records, layout, council, snapshot)
    result = ParseResult(
        rows=[],
        frame=rows,
        quarantined=quarantined,
        rows_in_file=rows_in_file,
        release=snapshot.isoformat(),
        file_format=layout.format,
        notes=[f"{council.name} ({council.lad_code}), layout {layout.name}, snapshot {snapshot.isoformat()}"],
    )
    result.check_accounting()
    return result


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


def _checked(
    records: pd.DataFrame, layout: Layout, council: Council, snapshot: date
) -> tuple[pd.DataFrame, list[QuarantinedRow]]:
    """The canonical rows that pass every check, and a QuarantinedRow (column and reason, never the
    value) for each that fails one. Checks, in order: a malformed record; a required field empty;
    a date not in the layout's format; registration or birth after the snapshot; a count out of
    range; a band not in the council's scheme; a code not in the layout's lists; a preference
    category outside s166A(3); an application id already in the snapshot."""
    n = len(records)
    reasons = _Reasons(n)
    broken = records["_broken"].to_numpy()
    malformed = pd.notna(broken)
    messages = np.full(n, None, dtype=object)
    messages[malformed] = [f"malformed record: {b}" for b in broken[malformed]]
    reasons.flag(malformed, "", messages)
    for name in REQUIRED:
        reasons.flag(records[name] == "", name, f"{name} is empty")
    # the canonical columns, gathered as arrays and made a frame once (each column added to a
    # DataFrame costs more than the work on it, for a file of a few thousand rows)
    out: dict[str, Any] = {
        "snapshot_date": np.full(n, np.datetime64(snapshot, "s")),
        "lad_code": np.full(n, council.lad_code, dtype=object),
        "layout": np.full(n, layout.name, dtype=object),
    }
    for name in ("application_ref", "person_ref", "forename", "surname", "postcode", "nationality_code"):
        out[name] = records[name].where(records[name] != "", None)
    out["nationality_code_list"] = np.full(n, layout.nationality_code_list, dtype=object)
    for name in DATE_FIELDS:
        dates, bad = _dates(records[name], layout)
        reasons.flag(bad, name, f"{name} is not a date in the layout's format {layout.date_format}")
        out[name] = dates.where(~reasons.failed)
    day = pd.Timestamp(snapshot)
    reasons.flag(
        out["registration_date"] > day, "registration_date", "registration date after the snapshot date"
    )
    reasons.flag(out["date_of_birth"] > day, "date_of_birth", "date of birth after the snapshot date")
    for name, (low, high) in COUNT_FIELDS.items():
        counts, bad = _lookup(records[name], _count(low, high))
        reasons.flag(bad, name, f"{name} is not a whole number from {low} to {high}")
        out[name] = counts.where(~reasons.failed, 0).astype(np.int64)
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
    refs = records["application_ref"].where(~reasons.failed)
    reasons.flag(
        refs.notna() & refs.duplicated(keep="first"),
        "application_ref",
        "application id already in this snapshot (duplicate)",
    )
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
