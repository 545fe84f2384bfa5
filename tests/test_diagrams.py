"""The mechanism diagrams and their drawing kit (no browser needed).

* every diagram and every step renders to SVG, fits the column, and has alt text and a caption that
  name its key actors;
* no two text labels overlap and none leaves the figure (text extents after drawing);
* building blocks are checked geometrically or with ``check_figures_equal`` (no stored images);
* the live stepper advances when its Next button is clicked.
"""

from __future__ import annotations

import contextlib
import math
import re
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib
import pytest
from matplotlib.figure import Figure as MplFigure
from matplotlib.testing.decorators import check_figures_equal

from immunokit import Figure, Stepper
from immunokit.diagrams import kit
from immunokit.diagrams.foundations import EXPRESSION
from immunokit.interactive import DIAGRAMS
from immunokit.markup import inline_html, plain_text
from immunokit.style import MAX_WIDTH_IN

matplotlib.use("Agg")

FIGURES = [name for name, entry in DIAGRAMS.items() if entry.returns == "Figure"]
STEPPERS = [name for name, entry in DIAGRAMS.items() if entry.returns == "Stepper"]

#: For each step of the course's steppers, words its own alt text or caption must contain (content
#: spot checks; a stepper added later is checked for distinct per-step alt text and its key terms).
STEP_TERMS: dict[str, list[list[str]]] = {
    "antibody_effectors": [
        ["rituximab", "CD20", "Fab", "Fc"],
        ["NK", "FcγRIIIa", "perforin", "granzyme"],
        ["C1q", "membrane attack complex"],
        ["macrophage", "Fcγ receptor", "engulf"],
    ],
    "adc_mechanism": [
        ["inotuzumab", "CD22", "calicheamicin"],
        ["inside", "vesicle"],
        ["lysosome", "calicheamicin"],
        ["DNA", "double-strand"],
    ],
    "bite_synapse": [
        ["CD19", "CD3ε", "no Fc"],
        ["HLA-independent", "synapse"],
        ["perforin", "granzyme"],
        ["IFN-γ", "cytokine release syndrome"],
    ],
    "car_t_workflow": [
        ["leukapheresis"],
        ["activated"],
        ["vector"],
        ["multiply"],
        ["release testing", "bridging"],
        ["fludarabine", "cyclophosphamide"],
        ["infusion", "60 days"],
        ["CRS", "ICANS"],
    ],
    "checkpoint_blockade": [
        ["CD28", "CD80/CD86", "HLA"],
        ["CTLA-4", "CD28"],
        ["ipilimumab", "CTLA-4"],
        ["PD-1", "PD-L1"],
        ["PD-1", "investigational"],
    ],
    "crs_cascade": [
        ["IFN-γ", "GM-CSF"],
        ["IL-6", "IL-1", "macrophages"],
        ["fever", "hypotension", "hypoxia"],
        ["tocilizumab", "receptor"],
        ["corticosteroids"],
    ],
}


_IMAGES = Path(tempfile.mkdtemp(prefix="immunokit-diagram-images-"))


def figures_equal(**options: Any) -> Callable[[Callable[..., None]], Any]:
    """``check_figures_equal``, writing its comparison images to a temporary folder, not the repository.

    (matplotlib fixes the folder, ``./result_images``, when it decorates the test.)
    """

    def decorate(func: Callable[..., None]) -> Any:
        with contextlib.chdir(_IMAGES):
            return check_figures_equal(**options)(func)

    return decorate


def all_figures() -> list[tuple[str, int, Callable[[], Figure]]]:
    """(diagram name, step index, figure maker) for every diagram and every step."""
    cases: list[tuple[str, int, Callable[[], Figure]]] = []
    for name in FIGURES:
        cases.append((name, 0, DIAGRAMS[name]))
    for name in STEPPERS:
        stepper = DIAGRAMS[name]()
        assert isinstance(stepper, Stepper)
        for i in range(len(stepper.labels)):
            cases.append((name, i, lambda s=stepper, i=i: s.draw(i)))
    return cases


CASES = all_figures()


def figure_text(fig: MplFigure) -> str:
    return " ".join(t.get_text().replace("\n", " ") for ax in fig.axes for t in ax.texts)


