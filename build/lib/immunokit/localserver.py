"""The one static server of the course: a folder (the built book) served on 127.0.0.1, on a free port.

The PDF printer (:mod:`immunokit.pdfbook`), the benchmarks and the browser tests all read the built book
through it::

    with serve(html_dir) as base:          # base: "http://127.0.0.1:<port>"
        page.goto(f"{base}/book/ch04_bispecific_engagers.html")

    server = start(html_dir)               # long-lived (a test session): server.url, then server.stop()

``gzip=True`` compresses text files when the client accepts it, caches them for 10 minutes and keeps
connections alive, as a static host such as GitHub Pages does (the Lighthouse benchmark measures the
book so; ``python -m http.server`` sends everything uncompressed, which costs 10-35 points). Requests
are not logged.
"""

from __future__ import annotations

import functools
import gzip as gzip_module
import http.server
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["COMPRESSED", "LocalServer", "serve", "start"]

#: Suffixes of the files sent gzip-compressed by a ``gzip=True`` server.
COMPRESSED = frozenset({".html", ".js", ".css", ".svg", ".json", ".txt", ".xml", ".map", ".inv"})


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, no request log."""

    def log_message(self, format: str, *args: object) -> None:
        pass


class _GzipHandler(_QuietHandler):
    """Text types gzip-compressed when the client accepts it; cached for 10 minutes.

    HTTP/1.1 keeps connections alive, as a real host does (HTTP/1.0 would cost a new connection, and
    in Lighthouse's simulation a round trip, per file)."""

    protocol_version = "HTTP/1.1"

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.is_file() and path.suffix in COMPRESSED):
            return super().send_head()
        body = _gzipped(str(path), path.stat().st_mtime_ns)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)


@functools.lru_cache(maxsize=512)
def _gzipped(path: str, mtime_ns: int) -> bytes:
    return gzip_module.compress(Path(path).read_bytes(), 6)


@dataclass(frozen=True)
class LocalServer:
    """A running server: its base URL (no trailing slash) and how to stop it."""

    url: str
    server: http.server.ThreadingHTTPServer

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start(folder: Path, *, gzip: bool = False) -> LocalServer:
    """Serve ``folder`` on 127.0.0.1 (a free port) from a background thread until :meth:`LocalServer.stop`."""
    if not Path(folder).is_dir():
        raise FileNotFoundError(f"cannot serve {folder}: no such folder (build the book first?)")
    handler = functools.partial(_GzipHandler if gzip else _QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return LocalServer(f"http://127.0.0.1:{server.server_address[1]}", server)


@contextmanager
def serve(folder: Path, *, gzip: bool = False) -> Iterator[str]:
    """Serve ``folder`` for the duration of a ``with`` block; yields the base URL."""
    server = start(folder, gzip=gzip)
    try:
        yield server.url
    finally:
        server.stop()
