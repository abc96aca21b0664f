"""Read one survey wave, in either UK Data Service distribution format, into canonical rows.

- **SPSS** (``.sav``): variables, variable labels and value labels from the file's own dictionary
  (read with pyreadstat from the bytes).
- **Tab-delimited** (``.zip`` as the UK Data Service delivers it): one ``.tab`` data file (header row of
  variable names, tab-separated, blank for system-missing) and its data dictionary
  (``*data_dictionary*.txt``: ``Variable:``, ``Label:`` and ``<code> = <label>`` lines).

The wave comes from the file name (:func:`~.waves.wave_for`); its configuration maps the wave's
variable names and codes to the canonical ones. The file must carry every mapped variable, and its
dictionary must label each code as the configuration does (a renumbered code list is caught here,
not in a mart). Four weights are what every estimate rests on: a wave whose weight variable is
missing, or whose weight is missing or not positive for a respondent who should have one (full
sample weights: everyone; core weights: the core sample; boost respondents carry no core weight), is
refused whole with a :class:`~housing_need.errors.ParseError` naming the file, row and column. A bad
value stops only its row (quarantined with the column and a reason, never the value: licensed
microdata): a code the file's dictionary does not label, a non-numeric value, a missing or repeated
serial number.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...errors import ParseError
from ..conventions import check_delivery, decode_text
from ..spec import ParseResult, QuarantinedRow
from .waves import CODED, WEIGHTS, Wave, wave_for

FILE_EXTENSIONS = (".sav", ".zip", ".tab")


@dataclass
class Delivered:
    """A wave's file as read: variable names, value labels per variable, and the records."""

    columns: list[str]
    value_labels: dict[str, dict[int, str]]
    records: list[tuple[int, dict[str, Any]]]  # (row number, variable -> value); value None = missing
    file_format: str
    file_label: str


def _number(value: Any) -> float | None:
    """A numeric cell: None for system-missing; ValueError for anything not a number."""
    if value is None:
        return None
    if isinstance(value, int | float):
        return None if isinstance(value, float) and math.isnan(value) else float(value)
    text = str(value).strip()
    return None if text in ("", ".") else float(text)


def read_sav(content: bytes, file_name: str) -> Delivered:
    import pyreadstat  # type: ignore[import-untyped]  # no type hints

    try:
        frame, meta = pyreadstat.read_sav(io.BytesIO(content))
    except Exception as exc:  # pyreadstat raises its own errors for every kind of damage
        raise ParseError(
            file_name, f"cannot read the SPSS file ({type(exc).__name__}: {exc}): truncated or corrupt"
        ) from None
    labels = {
        name: {int(code): str(text) for code, text in mapping.items()}
        for name, mapping in (meta.variable_value_labels or {}).items()
    }
    columns = list(frame.columns)
    values = frame.to_dict("records")
    records = [(number, row) for number, row in enumerate(values, start=1)]
    return Delivered(columns, labels, records, "sav", str(meta.file_label or ""))


_VALUE_LABEL = re.compile(r"^\s+(-?\d+)\s*=\s*(.*?)\s*$")


def read_dictionary(text: str, file_name: str) -> tuple[dict[str, dict[int, str]], str]:
    """Value labels per variable from a data dictionary, and its title line."""
    labels: dict[str, dict[int, str]] = {}
    current: str | None = None
    title = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if not title and line.strip():
            title = line.strip()
        if line.startswith("Variable:"):
            current = line.split(":", 1)[1].strip()
            labels[current] = {}
            continue
        match = _VALUE_LABEL.match(line)
        if match and current is not None and line.startswith((" ", "\t")):
            code = int(match[1])
            if code in labels[current]:
                raise ParseError(
                    file_name, f"the dictionary labels code {code} twice", row=number, column=current
                )
            labels[current][code] = match[2]
    if not labels:
        raise ParseError(file_name, "the data dictionary names no variables ('Variable: <name>' lines)")
    return labels, title


def read_tab_bundle(content: bytes, file_name: str) -> Delivered:
    try:
        bundle = zipfile.ZipFile(io.BytesIO(content))
        names = bundle.namelist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ParseError(file_name, f"not a readable zip ({exc}): truncated or corrupt") from None
    tabs = [n for n in names if n.lower().endswith(".tab")]
    dictionaries = [n for n in names if "data_dictionary" in n.lower()]
    if len(tabs) != 1 or len(dictionaries) != 1:
        raise ParseError(
            file_name,
            f"a tab-delimited delivery holds one .tab data file and one data dictionary; found "
            f"{len(tabs)} .tab and {len(dictionaries)} dictionary file(s)",
        )
    try:
        data_text = decode_text(bundle.read(tabs[0]), f"{file_name}:{tabs[0]}")
        dictionary_text = decode_text(bundle.read(dictionaries[0]), f"{file_name}:{dictionaries[0]}")
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ParseError(
            file_name, f"a member of the zip cannot be read ({exc}): truncated or corrupt"
        ) from None
    labels, title = read_dictionary(dictionary_text, f"{file_name}:{dictionaries[0]}")
    lines = data_text.splitlines()
    if not lines:
        raise ParseError(f"{file_name}:{tabs[0]}", "empty data file")
    columns = [c.strip() for c in lines[0].split("\t")]
    records: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(lines[1:], start=2):
        values = line.split("\t")
        if len(values) != len(columns):
            records.append((number, {"_broken": f"{len(values)} fields where the header has {len(columns)}"}))
            continue
        records.append((number, dict(zip(columns, values, strict=True))))
    return Delivered(columns, labels, records, "tab", title)


