"""Shared constants and helpers of the test suite (imported by conftest.py and by test modules).

Tests import from here, never from ``conftest``: several conftest modules can exist in one session, and
``import conftest`` would pick whichever pytest loaded first.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() == "true"
# The browser's path and flags have one home, shared with `make pdf` and the benchmarks.
from immunokit_build.pdfbook import CHROMIUM as CHROMIUM  # noqa: E402
from immunokit_build.pdfbook import CHROMIUM_ARGS as CHROMIUM_ARGS  # noqa: E402
from immunokit_build.pdfbook import HEADLESS_CHROMIUM as HEADLESS_CHROMIUM  # noqa: E402

#: Where the test session builds the book (the browser tests reuse it). ``make book`` uses the same folder,
#: so its execution cache makes the test build fast.
BUILD_ROOT = Path(os.environ.get("BOOK_BUILD_DIR", ROOT))
HTML_DIR = BUILD_ROOT / "_build" / "html"


def require(reason: str) -> None:
    """Skip with ``reason``, or fail under CI=true, where every layer is required."""
    if IN_CI:
        pytest.fail(f"required under CI=true: {reason}")
    pytest.skip(reason)


@dataclass(frozen=True)
class BookBuild:
    """Result of one ``jupyter-book build . -W -n --keep-going`` in this test session."""

    returncode: int
    log: str
    html: Path

    @property
    def warnings(self) -> list[str]:
        """Sphinx's warnings and errors (``WARNING:``/``ERROR:``), not the kernels' own log lines."""
        return [
            line
            for line in self.log.splitlines()
            if ("WARNING:" in line or "ERROR:" in line) and not _KERNEL_LOG.match(line.strip())
        ]


#: A kernel's or its client's own Python log line (``ERROR:tornado.general:…``), not a Sphinx message.
_KERNEL_LOG = re.compile(r"^(?:ERROR|WARNING):(?:tornado|asyncio|traitlets|jupyter_client)[\w.]*:")


@functools.cache
def build_book() -> BookBuild:
    if os.environ.get("BOOK_PREBUILT") == "1" and (HTML_DIR / "index.html").exists():
        # `make test` builds strictly first (`make book`, which fails on any warning) and keeps its log:
        # the tests read that build rather than building a second time
        log = BUILD_ROOT / "_build" / "book-build.log"
        text = log.read_text(encoding="utf-8") if log.exists() else "reused prebuilt book (BOOK_PREBUILT=1)"
        return BookBuild(0, text, HTML_DIR)
    from immunokit_build.buildcache import execute_uncached, refresh

    refresh(BUILD_ROOT)  # a changed toolkit, bank or bibliography must re-execute the notebooks
    execute_uncached(BUILD_ROOT)  # as `make book` does: the notebooks the cache lacks, one per core
    command = [
        sys.executable,
        "-m",
        "immunokit_build.jupyter_book_cli",  # `jupyter-book`, as `make book` runs it
        "build",
        str(ROOT),
        "-W",
        "-n",
        "--keep-going",
    ]
    if BUILD_ROOT != ROOT:
        command += ["--path-output", str(BUILD_ROOT)]
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    return BookBuild(proc.returncode, proc.stdout + proc.stderr, HTML_DIR)


def component_page(folder: Path, name: str, body: str) -> Path:
    """Write ``folder/<name>.html``: ``body`` in a page with the book's real script and style (linked)."""
    for asset in ("immunokit.js", "immunokit.css"):
        if not (folder / asset).exists():
            (folder / asset).symlink_to(ROOT / "immunokit" / "static" / asset)
    page = folder / f"{name}.html"
    page.write_text(
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{name}</title>'
        '<link rel="stylesheet" href="immunokit.css"></head><body><main>'
        f'{body}<script src="immunokit.js"></script></main></body></html>',
        encoding="utf-8",
    )
    return page


def open_loaded(page: Any, url: str) -> Any:
    """Open ``url`` and wait for its load event and its web fonts: by then the course's and the theme's
    scripts have run (they start at DOMContentLoaded) and the layout is final. Not network idle, which
    costs half a second of quiet per page: ``tests/test_site_pages.py`` waits for it on every page of the
    book, which is where a late request to another host would be caught."""
    page.goto(url, wait_until="load")
    page.evaluate("() => document.fonts.ready.then(() => true)")
    return page


def is_local(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in {"data", "blob", "about"}:
        return True
    return parsed.hostname == "127.0.0.1"
