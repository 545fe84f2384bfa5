"""The drawing kit: small building blocks every mechanism diagram is made of.

Each block is a small, gallery-style function (after matplotlib's ``anatomy.py`` example) that draws
one thing on an :class:`~matplotlib.axes.Axes` with the object-oriented API and an explicit
``zorder``, and returns the points a caller needs to attach the next thing (where a Fab arm ends,
where a receptor's head is). Coordinates are **inches** on a canvas made by :func:`canvas`, whose
axes fill the figure with fixed limits and equal aspect, so a length of 0.5 is half an inch on the
page at 100 % zoom and blocks keep their shape in every diagram.

Colour never carries meaning alone: every coloured actor is also labelled in text (the tests check
that labels do not overlap and stay inside the figure, see :func:`layout_problems`).

Z-order bands (low to high): ``Z_BACK`` highlights and zones, ``Z_CELL`` cell bodies,
``Z_MEMBRANE`` membranes and molecules in them, ``Z_MOLECULE`` antibodies, engagers and particles,
``Z_ARROW`` arrows, ``Z_TEXT`` labels.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure as MplFigure
from matplotlib.patches import Circle, Ellipse, FancyArrowPatch, FancyBboxPatch, Polygon, Rectangle
from matplotlib.text import Text

from ..display import Figure, svg_bytes
from ..interactive.stepper import Stepper
from ..style import FONT_SIZE, MAX_WIDTH_IN, OKABE_ITO, SMALL_FONT_SIZE, figure_style

Point = tuple[float, float]
#: A matplotlib colour: a hex string or an RGBA tuple (as made by :func:`tint`).
Color = str | tuple[float, float, float, float]

__all__ = [
    "COLORS",
    "LABEL_SIZE",
    "MIN_FONT_SIZE",
    "PHONE_PANEL_IN",
    "SMALL_SIZE",
    "TITLE_SIZE",
    "Z_ARROW",
    "Z_BACK",
    "Z_CELL",
    "Z_MEMBRANE",
    "Z_MOLECULE",
    "Z_TEXT",
    "Cell",
    "Crop",
    "DiagramFigure",
    "Step",
    "annotate",
    "antibody",
    "arrow",
    "block_mark",
    "callout_box",
    "canvas",
    "car",
    "cell",
    "compact_svg",
    "cropped_svg",
    "cytokines",
    "engager",
    "finish",
    "highlight",
    "inhibit",
    "label",
    "layout_problems",
    "ligand",
    "membrane_band",
    "phone_crops",
    "receptor",
    "scfv",
    "stepper",
    "tint",
]

#: Smallest font size any diagram label may use, in points.
MIN_FONT_SIZE: Final[float] = 8.0
#: Font sizes of diagram text, in points.
LABEL_SIZE: Final[float] = FONT_SIZE - 0.5
SMALL_SIZE: Final[float] = SMALL_FONT_SIZE
TITLE_SIZE: Final[float] = FONT_SIZE + 0.5

#: Roles of the diagrams mapped onto the one Okabe–Ito palette (``immunokit.style``).
COLORS: Final[dict[str, str]] = {
    "tcell": OKABE_ITO["blue"],
    "leukemia": OKABE_ITO["vermillion"],
    "nk": OKABE_ITO["bluish_green"],
    "macrophage": OKABE_ITO["orange"],
    "antibody": OKABE_ITO["reddish_purple"],
    "fc": "#6E6E6E",
    "engager": OKABE_ITO["reddish_purple"],
    "antigen": OKABE_ITO["vermillion"],
    "receptor": OKABE_ITO["blue"],
    "cytokine": OKABE_ITO["orange"],
    "complement": OKABE_ITO["bluish_green"],
    "payload": OKABE_ITO["vermillion"],
    "drug": OKABE_ITO["reddish_purple"],
    "highlight": OKABE_ITO["yellow"],
    "sky": OKABE_ITO["sky_blue"],
    "ink": "#1A1A1A",
    "muted": "#9A9A9A",
    "tissue": "#EFEAE2",
}

Z_BACK: Final[float] = 0.0
Z_CELL: Final[float] = 1.0
Z_MEMBRANE: Final[float] = 2.0
Z_MOLECULE: Final[float] = 3.0
Z_ARROW: Final[float] = 4.0
Z_TEXT: Final[float] = 5.0


def _unit(angle_deg: float) -> Point:
    rad = math.radians(angle_deg)
    return (math.cos(rad), math.sin(rad))


def _along(start: Point, angle_deg: float, distance: float) -> Point:
    ux, uy = _unit(angle_deg)
    return (start[0] + ux * distance, start[1] + uy * distance)


def tint(color: Color, alpha: float = 0.18) -> tuple[float, float, float, float]:
    """A light, opaque fill made by mixing ``color`` with white (``alpha`` = share of the colour)."""
    r, g, b, _ = to_rgba(color)
    return (1 - alpha + alpha * r, 1 - alpha + alpha * g, 1 - alpha + alpha * b, 1.0)


# ---------------------------------------------------------------------------------------------
# canvas and output
# ---------------------------------------------------------------------------------------------


@dataclass
class DiagramFigure(Figure):
    """A :class:`immunokit.Figure` whose SVG is always written in the book's style, with a phone rendering.

    The book's style keeps text as text in SVG (smaller files, selectable labels) and makes ids
    deterministic; a diagram applies it when it renders, whatever the caller's settings are. The phone
    rendering (:attr:`phone_svg`) is :attr:`phone_fig` when given (the same drawing function laid out
    again on a canvas at most :data:`PHONE_PANEL_MAX_IN` wide), else the same drawing cut into panels no
    wider than :data:`PHONE_PANEL_IN` and stacked (:func:`phone_crops`, :func:`cropped_svg`): ``crops``
    when given (a stepper passes the cuts that suit every one of its steps), else the cuts that suit this
    figure; ``keep_left`` inches on the left (row headings) are repeated in every panel.
    """

    crops: tuple[Crop, ...] | None = field(default=None, repr=False)
    keep_left: float = field(default=0.0, repr=False)
    #: The phone layout (drawn, not yet rendered: tests check its labels as they check :attr:`fig`'s).
    phone_fig: MplFigure | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.phone_fig is not None and self.phone_fig.get_figwidth() > PHONE_PANEL_MAX_IN + 1e-9:
            raise ValueError(f"a phone layout is at most {PHONE_PANEL_MAX_IN:.2f} in wide")

    @property
    def svg(self) -> bytes:
        if self._svg is None:
            with figure_style():
                self._svg = compact_svg(svg_bytes(self.fig))
                if self.phone_fig is not None and self.phone_svg is None:
                    self.phone_svg = compact_svg(svg_bytes(self.phone_fig), fonts_once=True)
            if self.phone_fig is not None:
                plt.close(self.phone_fig)
            elif self.phone_svg is None:
                crops = self.crops if self.crops is not None else phone_crops([self.fig], self.keep_left)
                if crops:
                    self.phone_svg = cropped_svg(self._svg, crops, self.fig.get_figheight())
            plt.close(self.fig)
        return self._svg


# ---------------------------------------------------------------------------------------------
# phone renderings: the same drawing, cut into narrow panels
# ---------------------------------------------------------------------------------------------

#: Widest panel of a diagram's phone rendering, in inches. A 375 px phone shows a figure about 300 CSS
#: px wide: a 3.6 in (259 pt) panel is then shown at 1.15×, so an 8 pt label is 9.2 px on screen.
PHONE_PANEL_IN: Final[float] = 3.6
#: How wide a 375 px phone shows a figure (the text column, CSS px; measured 299) and the smallest text
#: size a reader should meet there (CSS px).
PHONE_SHOWN_PX: Final[float] = 296.0
PHONE_MIN_TEXT_PX: Final[float] = 9.0
#: Widest phone panel at all: 8.5 pt text, the diagrams' smallest but one size, at 9 px.
PHONE_PANEL_MAX_IN: Final[float] = 8.5 * PHONE_SHOWN_PX / (PHONE_MIN_TEXT_PX * 72)
#: Space between two panels of a phone rendering, in inches.
_PANEL_GAP = 0.16
#: Where a cut may fall: on this grid (inches).
_CUT_STEP = 0.05

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in inches, y up


@dataclass(frozen=True)
class Crop:
    """One panel of a phone rendering: stretches of the drawing (x ranges, inches) placed side by side
    (a repeated left column, then a part of the drawing), all over one y range (inches, y up)."""

    spans: tuple[tuple[float, float], ...]
    y0: float
    y1: float

    @property
    def width(self) -> float:
        return sum(b - a for a, b in self.spans)


def _boxes(fig: MplFigure) -> tuple[list[Box], list[Box]]:
    """The boxes of every text (with its plate) and of everything else drawn, in inches."""
    if fig.canvas is None or not hasattr(fig.canvas, "get_renderer"):
        FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    dpi = fig.dpi
    texts: list[Box] = []
    ink: list[Box] = []
    for ax in fig.axes:
        for artist in ax.get_children():
            if not artist.get_visible() or artist is ax.patch or artist in ax.spines.values():
                continue
            if isinstance(artist, Text):
                if not artist.get_text().strip():
                    continue
                box = Text.get_window_extent(artist, renderer)
                patch = artist.get_bbox_patch()
                if patch is not None:
                    box = box.union([box, patch.get_window_extent(renderer)])
                texts.append((box.x0 / dpi, box.y0 / dpi, box.x1 / dpi, box.y1 / dpi))
            try:
                box = artist.get_window_extent(renderer)
            except (AttributeError, NotImplementedError, TypeError):  # pragma: no cover - artists without one
                continue
            if box.width > 0 or box.height > 0:
                ink.append((box.x0 / dpi, box.y0 / dpi, box.x1 / dpi, box.y1 / dpi))
    return texts, ink


def phone_crops(
    figs: Sequence[MplFigure], keep_left: float = 0.0, *, max_width: float | None = None
) -> tuple[Crop, ...] | None:
    """Cut the drawing of ``figs`` (one figure, or every step of a stepper: one cut for all) into as few
    vertical stretches as fit ``max_width`` each (after a repeated ``keep_left`` column).

    ``max_width`` defaults to the widest panel whose smallest text still shows at 9 px on a 375 px phone
    (:data:`PHONE_SHOWN_PX` wide), at most :data:`PHONE_PANEL_IN` for 8 pt. A cut never runs through a
    text; among the cuts that fit, the ones crossing the fewest drawn shapes win, with even panels and no
    panel without a label preferred. Each
    panel keeps only the height its contents use. None when the figure is already narrow enough, or no
    cut avoids every text.
    """
    width, height = figs[0].get_size_inches()
    texts: list[Box] = []
    ink: list[Box] = []
    smallest = MIN_FONT_SIZE
    for fig in figs:
        fig_texts, fig_ink = _boxes(fig)
        texts += fig_texts
        ink += fig_ink + fig_texts
        sizes = [float(x.get_fontsize()) for x in _texts(fig) if x.get_visible() and x.get_text().strip()]
        smallest = min(sizes, default=smallest) if fig is figs[0] else min([smallest, *sizes])
    if max_width is None:
        max_width = max(PHONE_PANEL_IN, smallest * PHONE_SHOWN_PX / (PHONE_MIN_TEXT_PX * 72))
    if width <= max_width + 1e-9:
        return None
    room = max_width - keep_left
    start = keep_left
    cuts = [
        round(start + k * _CUT_STEP, 3)
        for k in range(1, int((width - start) / _CUT_STEP))
        if not any(x0 < start + k * _CUT_STEP < x1 for x0, _y0, x1, _y1 in texts)
    ]
    points = [start, *cuts, width]
    crossed = [0, *(sum(1 for x0, _y0, x1, _y1 in ink if x0 < c < x1) for c in cuts), 0]
    # Fewest panels first; then, by dynamic programming over the cut points, the fewest shapes cut
    # (and a small preference for even panels).
    # A panel without a label is a sliver of a shape: it costs like three shapes cut.
    labelled = {
        (i, j): any(points[i] <= x0 and x1 <= points[j] for x0, _y0, x1, _y1 in texts)
        for j in range(len(points))
        for i in range(j)
        if points[j] - points[i] <= room + 1e-9
    }
    for n in range(2, 7):
        inf: tuple[float, tuple[int, ...]] = (float("inf"), ())
        best: list[tuple[float, tuple[int, ...]]] = [(0.0, (0,))] + [inf] * (len(points) - 1)
        for _ in range(n):
            nxt: list[tuple[float, tuple[int, ...]]] = [inf] * len(points)
            for j in range(1, len(points)):
                for i in range(j):
                    if best[i][0] == float("inf") or points[j] - points[i] > room + 1e-9:
                        continue
                    width_ij = points[j] - points[i]
                    cost = best[i][0] + crossed[j] + 0.4 * width_ij**2 + (0 if labelled[i, j] else 3)
                    if cost < nxt[j][0]:
                        nxt[j] = (cost, (*best[i][1], j))
            best = nxt
        if best[-1][0] == float("inf"):
            continue
        edges = [points[k] for k in best[-1][1]]
        out = []
        for a, b in itertools.pairwise(edges):
            if not any(a <= x0 and x1 <= b for x0, _y0, x1, _y1 in ink):
                continue  # nothing drawn lies inside it (only edges of shapes the cut crosses): leave it out
            spans = ((0.0, keep_left), (a, b)) if keep_left > 0 else ((a, b),)
            used = [
                (y0, y1)
                for x0, y0, x1, y1 in ink
                if any(x0 < hi and x1 > lo for lo, hi in spans) and y1 > 0 and y0 < height
            ]
            y0 = max(0.0, min(u[0] for u in used) - 0.04) if used else 0.0
            y1 = min(height, max(u[1] for u in used) + 0.04) if used else height
            out.append(Crop(spans, round(y0, 3), round(y1, 3)))
        return tuple(out)
    return None


_SVG_OPEN = re.compile(rb"<svg\b[^>]*>")


def cropped_svg(svg: bytes, crops: Sequence[Crop], height_in: float) -> bytes:
    """The phone rendering of a diagram's SVG: its drawing defined once and shown through one window per
    panel of ``crops`` (nested ``<svg>`` viewports clip, ``<use>`` repeats), panels stacked top to bottom
    with a thin rule between them. Text stays text at the same size; only the figure is narrower."""
    opened = _SVG_OPEN.search(svg)
    close = svg.rfind(b"</svg>")
    if opened is None or close < 0:
        raise ValueError("not an SVG document")
    head, inner = svg[: opened.start()], svg[opened.end() : close]
    pt = 72.0
    width = max(c.width for c in crops) * pt
    parts: list[bytes] = []
    y = 0.0
    for k, crop in enumerate(crops):
        h = (crop.y1 - crop.y0) * pt
        if k:
            rule = y - _PANEL_GAP * pt / 2
            parts.append(
                f'<path d="M 0 {rule:.1f} H {width:.1f}" style="stroke: #c8c8c8; stroke-width: 0.8"/>'.encode()
            )
        x = 0.0
        top = (height_in - crop.y1) * pt  # SVG y runs down from the top
        for a, b in crop.spans:
            w = (b - a) * pt
            parts.append(
                f'<svg x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" '
                f'viewBox="{a * pt:.1f} {top:.1f} {w:.1f} {h:.1f}"><use xlink:href="#ik-drawing"/></svg>'.encode()
            )
            x += w
        y += h + _PANEL_GAP * pt
    total = y - _PANEL_GAP * pt
    root = (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{width:.1f}pt" height="{total:.1f}pt" viewBox="0 0 {width:.1f} {total:.1f}" version="1.1">'
    ).encode()
    return head + root + b'<defs><g id="ik-drawing">' + inner + b"</g></defs>" + b"".join(parts) + b"</svg>"


_METADATA = re.compile(rb"<metadata>.*?</metadata>\s*", re.S)
_CLIP_DEFS = re.compile(rb"<clipPath\b.*?</clipPath>\s*", re.S)
_CLIP_ATTR = re.compile(rb' clip-path="url\(#[^)"]*\)"')
_SINGLE_CHILD_GROUP = re.compile(rb'<g id="[^"]*">\s*(<(?:path|use)\b[^>]*/>)\s*</g>')
_ATTRIBUTE = re.compile(rb' ([\w:-]+)="([^"]*)"')
#: Attributes holding coordinates only; styles (opacities, widths) are never rounded.
_GEOMETRY = frozenset({b"d", b"x", b"y", b"transform", b"points"})
_LONG_DECIMAL = re.compile(rb"(\d\.\d)\d+")
_GAPS = re.compile(rb">\s+<")
_EMPTY_DEFS = re.compile(rb"<defs>\s*</defs>")
_FONT_FAMILY = re.compile(rb"font-family: [^;\"]*")
_NO_ROTATION = re.compile(rb' transform="rotate\(-?0 [^)"]*\)"')
#: Fallbacks in the order of matplotlib's default list, shortened (Verdana shares Vera's metrics).
_FONTS = b"font-family: 'DejaVu Sans', 'Bitstream Vera Sans', Verdana, Arial, Helvetica, sans-serif"
#: The opening of the stylesheet matplotlib writes into every SVG.
_STYLE_SHEET = b'<style type="text/css">'


def compact_svg(svg: bytes, *, fonts_once: bool = False) -> bytes:
    """Shrink matplotlib's SVG without changing what it draws (about half the bytes).

    Drops the RDF metadata and the axes clip path (a diagram's axes fill the figure, so nothing is
    clipped), unwraps groups holding a single shape, shortens the font fallback list, drops
    zero rotations, rounds coordinates (not styles) to 0.1 pt (0.14 px) and removes whitespace
    between tags and inside path data. Text content is never touched. ``fonts_once`` names the font
    list once, in the SVG's stylesheet, instead of on every text (phone layouts: a stepper's frames
    carry two drawings each, and a page's HTML has a size limit).
    """
    svg = _METADATA.sub(b"", svg)
    svg = _CLIP_DEFS.sub(b"", svg)
    svg = _CLIP_ATTR.sub(b"", svg)
    svg = _EMPTY_DEFS.sub(b"", svg)
    svg = _SINGLE_CHILD_GROUP.sub(rb"\1", svg)
    svg = _FONT_FAMILY.sub(_FONTS, svg)
    svg = _NO_ROTATION.sub(b"", svg)

    def attribute(match: re.Match[bytes]) -> bytes:
        name, value = match.group(1), match.group(2)
        if name in _GEOMETRY:
            value = _LONG_DECIMAL.sub(rb"\1", value)
        return b" " + name + b'="' + b" ".join(value.split()) + b'"'

    svg = _ATTRIBUTE.sub(attribute, svg)
    if fonts_once:
        svg = svg.replace(_FONTS + b"; ", b"").replace(b"; " + _FONTS, b"")
        if _FONTS in svg or _STYLE_SHEET not in svg:  # pragma: no cover - matplotlib always writes both
            raise ValueError("cannot name the font once in this SVG")
        svg = svg.replace(_STYLE_SHEET, _STYLE_SHEET + b"text{" + _FONTS + b"}", 1)
    return _GAPS.sub(b"><", svg)


def canvas(width: float, height: float) -> tuple[MplFigure, Axes]:
    """Return a blank diagram canvas ``width`` × ``height`` inches with one axes filling it.

    The axes has fixed limits ``(0, width)`` × ``(0, height)`` and equal aspect, so drawing
    coordinates are inches. The figure is not registered with pyplot (notebooks never show it
    twice) and carries an Agg canvas so it can be drawn and measured.

    Raises
    ------
    ValueError
        If the width exceeds the book's column (``MAX_WIDTH_IN``) or a size is not positive.
    """
    if not 0 < width <= MAX_WIDTH_IN:
        raise ValueError(f"diagram width must be in (0, {MAX_WIDTH_IN}] inches, got {width}")
    if height <= 0:
        raise ValueError(f"diagram height must be positive, got {height}")
    with figure_style():
        fig = MplFigure(figsize=(width, height))
        fig.set_layout_engine("none")
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return fig, ax


def finish(
    fig: MplFigure, alt: str, caption: str, *, keep_left: float = 0.0, phone: MplFigure | None = None
) -> DiagramFigure:
    """Wrap a finished canvas with its alt text and caption (see :class:`immunokit.Figure`).

    Its phone rendering is ``phone`` when given (the same drawing function laid out on a narrow canvas),
    else the canvas cut into panels (:func:`phone_crops`) that repeat the ``keep_left`` inches on the
    left (row headings)."""
    if phone is None:
        return DiagramFigure(fig, alt, caption, keep_left=keep_left)
    return DiagramFigure(fig, alt, caption, phone_fig=phone, crops=())


@dataclass(frozen=True)
class Step:
    """One step of a step-through diagram: its short label, its caption and its alt text."""

    label: str
    caption: str
    alt: str


def scene(
    frames: Sequence[Callable[[Axes], None]], common: Callable[[Axes], None] | None = None
) -> Callable[[Axes, int], None]:
    """A scene function from one small function per step: ``draw(ax, i)`` draws ``common`` (what every
    step shows), then ``frames[i]`` (what step ``i`` adds or highlights)."""
    table = tuple(frames)

    def draw(ax: Axes, i: int) -> None:
        if common is not None:
            common(ax)
        table[i](ax)

    return draw


def stepper(
    title: str,
    steps: Sequence[Step],
    draw: Callable[[Axes, int], None],
    size: Point,
    *,
    phone: tuple[Callable[[Axes, int], None], Point] | None = None,
) -> Stepper:
    """Build a :class:`immunokit.Stepper` from its steps and a scene function.

    ``draw(ax, i)`` draws step ``i`` on a fresh ``size`` canvas (width, height in inches); the
    stepper pairs it with ``steps[i]``'s caption and alt text. Live and static renderings both call
    the same ``draw``, so they cannot drift apart.

    Each step's phone rendering is ``phone``'s scene drawn on its own narrow canvas when given (the same
    drawing code with a phone's layout: ``(draw_phone, (width, height))``, at most
    :data:`PHONE_PANEL_MAX_IN` wide), else the step cut into panels as every other step is
    (:func:`phone_crops`).
    """
    if not steps:
        raise ValueError(f"step-through diagram {title!r} needs at least one step")
    frozen = tuple(steps)
    if phone is not None and phone[1][0] > PHONE_PANEL_MAX_IN + 1e-9:
        raise ValueError(f"{title!r}: a phone layout is at most {PHONE_PANEL_MAX_IN:.2f} in wide")
    cut: list[tuple[Crop, ...] | None] = []  # the phone panels, worked out once for every step

    def crops() -> tuple[Crop, ...]:
        if not cut:
            figs = []
            for i in range(len(frozen)):
                fig, ax = canvas(*size)
                draw(ax, i)
                figs.append(fig)
            cut.append(phone_crops(figs))
        return cut[0] or ()

    def render(i: int) -> Figure:
        if not 0 <= i < len(frozen):
            raise IndexError(f"{title!r} has steps 0..{len(frozen) - 1}; step {i} does not exist")
        fig, ax = canvas(*size)
        draw(ax, i)
        if phone is not None:
            draw_phone, phone_size = phone
            phone_fig, phone_ax = canvas(*phone_size)
            draw_phone(phone_ax, i)
            return DiagramFigure(fig, frozen[i].alt, frozen[i].caption, crops=(), phone_fig=phone_fig)
        return DiagramFigure(fig, frozen[i].alt, frozen[i].caption, crops=crops())

    return Stepper(title, [s.label for s in frozen], render)


# ---------------------------------------------------------------------------------------------
# text
# ---------------------------------------------------------------------------------------------


def label(
    ax: Axes,
    xy: Point,
    text: str,
    *,
    size: float = LABEL_SIZE,
    color: str = COLORS["ink"],
    ha: Literal["left", "center", "right"] = "center",
    va: Literal["top", "center", "bottom", "baseline"] = "center",
    weight: str = "normal",
    style: str = "normal",
    alpha: float = 1.0,
    box: bool = False,
    rotation: float = 0.0,
) -> Text:
    """Write ``text`` at ``xy`` (inches). ``box`` puts it on a white rounded plate for legibility;
    ``rotation`` turns it (degrees, anticlockwise; 90 reads bottom to top beside a vertical bracket)."""
    if size < MIN_FONT_SIZE:
        raise ValueError(f"label {text!r}: font size {size} pt is below the minimum {MIN_FONT_SIZE} pt")
    bbox = (
        {"boxstyle": "round,pad=0.18", "facecolor": "white", "edgecolor": "none", "alpha": 0.9}
        if box
        else None
    )
    return ax.text(
        xy[0],
        xy[1],
        text,
        fontsize=size,
        color=color,
        ha=ha,
        va=va,
        fontweight=weight,
        fontstyle=style,
        alpha=alpha,
        zorder=Z_TEXT,
        bbox=bbox,
        rotation=rotation,
    )


def annotate(
    ax: Axes,
    text: str,
    xy: Point,
    xytext: Point,
    *,
    size: float = SMALL_SIZE,
    ha: Literal["left", "center", "right"] = "center",
    va: Literal["top", "center", "bottom", "baseline"] = "center",
    color: str = COLORS["ink"],
    alpha: float = 1.0,
) -> Text:
    """A labelled callout: ``text`` at ``xytext`` with a thin leader line to the point ``xy``."""
    if size < MIN_FONT_SIZE:
        raise ValueError(f"callout {text!r}: font size {size} pt is below the minimum {MIN_FONT_SIZE} pt")
    # The white plate keeps the text legible and makes the leader start at its edge, not its middle.
    return ax.annotate(
        text,
        xy=xy,
        xytext=xytext,
        fontsize=size,
        ha=ha,
        va=va,
        color=color,
        alpha=alpha,
        zorder=Z_TEXT,
        bbox={"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
        arrowprops={
            "arrowstyle": "-",
            "color": COLORS["ink"],
            "lw": 0.7,
            "alpha": alpha,
            "shrinkA": 1,
            "shrinkB": 1,
        },
    )


def callout_box(
    ax: Axes,
    xy: Point,
    text: str,
    *,
    color: str = COLORS["ink"],
    size: float = LABEL_SIZE,
    fill: str = "white",
    ha: Literal["left", "center", "right"] = "center",
    weight: str = "normal",
    alpha: float = 1.0,
) -> Text:
    """Text on a rounded plate with a coloured border (stations of a workflow, boxed notes)."""
    return ax.text(
        xy[0],
        xy[1],
        text,
        fontsize=size,
        ha=ha,
        va="center",
        color=COLORS["ink"],
        alpha=alpha,
        fontweight=weight,
        zorder=Z_TEXT,
        multialignment="center",
        bbox={"boxstyle": "round,pad=0.35", "facecolor": fill, "edgecolor": color, "lw": 1.4, "alpha": alpha},
    )


# ---------------------------------------------------------------------------------------------
# cells and membranes
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A round cell drawn by :func:`cell`: centre and radius in inches."""

    center: Point
    radius: float

    def point(self, angle_deg: float, offset: float = 0.0) -> Point:
        """The point on the membrane at ``angle_deg`` (0 = right, 90 = up), ``offset`` outside it."""
        return _along(self.center, angle_deg, self.radius + offset)


