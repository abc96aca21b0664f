"""Read one register snapshot in its council's layout into canonical rows and quarantined rows.

The file names its council by GSS code (the layout's header must agree where it carries one);
the council's entry in the councils configuration gives the layout and band scheme. Structural
problems stop the file with a :class:`~housing_need.errors.ParseError` naming the file (and the
record or column): an unknown council, a missing mapped column, a corrupt or truncated file (bad
JSON, a fixed-width trailer count that disagrees with the records read). A bad value stops only its
row, quarantined with the column and a reason that never repeats the value (these are personal
data): an unknown band or code, an unreadable or future date, a non-numeric count, or an application
id seen earlier in the same snapshot.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

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


def _records_csv(
    layout: Layout, text: str, file_name: str
) -> tuple[dict[str, str], Iterator[tuple[int, dict[str, Any]]], int]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise ParseError(file_name, "empty file") from None
    header = [h.strip().lstrip("\ufeff") for h in header]
    wanted = {**{k: v for k, v in layout.fields.items()}, "_snapshot": layout.snapshot_field}
    missing = [column for column in wanted.values() if column not in header]
    if missing:
        raise ParseError(
            file_name, f"the layout {layout.name} maps column(s) {', '.join(missing)}, not in the file", row=1
        )
    index = {field: header.index(column) for field, column in wanted.items()}
    rows = list(reader)

    def records() -> Iterator[tuple[int, dict[str, Any]]]:
        for number, values in enumerate(rows, start=2):
            if len(values) != len(header):
                yield number, {"_broken": f"{len(values)} fields where the header has {len(header)}"}
                continue
            yield number, {field: values[i] for field, i in index.items()}

    snapshots = {r[index["_snapshot"]] for r in rows if len(r) == len(header)}
    if len(snapshots) > 1:
        raise ParseError(
            file_name, f"{len(snapshots)} snapshot dates in one snapshot file", column=layout.snapshot_field
        )
    return {"snapshot_date": next(iter(snapshots), "")}, records(), len(rows)


def _records_fixed(
    layout: Layout, text: str, file_name: str
) -> tuple[dict[str, str], Iterator[tuple[int, dict[str, Any]]], int]:
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
    detail = lines[1:-1]
    if not declared.isdigit() or int(declared) != len(detail):
        raise ParseError(
            file_name,
            f"the trailer counts {declared or 'no'} detail records, the file has {len(detail)}: truncated or corrupt",
        )
    width = max(start + size - 1 for start, size in layout.fields.values())

    def records() -> Iterator[tuple[int, dict[str, Any]]]:
        for number, line in enumerate(detail, start=2):
            if not line.startswith(layout.detail_record_type or "D") or len(line.rstrip("\n")) < width - 40:
                yield number, {"_broken": "not a detail record of the layout's width"}
                continue
            yield number, {field: cut(line.ljust(width), spec) for field, spec in layout.fields.items()}

    return header, records(), len(detail)


def _path(document: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(document, dict) or part not in document:
            return _MISSING
        document = document[part]
    return document


_MISSING = object()


def _records_json(
    layout: Layout, text: str, file_name: str
) -> tuple[dict[str, str], Iterator[tuple[int, dict[str, Any]]], int]:
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

    def records() -> Iterator[tuple[int, dict[str, Any]]]:
        for number, item in enumerate(items, start=1):
            values = {field: _path(item, dotted) for field, dotted in layout.fields.items()}
            yield number, {k: (None if v is _MISSING else v) for k, v in values.items()}

    return header, records(), len(items)


READERS = {"csv": _records_csv, "fixed_width": _records_fixed, "json": _records_json}


def _date(value: Any, layout: Layout) -> date | None:
    text = _text(value)
    if not text:
        return None
    fmt = layout.date_format
    if "T" in text and "T" not in fmt:
        text = text.split("T", 1)[0]
    return datetime.strptime(text, fmt).date()


def parse_register(content: bytes, file_name: str) -> ParseResult:
    council = council_for(file_name)
    layout = council.layout
    try:
        text = content.decode(layout.encoding)
    except UnicodeDecodeError as exc:
        raise ParseError(file_name, f"not {layout.encoding} text (byte {exc.start}): corrupt?") from None
    header, records, rows_in_file = READERS[layout.format](layout, text, file_name)
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
    rows: list[dict[str, Any]] = []
    quarantined: list[QuarantinedRow] = []
    seen: set[str] = set()
    for number, record in records:
        problem = _convert(record, layout, council, snapshot, seen)
        if isinstance(problem, QuarantinedRow):
            quarantined.append(QuarantinedRow(number, problem.column, None, problem.reason, {}))
            continue
        problem["_row_number"] = number
        rows.append(problem)
    result = ParseResult(
        rows=rows,
        quarantined=quarantined,
        rows_in_file=rows_in_file,
        release=snapshot.isoformat(),
        file_format=layout.format,
        notes=[f"{council.name} ({council.lad_code}), layout {layout.name}, snapshot {snapshot.isoformat()}"],
    )
    result.check_accounting()
    return result


def _bad(column: str, reason: str) -> QuarantinedRow:
    return QuarantinedRow(0, column, None, reason, {})


def _convert(
    record: dict[str, Any], layout: Layout, council: Council, snapshot: date, seen: set[str]
) -> dict[str, Any] | QuarantinedRow:
    """A canonical row, or a QuarantinedRow (column and reason; never the value)."""
    if "_broken" in record:
        return _bad("", f"malformed record: {record['_broken']}")
    for name in REQUIRED:
        if not _text(record.get(name)):
            return _bad(name, f"{name} is empty")
    row: dict[str, Any] = {"snapshot_date": snapshot, "lad_code": council.lad_code, "layout": layout.name}
    for name in ("application_ref", "person_ref", "forename", "surname", "postcode", "nationality_code"):
        row[name] = _text(record.get(name)) or None
    row["nationality_code_list"] = layout.nationality_code_list
    for name in DATE_FIELDS:
        try:
            row[name] = _date(record.get(name), layout)
        except ValueError:
            return _bad(name, f"{name} is not a date in the layout's format {layout.date_format}")
    if row["registration_date"] > snapshot:
        return _bad("registration_date", "registration date after the snapshot date")
    if row["date_of_birth"] and row["date_of_birth"] > snapshot:
        return _bad("date_of_birth", "date of birth after the snapshot date")
    for name, (low, high) in COUNT_FIELDS.items():
        text = _text(record.get(name))
        if not text.isdigit() or not low <= int(text) <= high:
            return _bad(name, f"{name} is not a whole number from {low} to {high}")
        row[name] = int(text)
    band = _text(record.get("band_code"))
    if band not in council.bands:
        return _bad("band_code", f"band code not in {council.name}'s scheme ({', '.join(council.bands)})")
    row["band_code"], row["band_rank"] = band, council.bands[band]
    for name in CODED:
        code = _text(record.get(name))
        if code not in layout.codes[name]:
            return _bad(name, f"{name} code not in the layout's code list ({len(layout.codes[name])} codes)")
        row[name] = layout.codes[name][code]
    raw = record.get("preference_categories")
    parts = (
        raw
        if isinstance(raw, list)
        else (
            list(_text(raw))
            if layout.preference_separator == ""
            else _text(raw).split(layout.preference_separator or ";")
        )
    )
    categories = []
    for part in (p.strip() for p in parts if str(p).strip()):
        match = layout.preference_pattern.match(part)
        if not match:
            return _bad("preference_categories", "reasonable-preference category not in s166A(3) (a) to (e)")
        categories.append(match[1])
    row["preference_categories"] = ",".join(sorted(set(categories)))
    if row["application_ref"] in seen:
        return _bad("application_ref", "application id already in this snapshot (duplicate)")
    seen.add(row["application_ref"])
    return row
