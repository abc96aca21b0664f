"""The Great Expectations Data Docs the README's refresh built work with the network off: real
headless Chromium, every host but 127.0.0.1 unresolvable and every proxy dead, sees bootstrap-table
render the list of validations on the index (from the scripts the site serves itself), and no page
loads a script, stylesheet or image from anywhere else."""

from __future__ import annotations

import re
import shutil
import threading
from pathlib import Path

import pytest

from housing_need.publish.site import serve_site
from housing_need.quality.data_docs_assets import VENDOR_DIR
from tests.conftest import Project
from tests.support.browser import ensure_chromium, run_chromium

pytestmark = pytest.mark.integration

# No network but loopback: no name resolves (except 127.0.0.1), and every request but those to
# 127.0.0.1 goes to a proxy that is not there. (Not "<-loopback>": that sends loopback to the proxy.)
OFFLINE = (
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=127.0.0.1",
)
ROW = re.compile(r'<tr[^>]*data-index="\d+"')
ASSET_TAG = re.compile(r"<(?:script|link|img)\b[^>]*>", re.I | re.S)


def validation_rows(chromium: Path, url: str, profile: Path) -> list[str]:
    """The rows bootstrap-table rendered in the index's validation results table, offline."""
    dom = run_chromium(chromium, profile, *OFFLINE, "--virtual-time-budget=15000", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    table = re.search(r"<table[^>]*ge-index-page-validation-results-table.*?</table>", dom.stdout, re.S)
    assert table, "the index has no validation results table"
    return ROW.findall(table.group(0))


@pytest.fixture(scope="module")
def data_docs(bundled: Project) -> Path:
    site = bundled.var_dir / "site" / "data-docs"
    assert (site / "index.html").exists()
    return site


def test_index_lists_the_validations_with_the_network_off(data_docs: Path, tmp_path: Path) -> None:
    chromium = ensure_chromium()
    server = serve_site(data_docs.parent, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    try:
        rows = validation_rows(chromium, f"http://{host}:{port}/data-docs/index.html", tmp_path / "http")
    finally:
        server.shutdown()
        server.server_close()
    validations = len(list((data_docs / "validations").rglob("*.html")))
    assert validations >= 30  # the raw gate's suites and the marts gate's, of the bundled refresh
    assert 0 < len(rows) <= validations
    # Opened as a file, too (file://, as a reader who double-clicks index.html does).
    assert validation_rows(chromium, (data_docs / "index.html").as_uri(), tmp_path / "file") == rows


def test_without_its_local_assets_the_same_index_lists_nothing_offline(
    data_docs: Path, tmp_path: Path
) -> None:
    """The control: the rows above come from the assets the site serves, not from a cache or a
    page that renders without scripts."""
    copy = tmp_path / "data-docs"
    shutil.copytree(data_docs, copy, ignore=shutil.ignore_patterns("validations", "expectations"))
    shutil.rmtree(copy / VENDOR_DIR)
    assert validation_rows(ensure_chromium(), (copy / "index.html").as_uri(), tmp_path / "profile") == []


def test_no_page_loads_anything_from_the_network(data_docs: Path, bundled: Project) -> None:
    pages = sorted(data_docs.rglob("*.html"))
    assert len(pages) >= 60  # the index, every suite and every validation result
    remote = {
        url
        for page in pages
        for tag in ASSET_TAG.findall(page.read_text(encoding="utf-8"))
        for url in re.findall(r"""(?:src|href)\s*=\s*["'](https?://[^"']+)""", tag)
    }
    assert remote == set()
    assert "warning" not in bundled.first_output.split("Data Docs:")[1].splitlines()[0]  # type: ignore[attr-defined]
    for asset in ("jquery/dist/jquery.min.js", "@fortawesome/fontawesome-free/webfonts/fa-solid-900.woff2"):
        assert (data_docs / VENDOR_DIR / asset).stat().st_size > 10_000