def cell(
    ax: Axes,
    center: Point,
    radius: float,
    color: str,
    *,
    name: str | None = None,
    name_offset: Point = (0.0, 0.0),
    nucleus: bool = True,
    alpha: float = 1.0,
    size: float = LABEL_SIZE,
) -> Cell:
    """Draw a cell: a tinted body, a thick membrane in ``color`` and (optionally) a nucleus.

    ``name`` is written inside the cell (shifted by ``name_offset`` inches), so the colour is
    always labelled.
    """
    ax.add_patch(
        Circle(
            center, radius, facecolor=tint(color, 0.16), edgecolor=color, lw=2.6, alpha=alpha, zorder=Z_CELL
        )
    )
    if nucleus:
        ax.add_patch(
            Ellipse(
                (center[0] - 0.18 * radius, center[1] - 0.2 * radius),
                0.75 * radius,
                0.55 * radius,
                facecolor=tint(color, 0.32),
                edgecolor="none",
                alpha=alpha,
                zorder=Z_CELL + 0.1,
            )
        )
    if name:
        label(
            ax,
            (center[0] + name_offset[0], center[1] + name_offset[1]),
            name,
            weight="bold",
            alpha=max(alpha, 0.55),
            size=size,
        )
    return Cell(center, radius)


def membrane_band(
    ax: Axes, x0: float, x1: float, y: float, *, thickness: float = 0.16, alpha: float = 1.0
) -> tuple[float, float]:
    """A flat stretch of lipid bilayer from ``x0`` to ``x1`` centred on ``y``; returns its (bottom, top)."""
    half = thickness / 2
    ax.add_patch(
        Rectangle(
            (x0, y - half),
            x1 - x0,
            thickness,
            facecolor=tint(COLORS["macrophage"], 0.25),
            edgecolor="none",
            alpha=alpha,
            zorder=Z_MEMBRANE - 0.2,
        )
    )
    for yy in (y - half, y + half):
        ax.plot(
            [x0, x1],
            [yy, yy],
            color=COLORS["ink"],
            lw=1.2,
            alpha=alpha,
            zorder=Z_MEMBRANE - 0.1,
            solid_capstyle="butt",
        )
    return (y - half, y + half)


# ---------------------------------------------------------------------------------------------
# molecules
# ---------------------------------------------------------------------------------------------


def receptor(
    ax: Axes,
    base: Point,
    angle_deg: float,
    color: str,
    *,
    length: float = 0.28,
    head: Literal["round", "cup", "square", "fork"] = "round",
    head_size: float = 0.07,
    alpha: float = 1.0,
) -> Point:
    """A membrane protein sticking out of ``base`` towards ``angle_deg``; returns its outer tip.

    The head shape tells molecules apart without colour: ``round`` (antigens such as CD19 or CD20),
    ``cup`` (receptors that receive a ligand), ``square`` and ``fork``.
    """
    end = _along(base, angle_deg, length)
    ax.plot(
        [base[0], end[0]],
        [base[1], end[1]],
        color=color,
        lw=2.6,
        alpha=alpha,
        solid_capstyle="round",
        zorder=Z_MEMBRANE,
    )
    if head == "round":
        ax.add_patch(
            Circle(end, head_size, facecolor=color, edgecolor="none", alpha=alpha, zorder=Z_MEMBRANE)
        )
        tip = _along(end, angle_deg, head_size)
    elif head == "square":
        ax.add_patch(
            Rectangle(
                (end[0] - head_size, end[1] - head_size),
                2 * head_size,
                2 * head_size,
                angle=0.0,
                facecolor=color,
                edgecolor="none",
                alpha=alpha,
                zorder=Z_MEMBRANE,
            )
        )
        tip = _along(end, angle_deg, head_size)
    elif head in ("cup", "fork"):
        spread = 50 if head == "cup" else 25
        for side in (-1, 1):
            arm = _along(end, angle_deg + side * spread, head_size * 1.6)
            ax.plot(
                [end[0], arm[0]],
                [end[1], arm[1]],
                color=color,
                lw=2.6,
                alpha=alpha,
                solid_capstyle="round",
                zorder=Z_MEMBRANE,
            )
        tip = _along(end, angle_deg, head_size)
    else:
        raise ValueError(f"receptor head must be round, cup, square or fork, got {head!r}")
    return tip


