"""Plots described as data, drawn two ways: a fresh figure, or an update of a live one.

A model's picture is a :class:`PlotSpec` (panels of :class:`Series` and :class:`Note`), computed by
one plain function of the model's parameters. Both renderings read the same spec, so the static and
the live picture cannot drift apart:

* :func:`render` draws a spec as a new :class:`immunokit.Figure` (vector SVG; used by the ``plot_*``
  functions and by the static frames of an explorer);
* :class:`LiveFigure` keeps one figure for a live explorer. The axes, ticks and labels are drawn once
  into a raster background; an update moves the lines, notes and legend labels, draws only those over
  the background (blitting) and sends a PNG. A full redraw happens only when the axis limits or the
  layout change. This keeps an update (re-solve + redraw) within tens of milliseconds.

Figures are created without pyplot, so a kept live figure is never shown a second time by a notebook's
inline backend.
"""

from __future__ import annotations

import base64
import html
import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ..display import Figure, svg_bytes
from ..markup import inline_html, plain_text
from ..style import MAX_WIDTH_IN, PHONE_WIDTH_IN, RC_PARAMS

if TYPE_CHECKING:  # matplotlib is imported where a figure is drawn: a quiz or a model need not load it
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure as MplFigure
    from matplotlib.lines import Line2D
    from matplotlib.text import Text

LineStyle = str | tuple[int, tuple[int, ...]]

#: The book's rc parameters (typed loosely: matplotlib's stubs want its own literal keys).
_RC: Any = RC_PARAMS


@dataclass(frozen=True)
class Series:
    """One line (or set of markers) in a panel.

    ``kind="line"`` plots ``y`` against ``x``; ``kind="hline"`` / ``"vline"`` draw a reference line
    across the panel at ``y[0]`` / ``x[0]`` (the other coordinate is ignored).
    """

    x: Any
    y: Any
    label: str | None = None
    color: str = "#000000"
    linestyle: LineStyle = "-"
    marker: str | None = None
    drawstyle: str = "default"
    linewidth: float = 2.0
    kind: Literal["line", "hline", "vline"] = "line"
    markersize: float = 6.0


@dataclass(frozen=True)
class Note:
    """A text label at (x, y) in data coordinates (``coords="data"``) or axes fractions (``"axes"``)."""

    x: float
    y: float
    text: str
    coords: Literal["data", "axes"] = "data"
    ha: str = "left"
    va: str = "bottom"
    color: str = "#000000"


@dataclass(frozen=True)
class Panel:
    """One axes: its series, notes, labels (lowercase, with units), scales and fixed limits."""

    series: Sequence[Series]
    xlabel: str
    ylabel: str
    xscale: str = "linear"
    yscale: str = "linear"
    xlim: tuple[float, float] | None = None
    ylim: tuple[float, float] | None = None
    notes: Sequence[Note] = ()
    legend_loc: str | None = "upper right"


@dataclass(frozen=True)
class PlotSpec:
    """A whole figure: panels side by side (``ncols``) or stacked, plus its alt text and caption."""

    panels: Sequence[Panel]
    alt: str
    caption: str
    width_in: float = 6.4
    height_in: float = 3.8
    ncols: int = 1
    sharex: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    #: Legends under the figure instead of in a corner of the axes (phone renderings: a corner of a
    #: 3.4 in axes has no room for a legend of long labels).
    legend_below: bool = False

    def structure(self) -> tuple[object, ...]:
        """What must be equal for a live figure to be updated in place rather than rebuilt."""
        return (
            len(self.panels),
            self.ncols,
            self.sharex,
            self.width_in,
            self.height_in,
            tuple(
                (
                    p.xscale,
                    p.yscale,
                    p.legend_loc,
                    tuple((s.kind, s.label is None) for s in p.series),
                    len(p.notes),
                )
                for p in self.panels
            ),
        )


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def log_tick_label(value: float, _pos: object = None) -> str:
    """Label of a log-axis tick as plain text: ``0.01`` … ``10000`` as numbers, else ``10⁵``, ``10⁻⁴``.

    Plain Unicode rather than mathtext keeps SVG labels readable text and makes redraws much faster.
    """
    if value <= 0:
        return ""
    exponent = round(np.log10(value))
    if not np.isclose(value, 10.0**exponent, rtol=1e-6):
        return ""
    if -2 <= exponent <= 4:
        return f"{value:,.{max(0, -exponent)}f}"
    return "10" + str(exponent).translate(_SUPERSCRIPT)


