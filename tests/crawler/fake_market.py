"""A loopback HTTP server that answers like a marketplace from canned pages.

Routes are keyed by path, plus ``#N`` for review-list pages (``?pageNumber=N``), so a test can
say "page 2 of the list is this file". Every request is recorded for assertions.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path("/work/shared/fixtures/amazon")
PAGES = Path(__file__).parent / "pages"


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


@dataclass
class SeenRequest:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


class FakeMarket:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[SeenRequest] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def add(
        self,
        key: str,
        body: bytes | str = b"",
        status: int = 200,
        delay_s: float = 0.0,
        **headers: str,
    ) -> None:
        data = body.encode() if isinstance(body, str) else body
        headers = {"Content-Type": "text/html; charset=utf-8"} | headers
        self.routes[key] = Route(data, status, headers, delay_s)

    def add_file(self, key: str, path: Path, status: int = 200) -> None:
        self.add(key, path.read_bytes(), status)

    def redirect(self, key: str, location: str, status: int = 302) -> None:
        self.add(key, b"", status, Location=location)

    def paths(self) -> list[str]:
        return [seen.path for seen in self.requests]

    def __enter__(self) -> FakeMarket:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        market = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                query = parse_qs(url.query)
                market.requests.append(SeenRequest(url.path, query, dict(self.headers.items())))
                key = url.path + (f"#{query['pageNumber'][0]}" if "pageNumber" in query else "")
                route = market.routes.get(key) or market.routes.get(url.path)
                route = route or Route(b"<html><title>Page Not Found</title></html>", 404)
                time.sleep(route.delay_s)
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(route.body)

            def do_HEAD(self) -> None:
                self.do_GET()

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler
