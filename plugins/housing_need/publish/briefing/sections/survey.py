"""The "How people experience housing services" section of the region briefing pages:
marts.fct_survey_estimate_by_wave_cell read for a region. For each survey wave, the weighted share
of White and of ethnic-minority respondents in the region who would expect to be treated worse than
people of other races by a council housing department or housing association, with its 95%
confidence interval drawn, beside the England and Wales figure; cells of fewer than 50 respondents
are suppressed in the mart and said so here. SYNTHETIC survey waves are labelled on the section heading, the chart title and
its axis (so a pasted screenshot keeps the label), the caption, every table row and the CSV."""

from __future__ import annotations

from .. import svg
from ..page import Content, Published

GROUPS = {"white": "White", "ethnic_minority": "Ethnic minority"}

_CELLS = """
select region_name, wave, ethnic_group, estimate, ci_lower, ci_upper, respondents, is_suppressed,
       is_synthetic, data_label, design_factor
from marts.fct_survey_estimate_by_wave_cell
where indicator = 'housing_treated_worse' and years_in_uk = 'all' and tenure = 'all'
  and ethnic_group in ('white', 'ethnic_minority')
order by region_name, wave, ethnic_group desc
"""


def _pct(value: float | None) -> str:
    return "" if value is None else f"{100 * float(value):.1f}%"


def housing_services(data: Published, scope: str, key: str) -> Content | None:
    if scope != "region":
        return None
    by_region = data.by(_CELLS)
    rows = by_region.get(key)
    if not rows:
        return None
    national = {
        (wave, group): (est, lo, hi)
        for wave, group, est, lo, hi, *_ in by_region.get("England and Wales", [])
    }
    synthetic = any(r[7] for r in rows)
    label = " (SYNTHETIC)" if synthetic else ""
    items, table, withheld = [], [], []
    for wave, group, estimate, low, high, respondents, suppressed, _, data_label, _ in rows:
        name = f"{wave} {GROUPS[group]}"
        england_wales = national.get((wave, group))
        overall = _pct(england_wales[0] if england_wales else None)
        if suppressed or estimate is None:
            withheld.append(name)
            table.append((wave, GROUPS[group], "withheld", "", "fewer than 50", overall, data_label))
            continue
        items.append(svg.Interval(name, 100 * float(estimate), 100 * float(low), 100 * float(high)))
        table.append(
            (
                wave,
                GROUPS[group],
                _pct(estimate),
                f"{_pct(low)} to {_pct(high)}",
                f"{respondents:,}",
                overall,
                data_label,
            )
        )
    chart = svg.interval_chart(
        items,
        title=f"Expecting worse treatment by council housing or housing associations, {key}{label}",
        x_label="% of respondents (weighted)" + (", SYNTHETIC survey data" if synthetic else ""),
        range_label="95% confidence interval",
    )
    caption = (
        f"{'SYNTHETIC survey data: generated, not real respondents. ' if synthetic else ''}"
        f"The weighted share of respondents in {key} who would expect to be treated worse than people of "
        "other races by a council housing department or housing association, by Citizenship Survey wave, "
        "for White and ethnic-minority respondents (full-sample individual weight), with the 95% confidence "
        "interval (design effect applied: docs/survey-weighting.md). England and Wales in the table."
    )
    notes = []
    if withheld:
        notes.append(f"Withheld (fewer than 50 respondents, unreliable): {', '.join(withheld)}.")
    if synthetic:
        notes.append(
            "The waves are calibrated so that England and Wales reproduce the published shares (White 15% in "
            "2001, 21% in 2005, 25% in 2007-08; ethnic minority 13% in 2001, 11% in 2007-08); regional "
            "differences in synthetic data are noise, not findings."
        )
    return Content(
        chart=chart,
        caption=caption,
        headers=("Wave", "Group", "Estimate", "95% CI", "Respondents", "England and Wales", "Data"),
        rows=table,
        notes=notes,
        synthetic=sorted({str(r[8]) for r in rows if r[7]}) if synthetic else [],
    )