def ligand(
    ax: Axes,
    xy: Point,
    color: str,
    *,
    size: float = 0.07,
    shape: Literal["triangle", "diamond"] = "triangle",
    alpha: float = 1.0,
) -> Point:
    """A small soluble or membrane ligand at ``xy`` (triangle or diamond); returns ``xy``."""
    x, y = xy
    if shape == "triangle":
        pts = [(x - size, y - size * 0.8), (x + size, y - size * 0.8), (x, y + size)]
    elif shape == "diamond":
        pts = [(x, y + size), (x + size, y), (x, y - size), (x - size, y)]
    else:
        raise ValueError(f"ligand shape must be triangle or diamond, got {shape!r}")
    ax.add_patch(Polygon(pts, closed=True, facecolor=color, edgecolor="none", alpha=alpha, zorder=Z_MOLECULE))
    return xy


def antibody(
    ax: Axes,
    fab_tip: Point,
    angle_deg: float,
    color: str = COLORS["antibody"],
    *,
    size: float = 0.42,
    fc: bool = True,
    fc_color: str = COLORS["fc"],
    alpha: float = 1.0,
    lw: float = 3.2,
) -> dict[str, Point]:
    """An IgG antibody as a Y: two Fab arms meeting an antigen at ``fab_tip``, the Fc pointing away.

    ``angle_deg`` is the direction from the Fab tips towards the Fc. Returns the points
    ``"fab_tip"``, ``"hinge"`` and ``"fc_end"`` (where an Fc receptor or C1q attaches).
    ``fc=False`` draws only the arms (an antibody fragment).
    """
    arm = size * 0.55
    hinge = _along(fab_tip, angle_deg, arm * math.cos(math.radians(28)))
    for side in (-1, 1):
        end = _along(hinge, angle_deg + 180 + side * 28, arm)
        ax.plot(
            [hinge[0], end[0]],
            [hinge[1], end[1]],
            color=color,
            lw=lw,
            alpha=alpha,
            solid_capstyle="round",
            zorder=Z_MOLECULE,
        )
    fc_end = _along(hinge, angle_deg, size * 0.5)
    if fc:
        ax.plot(
            [hinge[0], fc_end[0]],
            [hinge[1], fc_end[1]],
            color=fc_color,
            lw=lw + 0.6,
            alpha=alpha,
            solid_capstyle="round",
            zorder=Z_MOLECULE,
        )
    return {"fab_tip": fab_tip, "hinge": hinge, "fc_end": fc_end}


