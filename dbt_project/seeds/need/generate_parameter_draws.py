"""Write ``ref_need_parameter_draws.csv``: the Monte Carlo draws of the need model's uncertain
parameters, generated (seeded, deterministic) from ``ref_need_parameters.csv``.

    python generate_parameter_draws.py            # rewrite the seed
    python generate_parameter_draws.py --check    # exit 1 if the committed seed differs

Every parameter whose ``varies`` is ``draw`` gets ``DRAWS`` independent values from the triangular
distribution (low, mode = central, high), and every one whose ``varies`` is ``normal`` ``DRAWS``
standard normal deviates (its low and high are the P10 and P90, +-1.2816), from one numpy PCG64
generator seeded with ``SEED``, in the parameter file's row order. Fixed and scenario parameters are not drawn (the scenario is a row of the
mart, not a source of spread). The file carries the parameter version it was drawn for, so a changed
parameter file without new draws is caught by the dbt test on the version.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
PARAMETERS = HERE / "ref_need_parameters.csv"
DRAWS_FILE = HERE / "ref_need_parameter_draws.csv"
SEED = 20261129
DRAWS = 100


def draws_csv(parameters: Path = PARAMETERS, seed: int = SEED, draws: int = DRAWS) -> str:
    rows = list(csv.DictReader(parameters.open(encoding="utf-8", newline="")))
    versions = {row["parameter_version"] for row in rows}
    if len(versions) != 1:
        raise ValueError(f"{parameters}: expected one parameter_version, found {sorted(versions)}")
    rng = np.random.default_rng(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["parameter_version", "draw_id", "parameter", "value"])
    for row in rows:
        if row["varies"] not in ("draw", "normal"):
            continue
        low, mode, high = float(row["low"]), float(row["central"]), float(row["high"])
        if not low <= mode <= high or low == high:
            raise ValueError(f"{parameters}: {row['parameter']}: need low <= central <= high, low < high")
        values = (
            rng.triangular(low, mode, high, size=draws)
            if row["varies"] == "draw"
            else rng.standard_normal(size=draws)
        )
        for draw_id, value in enumerate(values, start=1):
            writer.writerow([row["parameter_version"], draw_id, row["parameter"], f"{value:.6f}"])
    return out.getvalue()


def main(argv: list[str]) -> int:
    text = draws_csv()
    if "--check" in argv:
        same = DRAWS_FILE.exists() and DRAWS_FILE.read_text(encoding="utf-8") == text
        print(f"{DRAWS_FILE.name}: {'up to date' if same else 'differs from the parameters; regenerate it'}")
        return 0 if same else 1
    DRAWS_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {DRAWS_FILE.name}: {text.count(chr(10)) - 1} draws")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
