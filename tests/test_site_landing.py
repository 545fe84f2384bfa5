"""The landing page in headless Chromium: loads cleanly, shows the notice, has no external request."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from harness import open_loaded

pytestmark = pytest.mark.browser


def test_landing_page_loads_cleanly_and_shows_the_notice(
    new_page: Callable[..., object], book_url: str
) -> None:
    page = new_page()
    open_loaded(page, f"{book_url}/book/intro.html")
    assert page.get_by_role("heading", level=1, name="Leukemia Immunotherapy").is_visible()
    notice = page.locator("article .admonition", has_text="not medical advice")
    assert notice.first.is_visible(), "the education-only notice is not visible on the landing page"
    assert page.ik_external == [], f"requests to other hosts: {page.ik_external}"
    assert page.ik_console_errors == [], f"console errors: {page.ik_console_errors}"
    missing_alt = page.eval_on_selector_all(
        "img", "els => els.filter(e => !(e.getAttribute('alt') || '').trim()).map(e => e.src)"
    )
    assert missing_alt == [], f"images without alt text: {missing_alt}"


def test_the_network_guard_names_an_external_url(
    new_page: Callable[..., object], serve_dir: Callable[[Path], str], tmp_path: Path
) -> None:
    """A page that requests another host makes the guard record that URL (so page tests can fail on it)."""
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><head><title>t</title>'
        '<script src="https://cdn.example.org/lib.js"></script></head><body><p>x</p></body></html>',
        encoding="utf-8",
    )
    page = new_page()
    page.goto(f"{serve_dir(tmp_path)}/index.html", wait_until="load")
    assert page.ik_external == ["https://cdn.example.org/lib.js"]
