"""Write the two spreadsheet sources of this folder's CONVERTED seeds as CSV, values unchanged.

    python convert_spreadsheets.py /path/to/shared/data/real

Cells are read with python-calamine. Numbers are written in Python's shortest round-trip form, and
whole numbers (Excel stores every number as a double) without a trailing ".0". Text is written as
stored. Headers are the published ones, except as noted below.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from python_calamine import CalamineWorkbook

HERE = Path(__file__).resolve().parent


def _cell(value: object) -> object:
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return value


def _write(path: Path, rows: list[list[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        for row in rows:
            writer.writerow([_cell(v) for v in row])


def main(real: Path) -> None:
    # IoD2019 File 10, sheet IMD: the header row and the 317 LAD rows. In the header, trailing spaces
    # are trimmed and '%' is spelled 'percent': dbt-postgres loads seeds through psycopg2, which reads
    # a '%' in a column name as a parameter marker. Data cells are not changed.
    book = CalamineWorkbook.from_path(
        real / "deprivation/File_10_-_IoD2019_Local_Authority_District_Summaries__lower-tier__.xlsx"
    )
    rows = book.get_sheet_by_name("IMD").to_python()
    assert len(rows) == 318 and all(len(r) == 12 for r in rows), "unexpected IMD sheet shape"
    rows[0] = [str(h).strip().replace("%", " percent") for h in rows[0]]
    _write(HERE / "ref_mhclg_iod2019_file10_lad19_imd.csv", rows)

    # 2011 Census QS203EW, sheet QS203EW_Numbers. For every area row, keep the area code, the one
    # filled name cell (names sit in columns 1-3 by hierarchy level) and column 4,
    # "All categories: Country of birth", which is all usual residents. Data start at row 14.
    book = CalamineWorkbook.from_path(real / "census2011/r21ewrttableqs203ewladv1_tcm77-290919.xls")
    sheet = book.get_sheet_by_name("QS203EW_Numbers").to_python()
    out: list[list[object]] = [["Area code", "Area name", "All categories: Country of birth"]]
    for row in sheet[14:]:
        if row[0] != "" and row[4] != "":
            out.append([row[0], next(x for x in row[1:4] if x != ""), row[4]])
    assert len(out) == 396, "unexpected QS203EW row count"
    _write(HERE / "ref_ons_census2011_qs203ew_lad11_usual_residents.csv", out)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
