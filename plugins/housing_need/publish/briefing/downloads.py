"""The CSV beside every table of the briefing pages: the same cells as the table (thousands separators
dropped so that a spreadsheet reads numbers), after header rows that name the table, its source marts and,
where it applies, the SYNTHETIC input it rests on. Header rows start with '#': pandas reads the file with
``read_csv(path, comment="#")``."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from pathlib import Path

_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?%?$")


def plain(cell: object) -> str:
    """A table cell as the CSV holds it: '12,345' -> '12345'; everything else as shown."""
    text = str(cell)
    return text.replace(",", "") if _GROUPED.match(text) else text


def _line(text: str) -> str:
    return "# " + " ".join(text.split())


def write_csv(
    path: Path,
    *,
    title: str,
    sources: Sequence[str],
    data_note: str,
    synthetic: Sequence[str],
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
) -> None:
    meta = [
        _line(title),
        _line(f"Source: {'; '.join(f'marts.{s}' for s in sources)} (housing-need warehouse). {data_note}"),
        _line(
            "SYNTHETIC: " + "; ".join(synthetic) + " (generated, not real data: read as a demonstration)"
            if synthetic
            else "Data: published sources only (no SYNTHETIC input)"
        ),
        _line("Contains public sector information licensed under the Open Government Licence v3.0."),
    ]
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("\r\n".join(meta) + "\r\n")
        writer = csv.writer(out)
        writer.writerow(headers)
        writer.writerows([plain(c) for c in row] for row in rows)
