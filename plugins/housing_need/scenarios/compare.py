"""A scenario beside its baseline (or another scenario): per LA x community, the need over 5, 10 and
15 years in both, the change, and the components that moved; and the England totals."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import duckdb

from . import store

HORIZONS = (5, 10, 15)
# component columns of mart_housing_need_estimate (households a year, central parameters) and their words
COMPONENTS = {
    "backlog_annual": "backlog",
    "move_on_annual": "move-on",
    "other_arising": "other new households",
    "supply_annual": "re-lets",
}
MOVED = 0.5  # households: a change smaller than this is rounding
# the marts a comparison reads, and where a scenario's snapshot keeps the baseline's copies of them
TABLES = ("mart_housing_need_estimate", "mart_housing_need_total")
BASELINE_SCHEMA = "baseline_marts"


@dataclass(frozen=True)
class Side:
    label: str
    file: Path
    schema: str


def side(var_dir: Path, warehouse: Path, name: str) -> Side:
    if name == "baseline":
        return Side("baseline", warehouse, "marts")
    return Side(name, store.find(var_dir, name), store.schema_of(name))


@dataclass(frozen=True)
class PairChange:
    lad_code: str
    lad_name: str
    community_name: str
    before: dict[int, float]  # horizon: need over the horizon
    after: dict[int, float]
    components: dict[int, dict[str, float]]  # horizon: component: change a year

    def change(self, horizon: int) -> float:
        return self.after[horizon] - self.before[horizon]

    def largest(self) -> int:
        """The horizon whose need changed most."""
        return max(HORIZONS, key=lambda h: (abs(self.change(h)), -h))

    def moved(self) -> bool:
        return any(abs(self.change(h)) >= MOVED for h in HORIZONS) or any(
            abs(v) >= MOVED for by in self.components.values() for v in by.values()
        )

    def components_text(self) -> str:
        """The components that moved (households a year) at the horizon whose need changed most."""
        h = self.largest()
        moved = [f"{COMPONENTS[c]} {v:+.1f}" for c, v in self.components[h].items() if abs(v) >= 0.05]
        return f"{h}y: " + (", ".join(moved) or "none")


def _connect(a: Side, b: Side) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    con.execute(f"attach '{a.file}' as side_a (read_only)")
    if b.file != a.file:
        con.execute(f"attach '{b.file}' as side_b (read_only)")
    return con


def pair_changes(a: Side, b: Side, migration_scenario: str = "central") -> list[PairChange]:
    """Every pair of ``a`` (the baseline side) and ``b`` (the scenario), ordered by LA and community."""
    con = _connect(a, b)
    db_b = "side_b" if b.file != a.file else "side_a"
    columns = (
        "lad_code, community_key, lad_name, community_name, horizon_years, need_over_horizon, "
        + ", ".join(
            "newly_arising_annual - move_on_annual as other_arising" if c == "other_arising" else c
            for c in COMPONENTS
        )
    )
    try:
        rows = con.execute(
            f"""
            with a as (select {columns} from side_a.{a.schema}.mart_housing_need_estimate where scenario = $s),
            b as (select {columns} from {db_b}.{b.schema}.mart_housing_need_estimate where scenario = $s)
            select a.lad_code, a.lad_name, a.community_name, a.horizon_years, a.need_over_horizon,
                b.need_over_horizon, {", ".join(f"b.{c} - a.{c}" for c in COMPONENTS)}
            from a inner join b using (lad_code, community_key, horizon_years)
            order by a.lad_name, a.community_name, a.horizon_years
            """,
            {"s": migration_scenario},
        ).fetchall()
    finally:
        con.close()
    pairs: dict[tuple[str, str], PairChange] = {}
    for lad_code, lad_name, community, horizon, before, after, *deltas in rows:
        pair = pairs.setdefault((lad_code, community), PairChange(lad_code, lad_name, community, {}, {}, {}))
        pair.before[horizon] = before
        pair.after[horizon] = after
        pair.components[horizon] = dict(zip(COMPONENTS, deltas, strict=True))
    return list(pairs.values())


def england(a: Side, b: Side, migration_scenario: str = "central") -> dict[int, tuple[float, float]]:
    """England's need over each horizon (the median of the summed draws) on both sides."""
    con = _connect(a, b)
    db_b = "side_b" if b.file != a.file else "side_a"
    try:
        out: dict[int, list[float]] = {}
        for db, schema, i in (("side_a", a.schema, 0), (db_b, b.schema, 1)):
            for horizon, need in con.execute(
                f"select horizon_years, need_over_horizon from {db}.{schema}.mart_housing_need_total "
                "where area_code = 'E92000001' and scenario = ?",
                [migration_scenario],
            ).fetchall():
                out.setdefault(horizon, [0.0, 0.0])[i] = need
    finally:
        con.close()
    return {h: (v[0], v[1]) for h, v in sorted(out.items())}


