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
order of :func:`.checks.check_batch`.

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
from collections.abc import Iterable
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from ...errors import ParseError
from ..spec import ParseResult, QuarantinedRow
from .checks import check_batch, field_text, read_date
from .layouts import Council, Layout, councils

GSS = re.compile(r"(?<![0-9A-Z])([EW]0[6-9]\d{6})(?![0-9])")


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


def _column(items: list[Any], dotted: str) -> list[Any]:
    """The value at ``dotted`` in each item (None where the path stops short), a comprehension per
    part (a national snapshot is thousands of items, nineteen fields each)."""
    values = items
    for part in dotted.split("."):
        values = [v.get(part) if isinstance(v, dict) else None for v in values]
    return values


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
    header = {key: field_text(_path(document, dotted)) for key, dotted in layout.header.items()}
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
    columns: dict[str, Any] = {}
    for field, dotted in layout.fields.items():
        values = _column(items, dotted)
        if field == "preference_categories":  # a JSON list stays a list
            columns[field] = [v if isinstance(v, list) else field_text(v) for v in values]
        else:  # text: the common case (a string) stripped inline, anything else as field_text
            columns[field] = pd.Series(
                [v.strip() if v.__class__ is str else field_text(v) for v in values], dtype="str"
            )
    return header, _frame(columns, range(1, len(items) + 1), [None] * len(items)), len(items)


READERS = {"csv": _records_csv, "fixed_width": _records_fixed, "json": _records_json}


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
        snapshot = read_date(header.get("snapshot_date"), layout)
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
    return parse_registers([(content, file_name)])[0]


def parse_registers(files: Iterable[tuple[bytes, str]]) -> list[ParseResult]:
    """:func:`parse_register` of each (content, file name), the same results, checked together: the
    snapshots are read file by file (``files`` may hand each over when its turn comes, so only one
    file's bytes are held), then those of one layout are checked as one frame (a column operation
    costs about as much on one snapshot of a few thousand rows as on twenty)."""
    read = [_read(content, file_name, rows=True) for content, file_name in files]
    checked: dict[int, tuple[pd.DataFrame, list[QuarantinedRow]]] = {}
    by_layout: dict[str, list[int]] = {}
    for i, (council, *_) in enumerate(read):
        by_layout.setdefault(council.layout.name, []).append(i)
    for indices in by_layout.values():
        layout = read[indices[0]][0].layout
        frames = [read[i][2] for i in indices]
        records = pd.concat(
            [f.assign(_part=np.int64(part)) for part, f in enumerate(frames) if f is not None],
            ignore_index=True,
        )
        rows, quarantined = check_batch(records, layout, [(read[i][0], read[i][1]) for i in indices])
        counts = np.bincount(rows["_part"].to_numpy(), minlength=len(indices))
        starts = np.concatenate([[0], np.cumsum(counts)])
        rows = rows.drop(columns="_part")
        refused: dict[int, list[QuarantinedRow]] = {}
        for part, row in quarantined:
            refused.setdefault(part, []).append(row)
        for part, i in enumerate(indices):
            frame = rows.iloc[starts[part] : starts[part + 1]].reset_index(drop=True)
            checked[i] = (frame, refused.get(part, []))
    return [_result(read[i][0], read[i][1], read[i][3], *checked[i]) for i in range(len(read))]


def _result(
    council: Council, snapshot: date, rows_in_file: int, rows: pd.DataFrame, quarantined: list[QuarantinedRow]
) -> ParseResult:
    layout = council.layout
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
