"""Reading publishers' text files: UTF-8 (with or without BOM) or Windows-1252, and CSV records
numbered by the line a person sees (header = line 1), for every source parser."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from ..errors import ParseError


def decode_text(content: bytes, file_name: str) -> str:
    """UTF-8 (a BOM is dropped), else Windows-1252, else a ParseError naming the file and offset."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ParseError(
            file_name, f"text is neither UTF-8 nor Windows-1252 (undecodable byte at offset {exc.start})"
        ) from None


def csv_records(text: str, file_name: str) -> Iterator[tuple[int, list[str]]]:
    """(first line of the record, fields); multi-line quoted fields keep their first line number."""
    if "\x00" in text:
        raise ParseError(file_name, "file contains NUL bytes: not a text CSV")
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        for fields in reader:
            yield start, fields
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ParseError(file_name, f"malformed CSV: {exc}", row=start) from None
