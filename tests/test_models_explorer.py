"""Explorers: one definition, two renderings — static frames equal recomputation; live sliders re-solve;
in headless Chromium, the static explorers with the book's real immunokit.js and .css.

Each explorer's static HTML is rendered once for this file (:func:`_rendered`; every frame is a model
solve and a drawing) and read by the Python tests and by the browser page alike. The browser tests put
every explorer on one temporary page served on 127.0.0.1, move each slider (by setting it and with the
arrow keys) and check that exactly the matching pre-computed frame is visible, that the slider's readout
and accessible value text follow, and that nothing went to another host or the console.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from harness import component_page

import immunokit.models as models
from immunokit.interactive import EXPLORERS, MAX_FRAMES, Control, Explorer, PlotSpec, render
from immunokit.interactive.plotspec import Panel, Series, log_tick_label, power_of_ten

IMG_SRC = re.compile(r'<img class="ik-img" src="(data:image/svg\+xml;base64,[^"]+)"')


@cache
def _rendered(name: str) -> tuple[Explorer, str]:
    """The explorer ``name`` and its static HTML, made once for every test of this file."""
    ex = EXPLORERS[name]()
    return ex, ex.to_html()


@pytest.fixture(scope="module", params=list(EXPLORERS))
def explorer_and_html(request: pytest.FixtureRequest) -> tuple[Explorer, str]:
    return _rendered(request.param)


def test_every_model_module_registers_its_explorer_and_has_the_fixed_interface() -> None:
    assert "response_ci" in EXPLORERS  # registered outside models/ (immunokit.evidence)
    for name in models.MODULES:
        module: ModuleType = getattr(models, name)
        assert EXPLORERS[name].make is module.explorer, f"{name}.explorer is not registered"
        assert name in models.__all__, f"{name} is not a public name of immunokit.models"
        assert any(name.startswith("plot_") for name in module.__all__), module.__name__
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.{name} is in __all__ but missing"


def test_static_html_is_a_slider_frame_viewer(explorer_and_html: tuple[Explorer, str]) -> None:
    ex, page = explorer_and_html
    assert 1 <= len(ex.frame_values) <= MAX_FRAMES
    assert 'data-ik="frames"' in page and 'data-ik-control="slider"' in page
    assert page.count('<figure class="ik-frame"') == len(ex.frame_values)
    assert len(IMG_SRC.findall(page)) == len(ex.frame_values)
    label = html.escape(ex.control(ex.frame_control).label)
    assert f">{label}</label>" in page
    # The frame values are embedded for anyone (or any test) who wants to recompute a frame.
    payload = json.loads(html.unescape(re.search(r'data-ik-explorer="([^"]+)"', page).group(1)))
    assert payload["control"] == ex.frame_control
    assert payload["values"] == list(ex.frame_values)
    for i in range(len(ex.frame_values)):
        assert f'data-ik-label="{html.escape(ex.frame_label(i), quote=True)}"' in page
    # Every frame shows something different.
    assert len(set(IMG_SRC.findall(page))) == len(ex.frame_values)


def test_static_frames_equal_recomputation(explorer_and_html: tuple[Explorer, str]) -> None:
    ex, page = explorer_and_html
    embedded = IMG_SRC.findall(page)
    for i in (0, len(ex.frame_values) - 1):
        spec = ex.spec(**ex.frame_params(i))  # the same model function, called afresh
        recomputed = IMG_SRC.search(render(spec).img_html()).group(1)
        assert recomputed == embedded[i], f"frame {i} of {ex.title!r} differs from a fresh solve"


def test_frame_captions_and_alt_text_come_from_the_model(explorer_and_html: tuple[Explorer, str]) -> None:
    ex, page = explorer_and_html
    spec = ex.spec(**ex.frame_params(0))
    assert html.escape(spec.alt, quote=True) in page
    caption = spec.caption.lower()
    if ex.title.startswith("Receptor occupancy") or "exact (clopper–pearson)" in caption:
        return  # a closed form or an exact interval, not a simulation
    assert any(word in caption for word in ("simulated", "illustrative", "qualitative")), (
        f"the caption of {ex.title!r} must say whether it is simulated, illustrative or qualitative"
    )


def test_live_slider_resolves_the_model(explorer_and_html: tuple[Explorer, str]) -> None:
    ex, _page = explorer_and_html
    view = ex.widget()
    first_view = view.state.html
    assert first_view.startswith('<figure class="ik-figure">')
    slider = view.controls[ex.frame_control]
    new_value = ex.frame_values[0] if slider.value != ex.frame_values[0] else ex.frame_values[-1]
    state = view.set(ex.frame_control, new_value)
    assert state.html != first_view and state.values[ex.frame_control] == slider.value
    expected = ex.spec(**ex.params(**{ex.frame_control: slider.value}))
    assert state.spec is not None
    assert state.spec.alt == expected.alt
    assert state.spec.caption == expected.caption
    # Another slider also triggers a re-solve, on the same kept figure.
    other = next(c for c in ex.controls if c.name != ex.frame_control) if len(ex.controls) > 1 else None
    if other is not None:
        assert view.figure is not None
        rebuilds = view.figure.rebuilds
        before = state.html
        s = view.controls[other.name]
        assert view.set(other.name, s.max if s.value != s.max else s.min).html != before
        assert view.figure.rebuilds == rebuilds
    view.close()


def test_mimebundle_has_widget_and_static_html() -> None:
    ex, page = _rendered("occupancy")
    bundle = ex._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"] == page


def test_explorer_refuses_bad_definitions() -> None:
    spec = models.occupancy.occupancy_spec
    kd = Control("kd_nm", "Kd (nM)", 8.0, 0.1, 100.0)
    with pytest.raises(ValueError, match="frame_control 'x'"):
        Explorer(title="t", controls=[kd], spec=spec, frame_control="x", frame_values=[1.0])
    with pytest.raises(ValueError, match="1 to 9 frame values"):
        Explorer(title="t", controls=[kd], spec=spec, frame_control="kd_nm", frame_values=list(range(1, 11)))
    with pytest.raises(ValueError, match="outside the range"):
        Explorer(title="t", controls=[kd], spec=spec, frame_control="kd_nm", frame_values=[1000.0])
    with pytest.raises(ValueError, match="value 200"):
        Control("kd_nm", "Kd (nM)", 200.0, 0.1, 100.0)
    with pytest.raises(KeyError, match="no control 'nope'"):
        models.occupancy.explorer().params(nope=1.0)


def test_live_shows_a_model_error_instead_of_raising() -> None:
    def spec(x: float) -> PlotSpec:
        if x > 5:
            raise ValueError(f"x must be ≤ 5, got {x}")
        return PlotSpec([Panel([Series([0, 1], [0, x])], "x (a.u.)", "y (a.u.)")], alt="a line", caption="c")

    ex = Explorer(
        title="t",
        controls=[Control("x", "x", 1.0, 0.0, 10.0)],
        spec=spec,
        frame_control="x",
        frame_values=[1.0, 2.0],
    )
    view = ex.widget()
    shown = view.state.html
    state = view.set("x", 8.0)
    assert state.html == shown
    assert state.status == "x must be ≤ 5, got 8.0"
    assert view.set("x", 2.0).status == ""


def test_log_tick_labels_are_plain_text() -> None:
    assert [log_tick_label(v) for v in (0.01, 1.0, 1000.0, 1e5, 1e-4, 3.0)] == [
        "0.01",
        "1",
        "1,000",
        "10⁵",
        "10⁻⁴",
        "",
    ]


def test_powers_of_ten_read_as_numbers() -> None:
    assert [power_of_ten(v) for v in (1e-5, 3e8, 1e11, 2.4e6, 9.96e4, 0.0)] == [
        "10⁻⁵",
        "3×10⁸",
        "10¹¹",
        "2.4×10⁶",
        "10⁵",
        "0",
    ]
    assert (
        Control("f", "fraction", 1e-5, 1e-9, 0.1, scale="log", fmt="{p10} cells").format(1e-5) == "10⁻⁵ cells"
    )


def test_live_updates_with_fixed_axes_only_redraw_the_lines() -> None:
    ex = models.blinatumomab.explorer()
    view = ex.widget()
    for value in (1.5, 3.0, 4.5):
        state = view.set("clearance_l_per_h", value)
    assert view.figure is not None
    assert view.figure.full_redraws == 1  # the axes were drawn once; updates blitted the lines and labels
    assert state.spec is not None
    label = state.spec.panels[0].series[2].label or ""
    params = models.blinatumomab.BlinatumomabParams(4.5)
    assert f"{models.blinatumomab.time_to_fraction_h(0.9, params):.1f} h" in label


# ---- in the browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def explorers() -> dict[str, Explorer]:
    return {name: _rendered(name)[0] for name in EXPLORERS}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, explorers: dict[str, Explorer]) -> Path:
    folder = tmp_path_factory.mktemp("explorersite")
    body = "".join(
        f'<h2 id="h-{name}">{html.escape(ex.title)}</h2>{_rendered(name)[1]}'
        for name, ex in explorers.items()
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


@pytest.mark.browser
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


@pytest.mark.browser
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


@pytest.mark.browser
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


@pytest.mark.browser
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