def test_every_registered_diagram_is_exported_and_returns_what_it_declares() -> None:
    import immunokit.diagrams

    assert len(DIAGRAMS) >= 10 and sorted(DIAGRAMS) == sorted(FIGURES + STEPPERS)
    assert set(immunokit.diagrams.__all__) == {"DIAGRAMS", *DIAGRAMS}
    for name, entry in DIAGRAMS.items():
        assert getattr(immunokit.diagrams, name) is entry.make
        assert entry.key_terms, f"{name}: register it with the key terms its figure must label"
        assert f"{name} " in (immunokit.diagrams.__doc__ or ""), f"{name} is missing from the generated table"
    for name in FIGURES:
        assert isinstance(DIAGRAMS[name](), Figure), name
    for name in STEPPERS:
        assert isinstance(DIAGRAMS[name](), Stepper), name


@pytest.mark.parametrize(("name", "step", "make"), CASES, ids=[f"{n}-{i}" for n, i, _ in CASES])
def test_every_diagram_and_step_renders_within_the_column_without_clashing_labels(
    name: str, step: int, make: Callable[[], Figure]
) -> None:
    figure = make()
    assert figure.fig.get_figwidth() <= MAX_WIDTH_IN
    assert kit.layout_problems(figure.fig) == []
    phone = getattr(figure, "phone_fig", None)  # a phone layout of its own: held to the same rules
    if phone is not None:
        assert kit.layout_problems(phone) == [], f"{name} step {step}, phone layout"
    svg = figure.svg
    root = ET.fromstring(svg)  # well-formed after compaction
    assert root.tag.endswith("svg")
    # labels stay text in the SVG (selectable, searchable, small)
    assert b"<text" in svg
    assert figure.alt.strip() and figure.caption.strip()
    assert len(figure.alt) > 60, "alt text should say what happens, not just name the diagram"
    assert "diagram" not in figure.alt.lower()[:20]


@pytest.mark.parametrize("name", sorted(DIAGRAMS))
def test_alt_text_and_captions_name_the_key_labels_drawn_in_the_figure(name: str) -> None:
    made = DIAGRAMS[name]()
    figures = [made] if isinstance(made, Figure) else [made.draw(i) for i in range(len(made.labels))]
    drawn = " ".join(figure_text(f.fig) for f in figures)
    described = " ".join(plain_text(f.alt) + " " + plain_text(f.caption) for f in figures)
    for word in DIAGRAMS[name].key_terms:
        assert word.lower() in drawn.lower(), f"{name}: {word!r} is not labelled in the figure"
        assert word.lower() in described.lower(), f"{name}: {word!r} is not in its alt text or caption"


@pytest.mark.parametrize("name", STEPPERS)
def test_each_step_describes_what_that_step_is_about(name: str) -> None:
    stepper = DIAGRAMS[name]()
    expected = STEP_TERMS.get(name, [[] for _ in stepper.labels])
    assert len(stepper.labels) == len(expected) >= 2
    alts = set()
    for i, terms in enumerate(expected):
        figure = stepper.draw(i)
        text = (figure.alt + " " + plain_text(figure.caption)).lower()
        for term in terms:
            assert term.lower() in text, f"{name} step {i}: {term!r} missing from its alt text and caption"
        alts.add(figure.alt)
    assert len(alts) == len(stepper.labels), "every step needs its own alt text"


def test_a_stepper_refuses_a_step_that_does_not_exist() -> None:
    stepper = DIAGRAMS["bite_synapse"]()
    with pytest.raises(IndexError, match=r"steps 0\.\.3; step 4 does not exist"):
        stepper.draw(4)


# ---------------------------------------------------------------------------------------------
# content spot checks (facts.md §1.2, §3, §7)
# ---------------------------------------------------------------------------------------------


def test_antigen_grid_follows_the_fact_sheet() -> None:
    assert EXPRESSION["plasma cell"]["CD19"] == "absent"
    assert EXPRESSION["plasma cell"]["CD20"] == "absent"
    assert EXPRESSION["pro-B cell"]["CD19"] == "surface"
    assert EXPRESSION["pro-B cell"]["CD20"] == "absent"
    assert EXPRESSION["pre-B cell"]["CD20"] == "surface"
    assert EXPRESSION["stem cell (HSC)"]["CD20"] == "absent"
    assert EXPRESSION["stem cell (HSC)"]["CD33"] == "low"
    assert EXPRESSION["myeloid progenitor"]["CD33"] == "surface"
    assert EXPRESSION["monocyte"]["CD33"] == "surface"
    for stage in ("stem cell (HSC)", "myeloid progenitor", "monocyte"):
        assert {EXPRESSION[stage][a] for a in ("CD19", "CD20", "CD22")} == {"absent"}