def _check_structure(wave: Wave, delivered: Delivered, file_name: str) -> None:
    present = {c.lower(): c for c in delivered.columns}
    missing = [v for v in wave.variables.values() if v.name.lower() not in present]
    if missing:
        weights = [v.name for v in missing if v.field in WEIGHTS]
        raise ParseError(
            file_name,
            f"wave {wave.wave} maps variable(s) {', '.join(v.name for v in missing)} "
            f"({', '.join(v.field for v in missing)}), not in the file"
            + ("; a wave without its weights cannot be estimated from and is refused" if weights else ""),
            column=missing[0].name,
        )
    for field in CODED:
        variable = wave.variables[field]
        in_file = delivered.value_labels.get(present[variable.name.lower()], {})
        if not in_file:
            raise ParseError(
                file_name, "the file's dictionary gives no value labels for it", column=variable.name
            )
        for code, label in sorted(in_file.items()):
            expected = variable.codes.get(code)
            if expected is None:
                raise ParseError(
                    file_name,
                    f"the file's dictionary labels code {code} ({label!r}), which wave {wave.wave}'s mapping "
                    f"({wave.source.name}) does not know: add it to the mapping",
                    column=variable.name,
                )
            if expected.label.casefold() != label.casefold():
                raise ParseError(
                    file_name,
                    f"the file's dictionary labels code {code} {label!r}, wave {wave.wave}'s mapping expects "
                    f"{expected.label!r}: the codes may have been renumbered; check the mapping",
                    column=variable.name,
                )


def _check_weights(wave: Wave, rows: list[dict[str, Any]], file_name: str) -> None:
    """Refuse the wave if a respondent lacks a weight they must have (or has a non-positive one)."""
    for row in rows:
        for field in WEIGHTS:
            value = row[field]
            required = field.startswith("weight_full") or row["sample_type"] == "core"
            if (required and value is None) or (value is not None and value <= 0 and required):
                raise ParseError(
                    file_name,
                    f"{field} is {'missing' if value is None else 'not positive'} for a "
                    f"{row['sample_type']} respondent: wave {wave.wave} is refused (every estimate rests on "
                    "its weights; core weights are needed for core respondents, full-sample weights for all)",
                    row=row["_row_number"],
                    column=wave.variables[field].name,
                )


def parse_survey(content: bytes, file_name: str) -> ParseResult:
    suffix = check_delivery(content, file_name, FILE_EXTENSIONS)
    if suffix == ".tab":
        raise ParseError(
            file_name,
            "a bare .tab file has no data dictionary: deliver the UK Data Service zip (tab/ and mrdoc/)",
        )
    wave = wave_for(file_name)
    delivered = read_sav(content, file_name) if suffix == ".sav" else read_tab_bundle(content, file_name)
    _check_structure(wave, delivered, file_name)
    present = {c.lower(): c for c in delivered.columns}
    rows: list[dict[str, Any]] = []
    quarantined: list[QuarantinedRow] = []
    seen: set[str] = set()
    for number, record in delivered.records:
        row = _convert(record, wave, delivered, present, seen)
        if isinstance(row, QuarantinedRow):
            quarantined.append(QuarantinedRow(number, row.column, None, row.reason, {}))
            continue
        row["_row_number"] = number
        rows.append(row)
    _check_weights(wave, rows, file_name)
    result = ParseResult(
        rows=rows,
        quarantined=quarantined,
        rows_in_file=len(delivered.records),
        release=wave.wave,
        file_format=delivered.file_format,
        notes=[
            f"{wave.survey} wave {wave.wave} (UK Data Service SN {wave.study_number}), {delivered.file_format}"
        ],
        published_columns={field: v.name for field, v in wave.variables.items()},
    )
    result.check_accounting()
    return result


def _bad(column: str, reason: str) -> QuarantinedRow:
    return QuarantinedRow(0, column, None, reason, {})


def _convert(
    record: Mapping[str, Any], wave: Wave, delivered: Delivered, present: Mapping[str, str], seen: set[str]
) -> dict[str, Any] | QuarantinedRow:
    """A canonical row, or a QuarantinedRow (column and reason; never the value)."""
    if "_broken" in record:
        return _bad("", f"malformed record: {record['_broken']}")
    row: dict[str, Any] = {
        "survey": wave.survey,
        "wave": wave.wave,
        "study_number": wave.study_number,
        "file_format": delivered.file_format,
    }
    values: dict[str, float | None] = {}
    for field, variable in wave.variables.items():
        try:
            values[field] = _number(record.get(present[variable.name.lower()]))
        except ValueError:
            return _bad(variable.name, f"{field} is not a number")
    serial = values["serial"]
    if serial is None or serial != int(serial):
        return _bad(wave.variables["serial"].name, "serial number is missing or not a whole number")
    row["serial"] = str(int(serial))
    for field in CODED:
        variable = wave.variables[field]
        value = values[field]
        labels = delivered.value_labels[present[variable.name.lower()]]
        if value is None:
            row[field] = row[f"{field}_code"] = row[f"{field}_label"] = None
            continue
        if value != int(value) or int(value) not in labels:
            return _bad(variable.name, f"{field} code is not one the file's data dictionary labels")
        code = int(value)
        row[field] = variable.codes[code].to
        row[f"{field}_code"] = str(code)
        row[f"{field}_label"] = labels[code]
    if row["sample_type"] is None:
        return _bad(wave.variables["sample_type"].name, "sample type (core or boost) is missing")
    for field in WEIGHTS:
        row[field] = values[field]
    if row["serial"] in seen:
        return _bad(wave.variables["serial"].name, "serial number already in this file (duplicate)")
    seen.add(row["serial"])
    return row
