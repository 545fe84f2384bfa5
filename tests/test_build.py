"""The book builds with warnings as errors (once per test session; the browser tests reuse the build)."""

from __future__ import annotations

import pytest
from harness import BookBuild

pytestmark = pytest.mark.build


def test_book_builds_with_zero_warnings(book_build: BookBuild) -> None:
    assert book_build.returncode == 0, "\n".join(book_build.warnings) or book_build.log[-3000:]
    assert book_build.warnings == []
    assert (book_build.html / "book" / "intro.html").exists()


def test_book_ships_the_toolkit_script_once_per_page(book_build: BookBuild) -> None:
    page = (book_build.html / "book" / "intro.html").read_text(encoding="utf-8")
    assert page.count("_static/immunokit.js") == 1
    assert page.count("_static/immunokit.css") == 1
    assert (book_build.html / "_static" / "immunokit.js").exists()