def test_tocilizumab_is_drawn_and_described_as_blocking_the_receptor_not_il6() -> None:
    step = DIAGRAMS["crs_cascade"]().draw(3)
    assert "tocilizumab blocks the IL-6 receptor" in figure_text(step.fig)
    assert "receptor" in step.caption and "not IL-6" in step.caption


def test_blinatumomab_is_described_without_an_fc_and_as_hla_independent() -> None:
    stepper = DIAGRAMS["bite_synapse"]()
    assert "no Fc" in stepper.draw(0).caption
    assert "HLA-independent" in stepper.draw(1).caption


# ---------------------------------------------------------------------------------------------
# the drawing kit
# ---------------------------------------------------------------------------------------------


def test_canvas_uses_inches_with_fixed_limits_and_refuses_a_too_wide_figure() -> None:
    _fig, ax = kit.canvas(7.2, 3.0)
    assert ax.get_xlim() == (0.0, 7.2) and ax.get_ylim() == (0.0, 3.0)
    assert ax.get_aspect() == 1.0
    with pytest.raises(ValueError, match=r"width must be in \(0, 7.2\] inches, got 8"):
        kit.canvas(8, 3)


def test_cell_points_lie_on_the_membrane_or_the_requested_distance_outside() -> None:
    _fig, ax = kit.canvas(4, 4)
    c = kit.cell(ax, (2.0, 2.0), 0.5, "#0072B2")
    for angle in (0, 45, 90, 180, 270):
        x, y = c.point(angle, 0.2)
        assert math.hypot(x - 2.0, y - 2.0) == pytest.approx(0.7)
    assert c.point(90) == pytest.approx((2.0, 2.5))


@pytest.mark.parametrize("angle", [0.0, 90.0, 135.0, 270.0])
def test_antibody_fc_points_away_from_the_antigen_along_the_given_angle(angle: float) -> None:
    _fig, ax = kit.canvas(4, 4)
    tip = (2.0, 2.0)
    pts = kit.antibody(ax, tip, angle, size=0.5)
    dx, dy = pts["fc_end"][0] - tip[0], pts["fc_end"][1] - tip[1]
    assert math.degrees(math.atan2(dy, dx)) % 360 == pytest.approx(angle % 360, abs=1e-6)
    d_hinge = math.dist(tip, pts["hinge"])
    assert 0 < d_hinge < math.dist(tip, pts["fc_end"])


def test_receptor_tip_is_beyond_the_stalk_by_the_head() -> None:
    _fig, ax = kit.canvas(4, 4)
    tip = kit.receptor(ax, (1.0, 1.0), 90, "#000000", length=0.3, head="round", head_size=0.05)
    assert tip == pytest.approx((1.0, 1.35))
    with pytest.raises(ValueError, match="receptor head must be"):
        kit.receptor(ax, (1.0, 1.0), 90, "#000000", head="star")  # type: ignore[arg-type]


def test_engager_puts_one_scfv_at_each_end_of_the_bridge() -> None:
    _fig, ax = kit.canvas(4, 4)
    c1, c2 = kit.engager(ax, (1.0, 2.0), (3.0, 2.0), size=0.1)
    assert c1[1] == pytest.approx(2.0) and c2[1] == pytest.approx(2.0)
    assert 1.0 < c1[0] < c2[0] < 3.0
    assert c1[0] - 1.0 == pytest.approx(3.0 - c2[0])


@pytest.mark.parametrize(
    ("costim", "expected"),
    [((), ["CD3ζ"]), (("CD28",), ["CD28", "CD3ζ"]), (("CD28", "4-1BB"), ["CD28", "4-1BB", "CD3ζ"])],
)
def test_car_domains_run_from_scfv_outside_to_cd3zeta_inside(
    costim: tuple[str, ...], expected: list[str]
) -> None:
    _fig, ax = kit.canvas(4, 4)
    domains = kit.car(ax, 2.0, 2.0, costim=costim)
    order = ["scFv", "hinge", "TM", *expected]
    assert list(domains) == ["hinge", "scFv", "TM", *expected]
    heights = [domains[name][1] for name in order]
    assert heights == sorted(heights, reverse=True), "domains must stack from outside (top) to inside"
    assert domains["TM"][1] == pytest.approx(2.0)
    labels = {t.get_text() for t in ax.texts}
    assert set(order) <= labels


def test_cytokine_clouds_are_deterministic_and_stay_within_their_spread() -> None:
    _fig, ax = kit.canvas(4, 4)
    first = kit.cytokines(ax, (2.0, 2.0), n=9, spread=0.3)
    second = kit.cytokines(ax, (2.0, 2.0), n=9, spread=0.3)
    assert first == second and len(first) == 9
    assert all(math.dist(p, (2.0, 2.0)) <= 0.3 for p in first)


@figures_equal(extensions=["png"])
def test_inhibition_arrow_is_a_line_with_a_perpendicular_bar(fig_test: MplFigure, fig_ref: MplFigure) -> None:
    for fig in (fig_test, fig_ref):
        fig.set_size_inches(3, 3)
    ax = fig_test.add_axes((0, 0, 1, 1), xlim=(0, 3), ylim=(0, 3))
    kit.inhibit(ax, (0.5, 1.5), (2.5, 1.5), bar=0.2, lw=2.0, color="#000000")
    ref = fig_ref.add_axes((0, 0, 1, 1), xlim=(0, 3), ylim=(0, 3))
    ref.plot([0.5, 2.5], [1.5, 1.5], color="#000000", lw=2.0, solid_capstyle="butt", zorder=kit.Z_ARROW)
    ref.plot([2.5, 2.5], [1.7, 1.3], color="#000000", lw=2.6, solid_capstyle="butt", zorder=kit.Z_ARROW)


@figures_equal(extensions=["png"], tol=0.05)
def test_antibody_is_mirror_symmetric_about_its_axis(fig_test: MplFigure, fig_ref: MplFigure) -> None:
    """Drawn upright on mirrored axes, the Y looks the same: its two Fab arms are mirror images."""
    for fig in (fig_test, fig_ref):
        fig.set_size_inches(2, 2)
    ax = fig_test.add_axes((0, 0, 1, 1), xlim=(-1, 1), ylim=(0, 2))
    kit.antibody(ax, (0.0, 1.5), 270, size=0.8)
    mirrored = fig_ref.add_axes((0, 0, 1, 1), xlim=(1, -1), ylim=(0, 2))
    kit.antibody(mirrored, (0.0, 1.5), 270, size=0.8)
    for axes in (ax, mirrored):
        axes.set_axis_off()


def test_labels_below_eight_points_are_refused() -> None:
    _fig, ax = kit.canvas(3, 3)
    with pytest.raises(ValueError, match=r"label 'tiny': font size 6 pt is below the minimum 8.0 pt"):
        kit.label(ax, (1, 1), "tiny", size=6)


def test_layout_check_reports_overlapping_and_escaping_labels() -> None:
    fig, ax = kit.canvas(3, 2)
    kit.label(ax, (1.5, 1.0), "first label")
    kit.label(ax, (1.55, 1.02), "second label")
    kit.label(ax, (2.95, 1.8), "falls off the edge", ha="left")
    problems = kit.layout_problems(fig)
    assert "labels 'first label' and 'second label' overlap" in problems
    assert "label 'falls off the edge' leaves the figure" in problems
    fig2, ax2 = kit.canvas(3, 2)
    kit.label(ax2, (0.8, 1.0), "apart")
    kit.label(ax2, (2.2, 1.0), "apart too")
    assert kit.layout_problems(fig2) == []


def test_compact_svg_keeps_the_drawing_and_the_text() -> None:
    figure = DIAGRAMS["car_t_workflow"]().draw(0)
    from immunokit.display import svg_bytes
    from immunokit.style import figure_style

    with figure_style():
        raw = svg_bytes(figure.fig)
    small = kit.compact_svg(raw)
    assert len(small) < 0.8 * len(raw)
    ns = "{http://www.w3.org/2000/svg}"
    raw_root, small_root = ET.fromstring(raw), ET.fromstring(small)
    texts = lambda root: sorted("".join(t.itertext()) for t in root.iter(f"{ns}text"))  # noqa: E731
    assert texts(small_root) == texts(raw_root)
    assert len(list(small_root.iter(f"{ns}path"))) == len(list(raw_root.iter(f"{ns}path")))
    assert b"clip-path" not in small and b"<metadata" not in small
    # styles are kept exactly: faint fills must not round away to nothing
    opacities = lambda svg: sorted(re.findall(rb"(?:fill-)?opacity: ([\d.]+)", svg))  # noqa: E731
    assert opacities(raw) and opacities(small) == opacities(raw)


