"""Who lives here: the census community profile of a region's LAs, or of one LA with its countries of birth."""

from __future__ import annotations

from .. import svg
from ..page import Content, Published
from .common import count, share


def community_profile(data: Published, scope: str, key: str) -> Content | None:
    if scope == "region":
        rows = data.by(
            """
            select region_name, lad_name, born_outside_uk_share_2011, born_outside_uk_share_2021,
                   overcrowded_share, social_rented_share, private_rented_share
            from marts.mart_community_profile_by_la
            where born_outside_uk_share_2021 is not null
            order by region_name, born_outside_uk_share_2021 desc
            """
        ).get(key)
        if not rows:
            return None
        return Content(
            chart=svg.bar_chart(
                [(str(r[0]), 100 * float(r[2])) for r in rows],
                title=f"Residents born outside the UK, {key} LAs, Census 2021",
                y_label="% of usual residents",
            ),
            caption=f"Share of usual residents born outside the UK in each local authority of {key} at Census "
            "2021, with 2011 (2011 districts summed into today's) and how households are housed.",
            headers=(
                "Local authority",
                "Born outside UK 2011",
                "Born outside UK 2021",
                "Overcrowded households",
                "Social rented",
                "Private rented",
            ),
            rows=[(str(r[0]), *(share(v) for v in r[1:])) for r in rows],
        )
    found = data.by(
        """
        select lad_code, lad_name, residents_2021, born_outside_uk_2021, born_outside_uk_share_2021,
               residents_2011, born_outside_uk_2011, born_outside_uk_share_2011, households, social_rented_share,
               private_rented_share, overcrowded_share
        from marts.mart_community_profile_by_la
        """
    ).get(key)
    if not found or found[0][1] is None:
        return None
    name, res21, out21, share21, res11, out11, share11, households, social, private, crowded = found[0]
    rows = data.by(
        """
        select lad_code, community_name, residents_2011, residents_2021, residents_change
        from marts.mart_community_change_2011_2021
        where community_type = 'country'
        order by lad_code, residents_2021 desc, community_name
        """
    ).get(key, [])[:10]
    caption = (
        f"{count(out21)} of {count(res21)} usual residents of {name} ({share(share21)}) were born outside the UK "
        f"at Census 2021, against {count(out11)} of {count(res11)} ({share(share11)}) in 2011. Of "
        f"{count(households)} households, {share(social)} rent socially, {share(private)} rent privately and "
        f"{share(crowded)} are overcrowded (at least one bedroom too few). The chart shows the countries of "
        "birth the census names for every district, largest first."
    )
    return Content(
        chart=svg.bar_chart(
            [(str(r[0]), float(r[2])) for r in rows],
            title=f"Residents by country of birth, {name}, Census 2021",
            y_label="usual residents",
        ),
        caption=caption,
        headers=("Country of birth", "2011", "2021", "Change"),
        rows=[(str(r[0]), count(r[1]), count(r[2]), f"{int(r[3]):+,}") for r in rows],
        notes=["Census counts are net: people who arrived and left between censuses are not visible."],
    )
