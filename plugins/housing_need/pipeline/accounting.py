"""After the build, every raw row accounted for: in the facts, quarantined at load, or set aside by the
models and why (``meta.load_outcomes``, and the totals on ``meta.loads``), so that no row leaves the
totals unseen. A load whose rows do not add up fails the refresh, naming the load."""

from __future__ import annotations

import duckdb

from ..errors import HousingNeedError
from ..sources import SourceSpec


def account(con: duckdb.DuckDBPyConnection, spec: SourceSpec, this_run: list[str]) -> dict[str, int]:
    """Record in meta.load_outcomes what happened to every row of every load of ``spec`` (quarantined
    at load; in the facts; set aside by the models, with the reason), check that each load's rows add
    up, and update meta.loads. Returns the outcomes of this run's loads (what -> rows)."""
    model = f'audit."{spec.row_outcomes_model}"'
    by_load = dict(
        con.execute(f"select load_id, sum(rows) from {model} group by load_id").fetchall()  # noqa: S608
    )
    loads = con.execute(
        "select load_id, rows_loaded from meta.loads where source = ? order by load_id", [spec.name]
    ).fetchall()
    wrong = [(lid, n, by_load.get(lid, 0)) for lid, n in loads if by_load.get(lid, 0) != n]
    if wrong:
        lines = "; ".join(f"{lid}: {n} rows loaded, {got} accounted for" for lid, n, got in wrong[:5])
        raise HousingNeedError(f"row accounting failed for {spec.name} ({model}): {lines}")
    con.execute("begin transaction")
    try:
        con.execute("delete from meta.load_outcomes where source = ?", [spec.name])
        con.execute(
            """insert into meta.load_outcomes
               select load_id, source, 'load', 'quarantined',
                      case when column_name is null then 'bad row'
                           else 'bad value in column ' || column_name end, count(*)
               from quarantine.rows where source = ? group by all""",
            [spec.name],
        )
        con.execute(
            f"""insert into meta.load_outcomes
                select load_id, ?, 'dbt', outcome, reason, sum(rows) from {model} group by all""",  # noqa: S608
            [spec.name],
        )
        con.execute(
            """update meta.loads set
                 rows_in_facts = coalesce(o.in_facts, 0), rows_set_aside = coalesce(o.set_aside, 0)
               from (select load_id,
                            sum(rows) filter (where outcome = 'in_facts') as in_facts,
                            sum(rows) filter (where outcome = 'set_aside') as set_aside
                     from meta.load_outcomes where stage = 'dbt' group by load_id) as o
               where meta.loads.load_id = o.load_id and meta.loads.source = ?""",
            [spec.name],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    if not this_run:
        return {}
    placeholders = ", ".join("?" for _ in this_run)
    rows = con.execute(
        f"""select case outcome when 'in_facts' then 'in facts'
                                when 'set_aside' then 'set aside: ' || reason
                                else 'quarantined at load: ' || reason end,
                   sum(rows)
            from meta.load_outcomes where load_id in ({placeholders}) group by 1 order by 2 desc""",
        this_run,
    ).fetchall()
    return {str(what): int(n) for what, n in rows}