def test_diagram_svg_keeps_text_as_text_whatever_the_callers_style() -> None:
    with matplotlib.rc_context({"svg.fonttype": "path"}):
        svg = DIAGRAMS["gvl_vs_gvhd"]().svg
    assert b">donor</text>" in svg


# ---------------------------------------------------------------------------------------------
# live and static renderings of a stepper
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", STEPPERS)
def test_live_stepper_next_and_previous_move_through_every_step(name: str) -> None:
    stepper = DIAGRAMS[name]()
    view = stepper.widget()
    n = len(stepper.labels)
    assert view.state.step == 0 and view.controls["prev"].disabled
    for i in range(1, n):
        state = view.click("next")
        assert state.step == i
        assert state.status == f"{stepper.labels[i]} ({i + 1} of {n})"
        assert f"<figcaption>{inline_html(stepper.draw(i).caption)}</figcaption>" in state.html
    assert view.controls["next"].disabled
    assert view.click("prev").step == n - 2


def test_static_stepper_has_one_accessible_frame_per_step() -> None:
    stepper = DIAGRAMS["adc_mechanism"]()
    page = stepper.to_html()
    assert page.count('class="ik-frame"') == len(stepper.labels)
    assert 'data-ik="frames"' in page and 'data-ik-action="next"' in page
    alts = re.findall(r'<img class="ik-img" src="data:image/svg\+xml;base64,[^"]+" alt="([^"]+)"', page)
    assert len(alts) == len(stepper.labels) and all(len(a) > 60 for a in alts)


@pytest.mark.parametrize("name", STEPPERS)
def test_static_stepper_stays_small_enough_for_a_chapter_page(name: str) -> None:
    """Each stepper's static HTML stays under 220 KB (a chapter page must stay under 1.5 MB).

    The limit was 150 KB before every frame carried its phone rendering (the same drawing cut into
    panels, issue 26 item 10), which about doubles a frame's bytes in the notebook's output. A reader
    fetches only one of the two: the built page holds them as files and its ``<picture>`` picks the
    phone one on narrow screens only (``tests/test_page_weight.py`` holds a desktop visit's transfer)."""
    size = len(DIAGRAMS[name]().to_html().encode("utf-8"))
    assert size < 220_000, f"{name}: {size} bytes"


@pytest.mark.parametrize(("name", "step", "make"), CASES, ids=[f"{n}-{i}" for n, i, _ in CASES])
def test_every_diagram_and_step_has_a_phone_rendering_narrow_enough_for_9px_text(
    name: str, step: int, make: Callable[[], Figure]
) -> None:
    """The phone rendering is the same drawing (cut into stacked panels, or laid out again narrower): at most
    kit.PHONE_PANEL_MAX_IN wide, so 8.5 pt text shows at 9 px or more on a 375 px phone; its text is the
    desktop drawing's text, word for word (a layout of its own may break a line elsewhere)."""
    figure = make()
    svg = figure.svg
    phone = figure.phone_svg
    assert phone is not None, f"{name} step {step}: no phone rendering"
    root = ET.fromstring(phone)
    width = float(root.get("viewBox", "0 0 0 0").split()[2])
    assert width <= kit.PHONE_PANEL_MAX_IN * 72 + 0.5, f"{name}: phone rendering {width / 72:.2f} in wide"
    sizes = [float(s) for s in re.findall(rb"font-size: ?([0-9.]+)px", phone)]
    assert sizes and min(sizes) * kit.PHONE_SHOWN_PX / width >= kit.PHONE_MIN_TEXT_PX - 1e-6
    words = lambda svg: sorted(b" ".join(re.findall(rb">([^<>]+)</text>", svg)).split())  # noqa: E731
    if isinstance(figure, kit.DiagramFigure) and figure.crops is not None and not figure.crops:
        assert words(phone) == words(svg)  # laid out again: each text once
    else:
        assert set(words(phone)) == set(words(svg))  # cut into panels: a text may show in two
