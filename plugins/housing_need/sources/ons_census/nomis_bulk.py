"""Nomis bulk CSVs and the bulk ZIP that holds one per geography level.

1. Nomis bulk CSV, ``census2021-tsNNN-<level>.csv`` (also ``...-<level>-filtered.csv`` and other
   suffixes): ``date``, ``geography``, ``geography code`` and one wide column per category, e.g.
   ``Tenure of household: Owned: Owns outright`` with or without ``; measures: Value``. The first
   segment is the table's variable; ``Total: All households`` / ``Total`` is the total. Table and
   level come from the file name, which must therefore be the canonical one.
2. Nomis bulk ZIP ``census2021-tsNNN.zip``: every CSV inside (one per level) is parsed as (1);
   other members (metadata) are skipped. Cell ``_row_number`` is the line inside its member; the
   member name is in quarantine records and ``notes``.
3. Nomis bulk CSV of a 2011 Quick Statistics table, named after the table and the level
   (``qs405ew-lad.csv``, ``..._tenure-households-lad.csv``; ``lad`` is read as ``ltla``): the 2011
   header grammar spells the total ``Tenure: All categories: Tenure`` and a subtotal
   ``Tenure: Owned: Total`` (its children ``Tenure: Owned: Owned outright``), and a ``Rural Urban``
   column splits each area into urban and rural parts. Only ``Total`` rows are cells; a part row
   would count the same households twice, so it is quarantined with that reason.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import PurePath
from typing import Any

from ...errors import ParseError
from ..conventions import GSS_CODE, label, read_csv
from ..spec import ParseResult
from .cells import LEVELS, Cells, cells_result, check_duplicate_headers, level_problem, release_name
from .hierarchy import build_hierarchy

_BULK_NAME = re.compile(r"census(\d{4})-(ts\d{3}[a-z]?)(?:-([a-z]+))?", re.I)
_QS_NAME = re.compile(r"(qs\d{3}ew)(?:.*[-_])?([a-z]+)$", re.I)
_LEVEL_ALIASES = {"lad": "ltla"}
_RURAL_URBAN = "rural urban"
_ALL_CATEGORIES = "all categories"
_MEASURE = re.compile(r";\s*measures:\s*(.*)$", re.I | re.S)
_FIXED = ("date", "geography", "geography code")
PUBLISHED_COLUMNS = {"census_year": "date", "geography_name": "geography", "geography_code": "geography code"}


def bulk_name(file_name: str, display: str | None = None) -> tuple[int, str, str]:
    """(census year, table, level) from a canonical Nomis bulk file name."""
    base = PurePath(file_name).name
    m = _BULK_NAME.search(base)
    if m is not None:
        year, table, level = int(m[1]), m[2].upper(), (m[3] or "").lower()
    elif (q := _QS_NAME.search(PurePath(base).stem)) is not None:
        year, table, level = 2011, q[1].upper(), q[2].lower()
    else:
        year, table, level = 0, "", ""
    level = _LEVEL_ALIASES.get(level, level)
    if level not in LEVELS:
        raise ParseError(
            display or file_name,
            "cannot tell the table and geography level from the file name; deliver Nomis bulk files "
            "under their canonical name census2021-tsNNN-<level>.csv "
            f"(level one of {', '.join(LEVELS)}), e.g. census2021-ts054-ltla.csv, or a 2011 table as "
            "qsNNNew-<level>.csv",
        )
    return year, table, level


def _bulk_header(
    header: list[str], file_name: str
) -> tuple[dict[str, int], list[tuple[str, list[str] | None]], str]:
    check_duplicate_headers(header, file_name, 1)
    lower = {label(h).casefold(): i for i, h in enumerate(header)}
    fixed: dict[str, int] = {}
    for name in _FIXED:
        if name not in lower:
            raise ParseError(
                file_name,
                f"missing column {name!r}: a Nomis bulk CSV starts date, geography, geography code; "
                f"columns found: {[label(h) for h in header[:5]]}...",
                row=1,
                column=name,
            )
        fixed[name] = lower[name]
    if _RURAL_URBAN in lower:
        fixed[_RURAL_URBAN] = lower[_RURAL_URBAN]
    value_positions = [i for i in range(len(header)) if i not in fixed.values()]
    if not value_positions:
        raise ParseError(file_name, "no category columns after date, geography, geography code", row=1)
    entries: list[tuple[str, list[str] | None]] = []
    variable: str | None = None
    for i in value_positions:
        raw = header[i]
        text = label(raw)
        m = _MEASURE.search(text)
        if m is not None:
            if m[1].strip().casefold() != "value":
                raise ParseError(
                    file_name,
                    f"column measures {m[1].strip()!r}; only '; measures: Value' columns are cells",
                    row=1,
                    column=text,
                )
            text = text[: m.start()].strip()
        segments = [s.strip() for s in text.split(": ")]
        if variable is None:
            variable = segments[0]
        if segments[0].casefold() != variable.casefold() or len(segments) < 2:
            raise ParseError(
                file_name,
                f"changed header: column is not a category of the table's variable {variable!r} "
                f"(expected '{variable}: <category>')",
                row=1,
                column=text,
            )
        cat = segments[1:]
        if cat[0].casefold() == "total" or cat[0].casefold() == _ALL_CATEGORIES:
            entries.append((raw, None))
            continue
        if len(cat) > 1 and cat[-1].casefold() == "total":
            cat = cat[:-1]  # 2011 grammar: 'Owned: Total' is the subtotal 'Owned'
        entries.append((raw, cat))
    assert variable is not None
    return fixed, entries, variable


def _bulk_cells(
    records: Iterator[tuple[int, list[str]]], file_name: str, *, member: str | None = None
) -> Cells:
    """The cells of one bulk CSV (a delivered file or a zip ``member`` of ``file_name``)."""
    # Errors name the delivered file and, inside a zip, the member.
    display = f"{file_name} (zip member {member})" if member else file_name
    _, table, level = bulk_name(member or file_name, display)
    first = next(records, None)
    if first is None:
        raise ParseError(display, "file is empty")
    header = first[1]
    fixed, entries, variable = _bulk_header(header, display)
    hierarchy = build_hierarchy(entries, file_name=display, table=table)
    value_positions = [i for i in range(len(header)) if i not in fixed.values()]
    cells = Cells(file_name, table, hierarchy, member=member)
    cells.hierarchy.notes.insert(0, f"{table} {level}: variable {variable!r}, {len(entries)} categories")
    names = [label(h) for h in header]
    n_header = len(header)
    for line, fields in records:
        if not any(f.strip() for f in fields):
            continue
        record: dict[str, Any] = dict(zip(names, fields, strict=False))
        if len(fields) > n_header:
            record["_extra"] = fields[n_header:]
        numbers = [line] * len(value_positions)
        if len(fields) != n_header:
            cells.reject_malformed(
                numbers, record, f"row has {len(fields)} fields but the header has {n_header}"
            )
            continue
        code = fields[fixed["geography code"]].strip()
        if _RURAL_URBAN in fixed and (part := fields[fixed[_RURAL_URBAN]].strip()).casefold() != "total":
            cells.refuse_row(
                numbers,
                record,
                names[fixed[_RURAL_URBAN]],
                part,
                f"area {code}: a {part!r} part of the area, not its total; only 'Total' rows are "
                "loaded (the parts would count the same people twice)",
            )
            continue
        cells.add(
            numbers,
            year=fields[fixed["date"]],
            level=level,
            level_problem=level_problem(code, level) if GSS_CODE.match(code) else None,
            code=code,
            name=fields[fixed["geography"]].strip(),
            values=[fields[i] for i in value_positions],
            record=record,
            code_column=names[fixed["geography code"]],
            year_column=names[fixed["date"]],
        )
    if cells.areas == 0:
        raise ParseError(display, "no area rows after the header")
    return cells


def parse_bulk_csv(records: Iterator[tuple[int, list[str]]], file_name: str) -> ParseResult:
    """A bulk CSV whose records (header first) have been read already."""
    cells = _bulk_cells(records, file_name)
    year, table, _ = bulk_name(file_name)
    return cells_result([cells], release_name(year, table), "nomis_bulk_csv", [], PUBLISHED_COLUMNS)


def parse_zip(content: bytes, file_name: str) -> ParseResult:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ParseError(file_name, f"cannot open zip archive (truncated or not a zip?): {exc}") from None
    csvs = [m for m in members if not m.is_dir() and m.filename.lower().endswith(".csv")]
    skipped = [m.filename for m in members if not m.is_dir() and m not in csvs]
    if not csvs:
        raise ParseError(file_name, f"zip holds no .csv files; members: {[m.filename for m in members]}")
    parts: list[Cells] = []
    tables: set[tuple[int, str]] = set()
    for member in csvs:
        try:
            data = archive.read(member)
        except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile) as exc:
            raise ParseError(
                file_name, f"cannot read zip member {member.filename!r} (truncated archive?): {exc}"
            ) from None
        display = f"{file_name} (zip member {member.filename})"
        if not data.strip():
            raise ParseError(display, f"file is empty ({len(data)} bytes)")
        year, table, _ = bulk_name(member.filename, display)
        tables.add((year, table))
        parts.append(_bulk_cells(read_csv(data, display), file_name, member=member.filename))
    if len(tables) > 1:
        raise ParseError(
            file_name, f"zip mixes tables {sorted(t for _, t in tables)}; deliver one table per zip"
        )
    year, table = tables.pop()
    notes = [f"zip: parsed {len(csvs)} CSV member(s); skipped {len(skipped)} other member(s): {skipped}"]
    return cells_result(parts, release_name(year, table), "nomis_bulk_zip", notes, PUBLISHED_COLUMNS)