def power_of_ten(value: float) -> str:
    """``value`` as plain text in powers of ten: ``1e-5`` → ``"10⁻⁵"``, ``3e8`` → ``"3×10⁸"``, ``0`` → ``"0"``."""
    if value == 0:
        return "0"
    exponent = int(np.floor(np.log10(abs(value)) + 1e-9))
    mantissa = round(value / 10.0**exponent, 1)
    if mantissa == 10:
        mantissa, exponent = 1.0, exponent + 1
    power = "10" + str(exponent).translate(_SUPERSCRIPT)
    return power if mantissa == 1 else f"{mantissa:g}×{power}"


def _grid(n: int, ncols: int) -> tuple[int, int]:
    ncols = max(1, min(ncols, n))
    return (n + ncols - 1) // ncols, ncols


def _draw_series(ax: Axes, s: Series) -> Line2D:
    style: dict[str, Any] = {
        "color": s.color,
        "linestyle": s.linestyle,
        "linewidth": s.linewidth,
        "label": s.label,
    }
    if s.kind == "hline":
        return ax.axhline(float(np.asarray(s.y).ravel()[0]), zorder=1, **style)
    if s.kind == "vline":
        return ax.axvline(float(np.asarray(s.x).ravel()[0]), zorder=1, **style)
    (line,) = ax.plot(
        s.x, s.y, marker=s.marker, drawstyle=s.drawstyle, markersize=s.markersize, zorder=2, **style
    )
    return line


def _draw_note(ax: Axes, n: Note) -> Text:
    transform = ax.transAxes if n.coords == "axes" else ax.transData
    return ax.text(
        n.x,
        n.y,
        n.text,
        transform=transform,
        ha=n.ha,
        va=n.va,
        color=n.color,
        fontsize=RC_PARAMS["legend.fontsize"],
        zorder=3,
    )


def _apply_limits(ax: Axes, panel: Panel) -> None:
    if panel.xlim is not None:
        ax.set_xlim(*panel.xlim)
    if panel.ylim is not None:
        ax.set_ylim(*panel.ylim)
    if panel.xlim is None or panel.ylim is None:
        ax.relim()
        ax.autoscale_view(scalex=panel.xlim is None, scaley=panel.ylim is None)


def _build(spec: PlotSpec) -> tuple[MplFigure, list[Axes], list[list[Line2D]], list[list[Text]]]:
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure
    from matplotlib.ticker import FuncFormatter, NullLocator

    if spec.width_in > MAX_WIDTH_IN:
        raise ValueError(f"width_in={spec.width_in} exceeds the book's {MAX_WIDTH_IN} in")
    nrows, ncols = _grid(len(spec.panels), spec.ncols)
    with rc_context(_RC):
        fig = MplFigure(figsize=(spec.width_in, spec.height_in))
        FigureCanvasAgg(fig)
        axes_grid = fig.subplots(nrows, ncols, sharex=spec.sharex, squeeze=False)
        axes = list(axes_grid.ravel())
        for extra_ax in axes[len(spec.panels) :]:
            extra_ax.set_visible(False)
        lines: list[list[Line2D]] = []
        texts: list[list[Text]] = []
        for ax, panel in zip(axes, spec.panels, strict=False):
            ax.set_xscale(panel.xscale)
            ax.set_yscale(panel.yscale)
            for axis, scale in ((ax.xaxis, panel.xscale), (ax.yaxis, panel.yscale)):
                if scale == "log":
                    # Labelled decades only: minor ticks on a log axis cost most of a redraw.
                    axis.set_major_formatter(FuncFormatter(log_tick_label))
                    axis.set_minor_locator(NullLocator())
            lines.append([_draw_series(ax, s) for s in panel.series])
            notes = [_draw_note(ax, n) for n in panel.notes]
            if spec.width_in <= PHONE_WIDTH_IN:
                for note in notes:  # a phone's layout leaves notes out; render() pulls them inside
                    note.set_in_layout(False)
            texts.append(notes)
            ax.set_xlabel(panel.xlabel)
            ax.set_ylabel(panel.ylabel)
            _apply_limits(ax, panel)
            if panel.legend_loc and any(s.label for s in panel.series):
                if spec.legend_below:
                    handles, labels = ax.get_legend_handles_labels()
                    fig.legend(handles, labels, loc="outside lower center")
                else:
                    ax.legend(loc=panel.legend_loc)
    return fig, axes[: len(spec.panels)], lines, texts


def book_svg(fig: MplFigure) -> bytes:
    """SVG of ``fig`` written under the book's rc parameters.

    matplotlib reads ``svg.fonttype`` (text as text) and ``svg.hashsalt`` (deterministic ids) when it
    *saves*, not when it draws, so the book style must be active at that moment too.
    """
    from matplotlib import rc_context

    with rc_context(_RC):
        return svg_bytes(fig)


