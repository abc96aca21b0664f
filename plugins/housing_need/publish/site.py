"""The served site: briefing pages, dbt docs and GX Data Docs under one local HTTP server."""

from __future__ import annotations

from pathlib import Path

SITE_INDEX = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Housing-need</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto">
<h1>Housing-need warehouse</h1><ul>
<li><a href="briefing/index.html">Briefing pages</a>: regions and local authorities, charts and tables</li>
<li><a href="dbt-docs/static_index.html">dbt docs</a>: every model and column, lineage</li>
<li><a href="data-docs/index.html">Data Docs</a>: Great Expectations validation results</li>
</ul></body></html>
"""


def serve_site(site_dir: Path, host: str = "127.0.0.1", port: int = 8765):  # type: ignore[no-untyped-def]
    """An HTTP server for var/site (briefing pages, dbt docs, Data Docs); call serve_forever() on it."""
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    site_dir.mkdir(parents=True, exist_ok=True)
    (site_dir / "index.html").write_text(SITE_INDEX, encoding="utf-8")

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    return ThreadingHTTPServer((host, port), partial(Quiet, directory=str(site_dir)))
