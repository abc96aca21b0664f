"""SYNTHETIC council housing-register exports: monthly snapshots of made-up applications, in the
layouts real housing-management systems export, calibrated to public figures. No real person is in
them; every file says SYNTHETIC in its name and in its metadata.

What is simulated, per local authority (seeded, deterministic: the same seed writes the same bytes):

- **Size.** The register holds the LA's households on the waiting list at 1 April 2024 (MHCLG LAHS,
  the bundled ``lahs_waiting_list_2015_2025.csv``, reporting year 2024) at the last snapshot
  (31 March 2024), and about that many before: monthly snapshots April 2023 - March 2024.
- **Churn.** Each live application leaves with probability ``EXIT_HAZARD`` a month (housed,
  cancelled on review or lapsed, or moved away, in ``EXIT_SHARES``); as many new applications
  arrive, of which ``REJECTED_SHARE`` are refused (ineligible or disqualified) in the month they
  apply. A tenth of lapsed applicants re-register one to six months later with a new application
  id and the same person id. The initial pool's registration dates follow the same hazard
  (exponential waiting times, mean 1 / EXIT_HAZARD months, capped at 15 years).
- **Who.** Each application's community (country of birth, the census leaves of ``dim_community``)
  is drawn from the LA's Census 2021 TS012 profile (the bundled file; the England mix where the LA
  is not in it); nationality follows the community (British for the UK-born).
- **Need.** Household size 1-8 (shares ``HOUSEHOLD_SIZES``), bedroom need from it; a priority band
  on the council's own scheme (``BANDS``), with the reasonable-preference categories of the
  Housing Act 1996 s166A(3) its band implies; current tenure including Home Office asylum support
  (MHCLG CORE previous-tenure code 24); immigration status and, for refusals, the
  disqualification reason (Allocation of Housing and Homelessness (Eligibility) Regulations 2006).
- **Identifiers.** Names are made of random syllables (never real names), dates of birth for ages
  18-85, full postcodes in the council's postcode area (``ZZ`` districts for LAs without one),
  application and person references in each vendor's style: the things a real export carries, so
  that pseudonymisation has something to remove.

Each export is written from its layout (``sources/council_housing_register/layouts/*.yaml``): column
names, positions, dotted paths, code lists, date format, nationality code list and preference
separator all come from the layout model the reader reads with, and band codes from the council's
scheme in ``councils.yaml``; what a layout does not say (reference styles, the SYNTHETIC label's
place, which JSON dates are timestamps) is stated here once per format.

The shares are plausible, not measured: they are stated in docs/registers.md with their sources,
and the tests check the calibrated parts (size, community mix) against the public figures.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from ..sources.council_housing_register.nationalities import LEAF_COMMUNITIES, UK_BORN
from .councils import Council, default_councils
from .register_exports import EXTENSIONS, export

FIRST_SNAPSHOT = date(2023, 4, 30)
MONTHS = 12
LAHS_YEAR = 2024
EXIT_HAZARD = 0.025  # a month
EXIT_SHARES = {"housed": 0.45, "cancelled": 0.45, "moved_away": 0.10}
REJECTED_SHARE = 0.08
REREGISTER_SHARE = 0.10
SUSPENDED_SHARE = 0.05
HOUSEHOLD_SIZES = (0.38, 0.22, 0.17, 0.12, 0.06, 0.03, 0.015, 0.005)  # 1..8 people
BANDS = (0.10, 0.30, 0.60)  # highest priority first, on the ordered scale 1..3
PENALTY_SHARE = 0.04  # of applications on a scheme with a penalty band
ASYLUM_SUPPORT_TENURE_SHARE = 0.24  # of applicants from asylum-seeking communities
ASYLUM_COMMUNITIES = frozenset(
    {
        "afghanistan", "iran", "iraq", "other_middle_east", "somalia", "other_south_eastern_africa",
        "north_africa", "other_central_western_africa", "central_asia", "other_southern_asia",
    }
)  # fmt: skip
_SYLLABLES = (
    "ka", "lo", "mi", "ra", "ven", "tor", "sel", "dun", "pa", "ri", "na", "bel", "co", "dra", "fen",
    "gi", "hal", "jo", "ke", "lin", "mar", "no", "os", "pel", "qui", "ros", "sa", "tin", "ul", "vi",
)  # fmt: skip


# Band rank -> reasonable-preference categories (s166A(3) a-e) drawn for it.
PREFERENCES = {1: ("a", "d"), 2: ("b", "c"), 3: ("c", "e"), 4: ("c",)}
TENURES = (
    "private_rented",
    "living_with_family",
    "social_rented",
    "temporary_accommodation",
    "home_office_asylum_support",
)
TENURE_SHARES = (0.40, 0.27, 0.18, 0.15)  # before asylum support
STATUSES_ELIGIBLE = ("british_irish_citizen", "settled_status", "refugee_status", "humanitarian_protection")
DISQUALIFICATIONS = (
    "not_granted_settled_status",
    "limited_leave_no_recourse_to_public_funds",
    "not_resident_three_years",
    "person_from_abroad_not_eligible",
)


def snapshot_dates(first: date = FIRST_SNAPSHOT, months: int = MONTHS) -> list[date]:
    """Month ends from ``first``."""
    return [d.date() for d in pd.date_range(first, periods=months, freq="ME")]


def register_sizes(waiting_lists_csv: Path, year: int = LAHS_YEAR) -> dict[str, int]:
    """Households on each English LA's register in the LAHS reporting ``year`` (lad24cd -> households)."""
    frame = pd.read_csv(waiting_lists_csv, dtype={"lad24cd": str})
    frame = frame[(frame["reporting_year"] == year) & frame["lad24cd"].str.startswith("E")]
    frame = frame.dropna(subset=["households_on_register"])
    return {str(k): int(v) for k, v in zip(frame["lad24cd"], frame["households_on_register"], strict=True)}