def scfv(
    ax: Axes, center: Point, angle_deg: float, color: str, *, size: float = 0.09, alpha: float = 1.0
) -> tuple[Point, Point]:
    """A single-chain variable fragment: VH and VL domains side by side (two ellipses).

    The pair is laid across ``angle_deg`` (its binding face points that way). Returns the binding
    point and the opposite (linker) point.
    """
    perp = angle_deg + 90
    for side, shade in ((-1, 1.0), (1, 0.55)):
        c = _along(center, perp, side * size * 0.55)
        ax.add_patch(
            Ellipse(
                c,
                size * 1.05,
                size * 1.7,
                angle=angle_deg - 90,
                facecolor=tint(color, shade),
                edgecolor=color,
                lw=0.9,
                alpha=alpha,
                zorder=Z_MOLECULE,
            )
        )
    return _along(center, angle_deg, size * 0.85), _along(center, angle_deg + 180, size * 0.85)


def engager(
    ax: Axes,
    start: Point,
    end: Point,
    colors: tuple[str, str] = (OKABE_ITO["vermillion"], OKABE_ITO["blue"]),
    *,
    size: float = 0.1,
    alpha: float = 1.0,
) -> tuple[Point, Point]:
    """A bispecific T-cell engager bridging ``start`` and ``end``: two scFvs on one flexible linker.

    The first scFv (``colors[0]``) binds at ``start``, the second at ``end``; there is no Fc.
    Returns the centres of the two scFvs.
    """
    angle = math.degrees(math.atan2(end[1] - start[1], end[0] - start[0]))
    c1 = _along(start, angle, size * 0.85)
    c2 = _along(end, angle + 180, size * 0.85)
    ax.plot(
        [c1[0], c2[0]],
        [c1[1], c2[1]],
        color=COLORS["engager"],
        lw=1.6,
        alpha=alpha,
        zorder=Z_MOLECULE - 0.1,
        dashes=(2, 1),
    )
    scfv(ax, c1, angle + 180, colors[0], size=size, alpha=alpha)
    scfv(ax, c2, angle, colors[1], size=size, alpha=alpha)
    return c1, c2


