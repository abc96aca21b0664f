"""The briefing pages of a real bundled refresh, laid out in real headless Chromium on a 390 px
phone: no two texts of a chart touch, no text leaves its SVG, nothing makes the page scroll sideways,
and axe-core finds no serious or critical accessibility violation. Measured in the browser
(getBoundingClientRect of every <text>), not by eye; one Chromium launch per page.

The pages: the index, London (33 boroughs), the South East (64 local authorities), Barnet (an English
LA with 48 communities, among them "Other EU accession countries 2004-2007"), Cardiff and Glasgow.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import ROOT, Project
from tests.support.browser import axe_script, check_page, ensure_chromium

pytestmark = pytest.mark.integration

PAGES = (
    "index.html",
    "regions/london.html",
    "regions/south-east.html",  # 64 local authorities
    "la/*E09000003.html",  # Barnet
    "la/*W06000015.html",  # Cardiff
    "la/*S12000049.html",  # Glasgow City
)
PHONE = 390  # CSS px


def find(site: Path, pattern: str) -> Path:
    """A page of the site; an LA page by its code, whether it is named la/<code>.html or
    la/<slug>-<code>.html (the readable name, when a code-only redirect sits beside it)."""
    found = sorted(site.glob(pattern), key=lambda p: len(p.name))
    assert found, f"no page {pattern} in {site}"
    return found[-1]


@pytest.fixture(scope="module")
def layouts(bundled: Project, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """page -> what Chromium measured on it (and axe-core's violations)."""
    site = bundled.var_dir / "site" / "briefing"
    chromium, axe = ensure_chromium(), axe_script(ROOT)
    work = tmp_path_factory.mktemp("layout")
    out = {}
    for pattern in PAGES:
        page = find(site, pattern)
        name = page.relative_to(site).as_posix()
        out[name] = check_page(chromium, work / "profile", page, work / "pages", axe=axe, width=PHONE)
    return out


def test_every_page_was_measured(layouts: dict[str, dict]) -> None:
    for page, result in layouts.items():
        assert result["window"] == PHONE, page
        assert result["svgs"] >= 2 and result["texts"] >= 15, (page, result["svgs"], result["texts"])
        assert isinstance(result["axe"], list), f"{page}: axe-core did not run"
    assert sum(r["texts"] for r in layouts.values()) > 500


def test_no_two_texts_of_a_chart_touch_and_none_leaves_its_chart(layouts: dict[str, dict]) -> None:
    problems = []
    for page, result in layouts.items():
        for o in result["overlaps"]:
            problems.append(
                f"{page} [{o['section']}] {o['chart']!r}: {o['texts'][0]!r} and {o['texts'][1]!r} "
                f"overlap by {o['by'][0]} x {o['by'][1]}"
            )
        for c in result["clipped"]:
            problems.append(
                f"{page} [{c['section']}] {c['chart']!r}: {c['text']!r} at {c['box']} leaves the "
                f"{c['svg'][0]} x {c['svg'][1]} chart"
            )
    assert not problems, f"{len(problems)} overlapping or clipped texts:\n" + "\n".join(problems[:40])


def test_no_serious_or_critical_accessibility_violations(layouts: dict[str, dict]) -> None:
    found = [
        f"{page}: {v['impact']} {v['id']} ({v['help']}) on {len(v['nodes'])} element(s), e.g. "
        f"{v['nodes'][0]['target']}: {v['nodes'][0]['html']}"
        for page, result in layouts.items()
        for v in result["axe"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not found, "\n".join(found)


def test_pages_fit_a_phone_screen(layouts: dict[str, dict]) -> None:
    wide = {
        page: (result["scroll_width"], result["too_wide"][:5])
        for page, result in layouts.items()
        if result["scroll_width"] > PHONE or result["too_wide"]
    }
    assert not wide, f"wider than a {PHONE} px screen: {wide}"


def test_maps_name_their_highest_areas_and_every_area_is_reachable(bundled: Project) -> None:
    """On the built pages: the maps' areas are links to LA pages that exist (or focusable shapes), each
    announced as "name: value unit"; the England maps enlarge London; London's map uses its own
    classes, so its boroughs spread over them instead of filling the top national class."""
    site = bundled.var_dir / "site" / "briefing"
    for pattern in PAGES[:3]:
        page = find(site, pattern)
        html = page.read_text(encoding="utf-8")
        maps = re.findall(r'<svg[^>]*class="chart map".*?</svg>', html, re.S)
        assert len(maps) == 2, page  # dispersal and need
        for svg in maps:
            links = re.findall(r'<a href="([^"]+)" aria-label="([^"]+)"><path class="(?:inset-)?area', svg)
            shapes = re.findall(r'<path [^>]*tabindex="0" role="img" aria-label="([^"]+)"', svg)
            codes = set(re.findall(r'<path class="area[^"]*" data-lad-code="(\w+)"', svg))
            assert len(links) + len(shapes) == len(codes) > 30, page
            for href, name in links:
                assert (page.parent / href).resolve().is_file(), f"{page}: {href} is not a page"
                assert re.fullmatch(r"[^:]+: ([-\d.]+ [\w ,]+|no data)(; .*)?", name), name
            names = re.findall(r'<text class="map-label"[^>]*>([^<]+)</text>', svg)
            assert len(names) == 5, (page, names)
            assert ("London, enlarged" in svg) == (pattern == "index.html"), page
    london = find(site, "regions/london.html").read_text(encoding="utf-8")
    need = re.search(r'id="need-map-svg".*?</svg>', london, re.S)
    assert need
    spread = Counter(
        re.findall(
            r'<path class="area[^"]*" data-lad-code="\w+" data-value="[-\d.]+" data-class="(-?\d)"',
            need.group(0),
        )
    )
    print(f"London need map, boroughs per class: {sorted(spread.items())}")
    assert sum(spread.values()) == 33 and len(spread) >= 4 and max(spread.values()) <= 10, spread
    assert "Classes: fifths within London" in re.sub(r"</tspan><tspan[^>]*>", " ", need.group(0))
