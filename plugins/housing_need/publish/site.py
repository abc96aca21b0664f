"""The served site: briefing pages, reports, method docs, dbt docs and GX Data Docs under one local
HTTP server (``./run serve``), offline: nothing on any page it makes loads from elsewhere.

- ``/`` is a page made on each request: a link to every part that exists, and for a part not built
  yet, the command that builds it.
- ``/docs/…`` serves the project's ``docs/`` folder (the method documents the pages cite, e.g.
  ``/docs/need-method.md``); everything else comes from the site folder (``var/site``).
- A Markdown file (the backtest and hindcast reports, the docs) is served as HTML, rendered by
  markdown-it-py (CommonMark and tables) with raw HTML in the Markdown escaped, not passed through.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..config import settings

DOCS_PREFIX = "/docs/"
# The documents the pages and reports cite, in the order a reader wants them; the other docs/*.md
# follow under "Reference".
METHOD_DOCS = (
    "need-method.md",
    "survey-weighting.md",
    "disclosure-control.md",
    "backtest.md",
    "hindcast.md",
    "flows.md",
)

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.5; color: #1b1b1b; }
a { color: #1d5fa8; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #c8c8c8; padding: 0.25rem 0.5rem; vertical-align: top; }
th { background: #f2f2f2; }
code { background: #f2f2f2; padding: 0 0.2rem; }
pre { background: #f2f2f2; padding: 0.75rem; overflow-x: auto; }
pre code { background: none; padding: 0; }
img { max-width: 100%; }
.missing { color: #555; }
nav { font-size: 0.9rem; margin-bottom: 1rem; }
"""


def page(title: str, body: str, *, home_link: bool = True) -> str:
    nav = '<nav><a href="/">Housing-need: all pages, reports and docs</a></nav>\n' if home_link else ""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>\n"
        f"<body>{nav}<main>\n{body}\n</main></body></html>\n"
    )


def markdown_title(text: str, fallback: str) -> str:
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return fallback


def render_markdown(text: str) -> str:
    """Markdown (CommonMark with tables) to HTML; raw HTML in the text is escaped, links with unsafe
    schemes (javascript: …) are dropped by markdown-it-py's link validation."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table").render(text)


def markdown_page(path: Path) -> str:
    text = path.read_text(encoding="utf-8", errors="replace")
    return page(markdown_title(text, path.name), render_markdown(text))


@dataclass(frozen=True)
class Part:
    """One part of the site: where it is served, what builds it, and the copy of it committed in
    docs/ (from the bundled data) shown while the deployment has not built its own."""

    title: str
    href: str
    what: str
    built_by: str = "./run refresh"
    committed: str | None = None


PARTS = (
    Part("Briefing pages", "briefing/index.html", "regions and local authorities: need, communities, charts"),
    Part(
        "Backtest report",
        "backtest/backtest.md",
        "the asylum-support projection scored against what happened",
        "./run backtest",
        "backtest.md",
    ),
    Part(
        "Hindcast report",
        "hindcast/hindcast.md",
        "the community population engine run from 2011, scored against Census 2021",
        "./run hindcast",
        "hindcast.md",
    ),
    Part(
        "dbt docs", "dbt-docs/static_index.html", "every model and column of the warehouse, and its lineage"
    ),
    Part("Data Docs", "data-docs/index.html", "Great Expectations validation results of the last refresh"),
)


def _located(site_dir: Path, docs_dir: Path, part: Part) -> str | None:
    """Where ``part`` is served: the site's own copy, else the committed one, else None."""
    if (site_dir / part.href).is_file():
        return "/" + part.href
    if part.committed and (docs_dir / part.committed).is_file():
        return DOCS_PREFIX + part.committed
    return None


