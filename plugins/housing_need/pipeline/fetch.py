"""Fetch a publisher URL: conditional GET, retries with exponential backoff, file name detection.

Used by every source's extract. ``previous`` (persisted as JSON next to the archive) makes the
request conditional (``If-None-Match`` / ``If-Modified-Since``) so an unchanged file costs a 304.
Connection errors, timeouts, truncated bodies, 429 and 5xx are retried with backoff
``backoff_seconds * 2**attempt`` (capped), honouring ``Retry-After``; other 4xx fail at once.

Hand-written rather than urllib3's ``Retry`` adapter on purpose: the result records the attempts, a
304 keeps the previous validators and digest, a truncated body (raised while reading, after the
adapter has returned) is retried like a dropped connection, and the sleep is injectable so the
tests run the real backoff against a real server without waiting. These retries cover blips
(seconds apart) inside one task attempt; Airflow's task retries cover longer outages, and the two
together stay within ``orchestration.GET_BUDGET`` requests per URL and extract run.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from email.message import Message
from email.utils import parsedate_to_datetime
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import requests

from .. import __version__
from ..errors import FetchError

log = logging.getLogger(__name__)

USER_AGENT = f"housing-need/{__version__} (+https://www.gov.uk/government/statistical-data-sets)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504}) | frozenset(range(505, 600))
FETCH_RETRIES = 3  # within one task attempt: 4 GETs, 1 + 2 + 4 s apart


@dataclass(frozen=True)
class FetchState:
    """What we know about the last successful fetch of ``url`` (for conditional requests)."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FetchState:
        return cls(
            url=str(data["url"]),
            etag=data.get("etag"),
            last_modified=data.get("last_modified"),
            sha256=data.get("sha256"),
        )


@dataclass(frozen=True)
class FetchResult:
    """The outcome of :func:`fetch_url`. ``content`` is None when the server said 304 Not Modified."""

    url: str
    status: int
    content: bytes | None
    filename: str
    etag: str | None
    last_modified: str | None
    sha256: str | None
    attempts: int
    not_modified: bool = False  # the server answered 304
    same_as_previous: bool = False  # 200, but the bytes equal the previous fetch's (sha256)

    def state(self) -> FetchState:
        return FetchState(url=self.url, etag=self.etag, last_modified=self.last_modified, sha256=self.sha256)


def filename_from(url: str, content_disposition: str | None) -> str:
    """The server's file name (Content-Disposition), else the URL path's last segment."""
    if content_disposition:
        msg = Message()
        msg["content-disposition"] = content_disposition
        name = msg.get_filename()
        if name:
            # Never trust a path from the server.
            name = PurePosixPath(name.replace("\\", "/")).name.strip()
            if name and name not in (".", ".."):
                return name
    segment = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]).strip()
    return segment or "download"


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def fetch_url(
    url: str,
    *,
    previous: FetchState | None = None,
    retries: int = FETCH_RETRIES,
    backoff_seconds: float = 1.0,
    timeout: float = 60.0,
    max_wait_seconds: float = 300.0,
    sleep: Callable[[float], None] = time.sleep,
    session: requests.Session | None = None,
) -> FetchResult:
    """GET ``url``, conditionally on ``previous``, retrying transient failures ``retries`` times.

    Raises :class:`FetchError` (naming the URL) on a non-retryable status or when retries are
    exhausted (naming the number of attempts and the last error).
    """
    headers = _conditional_headers(url, previous)
    http = session or requests.Session()
    attempts = retries + 1
    last_error = "no attempt made"
    try:
        for attempt in range(attempts):
            log.info("GET %s (attempt %d of %d)", url, attempt + 1, attempts)
            outcome = _attempt(http, url, headers, timeout, previous, attempt)
            if isinstance(outcome, FetchResult):
                return outcome
            last_error, wait = outcome
            if attempt + 1 >= attempts:
                break
            delay = min(backoff_seconds * 2**attempt if wait is None else wait, max_wait_seconds)
            log.warning("GET %s: %s; retrying in %.1fs", url, last_error, delay)
            sleep(delay)
    finally:
        if session is None:
            http.close()
    raise FetchError(f"GET {url} failed after {attempts} attempts; last error: {last_error}")


def _conditional_headers(url: str, previous: FetchState | None) -> dict[str, str]:
    """The request headers: our User-Agent, and the previous fetch's validators of the same URL."""
    headers = {"User-Agent": USER_AGENT}
    if previous is not None and previous.url == url:
        if previous.etag:
            headers["If-None-Match"] = previous.etag
        if previous.last_modified:
            headers["If-Modified-Since"] = previous.last_modified
    return headers


def _attempt(
    http: requests.Session,
    url: str,
    headers: Mapping[str, str],
    timeout: float,
    previous: FetchState | None,
    attempt: int,
) -> FetchResult | tuple[str, float | None]:
    """One GET: its result (200-299 or 304), or (the error, the server's Retry-After in seconds)
    when it may be retried. Raises FetchError on a failure that retrying cannot mend."""
    try:
        response = http.get(url, headers=headers, timeout=timeout)
        content = response.content  # may raise on a truncated body
    except (
        requests.ConnectionError,
        requests.Timeout,
        requests.exceptions.ChunkedEncodingError,
    ) as exc:
        return f"{type(exc).__name__}: {exc}", None
    except requests.RequestException as exc:
        raise FetchError(f"GET {url} failed: {type(exc).__name__}: {exc}") from exc
    status = response.status_code
    if status == 304:
        return _not_modified(url, response, previous, attempt)
    if 200 <= status < 300:
        return _fetched(url, response, content, previous, attempt)
    error = f"HTTP {status} {response.reason}"
    if status not in RETRY_STATUSES:
        raise FetchError(
            f"GET {url} failed: {error} (not retried: client errors other than 429 are permanent)"
        )
    return error, _retry_after(response.headers.get("Retry-After"))


def _not_modified(
    url: str, response: requests.Response, previous: FetchState | None, attempt: int
) -> FetchResult:
    """The result of a 304: no content; the previous fetch's validators and digest where the
    response does not renew them."""
    log.info("GET %s: 304 Not Modified", url)
    return FetchResult(
        url=url,
        status=304,
        content=None,
        filename=filename_from(response.url or url, None),
        etag=response.headers.get("ETag") or (previous.etag if previous else None),
        last_modified=response.headers.get("Last-Modified") or (previous.last_modified if previous else None),
        sha256=previous.sha256 if previous else None,
        attempts=attempt + 1,
        not_modified=True,
    )


def _fetched(
    url: str, response: requests.Response, content: bytes, previous: FetchState | None, attempt: int
) -> FetchResult:
    """The result of a 2xx: the content, its digest and file name, and the response's validators."""
    status = response.status_code
    sha256 = hashlib.sha256(content).hexdigest()
    name = filename_from(response.url or url, response.headers.get("Content-Disposition"))
    log.info("GET %s: %d, %d bytes, %s, sha256 %s", url, status, len(content), name, sha256[:12])
    return FetchResult(
        url=url,
        status=status,
        content=content,
        filename=name,
        etag=response.headers.get("ETag"),
        last_modified=response.headers.get("Last-Modified"),
        sha256=sha256,
        attempts=attempt + 1,
        same_as_previous=previous is not None and previous.sha256 == sha256,
    )
