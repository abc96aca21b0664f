"""`./run serve`: the root page links every part of the site that exists (and names the command that
builds one that does not), the method docs the pages cite, and Markdown is served as HTML with any
raw HTML in it escaped; nothing outside the site and the docs is served."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from housing_need.publish.site import serve_site

ROOT = Path(__file__).resolve().parents[2]

REPORT = """# Backtest: a report

| Horizon | WAPE |
|---|---:|
| 1 quarter | 0.103 |

<script>alert("x")</script> and [a bad link](javascript:alert(1)) and ![chart](chart.svg)
"""


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    site_dir = tmp_path / "site"
    (site_dir / "briefing").mkdir(parents=True)
    (site_dir / "briefing" / "index.html").write_text("<p>briefing</p>", encoding="utf-8")
    (site_dir / "backtest").mkdir()
    (site_dir / "backtest" / "backtest.md").write_text(REPORT, encoding="utf-8")
    (tmp_path / "secret.txt").write_text("not served", encoding="utf-8")
    server = serve_site(site_dir, "127.0.0.1", 0, docs_dir=ROOT / "docs")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", site_dir
    finally:
        server.shutdown()
        server.server_close()


def get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, "", ""


def test_the_root_page_links_every_part_and_the_method_docs(site: tuple[str, Path]) -> None:
    base, site_dir = site
    status, kind, text = get(base + "/")
    assert status == 200 and kind.startswith("text/html")
    assert '<a href="/briefing/index.html">Briefing pages</a>' in text
    assert '<a href="/backtest/backtest.md">Backtest report</a>' in text
    # no hindcast in this site: the committed copy, said to be that
    assert '<a href="/docs/hindcast.md">Hindcast report</a>' in text and "the copy in docs/" in text
    # dbt docs and Data Docs are not built in this site: the page says which command builds them
    assert "dbt docs: not built yet (<code>./run refresh</code> builds it)" in text
    assert "Data Docs: not built yet" in text
    for doc in ("need-method.md", "survey-weighting.md", "backtest.md", "operating.md"):
        assert f'<a href="/docs/{doc}">' in text
    assert "<script" not in text and "http" not in text.replace(base, "")  # nothing loads from elsewhere
    assert not (site_dir / "index.html").exists()  # made per request, the site folder is not written
    assert "<h2>What-if scenarios</h2>" not in text  # none built in this site
    (site_dir / "scenarios" / "hotels_close").mkdir(parents=True)
    (site_dir / "scenarios" / "hotels_close" / "index.html").write_text("<html></html>", encoding="utf-8")
    _, _, text = get(base + "/")
    assert '<a href="/scenarios/hotels_close/index.html">hotels_close</a>' in text
    assert '<a href="/scenarios/hotels_close/comparison.html">against the baseline</a>' in text


def test_markdown_is_served_as_html_with_raw_html_escaped(site: tuple[str, Path]) -> None:
    base, _ = site
    status, kind, text = get(base + "/backtest/backtest.md")
    assert status == 200 and kind == "text/html; charset=utf-8"
    assert "<title>Backtest: a report</title>" in text and "<h1>Backtest: a report</h1>" in text
    assert "<th>Horizon</th>" in text and '<td style="text-align:right">0.103</td>' in text
    assert '<img src="chart.svg" alt="chart"' in text
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "javascript:" not in text.replace("[a bad link](javascript:alert(1))", "")
    status, _, text = get(base + "/docs/need-method.md")
    assert status == 200 and "<h1>Need method" in text


def test_nothing_outside_the_site_and_the_docs_is_served(site: tuple[str, Path]) -> None:
    base, _ = site
    for path in (
        "/../secret.txt",
        "/docs/../secret.txt",
        "/docs/%2e%2e/run",  # the project's ./run, beside docs/ (docs/ has its own README.md)
        "/docs/../../pyproject.toml",
    ):
        assert get(base + path)[0] == 404, path
