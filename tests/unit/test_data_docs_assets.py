"""Data Docs assets served from the site: every CDN URL of the installed GX's templates has a local
file from the npm packages pinned in package.json, and pages are rewritten to relative paths."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import great_expectations

from housing_need.quality.data_docs_assets import ASSETS, LOGO_URL, VENDOR_DIR, localise, rewrite_page
from tests.conftest import ROOT

TEMPLATES = Path(great_expectations.__file__).parent / "render" / "view" / "templates"
NODE_MODULES = ROOT / "node_modules"
ASSET_TAG = re.compile(r"<(?:script|link|img)\b[^>]*>", re.S)


def template_urls() -> set[str]:
    """Every http(s) URL a script, stylesheet or image tag of GX's page templates loads."""
    found: set[str] = set()
    for template in TEMPLATES.glob("*.j2"):
        text = template.read_text(encoding="utf-8")
        for tag in ASSET_TAG.findall(text):
            found |= set(re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", tag))
        # the navbar logo: an S3 folder set in a variable, the file name added in the tag
        found |= {u + "logo-long.png" for u in re.findall(r'static_images_dir = "(https://[^"]+)"', text)}
    return found


def test_every_cdn_url_of_the_gx_templates_has_a_local_asset() -> None:
    urls = template_urls()
    assert len(urls) >= 16  # GX 1.24: 15 CDN files and the logo
    known = {a.url for a in ASSETS}
    uncovered = {u for u in urls if u not in known and not LOGO_URL.fullmatch(u)}
    assert uncovered == set(), "GX loads these from the network and the site has no local copy"


def test_package_json_pins_the_versions_gx_names() -> None:
    pinned = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    for asset in ASSETS:
        assert asset.package in pinned, asset.package
        installed = json.loads((NODE_MODULES / asset.package / "package.json").read_text(encoding="utf-8"))
        assert (
            installed["version"] == pinned[asset.package] == lock[f"node_modules/{asset.package}"]["version"]
        )
        assert (NODE_MODULES / asset.package / asset.path).stat().st_size > 100, asset.path
        named = re.search(r"[/@-](\d+\.\d+)\.\d+/", asset.url)  # the version in the CDN URL
        # The same minor version (GX's own templates mix bootstrap-table 1.19.0 and 1.19.1 files);
        # Popper excepted: GX names 1.12.9, and Bootstrap 4.3.1 itself requires Popper ^1.14.7.
        if named and asset.package != "popper.js":
            assert installed["version"].startswith(named.group(1) + "."), asset.url
        major = re.search(rf"{re.escape(asset.package)}@(\d+)$", asset.url)  # vega@5: the latest 5.x
        if major:
            assert installed["version"].split(".")[0] == major.group(1), asset.url


def test_pages_are_rewritten_to_paths_relative_to_each_page(tmp_path: Path) -> None:
    imports = (TEMPLATES / "js_script_imports.j2").read_text(encoding="utf-8")
    site = tmp_path / "site"
    local = {a.url: site / VENDOR_DIR / a.package / a.path for a in ASSETS}
    page = site / "validations" / "suite" / "run" / "20260101T000000Z" / "batch.html"
    html = imports + '<a href="https://greatexpectations.io">GX</a>'
    new, replaced, remote = rewrite_page(html, page, site, local)
    assert replaced == 10 and remote == set()
    assert '<script src="../../../../static/vendor/jquery/dist/jquery.min.js"></script>' in new
    assert '<script src="../../../../static/vendor/popper.js/dist/umd/popper.min.js"></script>' in new
    assert "integrity=" not in new and "crossorigin" not in new  # the CDN file's hash; refused from file://
    assert not re.search(r"""<(?:script|link)[^>]*https?://""", new)
    assert '<a href="https://greatexpectations.io">GX</a>' in new  # a link to follow, not an asset
    again, replaced_again, _ = rewrite_page(new, page, site, local)
    assert (again, replaced_again) == (new, 0)
    logo = '<img src="https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/logo-long.png?d=1&amp;x=2" />'
    index, _, _ = rewrite_page(logo, site / "index.html", site, local)
    assert index == '<img src="static/images/logo-long.png" />'


def test_localise_copies_assets_and_licences_and_rewrites_every_page(tmp_path: Path) -> None:
    site = tmp_path / "data-docs"
    nested = site / "expectations" / "suite.html"
    nested.parent.mkdir(parents=True)
    imports = (TEMPLATES / "js_script_imports.j2").read_text(encoding="utf-8")
    (site / "index.html").write_text(imports, encoding="utf-8")
    nested.write_text(imports, encoding="utf-8")
    result = localise(site, NODE_MODULES)
    assert result.warning is None and result.missing == [] and result.pages == 2 and result.rewritten == 20
    for asset in ASSETS:
        copied = site / VENDOR_DIR / asset.package / asset.path
        assert copied.read_bytes() == (NODE_MODULES / asset.package / asset.path).read_bytes()
    fonts = site / VENDOR_DIR / "@fortawesome/fontawesome-free/webfonts/fa-solid-900.woff2"
    assert fonts.stat().st_size > 10_000  # all.min.css loads ../webfonts/
    assert (site / VENDOR_DIR / "jquery" / "LICENSE.txt").exists()
    assert 'src="../static/vendor/vega/build/vega.min.js"' in nested.read_text(encoding="utf-8")


def test_without_node_modules_the_links_stay_on_the_cdns_and_it_says_so(tmp_path: Path) -> None:
    site = tmp_path / "data-docs"
    site.mkdir()
    imports = (TEMPLATES / "js_script_imports.j2").read_text(encoding="utf-8")
    (site / "index.html").write_text(imports, encoding="utf-8")
    partial = tmp_path / "node_modules"
    shutil.copytree(NODE_MODULES / "jquery", partial / "jquery")  # one package of ten
    result = localise(site, partial)
    assert result.warning is not None
    assert "9 npm package(s) not installed" in result.warning and "./run setup" in result.warning
    assert "vega-embed" in result.missing and "jquery" not in result.missing
    html = (site / "index.html").read_text(encoding="utf-8")
    assert 'src="static/vendor/jquery/dist/jquery.min.js"' in html
    assert "https://cdn.jsdelivr.net/npm/vega@5" in html  # left as it was: better a CDN than nothing