def car(
    ax: Axes,
    x: float,
    membrane_y: float,
    *,
    costim: Sequence[str] = ("4-1BB",),
    membrane_thickness: float = 0.16,
    domain_height: float = 0.2,
    width: float = 0.34,
    alpha: float = 1.0,
    labels: bool = True,
    label_dx: float = 0.3,
) -> dict[str, Point]:
    """A chimeric antigen receptor drawn vertically through a horizontal membrane at ``membrane_y``.

    From outside (top) to inside: scFv (VH and VL), hinge, transmembrane domain (TM), the
    costimulatory domains named in ``costim`` (e.g. ``("CD28",)``, ``("CD28", "4-1BB")`` or ``()``),
    then CD3ζ. Every domain is labelled at its right when ``labels`` is set. Returns the centre of
    each drawn domain by name (``"scFv"``, ``"hinge"``, ``"TM"``, each costim name, ``"CD3ζ"``).
    """
    top = membrane_y + membrane_thickness / 2
    bottom = membrane_y - membrane_thickness / 2
    centers: dict[str, Point] = {}
    # outside: hinge then scFv
    hinge_top = top + 0.34
    ax.plot([x, x], [top, hinge_top], color=COLORS["ink"], lw=2.2, alpha=alpha, zorder=Z_MOLECULE)
    centers["hinge"] = (x, (top + hinge_top) / 2)
    scfv_center = (x, hinge_top + 0.1)
    scfv(ax, scfv_center, 90, OKABE_ITO["sky_blue"], size=0.13, alpha=alpha)
    centers["scFv"] = scfv_center
    # in the membrane
    ax.add_patch(
        Rectangle(
            (x - 0.05, bottom - 0.02),
            0.1,
            membrane_thickness + 0.04,
            facecolor=COLORS["ink"],
            edgecolor="none",
            alpha=alpha,
            zorder=Z_MOLECULE,
        )
    )
    centers["TM"] = (x, membrane_y)
    # inside: costimulatory domains then CD3ζ
    palette = {"CD28": OKABE_ITO["bluish_green"], "4-1BB": OKABE_ITO["orange"]}
    y = bottom - 0.04
    for name in (*costim, "CD3ζ"):
        h = domain_height * (1.6 if name == "CD3ζ" else 1.0)
        color = OKABE_ITO["blue"] if name == "CD3ζ" else palette.get(name, OKABE_ITO["reddish_purple"])
        ax.add_patch(
            FancyBboxPatch(
                (x - width / 2, y - h),
                width,
                h,
                boxstyle="round,pad=0,rounding_size=0.05",
                facecolor=tint(color, 0.55),
                edgecolor=color,
                lw=1.4,
                alpha=alpha,
                zorder=Z_MOLECULE,
            )
        )
        centers[name] = (x, y - h / 2)
        y -= h + 0.03
    if labels:
        names = {"scFv": "scFv", "hinge": "hinge", "TM": "TM"}
        for key, (cx, cy) in centers.items():
            offset = label_dx if key in ("scFv", "hinge", "TM") else width / 2 + 0.08
            label(ax, (cx + offset, cy), names.get(key, key), ha="left", size=SMALL_SIZE, alpha=alpha)
    return centers


