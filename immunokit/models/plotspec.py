"""Plots described as data, drawn two ways: a fresh figure, or an update of a live one.

A model's picture is a :class:`PlotSpec` (panels of :class:`Series` and :class:`Note`), computed by
one plain function of the model's parameters. :func:`render` draws a spec as a new
:class:`immunokit.Figure` (used by the ``plot_*`` functions and by the static frames of an explorer);
:class:`LiveFigure` keeps one matplotlib figure and only moves the lines when the spec changes (used by
the live explorer, so that an update costs a re-solve and one SVG render, not a new figure). Both read
the same spec, so the static and the live picture cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure as MplFigure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from ..display import Figure, svg_bytes
from ..style import MAX_WIDTH_IN, RC_PARAMS

LineStyle = str | tuple[int, tuple[int, ...]]


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

    def structure(self) -> tuple[object, ...]:
        """What must be equal for a live figure to be updated in place rather than rebuilt."""
        return (
            len(self.panels), self.ncols, self.sharex, self.width_in, self.height_in,
            tuple((p.xscale, p.yscale, p.legend_loc, tuple((s.kind, s.label is None) for s in p.series),
                   len(p.notes)) for p in self.panels),
        )


def _grid(n: int, ncols: int) -> tuple[int, int]:
    ncols = max(1, min(ncols, n))
    return (n + ncols - 1) // ncols, ncols


def _draw_series(ax: Axes, s: Series) -> Line2D:
    style = {"color": s.color, "linestyle": s.linestyle, "linewidth": s.linewidth, "label": s.label}
    if s.kind == "hline":
        return ax.axhline(float(np.asarray(s.y).ravel()[0]), zorder=1, **style)
    if s.kind == "vline":
        return ax.axvline(float(np.asarray(s.x).ravel()[0]), zorder=1, **style)
    (line,) = ax.plot(s.x, s.y, marker=s.marker, drawstyle=s.drawstyle, markersize=s.markersize,
                      zorder=2, **style)
    return line


def _draw_note(ax: Axes, n: Note) -> Text:
    transform = ax.transAxes if n.coords == "axes" else ax.transData
    return ax.text(n.x, n.y, n.text, transform=transform, ha=n.ha, va=n.va, color=n.color,
                   fontsize=RC_PARAMS["legend.fontsize"], zorder=3)


def _apply_limits(ax: Axes, panel: Panel) -> None:
    if panel.xlim is not None:
        ax.set_xlim(*panel.xlim)
    if panel.ylim is not None:
        ax.set_ylim(*panel.ylim)
    if panel.xlim is None or panel.ylim is None:
        ax.relim()
        ax.autoscale_view(scalex=panel.xlim is None, scaley=panel.ylim is None)


def _build(spec: PlotSpec) -> tuple[MplFigure, list[Axes], list[list[Line2D]], list[list[Text]]]:
    if spec.width_in > MAX_WIDTH_IN:
        raise ValueError(f"width_in={spec.width_in} exceeds the book's {MAX_WIDTH_IN} in")
    nrows, ncols = _grid(len(spec.panels), spec.ncols)
    with plt.rc_context(RC_PARAMS):
        fig, axes_grid = plt.subplots(nrows, ncols, figsize=(spec.width_in, spec.height_in),
                                      sharex=spec.sharex, squeeze=False)
        axes = list(axes_grid.ravel())
        for extra_ax in axes[len(spec.panels):]:
            extra_ax.set_visible(False)
        lines: list[list[Line2D]] = []
        texts: list[list[Text]] = []
        for ax, panel in zip(axes, spec.panels, strict=False):
            ax.set_xscale(panel.xscale)
            ax.set_yscale(panel.yscale)
            lines.append([_draw_series(ax, s) for s in panel.series])
            texts.append([_draw_note(ax, n) for n in panel.notes])
            ax.set_xlabel(panel.xlabel)
            ax.set_ylabel(panel.ylabel)
            _apply_limits(ax, panel)
            if panel.legend_loc and any(s.label for s in panel.series):
                ax.legend(loc=panel.legend_loc)
    return fig, axes[: len(spec.panels)], lines, texts


def render(spec: PlotSpec) -> Figure:
    """Draw ``spec`` as a new :class:`immunokit.Figure` (book style, constrained layout)."""
    fig, _axes, _lines, _texts = _build(spec)
    return Figure(fig, spec.alt, spec.caption)


class LiveFigure:
    """One matplotlib figure kept alive and updated in place from successive specs.

    The first spec fixes the layout; later specs with the same :meth:`PlotSpec.structure` only move
    lines, notes, legend labels and limits, then render one SVG. A spec of another structure rebuilds
    the figure.
    """

    def __init__(self) -> None:
        self._structure: tuple[object, ...] | None = None
        self._fig: MplFigure | None = None
        self._axes: list[Axes] = []
        self._lines: list[list[Line2D]] = []
        self._texts: list[list[Text]] = []

    def close(self) -> None:
        """Release the matplotlib figure."""
        if self._fig is not None:
            plt.close(self._fig)
        self._fig = None
        self._structure = None

    def update(self, spec: PlotSpec) -> Figure:
        """Show ``spec``; return a :class:`Figure` whose SVG is already rendered."""
        if self._fig is None or spec.structure() != self._structure:
            self.close()
            self._fig, self._axes, self._lines, self._texts = _build(spec)
            self._structure = spec.structure()
            self._fig.canvas.draw()  # fix the constrained layout once ...
            self._fig.set_layout_engine("none")  # ... and keep it: updates only move data
        else:
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
                _apply_limits(ax, panel)
        svg = svg_bytes(self._fig)
        return Figure(self._fig, spec.alt, spec.caption, _svg=svg)
