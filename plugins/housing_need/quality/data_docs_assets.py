"""Great Expectations Data Docs that work offline: their scripts, styles and fonts served from the site.

GX's page templates load Bootstrap, jQuery, Popper, bootstrap-table, bootstrap-datepicker, Vega and
Font Awesome from CDNs (and its logo from S3), so with no network the index shows no list of
validations (bootstrap-table renders it). GX's site builder has no setting for local assets, so after
every build :func:`localise` copies those files from the npm packages of the root ``package.json``
(installed by ``./run setup``) into ``<site>/static/vendor/<package>/`` and rewrites every CDN URL in
the site's HTML to a relative path. Without ``node_modules`` the links stay on the CDNs and the result
says so (a warning the run report shows).

Pure file work, no GX import: testable on any folder of HTML.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

VENDOR_DIR = Path("static") / "vendor"


@dataclass(frozen=True)
class Asset:
    """A file GX's templates load from ``url``, and where the npm package ``package`` holds it."""

    url: str
    package: str
    path: str
    also: tuple[str, ...] = ()  # folders of the package the file refers to (fonts of a stylesheet)


# Every URL GX 1.x's templates load (render/view/templates: page.j2, index_page.j2, page_minimal.j2,
# js_script_imports.j2), with the npm package and version pinned in package.json. Popper is 1.16.1,
# not the 1.12.9 of GX's template: Bootstrap 4.3.1 itself requires Popper ^1.14.7.
ASSETS: tuple[Asset, ...] = (
    Asset(
        "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css",
        "bootstrap",
        "dist/css/bootstrap.min.css",
    ),
    Asset(
        "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js",
        "bootstrap",
        "dist/js/bootstrap.min.js",
    ),
    Asset("https://code.jquery.com/jquery-3.7.1.min.js", "jquery", "dist/jquery.min.js"),
    Asset(
        "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js",
        "popper.js",
        "dist/umd/popper.min.js",
    ),
    Asset(
        "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css",
        "bootstrap-table",
        "dist/bootstrap-table.min.css",
    ),
    Asset(
        "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js",
        "bootstrap-table",
        "dist/bootstrap-table.min.js",
    ),
    Asset(
        "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
        "bootstrap-table",
        "dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
    ),
    Asset(
        "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
        "bootstrap-table",
        "dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
    ),
    Asset(
        "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css",
        "bootstrap-table",
        "dist/extensions/filter-control/bootstrap-table-filter-control.css",
    ),
    Asset(
        "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css",
        "bootstrap-datepicker",
        "dist/css/bootstrap-datepicker.min.css",
    ),
    Asset(
        "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js",
        "bootstrap-datepicker",
        "dist/js/bootstrap-datepicker.min.js",
    ),
    Asset(
        "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css",
        "@forevolve/bootstrap-dark",
        "dist/css/bootstrap-prefers-dark.css",
    ),
    Asset("https://cdn.jsdelivr.net/npm/vega@5", "vega", "build/vega.min.js"),
    Asset("https://cdn.jsdelivr.net/npm/vega-lite@5", "vega-lite", "build/vega-lite.min.js"),
    Asset("https://cdn.jsdelivr.net/npm/vega-embed@6", "vega-embed", "build/vega-embed.min.js"),
    Asset(
        "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css",
        "@fortawesome/fontawesome-free",
        "css/all.min.css",
        also=("webfonts",),
    ),
)

# GX's navbar logo comes from S3 (with a cache-busting query); the same image is in the site's static.
LOGO_URL = re.compile(
    r"https://great-expectations-web-assets\.s3\.[a-z0-9-]+\.amazonaws\.com/logo-long\.png[^\"']*"
)
LOGO = Path("static") / "images" / "logo-long.png"

# A src or href attribute holding an absolute http(s) URL, and the tag around it (for SRI attributes).
_TAG = re.compile(r"<(?:script|link|img)\b[^>]*>", re.I)
_URL_ATTR = re.compile(r"""\b(src|href)\s*=\s*(["'])(https?://[^"']+)\2""", re.I)
_SRI_ATTRS = re.compile(r"""\s+(?:integrity|crossorigin)(?:\s*=\s*(["'])[^"']*\1)?""", re.I)