def cytokines(
    ax: Axes,
    center: Point,
    color: str = COLORS["cytokine"],
    *,
    n: int = 7,
    spread: float = 0.3,
    size: float = 0.045,
    shape: Literal["circle", "triangle", "diamond"] = "circle",
    alpha: float = 1.0,
) -> list[Point]:
    """A cloud of ``n`` small particles (cytokines, granules) around ``center``.

    Positions follow a golden-angle spiral, so the same call always draws the same cloud.
    """
    golden = math.pi * (3 - math.sqrt(5))
    points: list[Point] = []
    for i in range(n):
        r = spread * math.sqrt((i + 0.5) / n)
        theta = i * golden
        p = (center[0] + r * math.cos(theta), center[1] + r * math.sin(theta))
        points.append(p)
        if shape == "circle":
            ax.add_patch(Circle(p, size, facecolor=color, edgecolor="none", alpha=alpha, zorder=Z_MOLECULE))
        else:
            ligand(ax, p, color, size=size * 1.2, shape=shape, alpha=alpha)
    return points


# ---------------------------------------------------------------------------------------------
# arrows, blocks and highlights
# ---------------------------------------------------------------------------------------------


def arrow(
    ax: Axes,
    start: Point,
    end: Point,
    *,
    color: str = COLORS["ink"],
    lw: float = 1.6,
    rad: float = 0.0,
    style: str = "-|>",
    dashed: bool = False,
    alpha: float = 1.0,
) -> FancyArrowPatch:
    """An arrow from ``start`` to ``end``; ``rad`` bends it (positive bends to the left)."""
    patch = FancyArrowPatch(
        start,
        end,
        arrowstyle=style,
        mutation_scale=12,
        color=color,
        lw=lw,
        alpha=alpha,
        connectionstyle=f"arc3,rad={rad}",
        linestyle="--" if dashed else "-",
        zorder=Z_ARROW,
        shrinkA=0,
        shrinkB=0,
    )
    ax.add_patch(patch)
    return patch


