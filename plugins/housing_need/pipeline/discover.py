"""Discover a source's newest release on its publisher's page, instead of a pasted URL.

GOV.UK pages list their files as attachments whose URLs change with every release
(``https://assets.publishing.service.gov.uk/media/<id>/support-local-authority-datasets-sep-2024.xlsx``).
:func:`discover` reads the page through the GOV.UK Content API (``/api/content/<path>``: a JSON
content item whose ``details.attachments`` lists ``url``, ``filename``, ``title`` …) or, for a page
that is not on GOV.UK's API, the HTML itself (links to files), and returns the newest attachment
whose file name matches the source's pattern (newest by the period in the name).

A page that no longer has that shape (not JSON with ``details.attachments``, no links, no file
matching the pattern) raises :class:`DiscoveryError` with what was expected and what was found:
a publisher redesign must fail loudly, never look like "no new release".
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import requests

from ..errors import HousingNeedError
from ..sources.publication import Discovery
from .fetch import USER_AGENT

log = logging.getLogger(__name__)

GOVUK_HOSTS = ("www.gov.uk", "gov.uk")
TIMEOUT_SECONDS = 60


class DiscoveryError(HousingNeedError):
    """The publisher's page could not be read as expected (changed shape, no matching file)."""


@dataclass(frozen=True)
class Attachment:
    url: str
    filename: str
    title: str


@dataclass(frozen=True)
class Release:
    attachment: Attachment
    period: date
    page: str


def content_api_url(page_url: str) -> str:
    """``https://www.gov.uk/<path>`` -> ``https://www.gov.uk/api/content/<path>``; other URLs as given."""
    parts = urlsplit(page_url)
    if parts.netloc in GOVUK_HOSTS and not parts.path.startswith("/api/content/"):
        return urlunsplit(parts._replace(path="/api/content" + parts.path))
    return page_url


def attachments_from_content_item(item: object, page: str) -> list[Attachment]:
    """The file attachments of a GOV.UK content item (``details.attachments``)."""
    details = item.get("details") if isinstance(item, dict) else None
    attachments = details.get("attachments") if isinstance(details, dict) else None
    if not isinstance(attachments, list):
        keys = sorted(item) if isinstance(item, dict) else type(item).__name__
        raise DiscoveryError(
            f"{page}: the page changed shape: expected a GOV.UK content item with details.attachments "
            f"(a list of files); found top-level {keys}"
        )
    out = []
    for entry in attachments:
        if not isinstance(entry, dict) or not entry.get("url"):
            continue
        if entry.get("attachment_type", "file") != "file":
            continue
        url = urljoin(page, str(entry["url"]))
        name = str(entry.get("filename") or unquote(PurePosixPath(urlsplit(url).path).name))
        out.append(Attachment(url=url, filename=name, title=str(entry.get("title") or name)))
    return out


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href")
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href:
            self.links.append((self._href, " ".join("".join(self._text).split())))
            self._href = None


_FILE_LINK = re.compile(r"\.(xlsx|xls|ods|csv|zip)$", re.I)


def attachments_from_html(html: str, page: str) -> list[Attachment]:
    """Links to data files (.xlsx, .xls, .ods, .csv, .zip) on an HTML page."""
    parser = _Links()
    parser.feed(html)
    out = []
    for href, text in parser.links:
        url = urljoin(page, href)
        name = unquote(PurePosixPath(urlsplit(url).path).name)
        if _FILE_LINK.search(name):
            out.append(Attachment(url=url, filename=name, title=text or name))
    return out


def matching_releases(attachments: list[Attachment], discovery: Discovery, page: str) -> list[Release]:
    """Every attachment matching the source's file pattern, oldest period first (a page listing none
    raises: a publisher redesign must not look like "no new release")."""
    releases = [
        Release(attachment=a, period=period, page=page)
        for a in attachments
        if (period := discovery.period_of(a.filename)) is not None
    ]
    if not releases:
        found = [a.filename for a in attachments][:10]
        raise DiscoveryError(
            f"{page}: no file matches {discovery.file_pattern!r} ({discovery.description}); "
            f"the page lists {len(attachments)} file(s): {found}"
        )
    return sorted(releases, key=lambda r: r.period)


def newest_release(attachments: list[Attachment], discovery: Discovery, page: str) -> Release:
    """The attachment matching the source's file pattern with the newest period."""
    return matching_releases(attachments, discovery, page)[-1]


def read_page(discovery: Discovery, page_url: str | None = None) -> tuple[list[Attachment], str]:
    """The files the publisher's page lists (Content API JSON or HTML links), and the URL read."""
    page = content_api_url(page_url or discovery.page_url)
    try:
        response = requests.get(
            page,
            timeout=TIMEOUT_SECONDS,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json, text/html"},
        )
    except requests.RequestException as exc:
        raise DiscoveryError(f"{page}: cannot read the publisher's page: {exc}") from exc
    if response.status_code != 200:
        raise DiscoveryError(f"{page}: the publisher's page answered HTTP {response.status_code}")
    kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if kind == "application/json" or kind.endswith("+json"):
        try:
            item = response.json()
        except json.JSONDecodeError as exc:
            raise DiscoveryError(f"{page}: the page changed shape: not valid JSON ({exc})") from exc
        return attachments_from_content_item(item, page), page
    if kind == "text/html":
        return attachments_from_html(response.text, page), page
    raise DiscoveryError(
        f"{page}: the page changed shape: expected JSON (GOV.UK Content API) or HTML, got {kind or 'no type'!r}"
    )


def discover(discovery: Discovery, page_url: str | None = None) -> Release:
    """Read the publisher's page and return its newest release of this source."""
    release = newest_release(*_listed(discovery, page_url))
    log.info("discovered %s (data to %s) on %s", release.attachment.filename, release.period, release.page)
    return release


def discover_since(discovery: Discovery, since: date | None, page_url: str | None = None) -> list[Release]:
    """The releases to fetch, oldest first: every file of the newest period (one file, or the tables
    of a release published as several, such as the census's), and every file of a period from
    ``since`` (the newest period archived) on, so a release missed while late and a revised file of
    the newest archived period (``Detailed_LA_202406_revised.ods`` beside ``Detailed_LA_202409.ods``)
    are fetched too. A file already archived costs a conditional GET, and the archive keeps it once."""
    releases = matching_releases(*_listed(discovery, page_url))
    newest = releases[-1].period
    floor = newest if since is None else min(since, newest)
    chosen = [r for r in releases if r.period >= floor]
    for release in chosen:
        log.info(
            "discovered %s (data to %s) on %s", release.attachment.filename, release.period, release.page
        )
    return chosen


def _listed(discovery: Discovery, page_url: str | None) -> tuple[list[Attachment], Discovery, str]:
    attachments, page = read_page(discovery, page_url)
    return attachments, discovery, page
