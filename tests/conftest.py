"""Shared fixtures: the built book, a local static server, and headless Chromium with a network guard.

Browser fixtures skip with a visible reason when Chromium is missing, except under ``CI=true``, where a
missing browser is a failure. Every page opened through :func:`new_page` aborts and records any request
to a host other than 127.0.0.1 (``page.ik_external``) and records console errors and uncaught page
errors (``page.ik_console_errors``).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from harness import (  # noqa: F401
    CHROMIUM_ARGS,
    HEADLESS_CHROMIUM,
    IN_CI,
    ROOT,
    BookBuild,
    build_book,
    is_local,
    require,
)

from immunokit_build.localserver import LocalServer, start

#: The notebooks under fixtures/ are test *inputs* (hostile submissions for the grader): never run them.
collect_ignore_glob = ["fixtures/*"]


@pytest.fixture(scope="session")
def book_build() -> BookBuild:
    """The book built once per test session with warnings as errors (whatever the outcome)."""
    return build_book()


@pytest.fixture(scope="session")
def built_book(book_build: BookBuild) -> Path:
    """Folder of the built HTML; fails (naming the warnings) when the strict build failed."""
    if book_build.returncode != 0:
        pytest.fail(
            "the book did not build cleanly:\n"
            + "\n".join(book_build.warnings[-30:] or [book_build.log[-3000:]])
        )
    return book_build.html


# ---------------------------------------------------------------------------------------------
# A static server on 127.0.0.1
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def serve_dir() -> Iterator[Callable[[Path], str]]:
    """Factory: ``serve_dir(path)`` serves a folder on 127.0.0.1 (a free port) and returns its base URL."""
    servers: dict[Path, LocalServer] = {}

    def serve(path: Path) -> str:
        path = Path(path).resolve()
        if path not in servers:
            servers[path] = start(path)
        return servers[path].url

    yield serve
    for server in servers.values():
        server.stop()


@pytest.fixture(scope="session")
def book_url(built_book: Path, serve_dir: Callable[[Path], str]) -> str:
    """Base URL of the built book served on 127.0.0.1."""
    return serve_dir(built_book)


# ---------------------------------------------------------------------------------------------
# Headless Chromium
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (never a downloaded browser): its headless shell where
    installed (see :data:`immunokit_build.pdfbook.HEADLESS_CHROMIUM`)."""
    if not (Path(HEADLESS_CHROMIUM).exists() or shutil.which(HEADLESS_CHROMIUM)):
        require(
            f"Chromium not found at {HEADLESS_CHROMIUM} (apt-get install chromium-headless-shell); "
            "browser tests skipped"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is in requirements.txt
        require("the playwright package is not installed; browser tests skipped")
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=HEADLESS_CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


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
            if is_local(url):
                route.continue_()  # type: ignore[attr-defined]
            else:
                page.ik_external.append(url)  # type: ignore[attr-defined]
                route.abort()  # type: ignore[attr-defined]

        context.route("**/*", route)
        page.on(
            "console",
            lambda msg: page.ik_console_errors.append(msg.text) if msg.type == "error" else None,  # type: ignore[attr-defined]
        )
        page.ik_uncaught_stacks = []  # type: ignore[attr-defined]

        def uncaught(err: object) -> None:
            page.ik_console_errors.append(f"uncaught: {err}")  # type: ignore[attr-defined]
            page.ik_uncaught_stacks.append(getattr(err, "stack", "") or "")  # type: ignore[attr-defined]

        page.on("pageerror", uncaught)
        return page

    yield make
    for context in contexts:
        context.close()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Files with a slow test first. pytest-xdist (``--dist loadfile``) hands out whole files in collection
    order; a file of several minutes started last keeps one process busy while the other has finished."""
    slow = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow)  # stable: otherwise the usual order
