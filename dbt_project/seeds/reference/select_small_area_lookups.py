"""Write the 2021 small-area columns of the two geographr LSOA/MSOA lookups as seeds, values unchanged.

    python select_small_area_lookups.py /path/to/shared/data/real

The published lookups go 2011 -> 2021 -> LTLA 2022 and have one row per 2011/2021 pair (splits and
merges repeat the 2021 area). The census needs only 2021 area -> LTLA 2022, so each seed keeps the
2021 and LTLA columns, one row per 2021 area, in the file's order. The script refuses to write if a
2021 area maps to two LTLAs.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

LOOKUPS = {
    "geographr_lookup_lsoa11_lsoa21_ltla22.csv": ("lsoa21", "ref_geographr_lookup_lsoa21_ltla22.csv"),
    "geographr_lookup_msoa11_msoa21_ltla22.csv": ("msoa21", "ref_geographr_lookup_msoa21_ltla22.csv"),
}


def select(source: Path, area: str, target: Path) -> int:
    columns = [f"{area}_code", f"{area}_name", "ltla22_code", "ltla22_name"]
    seen: dict[str, list[str]] = {}
    with source.open(newline="", encoding="utf-8") as fh:
        for record in csv.DictReader(fh):
            row = [record[c] for c in columns]
            previous = seen.setdefault(row[0], row)
            if previous != row:
                raise SystemExit(f"{source.name}: {row[0]} maps to {previous} and {row}")
    with target.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(seen.values())
    return len(seen)


def main(real: Path) -> None:
    for name, (area, seed) in LOOKUPS.items():
        rows = select(real / "geography" / name, area, HERE / seed)
        print(f"{seed}: {rows} rows")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
