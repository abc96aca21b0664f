"""Build realistic Asy_D11 deliveries from the REAL bundled CSV rows (never hand-typed numbers).

``real_rows()`` reads the bundled sample (header ``Date,Year,Quarter,Support Type,UK Region,
Local Authority,LAD Code,Accommodation Type,People``). The writers lay those rows out the way the
Home Office publishes them (workbook or CSV, in every encoding Excel writes), and the helpers below
break a delivery in one known way. Used by unit tests of the parser and by the pipeline's
integration tests.

Bad deliveries, and what each breaks:

- ``EMPTY``: a zero-byte file (refused: file is empty).
- ``truncated(to_publisher_xlsx(rows))`` / ``truncated_xlsx(rows)``: a workbook cut short (refused:
  cannot open workbook).
- ``with_missing_column``: a required column gone (refused, naming file, header row and column).
- ``with_cell``: one cell changed (bad values are quarantined by the parser).
- ``with_extra_column``: a column Asy_D11 does not have (loaded without it, with a warning).
- ``with_exact_duplicates``: rows delivered twice in one file (screening quarantines the repeats).
- ``with_formula_text``: a text cell beginning with '=', '+', '-' or '@' (screening quarantines it).
- ``cp1252_after_utf8_bom``: Windows-1252 bytes behind a UTF-8 BOM, with a Welsh LA renamed
  ``Ynys Môn`` (W06000001) by ``with_welsh_name``, since the sample has no non-ASCII name.
- ``to_unicode_text``: Excel's "Unicode text" (UTF-16 with BOM, tab-separated).
- ``revised_release``: a later release that revises an earlier quarter's count.
- ``overlapping_releases``: two releases sharing some quarters, the later revising one count.
- ``older_release``: a release whose quarters are all older than the bundled release.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CSV = ROOT / "data/sample/home_office_asylum_support/asy_d11_local_authority_support_2014q1_2023q4.csv"

SAMPLE_HEADER = [
    "Date",
    "Year",
    "Quarter",
    "Support Type",
    "UK Region",
    "Local Authority",
    "LAD Code",
    "Accommodation Type",
    "People",
]
PUBLISHER_DATE = "Date (as at end of quarter)"
PUBLISHER_HEADER = [
    PUBLISHER_DATE,
    "Support Type",
    "UK Region",
    "Local Authority",
    "LAD Code",
    "Accommodation Type",
    "People",
]
OLD_ACCOMMODATION_HEADER = "Support sub-type"
SHEET = "Data - Asy_D11"
TITLE = "Asy_D11: Asylum seekers in receipt of support by local authority, as at end of quarter"
FOOTNOTES = (
    "Source: Home Office, Immigration system statistics, table Asy_D11.",
    "Notes: see the Notes sheet of this workbook for definitions and revisions.",
)
EMPTY = b""

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def real_rows(path: Path | str | None = None) -> list[dict[str, str]]:
    """The bundled sample's rows as dicts keyed by its header (values are the published text)."""
    with open(path or SAMPLE_CSV, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def subset(
    rows: Iterable[Mapping[str, str]], *, dates: Sequence[str] | None = None, limit: int | None = None
) -> list[dict[str, str]]:
    """Rows for the given ISO dates (all if None), first ``limit`` of them."""
    out = [dict(r) for r in rows if dates is None or r["Date"] in dates]
    return out if limit is None else out[:limit]


def text_date(iso: str) -> str:
    """'2023-03-31' -> '31 Mar 2023', as the publisher writes dates."""
    d = date.fromisoformat(iso)
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def csv_line(row_index: int) -> int:
    """The CSV line (header = line 1) of data row ``row_index`` (0-based) in files written here."""
    return row_index + 2


def xlsx_row(row_index: int) -> int:
    """The worksheet row of data row ``row_index`` (0-based) in workbooks from :func:`to_publisher_xlsx`."""
    return row_index + 4  # title, blank, header, then data


def _publisher_values(row: Mapping[str, str], *, date_as_text: bool = True) -> list[object]:
    when: object = text_date(row["Date"]) if date_as_text else date.fromisoformat(row["Date"])
    return [
        when,
        row["Support Type"],
        row["UK Region"],
        row["Local Authority"],
        row["LAD Code"],
        row["Accommodation Type"],
        row["People"],
    ]


def to_publisher_xlsx(
    rows: Iterable[Mapping[str, str]],
    *,
    old_header: bool = False,
    title: str = TITLE,
    date_as_text: bool = True,
    sheet: str = SHEET,
    end_of_table: bool = True,
) -> bytes:
    """A workbook in the publisher's layout: ``Cover_sheet``, then ``sheet`` with a title row, a
    blank row, the header (row 3), data from row 4, an ``End of table`` row and two footnotes."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    cover = wb.create_sheet("Cover_sheet")
    cover.append(["Immigration system statistics: asylum seekers in receipt of support"])
    cover.append(["This workbook contains table Asy_D11."])
    ws = wb.create_sheet(sheet)
    header = list(PUBLISHER_HEADER)
    if old_header:
        header[header.index("Accommodation Type")] = OLD_ACCOMMODATION_HEADER
    ws.append([title])
    ws.append([])
    ws.append(header)
    for row in rows:
        values = _publisher_values(row, date_as_text=date_as_text)
        people = values[-1]
        if isinstance(people, str) and people.isdigit():
            values[-1] = int(people)  # the publisher's People cells are numbers
        ws.append(values)
    if end_of_table:
        ws.append(["End of table"])
        ws.append([])
        for note in FOOTNOTES:
            ws.append([note])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Encodings Excel and publishers write (shared with census.py)

UTF8_BOM = b"\xef\xbb\xbf"
# name -> (codec, bytes before the text)
ENCODINGS: dict[str, tuple[str, bytes]] = {
    "utf-8": ("utf-8", b""),
    "utf-8-sig": ("utf-8", UTF8_BOM),
    "cp1252": ("cp1252", b""),
    # Windows-1252 text behind a UTF-8 byte-order mark, as Excel saves some CSVs: the BOM decodes
    # as 'ï»¿' if the file is read as Windows-1252 whole.
    "cp1252-after-utf8-bom": ("cp1252", UTF8_BOM),
    # Excel's "Unicode text": UTF-16 with a byte-order mark (little-endian, as Windows writes it).
    "utf-16-le-bom": ("utf-16-le", b"\xff\xfe"),
    "utf-16-be-bom": ("utf-16-be", b"\xfe\xff"),
}


def encode_as(text: str, encoding: str) -> bytes:
    """``text`` as bytes in one of :data:`ENCODINGS` (or any Python codec name)."""
    codec, prefix = ENCODINGS.get(encoding, (encoding, b""))
    return prefix + text.encode(codec)


def table_text(header: Sequence[object], body: Iterable[Sequence[object]], delimiter: str = ",") -> str:
    """A header and rows as CSV text with CRLF line ends (tab-separated with ``delimiter='\\t'``)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(body)
    return out.getvalue()


def _write_csv(
    header: Sequence[str], body: Iterable[Sequence[object]], encoding: str, delimiter: str = ","
) -> bytes:
    return encode_as(table_text(header, body, delimiter), encoding)


def to_publisher_csv(rows: Iterable[Mapping[str, str]], encoding: str = "utf-8-sig") -> bytes:
    """The publisher's CSV of the table: its header, text dates, no Year/Quarter columns; ``encoding``
    one of :data:`ENCODINGS` or a codec name."""
    return _write_csv(PUBLISHER_HEADER, (_publisher_values(r) for r in rows), encoding)


def to_unicode_text(rows: Iterable[Mapping[str, str]], *, big_endian: bool = False) -> bytes:
    """Excel's "Unicode text" export of the publisher's table: UTF-16 with a byte-order mark
    (little-endian unless ``big_endian``), tab-separated. Delivered under a .csv name."""
    encoding = "utf-16-be-bom" if big_endian else "utf-16-le-bom"
    return _write_csv(PUBLISHER_HEADER, (_publisher_values(r) for r in rows), encoding, delimiter="\t")


def to_sample_csv(rows: Iterable[Mapping[str, str]], encoding: str = "utf-8") -> bytes:
    """The bundled sample's layout (ISO dates plus Year and Quarter)."""
    return _write_csv(SAMPLE_HEADER, ([r[c] for c in SAMPLE_HEADER] for r in rows), encoding)


def truncated(xlsx_bytes: bytes, keep: float = 0.6) -> bytes:
    """The first ``keep`` fraction of a workbook, as an interrupted download leaves it."""
    return xlsx_bytes[: int(len(xlsx_bytes) * keep)]


def truncated_xlsx(rows: Iterable[Mapping[str, str]], keep: float = 0.6) -> bytes:
    """The publisher's workbook of ``rows`` cut short (see :func:`truncated`)."""
    return truncated(to_publisher_xlsx(rows), keep)


def _read_csv(csv_bytes: bytes) -> tuple[list[list[str]], str]:
    if csv_bytes.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    else:
        try:
            csv_bytes.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1252"
    return list(csv.reader(io.StringIO(csv_bytes.decode(encoding), newline=""))), encoding


def with_missing_column(csv_bytes: bytes, column: str) -> bytes:
    """The same CSV without ``column`` (header and cells), in the same encoding."""
    table, encoding = _read_csv(csv_bytes)
    pos = table[0].index(column)
    return _write_csv(
        table[0][:pos] + table[0][pos + 1 :], (r[:pos] + r[pos + 1 :] for r in table[1:]), encoding
    )


def with_cell(
    csv_bytes: bytes, row_index: int, column: str, value: str, *, encoding: str | None = None
) -> bytes:
    """The same CSV with data row ``row_index`` (0-based; on line ``csv_line(row_index)``) having
    ``value`` in ``column``, in ``encoding`` (default: the input's, as far as it can be told)."""
    table, detected = _read_csv(csv_bytes)
    encoding = encoding or detected
    pos = table[0].index(column)
    table[row_index + 1][pos] = value
    return _write_csv(table[0], table[1:], encoding)


def cell(csv_bytes: bytes, row_index: int, column: str) -> str:
    """The text of data row ``row_index`` in ``column``."""
    table, _ = _read_csv(csv_bytes)
    return table[row_index + 1][table[0].index(column)]


# ---------------------------------------------------------------------------------------------
# Bad deliveries the pipeline must handle, each built from the real rows


WELSH_NAME = "Ynys M\u00f4n"
WELSH_CODE = "W06000001"


def with_welsh_name(rows: Iterable[Mapping[str, str]]) -> tuple[list[dict[str, str]], int]:
    """The rows with the first real Welsh local-authority row renamed ``Ynys Môn`` (W06000001, the
    Isle of Anglesey under its Welsh name); returns the rows and that row's index.

    The bundled sample has no Anglesey rows and no local authority with a non-ASCII name, so a real
    Welsh row (its date, types and count as published) stands in: only the name and code change."""
    out = [dict(r) for r in rows]
    index = next(
        i for i, r in enumerate(out) if r["UK Region"] == "Wales" and r["LAD Code"].startswith("W06")
    )
    out[index]["Local Authority"], out[index]["LAD Code"] = WELSH_NAME, WELSH_CODE
    return out, index


def cp1252_after_utf8_bom(rows: Iterable[Mapping[str, str]]) -> tuple[bytes, int]:
    """The publisher's CSV in Windows-1252 behind a UTF-8 byte-order mark (as Excel saves it on some
    set-ups), with a Welsh row renamed ``Ynys Môn`` (see :func:`with_welsh_name`), whose ``ô`` is the
    single byte 0xF4: not UTF-8. Breaks a reader that decodes the whole file as Windows-1252 (the
    header then starts ``ï»¿Date``). Returns the bytes and the renamed row's index."""
    renamed, index = with_welsh_name(rows)
    return to_publisher_csv(renamed, encoding="cp1252-after-utf8-bom"), index


def with_extra_column(csv_bytes: bytes, column: str = "Notes", value: str = "[note 1]") -> bytes:
    """The same CSV with one more column, ``column``, after the last (``value`` in every row), in the
    same encoding: a column Asy_D11 does not have (or, named like a known one, a repeat). The
    bundled layout has nine columns, so it is column 10 there."""
    table, encoding = _read_csv(csv_bytes)
    return _write_csv([*table[0], column], ([*r, value] for r in table[1:]), encoding)


def formula_text(trigger: str, text: str) -> str:
    """``text`` made into a spreadsheet formula starting with ``trigger`` ('=', '+', '-' or '@'): a
    HYPERLINK that shows the real text, the classic way to smuggle a link into a report."""
    return f'{trigger}HYPERLINK("https://example.invalid/","{text}")'


def with_formula_text(
    csv_bytes: bytes, row_index: int, column: str = "Local Authority", trigger: str = "="
) -> bytes:
    """The same CSV with data row ``row_index``'s ``column`` turned into a formula around its real
    text (see :func:`formula_text`): breaks anyone who opens an export of the marts in a spreadsheet."""
    return with_cell(csv_bytes, row_index, column, formula_text(trigger, cell(csv_bytes, row_index, column)))


def with_exact_duplicates(rows: Sequence[Mapping[str, str]], indices: Iterable[int]) -> list[dict[str, str]]:
    """The rows followed by an exact copy of each ``rows[i]`` (in ``indices`` order): rows delivered
    twice in one file, which would be counted twice. The k-th copy is data row ``len(rows) + k``."""
    return [dict(r) for r in rows] + [dict(rows[i]) for i in indices]


# Releases. Each Asy_D11 release re-publishes the whole series up to its last quarter and may revise
# earlier quarters; the parser names a release after its last quarter.


@dataclass(frozen=True)
class Change:
    """One count a built release publishes differently from the bundled file."""

    index: int  # data row of the built release
    row: dict[str, str]  # that row as built
    published: int  # People in the bundled file


@dataclass(frozen=True)
class Release:
    """Rows of a built delivery, the release the parser will give it and the count it changes."""

    rows: list[dict[str, str]]
    release: str  # ISO date of the last quarter
    change: Change | None


def quarters(rows: Iterable[Mapping[str, str]]) -> list[str]:
    """The ISO quarter-end dates of the rows, oldest first."""
    return sorted({r["Date"] for r in rows})


def next_quarter_end(iso: str) -> str:
    """The quarter end three months after ``iso`` ('2023-12-31' -> '2024-03-31')."""
    d = date.fromisoformat(iso)
    month = d.month + 3
    year, month = d.year + (month > 12), (month - 1) % 12 + 1
    return (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).isoformat()


def with_people_changed(
    rows: Sequence[Mapping[str, str]], quarter: str, delta: int = 1
) -> tuple[list[dict[str, str]], Change]:
    """The rows with one count of ``quarter`` revised by ``delta``: the local-authority row with the
    most people that quarter (so the change shows in any total it is part of)."""
    out = [dict(r) for r in rows]
    index = max(
        (
            i
            for i, r in enumerate(out)
            if r["Date"] == quarter and re.fullmatch(r"[EKNSW]\d{8}", r["LAD Code"])
        ),
        key=lambda i: int(out[i]["People"]),
    )
    published = int(out[index]["People"])
    out[index]["People"] = str(published + delta)
    return out, Change(index=index, row=out[index], published=published)


def _redated(rows: Iterable[Mapping[str, str]], quarter: str) -> list[dict[str, str]]:
    d = date.fromisoformat(quarter)
    return [r | {"Date": quarter, "Year": str(d.year), "Quarter": str((d.month - 1) // 3 + 1)} for r in rows]


def revised_release(
    rows: Sequence[Mapping[str, str]], *, revise: str | None = None, delta: int = 1
) -> Release:
    """A later release that revises an earlier quarter: every bundled row, plus a stand-in for the
    next quarter (the last real quarter's rows re-dated to the next quarter end: real counts, but
    not that quarter's real figures), with one count of ``revise`` (default: the last real quarter)
    changed by ``delta``. Its release is the next quarter end, later than the bundled file's, so it
    supersedes the bundled rows for every quarter."""
    real = quarters(rows)
    last = real[-1]
    following = next_quarter_end(last)
    extended = [dict(r) for r in rows] + _redated((r for r in rows if r["Date"] == last), following)
    changed, change = with_people_changed(extended, revise or last, delta)
    return Release(rows=changed, release=following, change=change)


def older_release(rows: Sequence[Mapping[str, str]], *, quarters_back: int = 1, delta: int = 1) -> Release:
    """A release whose quarters are all older than the bundled release: the bundled rows without
    their last ``quarters_back`` quarter(s), one count of its own last quarter changed by
    ``delta``. Delivered after the bundled file, it must not replace it: the bundled release is
    newer for every quarter."""
    real = quarters(rows)
    keep = set(real[: len(real) - quarters_back])
    release = max(keep)
    changed, change = with_people_changed([r for r in rows if r["Date"] in keep], release, delta)
    return Release(rows=changed, release=release, change=change)


def overlapping_releases(
    rows: Sequence[Mapping[str, str]], *, span: int = 8, overlap: int = 4, delta: int = 1
) -> tuple[Release, Release]:
    """Two releases of real quarters that overlap: the earlier covers the ``span`` quarters ending
    ``span - overlap`` quarters before the last real one, the later the last ``span`` quarters (so
    its release is the bundled one); the later revises the count of the newest shared quarter by
    ``delta``. For every shared quarter the later release must win."""
    real = quarters(rows)
    later_q = real[-span:]
    earlier_q = real[-(2 * span - overlap) : -(span - overlap)]
    shared = sorted(set(earlier_q) & set(later_q))
    assert len(shared) == overlap
    earlier = [dict(r) for r in rows if r["Date"] in set(earlier_q)]
    later, change = with_people_changed([r for r in rows if r["Date"] in set(later_q)], shared[-1], delta)
    return Release(rows=earlier, release=earlier_q[-1], change=None), Release(
        rows=later, release=later_q[-1], change=change
    )
