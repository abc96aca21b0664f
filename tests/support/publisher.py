"""A local stand-in for GOV.UK: a real HTTP server serving publisher pages and files in their real
shapes, so discovery and fetching run their real code with nothing reaching the internet.

- ``/api/content/<path>``: a GOV.UK Content API content item (``application/json``) with the fields
  the Content API returns for a statistical data set (``base_path``, ``content_id``,
  ``document_type``, ``schema_name``, ``title``, ``public_updated_at``, ``details.attachments`` …);
  each attachment as GOV.UK describes files (``attachment_type: file``, ``content_type``,
  ``filename``, ``file_size``, ``id``, ``title``, ``url`` on ``/media/<24 hex>/<file name>``; on
  GOV.UK that URL is on the assets host, here on this server).
- ``/<path>``: the HTML landing page with the same files as links.
- ``/media/<id>/<file name>`` (or ``<file_dir>/<file name>``, as Nomis serves its bulk files under
  ``/output/census/2021/``): the files, with ``ETag`` and conditional GET (304), as the assets host
  serves them.

``page_shape`` switches the content item to another shape (``"redesigned"``: no
``details.attachments``), to prove a redesign fails loudly. Every request is counted in ``hits``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

PAGE_PATH = "/government/statistical-data-sets/asylum-and-resettlement-datasets"
CONTENT_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".csv": "text/csv",
    ".zip": "application/zip",
}


@dataclass
class Publisher:
    """What the server publishes; change it between requests to simulate a new release."""

    base_url: str = ""
    files: dict[str, bytes] = field(default_factory=dict)  # file name -> bytes, in page order
    page_path: str = PAGE_PATH  # another GOV.UK page (MHCLG's live tables) or a Nomis-like HTML page
    title: str = "Asylum and resettlement datasets"
    page_shape: str = "govuk"
    # where files are served: GOV.UK's assets host puts them under /media/<id>/ (the default, "");
    # Nomis under a folder of its own ("/output/census/2021")
    file_dir: str = ""
    updated_at: str = "2024-02-29T09:30:00.000+00:00"
    hits: Counter[str] = field(default_factory=Counter)

    @property
    def page_url(self) -> str:
        return self.base_url + self.page_path

    @property
    def content_api_url(self) -> str:
        return self.base_url + "/api/content" + self.page_path

    def media_path(self, name: str) -> str:
        if self.file_dir:
            return f"{self.file_dir}/{name}"
        return f"/media/{hashlib.sha1(name.encode()).hexdigest()[:24]}/{name}"

    def attachments(self) -> list[dict]:
        out = []
        for i, (name, body) in enumerate(self.files.items()):
            suffix = name[name.rfind(".") :]
            out.append(
                {
                    "accessible": False,
                    "alternative_format_contact_email": "migrationstatsenquiries@homeoffice.gov.uk",
                    "attachment_type": "file",
                    "command_paper_number": "",
                    "content_type": CONTENT_TYPES.get(suffix, "application/octet-stream"),
                    "file_size": len(body),
                    "filename": name,
                    "hoc_paper_number": "",
                    "id": str(7_000_000 + i),
                    "isbn": "",
                    "title": f"{self.title} ({name})",
                    "unique_reference": "",
                    "unnumbered_command_paper": False,
                    "unnumbered_hoc_paper": False,
                    # GOV.UK points at its assets host; this server is both page and assets host
                    "url": self.base_url + self.media_path(name),
                }
            )
        return out

    def content_item(self) -> dict:
        item = {
            "analytics_identifier": None,
            "base_path": self.page_path,
            "content_id": "5d6a1ad6-7631-11e4-a3cb-005056011aef",
            "document_type": "statistical_data_set",
            "first_published_at": "2014-11-27T09:30:00.000+00:00",
            "locale": "en",
            "phase": "live",
            "public_updated_at": self.updated_at,
            "publishing_app": "whitehall",
            "schema_name": "statistical_data_set",
            "title": self.title,
            "description": f"{self.title}.",
            "details": {"attachments": self.attachments(), "body": '<div class="govspeak"></div>'},
            "links": {},
        }
        if self.page_shape == "redesigned":
            item["details"] = {
                "body": '<div class="govspeak"><p>Moved to the new statistics service.</p></div>'
            }
        return item

    def html(self) -> str:
        links = "".join(
            f'<li><a class="govuk-link" href="{escape(self.media_path(n))}">{escape(n)}</a></li>'
            for n in self.files
        )
        return f"<!DOCTYPE html><html><body><h1>{escape(self.title)}</h1><ul>{links}</ul></body></html>"


def _handler(publisher: Publisher) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _send(
            self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            publisher.hits[path] += 1
            if path == "/api/content" + publisher.page_path:
                self._send(
                    200, json.dumps(publisher.content_item()).encode(), "application/json; charset=utf-8"
                )
                return
            if path == publisher.page_path:
                self._send(200, publisher.html().encode(), "text/html; charset=utf-8")
                return
            for name, body in publisher.files.items():
                if path == publisher.media_path(name):
                    etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
                    if self.headers.get("If-None-Match") == etag:
                        self.send_response(304)
                        self.send_header("ETag", etag)
                        self.end_headers()
                        return
                    suffix = name[name.rfind(".") :]
                    self._send(
                        200, body, CONTENT_TYPES.get(suffix, "application/octet-stream"), {"ETag": etag}
                    )
                    return
            self._send(404, b"not found", "text/plain")

    return Handler


@contextmanager
def serve(publisher: Publisher | None = None) -> Iterator[Publisher]:
    """Serve ``publisher`` on 127.0.0.1 (a free port) for the duration of the block."""
    publisher = publisher or Publisher()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(publisher))
    publisher.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield publisher
    finally:
        server.shutdown()
        server.server_close()
