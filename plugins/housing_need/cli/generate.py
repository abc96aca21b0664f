"""`housing-need generate register|survey`: SYNTHETIC extracts of sources that cannot ship: council
housing-register exports (housing_need.synth.register) and Citizenship Survey microdata
(housing_need.synth.survey)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .parsing import add_command

# The imports inside the commands are on purpose: each command loads only what it runs, so a quick
# command (`sql "select 1"`, `--help`) stays under half a second (see cli/__init__.py).


def add_parser(sub: Any) -> None:
    gen = add_command(
        sub,
        "generate",
        "write SYNTHETIC extracts of sources that cannot ship (personal data, licensed microdata)",
    )
    kinds = gen.add_subparsers(dest="kind", required=True, metavar="KIND")
    p = add_command(
        kinds,
        "register",
        help="monthly snapshots of council housing registers in three vendor layouts, calibrated to LAHS "
        "register sizes and the Census 2021 country-of-birth mix (default: Leicester, Nottingham, Derby)",
    )
    p.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="folder to write into (e.g. var/inbox/council_housing_register)",
    )
    p.add_argument(
        "--national",
        action="store_true",
        help="every English LA at its 2024 size (about 16M rows) instead of the three councils",
    )
    p.add_argument("--months", type=int, default=12, metavar="N", help="monthly snapshots, April 2023 on")
    p.add_argument("--seed", type=int, default=2024, help="random seed: the same seed writes the same files")
    p.set_defaults(func=cmd_generate_register)
    s = add_command(
        kinds,
        "survey",
        help="Citizenship Survey waves (one file per wave, each wave's own variable names and codes) as "
        "SPSS .sav with labels or UK Data Service tab-delimited zips with a data dictionary, calibrated to "
        "the published shares expecting worse treatment by council housing (docs/survey-weighting.md)",
    )
    s.add_argument(
        "--out", required=True, metavar="DIR", help="folder to write into (e.g. var/inbox/citizenship_survey)"
    )
    s.add_argument(
        "--waves",
        nargs="*",
        default=None,
        metavar="WAVE",
        help="wave ids (default: all seven, 2001 to 2010-11)",
    )
    s.add_argument(
        "--format",
        choices=("sample", "sav", "tab"),
        default="sample",
        help="sav, tab, or sample: the bundled mix (each wave in one of the two formats)",
    )
    s.add_argument("--seed", type=int, default=2011, help="random seed: the same seed writes the same files")
    s.set_defaults(func=cmd_generate_survey)


def cmd_generate_register(args: argparse.Namespace) -> int:
    import yaml  # type: ignore[import-untyped]  # PyYAML ships no type hints

    from ..synth import register
    from ..synth.councils import default_councils, national_councils

    sizes, mix = register.bundled_inputs()
    councils = national_councils(sizes) if args.national else list(default_councils())
    out = Path(args.out)
    files = size = 0
    for path in register.write_registers(
        out, councils, sizes=sizes, mix=mix, seed=args.seed, months=args.months
    ):
        files += 1
        size += path.stat().st_size
    if args.national:
        # the councils configuration the pipeline reads these with (HOUSING_NEED_REGISTER_COUNCILS)
        config = {
            c.lad_code: {"name": c.name, "layout": c.layout.name, "bands": dict(c.bands)} for c in councils
        }
        # beside the snapshots, not among them (an inbox refuses files that are not snapshots)
        councils_file = out.parent / f"{out.name}-SYNTHETIC-councils.yaml"
        councils_file.write_text(
            "# SYNTHETIC: the councils of a national synthetic register run\n"
            + yaml.safe_dump(config, sort_keys=True),
            encoding="utf-8",
        )
        print(f"councils configuration: HOUSING_NEED_REGISTER_COUNCILS={councils_file}")
    print(
        f"wrote {files} SYNTHETIC register snapshot(s), {size / 1e6:.1f} MB, for {len(councils)} council(s) into {out}"
    )
    return 0


def cmd_generate_survey(args: argparse.Namespace) -> int:
    from ..synth import survey

    formats: dict[str, str] | str = survey.SAMPLE_FORMATS if args.format == "sample" else args.format
    try:
        paths = list(survey.write_waves(Path(args.out), args.waves, formats, seed=args.seed))
    except ValueError as exc:
        print(f"error: {exc}")
        return 2
    size = sum(path.stat().st_size for path in paths)
    print(
        f"wrote {len(paths)} SYNTHETIC Citizenship Survey wave file(s), {size / 1e6:.1f} MB, into {args.out}"
    )
    return 0