def inhibit(
    ax: Axes,
    start: Point,
    end: Point,
    *,
    color: str = COLORS["ink"],
    lw: float = 1.8,
    bar: float = 0.09,
    alpha: float = 1.0,
) -> Point:
    """An inhibition arrow (a line ending in a bar, ⊣) from ``start`` to ``end``; returns ``end``."""
    ax.plot(
        [start[0], end[0]],
        [start[1], end[1]],
        color=color,
        lw=lw,
        alpha=alpha,
        zorder=Z_ARROW,
        solid_capstyle="butt",
    )
    angle = math.degrees(math.atan2(end[1] - start[1], end[0] - start[0]))
    a, b = _along(end, angle + 90, bar), _along(end, angle - 90, bar)
    ax.plot(
        [a[0], b[0]],
        [a[1], b[1]],
        color=color,
        lw=lw + 0.6,
        alpha=alpha,
        zorder=Z_ARROW,
        solid_capstyle="butt",
    )
    return end


def block_mark(ax: Axes, xy: Point, *, size: float = 0.1, color: str = OKABE_ITO["vermillion"]) -> None:
    """A bold ✕ at ``xy``: this interaction is blocked (always pair it with a text label)."""
    x, y = xy
    for dx in (-size, size):
        ax.plot(
            [x - dx, x + dx],
            [y - size, y + size],
            color=color,
            lw=3.0,
            solid_capstyle="round",
            zorder=Z_ARROW + 0.5,
        )


def highlight(
    ax: Axes, xy: Point, width: float, height: float, *, color: str = COLORS["highlight"], alpha: float = 0.35
) -> FancyBboxPatch:
    """A soft rounded zone behind what the current step is about; ``xy`` is its lower-left corner."""
    patch = FancyBboxPatch(
        xy,
        width,
        height,
        boxstyle="round,pad=0.02,rounding_size=0.12",
        facecolor=to_rgba(color, alpha),
        edgecolor=color,
        lw=1.5,
        zorder=Z_BACK,
    )
    ax.add_patch(patch)
    return patch


# ---------------------------------------------------------------------------------------------
# layout checks
# ---------------------------------------------------------------------------------------------


def _texts(fig: MplFigure) -> Iterable[Text]:
    for ax in fig.axes:
        yield from ax.texts
    yield from fig.texts


def layout_problems(fig: MplFigure, *, tolerance_px: float = 0.5) -> list[str]:
    """Return what is wrong with the text layout of ``fig`` (empty when nothing is).

    Checks, after drawing the figure, that every visible, non-empty label lies inside the figure,
    that no two labels' boxes overlap (by more than ``tolerance_px`` pixels) and that no label is
    smaller than :data:`MIN_FONT_SIZE`.
    """
    if fig.canvas is None or not hasattr(fig.canvas, "get_renderer"):
        FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    fig_box = fig.bbox
    boxes = []
    problems: list[str] = []
    for text in _texts(fig):
        content = text.get_text().strip()
        if not text.get_visible() or not content:
            continue
        # Text's own extent: an Annotation's would include its leader line.
        box = Text.get_window_extent(text, renderer)
        patch = text.get_bbox_patch()
        if patch is not None:
            box = box.union([box, patch.get_window_extent(renderer)])
        name = content.replace("\n", " ")
        size = float(text.get_fontsize())
        if size < MIN_FONT_SIZE:
            problems.append(f"label {name!r} is {size} pt, below {MIN_FONT_SIZE} pt")
        if (
            box.x0 < fig_box.x0 - tolerance_px
            or box.y0 < fig_box.y0 - tolerance_px
            or box.x1 > fig_box.x1 + tolerance_px
            or box.y1 > fig_box.y1 + tolerance_px
        ):
            problems.append(f"label {name!r} leaves the figure")
        boxes.append((name, box))
    for i, (name_a, a) in enumerate(boxes):
        for name_b, b in boxes[i + 1 :]:
            overlap_x = min(a.x1, b.x1) - max(a.x0, b.x0)
            overlap_y = min(a.y1, b.y1) - max(a.y0, b.y0)
            if overlap_x > tolerance_px and overlap_y > tolerance_px:
                problems.append(f"labels {name_a!r} and {name_b!r} overlap")
    return problems
