"""The summary table of docs/sources.md, rendered from the source registry so the two cannot drift.

    python -m housing_need.sources.catalogue           # rewrite the table in docs/sources.md
    python -m housing_need.sources.catalogue --check   # exit 1 if docs/sources.md's table differs

The table stands between two marker comments in docs/sources.md; everything else in that file is
written by hand. A unit test fails when the committed table differs from :func:`summary_table`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from . import sources
from .spec import SourceSpec

BEGIN = "<!-- the summary table is generated from the source registry: python -m housing_need.sources.catalogue -->"
END = "<!-- end of the generated table -->"
HEADER = (
    "| source | publisher | privacy | cadence (extract DAG) | raw table | row accounting | bundled sample |",
    "|---|---|---|---|---|---|---|",
)


def _cadence(spec: SourceSpec) -> str:
    text = f"`{spec.cadence}`"
    if spec.calendar is not None:
        text += (
            f", looking only when its release calendar says a release is due ({spec.calendar.description})"
        )
    return text


def _row(spec: SourceSpec) -> str:
    cells = (
        f"`{spec.name}`",
        spec.publisher,
        spec.privacy.value,
        _cadence(spec),
        f"`raw.{spec.raw_table}`",
        f"`audit.{spec.row_outcomes_model}`" if spec.row_outcomes_model else "none",
        "SYNTHETIC, generated on the first run" if spec.synthetic_sample else "published files",
    )
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def summary_table(specs: Iterable[SourceSpec]) -> str:
    """The Markdown table of ``specs``, one row per source in name order."""
    return "\n".join([*HEADER, *(_row(spec) for spec in sorted(specs, key=lambda s: s.name))]) + "\n"


def with_table(document: str, table: str) -> str:
    """``document`` with the text between the markers replaced by ``table``."""
    head, begin, rest = document.partition(BEGIN)
    _, end, tail = rest.partition(END)
    if not begin or not end:
        raise ValueError(f"the document has no generated-table markers ({BEGIN!r} ... {END!r})")
    return f"{head}{BEGIN}\n{table}{END}{tail}"


def docs_path() -> Path:
    return Path(__file__).resolve().parents[3] / "docs" / "sources.md"


def main(argv: list[str]) -> int:
    path = docs_path()
    current = path.read_text(encoding="utf-8")
    wanted = with_table(current, summary_table(sources().values()))
    if "--check" in argv:
        print(
            f"{path.name}: {'up to date' if wanted == current else 'the table differs from the registry; regenerate it'}"
        )
        return 0 if wanted == current else 1
    path.write_text(wanted, encoding="utf-8")
    print(f"wrote the table of {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