@dataclass
class Localised:
    """What :func:`localise` did to a Data Docs site."""

    pages: int = 0  # HTML files read
    rewritten: int = 0  # URLs replaced by local paths
    files: int = 0  # asset files copied
    missing: list[str] = field(default_factory=list)  # packages not installed
    remote: set[str] = field(default_factory=set)  # asset URLs still loaded from the network

    @property
    def warning(self) -> str | None:
        if self.missing:
            return (
                f"Data Docs load their scripts and styles from CDNs: {len(self.missing)} npm package(s) not "
                f"installed ({', '.join(self.missing)}); run ./run setup (npm ci), or the index shows no "
                "validations offline"
            )
        if self.remote:
            return f"Data Docs still load {len(self.remote)} asset(s) from the network: {', '.join(sorted(self.remote))}"
        return None


def copy_assets(node_modules: Path, site: Path) -> tuple[int, list[str]]:
    """Copy every asset, with its package's licence files and package.json, into ``site/static/vendor``.
    Returns (files copied, packages missing from ``node_modules``)."""
    copied, missing = 0, []
    for package in sorted({a.package for a in ASSETS}):
        source = node_modules / package
        wanted = [a for a in ASSETS if a.package == package]
        if not all((source / a.path).is_file() for a in wanted):
            missing.append(package)
            continue
        target = site / VENDOR_DIR / package
        # the licence files, and package.json (name, version, licence) of what is shipped
        names = {a.path for a in wanted} | {"package.json"}
        names |= {p.name for p in source.glob("LICEN[CS]E*") if p.is_file()}
        for name in sorted(names):
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / name, target / name)
            copied += 1
        for folder in sorted({f for a in wanted for f in a.also}):
            shutil.copytree(source / folder, target / folder, dirs_exist_ok=True)
            copied += sum(1 for p in (source / folder).rglob("*") if p.is_file())
    return copied, missing


def rewrite_page(html: str, page: Path, site: Path, local: dict[str, Path]) -> tuple[str, int, set[str]]:
    """``html`` with every CDN URL in ``local`` (URL -> file under ``site``) replaced by a path
    relative to ``page``; SRI attributes of a tag whose URL became local are dropped (the hash is
    the CDN file's; and a crossorigin script is refused from file://). Returns the new text, the
    URLs replaced and the asset URLs (script, stylesheet, image) left pointing at the network."""
    replaced = 0
    remote: set[str] = set()

    def tag(match: re.Match[str]) -> str:
        nonlocal replaced
        text = match.group(0)
        hits = 0

        def attr(m: re.Match[str]) -> str:
            nonlocal hits
            url = m.group(3)
            target = local.get(url) or (site / LOGO if LOGO_URL.fullmatch(url) else None)
            if target is None:
                if not (text.lower().startswith("<link") and "stylesheet" not in text.lower()):
                    remote.add(url)
                return m.group(0)
            hits += 1
            relative = Path(os.path.relpath(target, page.parent)).as_posix()
            return f"{m.group(1)}={m.group(2)}{relative}{m.group(2)}"

        text = _URL_ATTR.sub(attr, text)
        if hits:
            replaced += hits
            text = _SRI_ATTRS.sub("", text)
        return text

    return _TAG.sub(tag, html), replaced, remote


def localise(site: Path, node_modules: Path) -> Localised:
    """Serve a built Data Docs site's assets from ``site/static/vendor`` (see the module docstring).
    Idempotent: pages already rewritten have no CDN URL left to replace."""
    result = Localised()
    result.files, result.missing = copy_assets(node_modules, site)
    local = {a.url: site / VENDOR_DIR / a.package / a.path for a in ASSETS if a.package not in result.missing}
    for page in sorted(site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        new, replaced, remote = rewrite_page(html, page, site, local)
        result.pages += 1
        result.rewritten += replaced
        result.remote |= remote
        if new != html:
            page.write_text(new, encoding="utf-8")
    if result.warning:
        log.warning("%s (%s)", result.warning, site)
    else:
        log.info(
            "Data Docs served offline: %d asset files in %s, %d links rewritten in %d pages",
            result.files,
            site / VENDOR_DIR,
            result.rewritten,
            result.pages,
        )
    return result