def community_mix(ts012_csv: Path, categories_csv: Path) -> dict[str, dict[str, float]]:
    """Each LA's residents by community (Census 2021 TS012 leaves mapped through the
    ref_census_country_of_birth_categories seed), as shares; key ``"*"`` holds England's mix."""
    from ..sources.ons_census import parse

    mapping = pd.read_csv(categories_csv)
    mapping = mapping[(mapping["table_code"] == "TS012") & mapping["community_key"].notna()]
    keys = dict(zip(mapping["category_path"], mapping["community_key"], strict=True))
    rows = parse(ts012_csv.read_bytes(), ts012_csv.name).rows
    cells = pd.DataFrame(
        [
            (r["geography_code"], keys[r["category_path"]], r["value"])
            for r in rows
            if r["category_path"] in keys
        ],
        columns=["lad_code", "community_key", "residents"],
    )
    leaves = set(LEAF_COMMUNITIES)
    cells = cells[cells["community_key"].isin(leaves)]
    mix: dict[str, dict[str, float]] = {}
    for lad, group in cells.groupby("lad_code"):
        total = group["residents"].sum()
        mix[str(lad)] = {
            k: float(v) / total for k, v in zip(group["community_key"], group["residents"], strict=True)
        }
    england = cells[cells["lad_code"].str.startswith("E")].groupby("community_key")["residents"].sum()
    mix["*"] = {str(k): float(v) / float(england.sum()) for k, v in england.items()}
    return mix


def _names(rng: np.random.Generator, n: int, parts: tuple[int, int]) -> np.ndarray:
    count = rng.integers(parts[0], parts[1] + 1, size=n)
    picks = rng.integers(0, len(_SYLLABLES), size=(n, parts[1]))
    syll = np.asarray(_SYLLABLES, dtype=object)[picks]
    return np.asarray(
        ["".join(row[:c]).capitalize() for row, c in zip(syll, count, strict=True)], dtype=object
    )


def _churn(rng: np.random.Generator, size: int, months: int, snaps: pd.DatetimeIndex) -> pd.DataFrame:
    """The applications: the initial pool and each month's arrivals, with registration date, the month
    each starts and leaves (and why), and re-registrations (the same person, a new application)."""
    month0 = snaps[0] - pd.offsets.MonthBegin(1)
    inflow = size * EXIT_HAZARD / (1 - REJECTED_SHARE)
    # the initial pool (month index -1 = before the window) and the new applications of each month
    new_per_month = rng.poisson(inflow, size=months)
    n = size + int(new_per_month.sum())
    start_month = np.concatenate([np.full(size, -1), np.repeat(np.arange(months), new_per_month)])
    waited = np.minimum(rng.exponential(1 / EXIT_HAZARD, size=size), 180)
    registered = np.empty(n, dtype="datetime64[D]")
    registered[:size] = (month0 - pd.to_timedelta(np.round(waited * 30.44), unit="D")).values.astype(
        "datetime64[D]"
    )
    offsets = rng.integers(0, 28, size=n - size)
    registered[size:] = (snaps[start_month[size:]] - pd.offsets.MonthBegin(1)).values.astype(
        "datetime64[D]"
    ) + offsets
    rejected = np.zeros(n, dtype=bool)
    rejected[size:] = rng.random(n - size) < REJECTED_SHARE
    # exit month: geometric from the first month the application is live in the window
    first = np.maximum(start_month, 0)
    exit_month = np.where(rejected, start_month, first + rng.geometric(EXIT_HAZARD, size=n) - 1)
    kinds = np.asarray(list(EXIT_SHARES))
    exit_kind = np.where(
        rejected, "rejected", kinds[rng.choice(len(kinds), size=n, p=list(EXIT_SHARES.values()))]
    )
    person = np.arange(n)
    # re-registrations: a tenth of those who lapsed in the window come back 1-6 months later
    lapsed = np.flatnonzero((exit_kind == "cancelled") & (exit_month < months - 1))
    back = lapsed[rng.random(len(lapsed)) < REREGISTER_SHARE]
    back_month = exit_month[back] + rng.integers(1, 7, size=len(back))
    back = back[back_month < months]
    back_month = back_month[back_month < months]
    if len(back):
        m = len(back)
        start_month = np.concatenate([start_month, back_month])
        registered = np.concatenate(
            [
                registered,
                (snaps[back_month] - pd.offsets.MonthBegin(1)).values.astype("datetime64[D]")
                + rng.integers(0, 28, size=m),
            ]
        )
        exit_month = np.concatenate([exit_month, back_month + rng.geometric(EXIT_HAZARD, size=m) - 1])
        exit_kind = np.concatenate(
            [exit_kind, kinds[rng.choice(len(kinds), size=m, p=list(EXIT_SHARES.values()))]]
        )
        person = np.concatenate([person, person[back]])
    return pd.DataFrame(
        {
            "person": person,
            "start_month": start_month,
            "exit_month": exit_month,
            "exit_kind": exit_kind,
            "registration_date": registered,
        }
    )


