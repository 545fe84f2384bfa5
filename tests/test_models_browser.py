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
from harness import component_page

from immunokit.interactive import EXPLORERS, Explorer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def explorers() -> dict[str, Explorer]:
    return {name: make() for name, make in EXPLORERS.items()}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, explorers: dict[str, Explorer]) -> Path:
    folder = tmp_path_factory.mktemp("explorersite")
    body = "".join(
        f'<h2 id="h-{name}">{html.escape(ex.title)}</h2>{ex.to_html()}' for name, ex in explorers.items()
    )
    component_page(folder, "explorers", body)
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


@pytest.mark.parametrize("name", list(EXPLORERS))
def test_each_frame_caption_is_built_from_that_frames_values(
    page: Any, explorers: dict[str, Explorer], name: str
) -> None:
    """The caption under frame i is frame i's own: its label and the caption of its own spec."""
    from immunokit.markup import plain_text

    ex = explorers[name]
    root = page.locator(f'#h-{name} + div.ik-explorer section[data-ik="frames"]')
    captions = root.evaluate("r => [...r.querySelectorAll('.ik-frame figcaption')].map(c => c.textContent)")
    for i, caption in enumerate(captions):
        spec = ex.spec(**ex.frame_params(i))
        assert caption.startswith(ex.frame_label(i)), (name, i, caption)
        assert caption.endswith(plain_text(spec.caption)), (name, i, caption)


def test_trial_explorer_caption_states_the_frames_patient_numbers(
    page: Any, explorers: dict[str, Explorer]
) -> None:
    """The ch07 bug: every frame said "271 vs 134 patients" whatever the slider's sample size."""
    ex = explorers["trials"]
    root = page.locator('#h-trials + div.ik-explorer section[data-ik="frames"]')
    for i, n in enumerate(ex.frame_values):
        cohorts = ex.spec(**ex.frame_params(i)).extra["cohorts"]
        n_exp, n_ctl = (c.n for c in cohorts)
        assert n_exp + n_ctl == n
        caption = root.locator(".ik-frame").nth(i).locator("figcaption").text_content()
        assert f"{n_exp} vs {n_ctl} patients" in caption


def test_slider_announces_the_frames_outcome_once(page: Any) -> None:
    """After the slider rests, the live region says the new frame's alt text (not caption, not value)."""
    root = page.locator('#h-trials + div.ik-explorer section[data-ik="frames"]')
    page.evaluate(
        """r => { window.__said = []; const live = r.querySelector('.ik-live');
            new MutationObserver(() => { if (live.textContent) window.__said.push(live.textContent); })
              .observe(live, {childList: true, characterData: true, subtree: true}); }""",
        root.element_handle(),
    )
    slider = root.locator("input.ik-range")
    slider.fill("0")
    slider.focus()
    for _ in range(3):  # three quick steps: one announcement, of where the slider stopped
        page.keyboard.press("ArrowRight")
    page.wait_for_timeout(900)
    said = page.evaluate("window.__said")
    alt = root.locator(".ik-frame").nth(3).locator("img").get_attribute("alt")
    assert said == [alt], said
    # The visible readout is not a second live region.
    status = root.locator(".ik-frames-status")
    assert status.get_attribute("aria-hidden") == "true"
    assert status.evaluate("e => e.tagName") != "OUTPUT"
