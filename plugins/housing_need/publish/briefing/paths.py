"""Where each briefing page and download lives: the one place every page, map and test takes a URL from.

Local-authority pages are named by slug and code (``la/leicester-E06000016.html``): readable, and unique
when two districts share a name. The code-only name of earlier builds (``la/E06000016.html``) stays as a
redirect page. Paths are relative to the briefing folder; :func:`href` turns one into a link from a page.
"""

from __future__ import annotations

import posixpath
import re


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def la_page(code: str, name: str) -> str:
    """The page of a local authority: ``la/<slug of its name>-<code>.html``."""
    return f"la/{slug(name)}-{code}.html" if slug(name) else f"la/{code}.html"


def la_redirect(code: str) -> str:
    """The code-only name of an LA page in earlier builds, kept as a redirect."""
    return f"la/{code}.html"


def region_page(region: str) -> str:
    return f"regions/{slug(region)}.html"


def download(page: str, name: str) -> str:
    """The CSV beside a page: ``la/leicester-E06000016.html`` + ``need-estimates`` ->
    ``la/leicester-E06000016.need-estimates.csv``."""
    return f"{page.removesuffix('.html')}.{name}.csv"


def href(from_page: str, to: str) -> str:
    """A relative link from one page (path relative to the briefing folder) to another file."""
    return posixpath.relpath(to, posixpath.dirname(from_page) or ".")