def _postcodes(rng: np.random.Generator, area: str, people: int) -> np.ndarray:
    letters = np.asarray(list("ABDEFGHJLNPQRSTUWXYZ"))
    return np.asarray(
        [
            f"{area}{d} {s}{a}{b}"
            for d, s, a, b in zip(
                rng.integers(1, 20, size=people),
                rng.integers(1, 10, size=people),
                letters[rng.integers(0, 20, size=people)],
                letters[rng.integers(0, 20, size=people)],
                strict=True,
            )
        ],
        dtype=object,
    )


def _people(
    rng: np.random.Generator, council: Council, mix: dict[str, float], people: int, last: pd.Timestamp
) -> pd.DataFrame:
    """Who applies, drawn once per person (a re-registration is the same person): community, made-up
    name, date of birth and postcode, household size, current tenure and immigration status."""
    communities = np.asarray(list(mix), dtype=object)
    community = communities[
        rng.choice(len(communities), size=people, p=np.asarray(list(mix.values())) / sum(mix.values()))
    ]
    forename, surname = _names(rng, people, (2, 3)), _names(rng, people, (2, 4))
    age_days = rng.integers(18 * 365, 85 * 365, size=people)
    born = (np.datetime64(str(last.date())) - age_days.astype("timedelta64[D]")).astype("datetime64[D]")
    postcode = _postcodes(rng, council.postcode_area, people)
    size_people = rng.choice(
        np.arange(1, 9), size=people, p=np.asarray(HOUSEHOLD_SIZES) / sum(HOUSEHOLD_SIZES)
    )
    uk = np.isin(community, list(UK_BORN))
    asylum = np.isin(community, list(ASYLUM_COMMUNITIES))
    tenure = np.asarray(TENURES[:4], dtype=object)[
        rng.choice(4, size=people, p=np.asarray(TENURE_SHARES) / sum(TENURE_SHARES))
    ]
    tenure[asylum & (rng.random(people) < ASYLUM_SUPPORT_TENURE_SHARE)] = "home_office_asylum_support"
    status = np.where(
        uk | (community == "ireland"),
        "british_irish_citizen",
        np.where(
            asylum,
            np.where(rng.random(people) < 0.7, "refugee_status", "humanitarian_protection"),
            "settled_status",
        ),
    )
    return pd.DataFrame(
        {
            "person": np.arange(people),
            "community_key": community,
            "forename": forename,
            "surname": surname,
            "date_of_birth": born,
            "postcode": postcode,
            "household_size": size_people,
            "tenure": tenure,
            "immigration_status": status,
            "uk_born": uk,
        }
    )


def _needs(
    rng: np.random.Generator, council: Council, apps: pd.DataFrame, uk_born: np.ndarray
) -> pd.DataFrame:
    """Each application's band on the council's scheme and the preference categories it implies,
    the refusal reason of a rejected one, and the date its priority took effect."""
    n = len(apps)
    band_rank = rng.choice(np.arange(1, 4), size=n, p=BANDS)
    if council.has_penalty_band:
        band_rank[rng.random(n) < PENALTY_SHARE] = 4
    disqualified = np.asarray(DISQUALIFICATIONS, dtype=object)[
        np.where(uk_born[apps["person"].to_numpy()], 2, rng.integers(0, len(DISQUALIFICATIONS), size=n))
    ]
    registered = apps["registration_date"].to_numpy().astype("datetime64[D]")
    effective = registered + rng.integers(0, 90, size=n).astype("timedelta64[D]")
    return apps.assign(
        effective_date=effective,
        band_rank=band_rank,
        preference=[",".join(rng.choice(PREFERENCES[r], size=1)) for r in band_rank],
        disqualification=np.where(apps["exit_kind"] == "rejected", disqualified, ""),
    )


