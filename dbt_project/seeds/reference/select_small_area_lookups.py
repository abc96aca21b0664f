"""Write the small-area lookups the census needs as seeds, one row per 2021 area, values unchanged.

    python select_small_area_lookups.py /path/to/shared/data/real

- ``ref_ons_msoa21_lad23.csv``: the ONS MSOA 2021 -> LAD 2023 lookup as the GLA publishes it
  (``geography/gla_msoa21_lad23.csv``): all 7,264 MSOAs of England and Wales. Written without the
  file's UTF-8 byte-order mark and with lower-case column names; rows and values as published.
- ``ref_geographr_lookup_lsoa21_ward24_ltla24.csv``: the ONS LSOA 2021 -> electoral ward 2024 ->
  LAD 2024 lookup as packaged by humaniverse/geographr, columns and values unchanged.

The script refuses to write if an area maps to two places.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# seed: (source file, {published column: seed column}); the first column is the area
LOOKUPS = {
    "ref_ons_msoa21_lad23.csv": (
        "gla_msoa21_lad23.csv",
        {
            "MSOA21CD": "msoa21_code",
            "MSOA21NM": "msoa21_name",
            "LAD23CD": "lad23_code",
            "LAD23NM": "lad23_name",
        },
    ),
    "ref_geographr_lookup_lsoa21_ward24_ltla24.csv": (
        "geographr_lookup_lsoa21_ward24_ltla24.csv",
        {
            "lsoa21_code": "lsoa21_code",
            "lsoa21_name": "lsoa21_name",
            "ward24_code": "ward24_code",
            "ward24_name": "ward24_name",
            "ltla24_code": "ltla24_code",
            "ltla24_name": "ltla24_name",
        },
    ),
}


def select(source: Path, columns: dict[str, str], target: Path) -> int:
    seen: dict[str, list[str]] = {}
    with source.open(newline="", encoding="utf-8-sig") as fh:
        for record in csv.DictReader(fh):
            row = [record[c] for c in columns]
            previous = seen.setdefault(row[0], row)
            if previous != row:
                raise SystemExit(f"{source.name}: {row[0]} maps to {previous} and {row}")
    with target.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns.values())
        writer.writerows(seen.values())
    return len(seen)


def main(real: Path) -> None:
    for seed, (name, columns) in LOOKUPS.items():
        rows = select(real / "geography" / name, columns, HERE / seed)
        print(f"{seed}: {rows} rows")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