def phone_spec(spec: PlotSpec) -> PlotSpec:
    """The same figure laid out for a phone: :data:`~immunokit.style.PHONE_WIDTH_IN` wide, panels
    stacked, each a little less tall than in proportion (the text keeps its size, so it reads larger)."""
    rows, _cols = _grid(len(spec.panels), spec.ncols)
    panel_height = max(2.3, 0.8 * spec.height_in / rows)
    # Notes written for a 6.4 in line wrap at about half that.
    # Axis labels too: a 40-character label does not fit under a 3.4 in axes at 10 pt.
    panels = [
        replace(
            p,
            notes=[replace(n, text=textwrap.fill(n.text, _NOTE_CHARS)) for n in p.notes],
            xlabel=textwrap.fill(p.xlabel, _LABEL_CHARS) if p.xlabel else p.xlabel,
            ylabel=textwrap.fill(p.ylabel, _LABEL_CHARS) if p.ylabel else p.ylabel,
        )
        for p in spec.panels
    ]
    legend_below = len(spec.panels) == 1 and any(s.label for s in spec.panels[0].series)
    legends = sum(1 for s in spec.panels[0].series if s.label) if legend_below else 0
    return replace(
        spec,
        panels=panels,
        width_in=PHONE_WIDTH_IN,
        ncols=1,
        height_in=panel_height * len(spec.panels) + 0.2 * legends,
        legend_below=legend_below,
    )


#: Characters per line of a note in a phone rendering (8.5–9 pt text, a 3.4 in figure).
_NOTE_CHARS = 34
#: Characters per line of an axis label in a phone rendering (10 pt text).
_LABEL_CHARS = 32


def _frozen_svg(spec: PlotSpec, fig: MplFigure | None = None) -> tuple[MplFigure, bytes]:
    """``fig`` (built from ``spec`` when None) laid out once and frozen, and its SVG: otherwise savefig
    lays it out again on its own."""
    if fig is None:
        fig, _axes, _lines, _texts = _build(spec)
    fig.draw_without_rendering()
    fig.set_layout_engine("none")
    return fig, book_svg(fig)