_EXIT_STATUS = {
    "housed": "housed",
    "cancelled": "cancelled",
    "moved_away": "cancelled",
    "rejected": "rejected",
}


def _snapshots(rng: np.random.Generator, apps: pd.DataFrame, snaps: pd.DatetimeIndex) -> pd.DataFrame:
    """The applications live in each monthly snapshot, with their status that month (the month an
    application leaves, the way it left; before, active or, for a few, suspended)."""
    suspended_draw = rng.random(len(apps))
    rows = []
    for m, snap in enumerate(snaps):
        live = apps[(apps["start_month"] <= m) & (apps["exit_month"] >= m)].copy()
        live["snapshot_date"] = snap.date()
        live["status"] = np.where(
            live["exit_month"] == m,
            live["exit_kind"].map(_EXIT_STATUS),
            np.where(suspended_draw[live["application_seq"]] < SUSPENDED_SHARE, "suspended", "active"),
        )
        live["status_date"] = np.where(live["exit_month"] == m, snap.date(), None)
        rows.append(live)
    return pd.concat(rows, ignore_index=True)


def simulate(
    council: Council, size: int, mix: dict[str, float], *, seed: int, months: int = MONTHS
) -> pd.DataFrame:
    """One row per application and snapshot it appears in (canonical columns, before a layout)."""
    rng = np.random.default_rng([seed, int(council.lad_code[1:])])
    snaps = pd.DatetimeIndex(snapshot_dates(months=months))
    apps = _churn(rng, size, months, snaps)
    people = _people(rng, council, mix, int(apps["person"].max()) + 1, snaps[-1])
    apps = _needs(rng, council, apps, people["uk_born"].to_numpy())
    apps = apps.merge(people.drop(columns="uk_born"), on="person", how="left")
    apps["application_seq"] = np.arange(len(apps))
    out = _snapshots(rng, apps, snaps)
    out["bedrooms_min"] = np.clip((out["household_size"] + 1) // 2, 1, 5)
    out["bedrooms_max"] = np.clip(out["bedrooms_min"] + (out["household_size"] % 2 == 0), 1, 5)
    out["lad_code"] = council.lad_code
    return out.drop(columns=["start_month", "exit_month", "exit_kind"])


def file_name(council: Council, snapshot: date) -> str:
    extension = EXTENSIONS[council.layout.format]
    return f"SYNTHETIC-register-{council.lad_code}-{council.layout.name}-{snapshot:%Y-%m}.{extension}"


def write_registers(
    out_dir: Path,
    councils: Sequence[Council],
    *,
    sizes: dict[str, int],
    mix: dict[str, dict[str, float]],
    seed: int = 2024,
    months: int = MONTHS,
    since: date | None = None,
) -> Iterator[Path]:
    """Write every council's monthly snapshots (those from ``since``, if given) into ``out_dir``;
    yields each file as it is written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for council in councils:
        rows = simulate(
            council, sizes[council.lad_code], mix.get(council.lad_code, mix["*"]), seed=seed, months=months
        )
        if since is not None:
            rows = rows[rows["snapshot_date"] >= since]
        for snapshot, snap in rows.groupby("snapshot_date", sort=True):
            path = out_dir / file_name(council, snapshot)  # type: ignore[arg-type]
            path.write_bytes(export(council, snap.sort_values("application_seq")))
            yield path


def bundled_inputs() -> tuple[dict[str, int], dict[str, dict[str, float]]]:
    """Register sizes (LAHS 2024) and community mixes (TS012) from the project's bundled files."""
    from ..config import settings

    home = settings().home  # the project's own bundled files, whatever sample folder a run reads
    sample = home / "data" / "sample"
    seeds = home / "dbt_project" / "seeds" / "reference"
    sizes = register_sizes(sample / "mhclg_waiting_lists" / "lahs_waiting_list_2015_2025.csv")
    mix = community_mix(
        sample / "ons_census" / "demographr_country_of_birth21_ltla21_TS012.csv",
        seeds / "ref_census_country_of_birth_categories.csv",
    )
    return sizes, mix


SAMPLE_MONTHS = 3  # the default refresh's snapshots: January - March 2024


def write_sample(folder: Path) -> None:
    """The default refresh's SYNTHETIC registers: the three councils, the last SAMPLE_MONTHS months."""
    sizes, mix = bundled_inputs()
    since = snapshot_dates()[MONTHS - SAMPLE_MONTHS]
    for _ in write_registers(folder, default_councils(), sizes=sizes, mix=mix, since=since):
        pass