def pair_table(changes: list[PairChange], labels: tuple[str, str]) -> tuple[list[str], list[list[object]]]:
    """Every pair's need in both and the change over each horizon, and each component's change a year."""
    header = ["lad_code", "lad_name", "community_name"]
    for h in HORIZONS:
        header += [f"need_{h}y_{labels[0]}", f"need_{h}y_{labels[1]}", f"change_{h}y"]
    header += [f"change_a_year_{h}y_{c}" for h in HORIZONS for c in COMPONENTS]
    rows = []
    for p in changes:
        row: list[object] = [p.lad_code, p.lad_name, p.community_name]
        for h in HORIZONS:
            row += [round(p.before[h], 3), round(p.after[h], 3), round(p.change(h), 3)]
        row += [round(p.components[h][c], 3) for h in HORIZONS for c in COMPONENTS]
        rows.append(row)
    return header, rows


def write_csv(changes: list[PairChange], path: Path, labels: tuple[str, str]) -> None:
    header, rows = pair_table(changes, labels)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)


def area_changes(a: Side, b: Side, migration_scenario: str = "central") -> list[tuple]:
    """Every area of mart_housing_need_total on both sides: type, code, name, horizon, need over the
    horizon in ``a`` and ``b``, and each component's change a year."""
    con = _connect(a, b)
    db_b = "side_b" if b.file != a.file else "side_a"
    deltas = ", ".join(
        "(b.newly_arising_annual - b.move_on_annual) - (a.newly_arising_annual - a.move_on_annual)"
        if c == "other_arising" else f"b.{c} - a.{c}"
        for c in COMPONENTS
    )  # fmt: skip
    try:
        return con.execute(
            f"""
            select a.area_type, a.area_code, a.area_name, a.horizon_years, a.need_over_horizon,
                b.need_over_horizon, {deltas}
            from side_a.{a.schema}.mart_housing_need_total as a
            inner join {db_b}.{b.schema}.mart_housing_need_total as b
                using (area_type, area_code, horizon_years, scenario)
            where a.scenario = ?
            order by a.area_type, a.area_name, a.horizon_years
            """,
            [migration_scenario],
        ).fetchall()
    finally:
        con.close()


def render(a: Side, b: Side, migration_scenario: str, changes: list[PairChange], limit: int) -> str:
    """The diff as text: England, then the pairs that moved, largest change first."""
    lines = [
        f"{b.label} (B) against {a.label} (A): households in need over 5, 10 and 15 years, "
        f"{migration_scenario} migration (median of the draws)"
    ]
    for horizon, (before, after) in england(a, b, migration_scenario).items():
        lines.append(
            f"  England {horizon:>2} years: A {before:>10,.0f}   B {after:>10,.0f}   change {after - before:+,.0f}"
        )
    moved = sorted(
        (p for p in changes if p.moved()),
        key=lambda p: (-abs(p.change(p.largest())), p.lad_name, p.community_name),
    )
    lines.append(
        f"  {len(moved)} of {len(changes)} LA x community pairs moved; the {min(limit, len(moved))} largest:"
    )
    header = f"  {'local authority':<22} {'community':<20}" + "".join(
        f" {f'{h}y A':>8} {f'{h}y B':>8} {'change':>7}" for h in HORIZONS
    )
    lines += [header + "  components moved (change a year)"]
    for p in moved[:limit]:
        cells = "".join(f" {p.before[h]:>8,.0f} {p.after[h]:>8,.0f} {p.change(h):>+7,.0f}" for h in HORIZONS)
        lines.append(f"  {p.lad_name[:22]:<22} {p.community_name[:20]:<20}{cells}  {p.components_text()}")
    return "\n".join(lines)
