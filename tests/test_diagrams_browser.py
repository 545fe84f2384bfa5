"""Static step-through diagrams in headless Chromium with the book's real immunokit.js and .css.

Every stepper's static HTML is put on one temporary page, which loads the real script and style from
``immunokit/static/`` (symlinked), served on 127.0.0.1. The tests drive each stepper with its buttons
and with the arrow keys through every frame, and check the visible frame, its caption, the status
text, the images (the compacted SVGs must decode) and that nothing went to another host or the console.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from harness import component_page

from immunokit import Stepper
from immunokit.interactive import DIAGRAMS
from immunokit.markup import plain_text

pytestmark = pytest.mark.browser

STEPPERS = [name for name, entry in DIAGRAMS.items() if entry.returns == "Stepper"]


@pytest.fixture(scope="module")
def steppers() -> dict[str, Stepper]:
    return {name: DIAGRAMS[name]() for name in STEPPERS}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, steppers: dict[str, Stepper]) -> Path:
    """A folder with one page holding every stepper, linked to the real script and style."""
    folder = tmp_path_factory.mktemp("diagramsite")
    body = "".join(f'<h2 id="h-{name}">{name}</h2>{s.to_html()}' for name, s in steppers.items())
    component_page(folder, "steppers", body)
    return folder


@pytest.fixture
def page(new_page: Callable[..., Any], serve_dir: Callable[[Path], str], site: Path) -> Any:
    page = new_page()
    page.goto(serve_dir(site) + "/steppers.html")
    page.wait_for_selector('[data-ik="frames"][data-ik-ready="true"]')
    return page


def _root(page: Any, name: str) -> Any:
    return page.locator(f'#h-{name} + section[data-ik="frames"]')


def _state(root: Any) -> dict[str, Any]:
    return root.evaluate(
        """el => {
            const frames = [...el.querySelectorAll('.ik-frame')];
            const shown = frames.map((f, i) => f.hidden ? -1 : i).filter(i => i >= 0);
            const img = shown.length === 1 ? frames[shown[0]].querySelector('img') : null;
            return {
              shown,
              current: el.getAttribute('data-ik-current'),
              status: el.querySelector('.ik-frames-status').textContent,
              caption: shown.length === 1 ? frames[shown[0]].querySelector('figcaption').textContent : '',
              imageLoaded: !!img && img.complete && img.naturalWidth > 0,
              alt: img ? img.alt : '',
              prevDisabled: el.querySelector('[data-ik-action="prev"]').disabled,
              nextDisabled: el.querySelector('[data-ik-action="next"]').disabled,
              live: el.querySelector('.ik-live').textContent,
            };
        }"""
    )


def _assert_at(root: Any, stepper: Stepper, i: int) -> dict[str, Any]:
    n = len(stepper.labels)
    state = _state(root)
    figure = stepper.draw(i)
    assert state["shown"] == [i], f"{stepper.title}: expected only frame {i} visible, got {state['shown']}"
    assert state["current"] == str(i)
    assert state["status"] == f"{stepper.labels[i]} ({i + 1} of {n})"
    assert plain_text(figure.caption) in state["caption"]
    assert state["alt"] == plain_text(figure.alt)
    assert state["imageLoaded"], f"{stepper.title}: frame {i} image did not decode"
    assert state["prevDisabled"] == (i == 0)
    assert state["nextDisabled"] == (i == n - 1)
    return state


@pytest.mark.parametrize("name", STEPPERS)
def test_buttons_move_through_every_frame_and_captions_follow(
    page: Any, steppers: dict[str, Stepper], name: str
) -> None:
    stepper, root = steppers[name], _root(page, name)
    n = len(stepper.labels)
    _assert_at(root, stepper, 0)
    for i in range(1, n):
        root.locator('[data-ik-action="next"]').click()
        _assert_at(root, stepper, i)
    page.wait_for_function(
        "([el, text]) => el.querySelector('.ik-live').textContent.includes(text)",
        arg=[root.element_handle(), plain_text(stepper.draw(n - 1).caption)[:30]],
    )
    for i in range(n - 2, -1, -1):
        root.locator('[data-ik-action="prev"]').click()
        _assert_at(root, stepper, i)
    assert page.ik_console_errors == []
    assert page.ik_external == []


@pytest.mark.parametrize("name", STEPPERS)
def test_arrow_keys_move_through_every_frame(page: Any, steppers: dict[str, Stepper], name: str) -> None:
    stepper, root = steppers[name], _root(page, name)
    n = len(stepper.labels)
    root.locator('[data-ik-action="next"]').focus()
    for i in range(1, n):
        page.keyboard.press("ArrowRight")
        _assert_at(root, stepper, i)
    page.keyboard.press("ArrowRight")  # past the end: stays on the last frame
    root.locator('[data-ik-action="prev"]').focus()
    for i in range(n - 2, -1, -1):
        page.keyboard.press("ArrowLeft")
        _assert_at(root, stepper, i)
    assert page.ik_console_errors == []
    assert page.ik_external == []


def test_steppers_on_one_page_move_independently(page: Any, steppers: dict[str, Stepper]) -> None:
    first, second = STEPPERS[0], STEPPERS[1]
    _root(page, first).locator('[data-ik-action="next"]').click()
    _assert_at(_root(page, first), steppers[first], 1)
    _assert_at(_root(page, second), steppers[second], 0)