def text_outside(fig: MplFigure) -> bool:
    """True when something drawn (a label, a note, a legend) reaches beyond the edges of ``fig``."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    tight = fig.get_tightbbox(renderer)  # in inches, of everything drawn
    width, height = fig.get_size_inches()
    slack = 0.01
    return bool(
        tight.x0 < -slack or tight.y0 < -slack or tight.x1 > width + slack or tight.y1 > height + slack
    )


def _pull_notes_inside(fig: MplFigure) -> bool:
    """Shift each note (an axes text) that runs off the left or right edge back inside the figure, as
    placed for the wide figure it may not fit the narrow one. Returns whether any moved."""
    from matplotlib.transforms import offset_copy

    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    left, right = fig.bbox.x0 + 2, fig.bbox.x1 - 2
    moved = False
    for ax in fig.axes:
        for text in ax.texts:
            box = text.get_window_extent(renderer)
            dx = right - box.x1 if box.x1 > right else left - box.x0 if box.x0 < left else 0.0
            if dx and box.width <= right - left:
                text.set_transform(offset_copy(text.get_transform(), fig=fig, x=dx, y=0, units="dots"))
                moved = True
    return moved


def _separate_notes(fig: MplFigure) -> bool:
    """Move each note that overlaps an earlier note of its axes down below it (notes placed apart on the
    wide figure can meet on the narrow one). Returns whether any moved."""
    from matplotlib.transforms import Bbox, offset_copy

    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    moved = False
    for ax in fig.axes:
        placed: list[Bbox] = []
        for text in ax.texts:
            box = text.get_window_extent(renderer)
            for other in placed:
                if box.x0 < other.x1 and other.x0 < box.x1 and box.y0 < other.y1 and other.y0 < box.y1:
                    dy = other.y0 - box.y1 - 2  # dots: down, just below the other note
                    text.set_transform(offset_copy(text.get_transform(), fig=fig, x=0, y=dy, units="dots"))
                    box = text.get_window_extent(renderer)
                    moved = True
            placed.append(box)
    return moved


def render(spec: PlotSpec) -> Figure:
    """Draw ``spec`` as a new :class:`immunokit.Figure` (book style, constrained layout), with its phone
    rendering (:func:`phone_spec`) when it is wider than a phone's and everything drawn stays inside the
    narrower figure (a note placed for the wide one may not: then phones get that). Both SVGs are
    rendered when the figure is first shown (:attr:`Figure.svg`)."""
    fig, _axes, _lines, _texts = _build(spec)

    def draw() -> tuple[bytes, bytes | None]:
        _, svg = _frozen_svg(spec, fig)
        phone = None
        if spec.width_in > PHONE_WIDTH_IN:
            phone_fig, phone_svg = _frozen_svg(phone_spec(spec))
            if text_outside(phone_fig) and _pull_notes_inside(phone_fig):
                phone_svg = book_svg(phone_fig)
            if _separate_notes(phone_fig):
                phone_svg = book_svg(phone_fig)
            phone = None if text_outside(phone_fig) else phone_svg
            phone_fig.clear()
        return svg, phone

    return Figure(fig, spec.alt, spec.caption, _draw=draw)


def _limits(spec: PlotSpec) -> tuple[object, ...] | None:
    """The fixed limits of every panel, or ``None`` if a panel autoscales (then every update redraws all)."""
    out: list[object] = []
    for panel in spec.panels:
        if panel.xlim is None or panel.ylim is None:
            return None
        out.append((tuple(panel.xlim), tuple(panel.ylim)))
    return tuple(out)


class LiveFigure:
    """One figure kept alive and updated in place from successive specs (see the module docstring).

    :meth:`update` returns the HTML of the updated figure: a ``<figure>`` with a PNG ``<img>`` whose
    ``alt`` is the spec's alt text, and the spec's caption.
    """

    def __init__(self) -> None:
        self._structure: tuple[object, ...] | None = None
        self._limits: tuple[object, ...] | None = None
        self._fig: MplFigure | None = None
        self._axes: list[Axes] = []
        self._lines: list[list[Line2D]] = []
        self._texts: list[list[Text]] = []
        self._background: Any = None
        self.full_redraws = 0  #: how many updates redrew the whole figure (the others blitted)
        self.rebuilds = 0  #: how many updates built a new figure (the layout changed)

    def close(self) -> None:
        """Forget the figure."""
        self._fig = None
        self._structure = None
        self._background = None

    def _dynamic(self) -> list[tuple[Axes, Artist]]:
        pairs: list[tuple[Axes, Artist]] = []
        for ax, lines, texts in zip(self._axes, self._lines, self._texts, strict=True):
            pairs += [(ax, a) for a in (*lines, *texts)]
            legend = ax.get_legend()
            if legend is not None:
                pairs.append((ax, legend))
        return pairs

    def _set_data(self, spec: PlotSpec) -> None:
        for ax, panel, lines, texts in zip(self._axes, spec.panels, self._lines, self._texts, strict=True):
            for line, s in zip(lines, panel.series, strict=True):
                if s.kind == "hline":
                    value = float(np.asarray(s.y).ravel()[0])
                    line.set_ydata([value, value])
                elif s.kind == "vline":
                    value = float(np.asarray(s.x).ravel()[0])
                    line.set_xdata([value, value])
                else:
                    line.set_data(s.x, s.y)
                line.set_label(s.label)
            for text, n in zip(texts, panel.notes, strict=True):
                text.set_text(n.text)
                text.set_position((n.x, n.y))
            legend = ax.get_legend()
            if legend is not None:
                labelled = [s.label for s in panel.series if s.label]
                for entry, label in zip(legend.get_texts(), labelled, strict=False):
                    entry.set_text(label)

    def update(self, spec: PlotSpec) -> str:
        """Show ``spec``; return the figure's HTML (PNG image with alt text, and caption)."""
        from matplotlib import rc_context
        from PIL import Image

        limits = _limits(spec)
        with rc_context(_RC):
            if self._fig is None or spec.structure() != self._structure:
                self._fig, self._axes, self._lines, self._texts = _build(spec)
                self.rebuilds += 1
                self._structure = spec.structure()
                for _ax, artist in self._dynamic():
                    artist.set_animated(True)
                self._fig.canvas.draw()  # fixes the constrained layout once ...
                self._fig.set_layout_engine("none")  # ... and keeps it: updates only move data
                self._limits = None
            self._set_data(spec)
            canvas = self._fig.canvas
            if limits is None or limits != self._limits or self._background is None:
                for ax, panel in zip(self._axes, spec.panels, strict=True):
                    _apply_limits(ax, panel)
                canvas.draw()  # axes, ticks and labels; the animated artists are left out
                self._background = canvas.copy_from_bbox(self._fig.bbox)  # type: ignore[attr-defined]
                self._limits = limits
                self.full_redraws += 1
            else:
                canvas.restore_region(self._background)  # type: ignore[attr-defined]
            for ax, artist in self._dynamic():
                ax.draw_artist(artist)
            rgba = np.asarray(canvas.buffer_rgba())  # type: ignore[attr-defined]
        buffer = io.BytesIO()
        Image.fromarray(rgba[..., :3]).save(buffer, format="png", compress_level=1)
        src = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
        width = round(spec.width_in * 96)
        return (
            '<figure class="ik-figure">'
            f'<img class="ik-img" src="{src}" alt="{html.escape(plain_text(spec.alt), quote=True)}" '
            f'style="max-width:min(100%, {width}px)">'
            f"<figcaption>{inline_html(spec.caption)}</figcaption></figure>"
        )
