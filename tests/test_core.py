"""The toolkit core: inline markup, figures with alt text, frame viewers, the two renderings."""

from __future__ import annotations

import base64
import html

import matplotlib.pyplot as plt
import pytest

from immunokit import Figure, Frame, Interactive, Stepper, frames_html
from immunokit.markup import inline_html, plain_text
from immunokit.style import MAX_WIDTH_IN


def small_figure(caption: str = "A caption with *emphasis*.", width: float = 3.0) -> Figure:
    fig, ax = plt.subplots(figsize=(width, 2.0))
    ax.plot([0, 1], [0, 1], label="line")
    ax.set_xlabel("time (h)")
    return Figure(fig, alt="A straight line rising from 0 to 1 over one hour.", caption=caption)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("CD3ζ, a *continuous* infusion", "CD3ζ, a <em>continuous</em> infusion"),
        ("**not** approved", "<strong>not</strong> approved"),
        ("10^-4^ and t~1/2~", "10<sup>-4</sup> and t<sub>1/2</sub>"),
        ("`Css = R0 / CL`", "<code>Css = R0 / CL</code>"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ('"quoted" & <b>bold</b>', "&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;"),
        ("`*not emphasis*`", "<code>*not emphasis*</code>"),
        ("2 * 3 * 4", "2 * 3 * 4"),
    ],
)
def test_inline_markup_is_escaped_and_limited(source: str, expected: str) -> None:
    assert inline_html(source) == expected


def test_plain_text_drops_the_markup() -> None:
    assert plain_text("**CD19** × *CD3*, 10^-4^") == "CD19 × CD3, 10-4"


def test_figure_renders_an_accessible_svg_image_with_caption() -> None:
    out = small_figure().to_html()
    assert out.startswith('<figure class="ik-figure"><img class="ik-img" src="data:image/svg+xml;base64,')
    assert 'alt="A straight line rising from 0 to 1 over one hour."' in out
    assert "<figcaption>A caption with <em>emphasis</em>.</figcaption>" in out
    svg = base64.b64decode(out.split("base64,")[1].split('"')[0])
    assert b"<text" in svg and b"time (h)" in svg, "labels stay text in the SVG"


def test_figure_svg_is_identical_on_every_render() -> None:
    assert small_figure().svg == small_figure().svg


def test_figure_needs_alt_text_and_caption() -> None:
    fig, _ax = plt.subplots()
    with pytest.raises(ValueError, match="alt text"):
        Figure(fig, alt="  ", caption="x")
    with pytest.raises(ValueError, match="caption"):
        Figure(fig, alt="something shown", caption="")
    plt.close(fig)


def test_figure_wider_than_the_book_is_refused() -> None:
    with pytest.raises(ValueError, match=f"limit is {MAX_WIDTH_IN} in"):
        _ = small_figure(width=MAX_WIDTH_IN + 1).svg


def test_frames_html_shows_every_frame_without_script_and_hides_controls() -> None:
    frames = [Frame(small_figure(f"Step {i}."), f"Step {i + 1}") for i in range(3)]
    out = frames_html(frames, title="Three steps", control="buttons")
    assert out.count('<figure class="ik-frame"') == 3
    assert "hidden" not in out.split('<div class="ik-frames-stage"')[1].split("</div>")[0].split(">")[0]
    assert '<div class="ik-frames-controls" hidden>' in out
    assert 'data-ik="frames"' in out and 'aria-live="polite"' in out


def test_frames_html_slider_labels_the_range_and_starts_where_asked() -> None:
    frames = [Frame(small_figure(), label) for label in ("Kd = 1 nM", "Kd = 8 nM", "Kd = 64 nM")]
    out = frames_html(frames, title="Occupancy", control="slider", control_label="Kd (nM)", start=1)
    assert 'type="range"' in out and 'max="2"' in out and 'value="1"' in out
    assert 'aria-valuetext="Kd = 8 nM"' in out and ">Kd (nM)</label>" in out


@pytest.mark.parametrize("start", [-1, 3])
def test_frames_html_rejects_a_start_outside_the_frames(start: int) -> None:
    frames = [Frame(small_figure(), str(i)) for i in range(3)]
    with pytest.raises(ValueError, match=r"outside 0\.\.2"):
        frames_html(frames, title="t", control="buttons", start=start)


def test_stepper_gives_both_renderings_from_one_definition() -> None:
    labels = ["Bind", "Kill"]
    stepper = Stepper("Two steps", labels, lambda i: small_figure(f"Caption {i}."))
    assert isinstance(stepper, Interactive)
    bundle = stepper._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"].count('class="ik-frame"') == 2
    view = stepper.widget()
    assert view.state.status == "Bind (1 of 2)" and view.controls["prev"].disabled
    state = view.click("next")
    assert state.step == 1 and state.status == "Kill (2 of 2)" and view.controls["next"].disabled
    assert "Caption 1." in state.html
    assert view.click("prev").step == 0
    assert html.unescape("Caption 0.") in view.state.html
    assert "Two steps" in view.text() and "Bind (1 of 2)" in view.text()
    with pytest.raises(KeyError, match=r"no control 'play'; controls: \['next', 'prev'\]"):
        view.click("play")
