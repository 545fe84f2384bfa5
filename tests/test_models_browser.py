"""Static model explorers in headless Chromium with the book's real immunokit.js and .css.

Every explorer's static HTML goes on one temporary page served on 127.0.0.1. For each explorer the
test moves the slider (by setting it and with the arrow keys) and checks that exactly the matching
pre-computed frame is visible, that the slider's readout and accessible value text follow, and that
nothing went to another host or the console.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from immunokit.interactive import EXPLORERS, Explorer

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "immunokit" / "static"


@pytest.fixture(scope="module")
def explorers() -> dict[str, Explorer]:
    return {name: make() for name, make in EXPLORERS.items()}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, explorers: dict[str, Explorer]) -> Path:
    folder = tmp_path_factory.mktemp("explorersite")
    for name in ("immunokit.js", "immunokit.css"):
        (folder / name).symlink_to(STATIC / name)
    body = "".join(
        f'<h2 id="h-{name}">{html.escape(ex.title)}</h2>{ex.to_html()}' for name, ex in explorers.items()
    )
    (folder / "explorers.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>explorers</title>'
        '<link rel="stylesheet" href="immunokit.css"></head><body><main>'
        f'{body}<script src="immunokit.js"></script></main></body></html>',
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def page(new_page: Callable[..., Any], serve_dir: Callable[[Path], str], site: Path) -> Any:
    page = new_page()
    page.goto(serve_dir(site) + "/explorers.html")
    page.wait_for_selector('[data-ik="frames"][data-ik-ready="true"]')
    return page


def _visible_frames(root: Any) -> list[int]:
    return root.evaluate(
        "r => [...r.querySelectorAll('.ik-frame')].map((f, i) => f.hidden ? -1 : i).filter(i => i >= 0)"
    )


@pytest.mark.parametrize("name", list(EXPLORERS))
def test_slider_shows_the_matching_frame(page: Any, explorers: dict[str, Explorer], name: str) -> None:
    ex = explorers[name]
    root = page.locator(f'#h-{name} + div.ik-explorer section[data-ik="frames"]')
    slider = root.locator("input.ik-range")
    assert slider.is_visible()
    n = len(ex.frame_values)
    start = ex.start_frame()
    assert _visible_frames(root) == [start]
    for i in [0, n - 1, start]:
        slider.fill(str(i))
        assert _visible_frames(root) == [i]
        assert root.get_attribute("data-ik-current") == str(i)
        assert root.locator(".ik-frames-status").inner_text() == ex.frame_label(i)
        assert slider.get_attribute("aria-valuetext") == ex.frame_label(i)
        img = root.locator(".ik-frame").nth(i).locator("img")
        assert img.evaluate("i => i.complete && i.naturalWidth > 0")
    slider.fill("0")
    slider.focus()
    page.keyboard.press("ArrowRight")
    assert _visible_frames(root) == [1]
    assert page.ik_external == []
    assert page.ik_console_errors == []