def _scenario_list(site_dir: Path) -> str:
    """The what-if scenarios whose pages are built (``./run scenario run``), each beside the baseline."""
    built = sorted(p.parent.name for p in (site_dir / "scenarios").glob("*/index.html"))
    if not built:
        return ""
    rows = [
        f'<li><a href="/scenarios/{html.escape(n)}/index.html">{html.escape(n)}</a> '
        f'(<a href="/scenarios/{html.escape(n)}/comparison.html">against the baseline</a>)</li>'
        for n in built
    ]
    return (
        "<h2>What-if scenarios</h2>\n<p>Need estimates under a strategy team's own assumptions, never the "
        "published figures (docs/scenarios.md).</p>\n<ul>\n" + "\n".join(rows) + "\n</ul>\n"
    )


def root_page(site_dir: Path, docs_dir: Path) -> str:
    items = []
    for part in PARTS:
        href = _located(site_dir, docs_dir, part)
        if href is not None:
            note = " (the copy in docs/, from the bundled data)" if href.startswith(DOCS_PREFIX) else ""
            items.append(
                f'<li><a href="{html.escape(href)}">{html.escape(part.title)}</a>: '
                f"{html.escape(part.what)}{html.escape(note)}</li>"
            )
        else:
            items.append(
                f'<li class="missing">{html.escape(part.title)}: not built yet '
                f"(<code>{html.escape(part.built_by)}</code> builds it)</li>"
            )
    docs = sorted(docs_dir.glob("*.md")) if docs_dir.is_dir() else []
    method = [d for name in METHOD_DOCS for d in docs if d.name == name]
    reference = [d for d in docs if d not in method]

    def doc_list(paths: list[Path]) -> str:
        rows = []
        for path in paths:
            title = markdown_title(path.read_text(encoding="utf-8", errors="replace"), path.name)
            rows.append(
                f'<li><a href="{DOCS_PREFIX}{html.escape(path.name)}">{html.escape(title)}</a> '
                f"<small>(docs/{html.escape(path.name)})</small></li>"
            )
        return "<ul>\n" + "\n".join(rows) + "\n</ul>"

    body = (
        "<h1>Housing-need warehouse</h1>\n"
        "<ul>\n"
        + "\n".join(items)
        + "\n</ul>\n"
        + _scenario_list(site_dir)
        + "<h2>Methods</h2>\n<p>How the figures on the pages are made; the pages cite these.</p>\n"
        + doc_list(method)
        + "\n<h2>Reference</h2>\n"
        + doc_list(reference)
    )
    return page("Housing-need warehouse", body, home_link=False)


def serve_site(  # type: ignore[no-untyped-def]
    site_dir: Path, host: str = "127.0.0.1", port: int = 8765, *, docs_dir: Path | None = None
):
    """An HTTP server for the site folder and the docs (see the module); call serve_forever() on it.
    ``docs_dir``: the method docs (default: the project's docs/)."""
    if docs_dir is None:
        docs_dir = settings().home / "docs"
    site_dir.mkdir(parents=True, exist_ok=True)
    docs_root = docs_dir

    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def translate_path(self, path: str) -> str:
            route = unquote(urlsplit(path).path)
            if route.startswith(DOCS_PREFIX) or route == DOCS_PREFIX.rstrip("/"):
                saved = self.directory
                self.directory = str(docs_root)  # the base class resolves within self.directory
                try:
                    return super().translate_path(path[len(DOCS_PREFIX) - 1 :])
                finally:
                    self.directory = saved
            return super().translate_path(path)

        def send_head(self) -> Any:
            route = unquote(urlsplit(self.path).path)
            if route in ("/", "/index.html"):
                return self._html(root_page(site_dir, docs_root))
            target = Path(self.translate_path(self.path))
            if target.suffix == ".md" and target.is_file():
                return self._html(markdown_page(target))
            return super().send_head()

        def _html(self, text: str) -> io.BytesIO:
            body = text.encode("utf-8")
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            return io.BytesIO(body)

    return ThreadingHTTPServer((host, port), partial(Handler, directory=str(site_dir)))
