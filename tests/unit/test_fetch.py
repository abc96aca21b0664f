"""fetch_url against a real local HTTP server serving the real bundled Asy_D11 CSV."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from housing_need.errors import FetchError
from housing_need.pipeline.fetch import FetchResult, FetchState, fetch_url, filename_from
from tests.support import census
from tests.support.asy_d11 import SAMPLE_CSV

BODY = SAMPLE_CSV.read_bytes()
SHA256 = hashlib.sha256(BODY).hexdigest()
ETAG = f'"{SHA256[:16]}"'
LAST_MODIFIED = "Thu, 22 Feb 2024 09:30:00 GMT"

# Census deliveries as Nomis serves them: a bulk CSV for one level and a bulk zip (real rows).
CENSUS_FILES = {
    "/output/census/2021/census2021-ts054-ltla.csv": census.TS054["ltla"].read_bytes(),
    "/output/census/2021/census2021-ts054.zip": census.to_zip(
        {
            "census2021-ts054-ctry.csv": census.TS054["ctry"].read_bytes(),
            "census2021-ts054-rgn.csv": census.TS054["rgn"].read_bytes(),
        },
        metadata={"metadata/ts054-2021-2.txt": census.TS054_METADATA},
    ),
}


@dataclass
class ServerState:
    hits: Counter[str] = field(default_factory=Counter)
    request_headers: dict[str, list[dict[str, str]]] = field(default_factory=lambda: defaultdict(list))


class Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)

    def _ok(self, extra: dict[str, str] | None = None) -> None:
        self._send(200, BODY, {"Content-Type": "text/csv", **(extra or {})})

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        state = self.server.state
        state.hits[path] += 1
        state.request_headers[path].append(dict(self.headers))
        hit = state.hits[path]
        if path == "/data/asy_d11.csv":
            validators = {"ETag": ETAG, "Last-Modified": LAST_MODIFIED}
            if (
                self.headers.get("If-None-Match") == ETAG
                or self.headers.get("If-Modified-Since") == LAST_MODIFIED
            ):
                self._send(304, headers=validators)
            else:
                self._ok(validators)
        elif path in CENSUS_FILES:
            etag = f'"{hashlib.sha256(CENSUS_FILES[path]).hexdigest()[:16]}"'
            if self.headers.get("If-None-Match") == etag:
                self._send(304, headers={"ETag": etag})
            else:
                self._send(200, CENSUS_FILES[path], {"ETag": etag})
        elif path.startswith("/flaky/"):  # /flaky/<n>/name.csv: 503 n times, then the file
            failures = int(path.split("/")[2])
            if hit <= failures:
                self._send(503, b"service unavailable")
            else:
                self._ok()
        elif path == "/down.csv":
            self._send(503, b"service unavailable")
        elif path == "/missing.csv":
            self._send(404, b"not found")
        elif path == "/forbidden.csv":
            self._send(403, b"forbidden")
        elif path == "/busy.csv":
            if hit == 1:
                self._send(429, b"slow down", {"Retry-After": "7"})
            else:
                self._ok()
        elif path == "/very-busy.csv":
            if hit == 1:
                self._send(503, b"maintenance", {"Retry-After": "86400"})
            else:
                self._ok()
        elif path == "/download":
            self._ok({"Content-Disposition": 'attachment; filename="../../asy_d11_2023q4.csv"'})
        elif path == "/short.csv":  # first response promises more bytes than it sends
            if hit == 1:
                self.send_response(200)
                self.send_header("Content-Length", str(len(BODY)))
                self.end_headers()
                self.wfile.write(BODY[: len(BODY) // 3])
                self.wfile.flush()
                self.close_connection = True
            else:
                self._ok()
        elif path == "/slow.csv":
            if hit == 1:
                time.sleep(1.5)
            self._ok()
        else:
            self._send(500, b"unexpected path")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: ServerState


@pytest.fixture(scope="module")
def server() -> Iterator[_Server]:
    httpd = _Server(("127.0.0.1", 0), Handler)
    httpd.state = ServerState()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture
def base(server: _Server) -> str:
    server.state.hits.clear()
    server.state.request_headers.clear()
    host, port = server.server_address[:2]
    return f"http://{host}:{port}"


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def test_fetch_returns_the_real_bytes_and_validators(base: str, server: _Server) -> None:
    result = fetch_url(f"{base}/data/asy_d11.csv", sleep=Sleeps())
    assert result.content == BODY
    assert result.sha256 == SHA256
    assert result.status == 200 and not result.not_modified
    assert result.etag == ETAG and result.last_modified == LAST_MODIFIED
    assert result.filename == "asy_d11.csv"
    assert result.attempts == 1
    assert server.state.hits["/data/asy_d11.csv"] == 1
    assert "If-None-Match" not in server.state.request_headers["/data/asy_d11.csv"][0]


def test_conditional_get_gives_not_modified(base: str, server: _Server) -> None:
    url = f"{base}/data/asy_d11.csv"
    first = fetch_url(url)
    state = FetchState.from_dict(json.loads(json.dumps(first.state().to_dict())))  # as persisted
    assert state == FetchState(url=url, etag=ETAG, last_modified=LAST_MODIFIED, sha256=SHA256)

    second = fetch_url(url, previous=state)

    assert second.not_modified and second.status == 304
    assert second.content is None
    assert second.state() == state  # nothing to forget: validators and sha256 carried over
    sent = server.state.request_headers["/data/asy_d11.csv"][1]
    assert sent["If-None-Match"] == ETAG
    assert sent["If-Modified-Since"] == LAST_MODIFIED
    assert server.state.hits["/data/asy_d11.csv"] == 2


def test_state_for_another_url_is_not_sent(base: str, server: _Server) -> None:
    previous = FetchState(url=f"{base}/elsewhere.csv", etag=ETAG, last_modified=LAST_MODIFIED, sha256=SHA256)
    result = fetch_url(f"{base}/data/asy_d11.csv", previous=previous)
    assert result.content == BODY and not result.not_modified
    assert "If-None-Match" not in server.state.request_headers["/data/asy_d11.csv"][0]


def test_same_bytes_without_conditional_support_are_flagged(base: str) -> None:
    previous = FetchState(url=f"{base}/download", sha256=SHA256)
    result = fetch_url(f"{base}/download", previous=previous)
    assert result.content == BODY and result.same_as_previous and not result.not_modified


def test_retries_503_with_exponential_backoff_then_succeeds(base: str, server: _Server) -> None:
    sleeps = Sleeps()
    result = fetch_url(f"{base}/flaky/3/asy_d11.csv", retries=4, backoff_seconds=0.5, sleep=sleeps)
    assert result.content == BODY
    assert result.sha256 == SHA256
    assert result.attempts == 4
    assert server.state.hits["/flaky/3/asy_d11.csv"] == 4  # 3 failures + 1 success, counted by the server
    assert sleeps == [0.5, 1.0, 2.0]


def test_backoff_is_capped(base: str) -> None:
    sleeps = Sleeps()
    fetch_url(f"{base}/flaky/4/x.csv", retries=4, backoff_seconds=10, max_wait_seconds=25, sleep=sleeps)
    assert sleeps == [10, 20, 25, 25]


def test_gives_up_after_retries_naming_url_attempts_and_last_error(base: str, server: _Server) -> None:
    sleeps = Sleeps()
    with pytest.raises(FetchError) as info:
        fetch_url(f"{base}/down.csv", retries=2, backoff_seconds=0.01, sleep=sleeps)
    message = str(info.value)
    assert f"{base}/down.csv" in message
    assert "3 attempts" in message
    assert "503" in message
    assert server.state.hits["/down.csv"] == 3
    assert len(sleeps) == 2  # no pointless sleep after the last attempt


@pytest.mark.parametrize(("path", "status"), [("/missing.csv", 404), ("/forbidden.csv", 403)])
def test_client_errors_fail_at_once(base: str, server: _Server, path: str, status: int) -> None:
    sleeps = Sleeps()
    with pytest.raises(FetchError) as info:
        fetch_url(f"{base}{path}", sleep=sleeps)
    assert f"{base}{path}" in str(info.value)
    assert str(status) in str(info.value)
    assert server.state.hits[path] == 1
    assert sleeps == []


def test_honours_retry_after_on_429(base: str, server: _Server) -> None:
    sleeps = Sleeps()
    result = fetch_url(f"{base}/busy.csv", backoff_seconds=0.01, sleep=sleeps)
    assert result.content == BODY
    assert sleeps == [7.0]
    assert server.state.hits["/busy.csv"] == 2


def test_retry_after_is_capped(base: str) -> None:
    sleeps = Sleeps()
    result = fetch_url(f"{base}/very-busy.csv", max_wait_seconds=30, sleep=sleeps)
    assert result.content == BODY
    assert sleeps == [30]


def test_truncated_body_is_retried(base: str, server: _Server) -> None:
    sleeps = Sleeps()
    result = fetch_url(f"{base}/short.csv", backoff_seconds=0.01, sleep=sleeps)
    assert result.content == BODY  # never the partial first body
    assert server.state.hits["/short.csv"] == 2
    assert len(sleeps) == 1


def test_timeout_is_retried(base: str, server: _Server) -> None:
    sleeps = Sleeps()
    result = fetch_url(f"{base}/slow.csv", timeout=0.3, backoff_seconds=0.01, sleep=sleeps)
    assert result.content == BODY
    assert result.attempts == 2
    assert server.state.hits["/slow.csv"] == 2


def test_connection_refused_is_retried_then_reported(caplog: pytest.LogCaptureFixture) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/asy_d11.csv"
    sleeps = Sleeps()
    with (
        caplog.at_level(logging.INFO, logger="housing_need.pipeline.fetch"),
        pytest.raises(FetchError) as info,
    ):
        fetch_url(url, retries=2, backoff_seconds=0.01, sleep=sleeps)
    assert url in str(info.value) and "3 attempts" in str(info.value)
    assert "ConnectionError" in str(info.value)
    attempts_logged = [r.getMessage() for r in caplog.records if "attempt" in r.getMessage()]
    assert attempts_logged == [f"GET {url} (attempt {n} of 3)" for n in (1, 2, 3)]


def test_filename_from_content_disposition_is_sanitised(base: str) -> None:
    result = fetch_url(f"{base}/download?id=7")
    assert result.filename == "asy_d11_2023q4.csv"  # the server's name, without its path


@pytest.mark.parametrize(
    ("url", "disposition", "expected"),
    [
        ("https://x.gov.uk/media/abc/asylum-support-dec-2023.xlsx", None, "asylum-support-dec-2023.xlsx"),
        ("https://x.gov.uk/media/abc/asy%20d11.xlsx?x=1", None, "asy d11.xlsx"),
        ("https://x.gov.uk/get", "attachment; filename*=UTF-8''asy_d11%20dec.xlsx", "asy_d11 dec.xlsx"),
        ("https://x.gov.uk/", None, "download"),
    ],
)
def test_filename_from(url: str, disposition: str | None, expected: str) -> None:
    assert filename_from(url, disposition) == expected


def test_fetch_result_state_round_trip() -> None:
    result = FetchResult(
        url="https://x/y.csv",
        status=200,
        content=BODY,
        filename="y.csv",
        etag=ETAG,
        last_modified=LAST_MODIFIED,
        sha256=SHA256,
        attempts=1,
    )
    assert FetchState.from_dict(result.state().to_dict()) == result.state()
    assert FetchState.from_dict({"url": "u"}) == FetchState(url="u")


def test_extract_from_a_configured_url_archives_once_then_sends_a_conditional_get(
    base: str, server: _Server, tmp_path: Path
) -> None:
    """The extract step end to end against the local publisher: first run archives the real file,
    the second sends the stored validators, gets 304 and archives nothing."""
    from housing_need.config import settings
    from housing_need.pipeline.archive import list_archived
    from housing_need.pipeline.extract import extract_source
    from housing_need.sources import get_source

    spec = get_source("home_office_asylum_support")
    env = {
        "HOUSING_NEED_VAR_DIR": str(tmp_path / "var"),
        "HOUSING_NEED_WAREHOUSE": str(tmp_path / "wh" / "w.duckdb"),
        "HOUSING_NEED_HOME_OFFICE_ASYLUM_SUPPORT_URL": f"{base}/data/asy_d11.csv",
    }
    s = settings(env)
    first = extract_source(spec, s)
    assert [a.original_name for a in first.archived] == ["asy_d11.csv"]
    assert first.archived[0].origin == f"url:{base}/data/asy_d11.csv"
    assert first.archived[0].absolute(s.archive_dir).read_bytes() == BODY
    second = extract_source(spec, s)
    assert second.not_modified and second.archived == []
    assert server.state.request_headers["/data/asy_d11.csv"][-1].get("If-None-Match") == ETAG
    assert len(list_archived(s.archive_dir, spec.name)) == 1


def test_census_extract_fetches_every_configured_nomis_url(
    base: str, server: _Server, tmp_path: Path
) -> None:
    """HOUSING_NEED_ONS_CENSUS_URL lists several Nomis URLs (a bulk CSV and a bulk zip): each is fetched
    and archived under its own name with its own validators; a second run gets 304 for both."""
    from housing_need.config import settings
    from housing_need.pipeline.archive import list_archived
    from housing_need.pipeline.extract import extract_source
    from housing_need.sources import get_source

    spec = get_source("ons_census")
    urls = [f"{base}{path}" for path in CENSUS_FILES]
    env = {
        "HOUSING_NEED_VAR_DIR": str(tmp_path / "var"),
        "HOUSING_NEED_WAREHOUSE": str(tmp_path / "wh" / "w.duckdb"),
        "HOUSING_NEED_ONS_CENSUS_URL": "\n  ".join(urls),
    }
    s = settings(env)
    first = extract_source(spec, s)
    assert sorted((a.original_name, a.release, a.origin) for a in first.archived) == [
        ("census2021-ts054-ltla.csv", "census2021-ts054", f"url:{urls[0]}"),
        ("census2021-ts054.zip", "census2021-ts054", f"url:{urls[1]}"),
    ]
    second = extract_source(spec, s)
    assert second.archived == [] and second.not_modified == urls
    assert len(list_archived(s.archive_dir, spec.name)) == 2
    for path in CENSUS_FILES:
        assert server.state.request_headers[path][-1].get("If-None-Match", "").startswith('"')


def test_fetch_and_task_retries_stay_within_the_get_budget(base: str, server: _Server) -> None:
    """Each attempt of the extract task asks a failing URL FETCH_RETRIES + 1 times; Airflow runs the
    task NETWORK_RETRIES + 1 times: together at most GET_BUDGET requests (it was 5 x 4 = 20)."""
    from housing_need.orchestration import GET_BUDGET, NETWORK_RETRIES

    task_attempts = NETWORK_RETRIES["retries"] + 1
    for _ in range(task_attempts):  # what Airflow does with a task that raises
        with pytest.raises(FetchError, match="after 4 attempts"):
            fetch_url(f"{base}/down.csv", sleep=Sleeps())
    assert server.state.hits["/down.csv"] == task_attempts * 4 <= GET_BUDGET
    assert task_attempts >= 2  # a longer outage still gets a later try
