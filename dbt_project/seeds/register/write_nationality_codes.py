"""Write ``ref_register_nationality_codes.csv``: how each register layout's nationality codes map to
the census communities of ``dim_community``.

    python write_nationality_codes.py            # rewrite the seed
    python write_nationality_codes.py --check    # exit 1 if the committed seed differs

One code list per way the layouts write nationality (``name``: Northgate-style names, ``iso3``: ISO
3166-1 alpha-3 with the user-assigned X.. codes vendors use for groups, ``numeric``: the JSON layout's
numeric codes), from the register feed's reference table
(``housing_need.sources.council_housing_register.nationalities``), which the synthetic exports are
also written with. British nationals map to ``born_uk``: a
nationality does not say which UK country someone was born in.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = HERE / "ref_register_nationality_codes.csv"


def seed_csv() -> str:
    from housing_need.sources.council_housing_register.nationalities import nationality_codes

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code_list", "code", "community_key"])
    seen: set[tuple[str, str]] = set()
    for row in nationality_codes().itertuples(index=False):
        community = "born_uk" if row.iso3 == "GBR" else row.community_key
        for code_list, code in (
            ("name", row.nationality_name),
            ("iso3", row.iso3),
            ("numeric", row.numeric_code),
        ):
            if (code_list, code) not in seen:
                seen.add((code_list, code))
                writer.writerow([code_list, code, community])
    return out.getvalue()


if __name__ == "__main__":
    text = seed_csv()
    if "--check" in sys.argv[1:]:
        same = SEED.exists() and SEED.read_text(encoding="utf-8") == text
        print(f"{SEED.name}: {'up to date' if same else 'differs; regenerate it'}")
        sys.exit(0 if same else 1)
    SEED.write_text(text, encoding="utf-8")
    print(f"wrote {SEED.name}")
