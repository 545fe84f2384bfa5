"""Shared fixtures: the built book, a local static server, and headless Chromium with a network guard.

Browser fixtures skip with a visible reason when Chromium is missing, except under ``CI=true``, where a
missing browser is a failure. Every page opened through :func:`new_page` aborts and records any request
to a host other than 127.0.0.1 (``page.ik_external``) and records console errors and uncaught page
errors (``page.ik_console_errors``).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Where the test session builds the book (the browser tests reuse it). ``make book`` uses the same folder,
#: so its execution cache makes the test build fast.
BUILD_ROOT = Path(os.environ.get("BOOK_BUILD_DIR", ROOT))
HTML_DIR = BUILD_ROOT / "_build" / "html"


def require(reason: str) -> None:
    """Skip with ``reason``, or fail under CI=true, where every layer is required."""
    if IN_CI:
        pytest.fail(f"required under CI=true: {reason}")
    pytest.skip(reason)


# ---------------------------------------------------------------------------------------------
# The built book
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BookBuild:
    """Result of one ``jupyter-book build . -W -n --keep-going`` in this test session."""

    returncode: int
    log: str
    html: Path

    @property
    def warnings(self) -> list[str]:
        """Sphinx's warnings and errors (``WARNING:``/``ERROR:``), not the kernels' own log lines."""
        return [line for line in self.log.splitlines() if "WARNING:" in line or "ERROR:" in line]


@functools.cache
def _build_book() -> BookBuild:
    if os.environ.get("BOOK_PREBUILT") == "1" and (HTML_DIR / "index.html").exists():
        return BookBuild(0, "reused prebuilt book (BOOK_PREBUILT=1)", HTML_DIR)
    from immunokit.buildcache import refresh

    refresh(BUILD_ROOT)  # a changed toolkit, bank or bibliography must re-execute the notebooks
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(ROOT), "-W", "-n", "--keep-going"]
    if BUILD_ROOT != ROOT:
        command += ["--path-output", str(BUILD_ROOT)]
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    return BookBuild(proc.returncode, proc.stdout + proc.stderr, HTML_DIR)


@pytest.fixture(scope="session")
def book_build() -> BookBuild:
    """The book built once per test session with warnings as errors (whatever the outcome)."""
    return _build_book()


@pytest.fixture(scope="session")
def built_book(book_build: BookBuild) -> Path:
    """Folder of the built HTML; fails (naming the warnings) when the strict build failed."""
    if book_build.returncode != 0:
        pytest.fail("the book did not build cleanly:\n" + "\n".join(book_build.warnings[-30:] or [book_build.log[-3000:]]))
    return book_build.html


# ---------------------------------------------------------------------------------------------
# A static server on 127.0.0.1
# ---------------------------------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


def _start_server(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="session")
def serve_dir() -> Iterator[Callable[[Path], str]]:
    """Factory: ``serve_dir(path)`` serves a folder on 127.0.0.1 (a free port) and returns its base URL."""
    servers: dict[Path, tuple[http.server.ThreadingHTTPServer, str]] = {}

    def serve(path: Path) -> str:
        path = Path(path).resolve()
        if path not in servers:
            servers[path] = _start_server(path)
        return servers[path][1]

    yield serve
    for server, _url in servers.values():
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def book_url(built_book: Path, serve_dir: Callable[[Path], str]) -> str:
    """Base URL of the built book served on 127.0.0.1."""
    return serve_dir(built_book)


# ---------------------------------------------------------------------------------------------
# Headless Chromium
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        require(f"Chromium not found at {CHROMIUM} (apt-get install chromium); browser tests skipped")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is in requirements.txt
        require("the playwright package is not installed; browser tests skipped")
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def _is_local(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in {"data", "blob", "about"}:
        return True
    return parsed.hostname == "127.0.0.1"


@pytest.fixture
def new_page(browser: object) -> Iterator[Callable[..., object]]:
    """Factory of guarded pages: external requests are aborted and listed, console errors collected."""
    contexts = []

    def make(**context_options: object) -> object:
        context = browser.new_context(**context_options)  # type: ignore[attr-defined]
        contexts.append(context)
        page = context.new_page()
        page.ik_external = []  # type: ignore[attr-defined]
        page.ik_console_errors = []  # type: ignore[attr-defined]

        def route(route: object) -> None:
            url = route.request.url  # type: ignore[attr-defined]
            if _is_local(url):
                route.continue_()  # type: ignore[attr-defined]
            else:
                page.ik_external.append(url)  # type: ignore[attr-defined]
                route.abort()  # type: ignore[attr-defined]

        context.route("**/*", route)
        page.on(
            "console",
            lambda msg: page.ik_console_errors.append(msg.text) if msg.type == "error" else None,  # type: ignore[attr-defined]
        )
        page.on("pageerror", lambda err: page.ik_console_errors.append(f"uncaught: {err}"))  # type: ignore[attr-defined]
        return page

    yield make
    for context in contexts:
        context.close()
