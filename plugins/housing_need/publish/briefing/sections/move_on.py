"""Move-on: households expected to leave asylum accommodation after a grant (a range), against the
households councils recorded as owed a homelessness duty for that reason (H-CLIC)."""

from __future__ import annotations

from .. import svg
from ..page import Content, Published
from .common import count, counted, key_column

NOT_REPORTED = "not reported by the council"


def _move_on_parameters(data: Published) -> tuple[float, float, float, int, int]:
    """The shares of grants the mart applied, low/central/high (each estimate over the LA's share of
    the supported stock x UK grants), and the move-on and prevention-duty days."""
    implied = "round(median({} * uk_supported_at_start / (supported_at_start * uk_initial_grants)), 2)"
    shares = ", ".join(implied.format(f"estimated_households_{b}") for b in ("low", "central", "high"))
    return data.by(
        f"""
        select 'all', {shares}, max(move_on_period_days), max(prevention_duty_days)
        from marts.mart_move_on_pressure_by_la_quarter where supported_at_start > 0 and uk_initial_grants > 0
        """
    )["all"][0]


def _move_on_quarters(data: Published, scope: str, key: str) -> list[tuple]:
    """(quarter, low, central, high, observed, councils not reporting) from the first H-CLIC quarter,
    summed over the region's LAs for a region (observed: the councils that reported)."""
    column = key_column(scope)
    return data.by(
        f"""
        select {column}, quarter_label, sum(estimated_households_low), sum(estimated_households_central),
               sum(estimated_households_high), sum(observed_households),
               count(*) filter (where observed_status = '{NOT_REPORTED}')
        from marts.mart_move_on_pressure_by_la_quarter
        where period_end >= (select min(period_end) from marts.mart_move_on_pressure_by_la_quarter
                             where observed_status <> 'no H-CLIC table for the quarter')
        group by {column}, period_end, quarter_label order by {column}, period_end
        """
    ).get(key, [])


def _observed(households: int | None, not_reporting: int) -> str:
    if households is None:
        return "not reported" if not_reporting else "no table"
    return count(households) + (f" ({not_reporting} not reporting)" if not_reporting else "")


def _calibration_note(data: Published, scope: str, key: str) -> list[str]:
    column = key_column(scope)
    found = data.by(
        f"""
        select {column}, sum(observed_households), sum(estimated_households_central), max(quarters_compared),
               count(*), max(calibrated_supported_share_of_grants)
        from marts.mart_move_on_calibration_by_la where quarters_compared > 0 group by {column}
        """
    ).get(key)
    if not found or found[0][1] is None or not found[0][2]:
        return []
    observed, central, quarters, councils, share = found[0]
    if scope == "region":
        return [
            f"The {counted(councils, 'council')} of {key} that reported recorded {observed / central:.0%} of the "
            f"central estimate over the quarters each reported (up to {quarters}): "
            f"{counted(observed, 'household')} against {central:,.0f}."
        ]
    return [
        f"The council recorded {observed / central:.0%} of the central estimate over "
        f"{counted(quarters, 'quarter')} "
        f"({counted(observed, 'household')} against {central:,.0f}): the share of grants that would reproduce its "
        f"records is {share:.2f}."
    ]


def move_on(data: Published, scope: str, key: str) -> Content | None:
    rows = _move_on_quarters(data, scope, key)
    if not rows:
        return None
    name = data.name_of(scope, key)
    low, central, high, move_on_days, duty_days = _move_on_parameters(data)
    observed = [(q, float(o)) for q, *_, o, _ in rows if o is not None]
    chart = svg.line_chart(
        {"estimate (central)": [(q, round(c, 1)) for q, _, c, *_ in rows]}
        | ({"observed (H-CLIC)": observed} if observed else {}),
        title=f"Households leaving asylum accommodation after a grant, {name}",
        y_label="households a quarter",
        band=(
            f"estimate range ({low}-{high})",
            [(q, round(lo, 1), round(hi, 1)) for q, lo, _, hi, *_ in rows],
        ),
    )
    notes = _calibration_note(data, scope, key) + [
        "The estimate rests on an assumed parameter: the share of grants made to people in Home Office "
        f"accommodation is not published, so the range uses {low} to {high}. Read relative pressure and the gap "
        "to the councils' records, not a forecast of presentations."
    ]
    if not observed and not any(n for *_, n in rows):
        notes.append(f"H-CLIC covers England only: there is no observed series for {name}.")
    elif scope == "region":
        notes.append(
            "Observed sums the councils that reported each quarter: councils that did not report are left out "
            "of it (the table says how many), while the estimate covers every local authority."
        )
    return Content(
        chart=chart,
        caption=f"Households expected to leave Home Office accommodation after a positive initial decision in "
        f"{name}: the share of the UK's supported people living here at the start of the quarter x UK initial "
        f"grants in the quarter x the share of grants made to people in Home Office accommodation ({low} low, "
        f"{central} central, {high} high), against the households councils recorded as owed a homelessness "
        f"duty for this reason (H-CLIC). Support ends {move_on_days} days after a grant, while the prevention "
        f"duty starts {duty_days} days before homelessness, so a household is owed it at once.",
        headers=("Quarter", "Estimate: low", "Estimate: central", "Estimate: high", "Observed (H-CLIC)"),
        rows=[(q, f"{lo:,.0f}", f"{c:,.0f}", f"{hi:,.0f}", _observed(o, n)) for q, lo, c, hi, o, n in rows],
        notes=notes,
    )
