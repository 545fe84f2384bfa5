"""Figures that carry their own alt text and caption, rendered as accessible HTML.

Every figure in the book goes through :class:`Figure`: the notebook shows it as a ``<figure>`` with an
``<img>`` whose ``alt`` names what the figure shows, and a ``<figcaption>``. The image is an SVG data
URI, so the page needs no other file and no other host, and SVG ids cannot clash between figures.
"""

from __future__ import annotations

import base64
import html
import io
import sys
import textwrap
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .markup import inline_html, plain_text
from .style import MAX_WIDTH_IN, PHONE_MAX_SCREEN_PX, PHONE_WIDTH_IN

if TYPE_CHECKING:  # matplotlib is imported when a figure is rendered: a quiz or a model need not load it
    from matplotlib.figure import Figure as MplFigure


def svg_bytes(fig: MplFigure) -> bytes:
    """Render ``fig`` to SVG (text kept as text, deterministic ids)."""
    width = fig.get_figwidth()
    if width > MAX_WIDTH_IN + 1e-9:
        raise ValueError(f"figure is {width:.2f} in wide; the book's limit is {MAX_WIDTH_IN} in")
    import matplotlib as mpl

    buffer = io.BytesIO()
    # The book's SVG settings apply whatever style the figure was drawn in: text stays text, ids are stable.
    with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": "immunokit"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def phone_rendering(fig: MplFigure) -> bytes | None:
    """``fig`` laid out again :data:`~immunokit.style.PHONE_WIDTH_IN` wide, as SVG; None unless its
    layout engine is matplotlib's constrained layout (a fixed drawing would only shrink) or it is
    already that narrow. The figure's size is restored afterwards."""
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    width, height = fig.get_size_inches()
    if not isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine) or width <= PHONE_WIDTH_IN + 1e-9:
        return None
    # Long axis labels wrap and legends take one column, as the phone rendering of a plot spec does.
    labels = [(axis.label, axis.label.get_text()) for ax in fig.axes for axis in (ax.xaxis, ax.yaxis)]
    legends = [(ax, legend) for ax in fig.axes if (legend := ax.get_legend()) is not None]
    if len(legends) > 1:
        return None  # one legend under the figure would not say which panel it belongs to
    from matplotlib.ticker import FuncFormatter

    # Named rows ("2-year overall survival", set with set_yticks(ticks, labels)) on two lines.
    formatters = [(ax.yaxis, ax.yaxis.get_major_formatter()) for ax in fig.axes]
    named = [
        (axis, old, [t.get_text() for t in axis.get_ticklabels()])
        for axis, old in formatters
        if isinstance(old, FuncFormatter) and any(t.get_text() for t in axis.get_ticklabels())
    ]
    try:
        for text, value in labels:
            text.set_text(textwrap.fill(value, _LABEL_CHARS) if value else value)
        for axis, _old, texts in named:
            axis.set_major_formatter(
                FuncFormatter(
                    lambda _v, pos, t=texts: textwrap.fill(t[pos], _TICK_CHARS) if pos < len(t) else ""
                )
            )
        for ax, legend in legends:  # the same legend in one column under the figure: no corner is free
            ax.legend_ = None
            handles = [h for h in legend.legend_handles if h is not None]
            names = [t.get_text() for t in legend.texts]
            fig.legend(handles=handles, labels=names[: len(handles)], loc="outside lower center")
        # Narrower, and a little less tall than in proportion: the text takes its full size.
        fig.set_size_inches(PHONE_WIDTH_IN, max(height * 0.8, PHONE_WIDTH_IN * 0.75) + 0.2 * len(legends))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "axes sizes collapsed": refused below
            fig.draw_without_rendering()
        tight = fig.get_tightbbox()
        if tight is None or tight.x0 < -0.01 or tight.x1 > PHONE_WIDTH_IN + 0.01 or tight.y0 < -0.01:
            return None  # a label or note would run off the narrow figure: phones get the wide one
        return svg_bytes(fig)
    finally:
        for text, value in labels:
            text.set_text(value)
        for ax, legend in legends:
            ax.legend_ = legend
        for axis, old, _texts in named:
            axis.set_major_formatter(old)
        del fig.legends[len(fig.legends) - len(legends) :]
        fig.set_size_inches(width, height)


#: Characters per line of an axis label in a phone rendering (10 pt text, a 3.4 in figure).
_LABEL_CHARS = 24
#: Characters per line of a named row (a y tick label) in a phone rendering.
_TICK_CHARS = 16


def svg_data_uri(svg: bytes) -> str:
    """Return an ``<img src>`` value for ``svg`` (base64 data URI)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


@dataclass
class Figure:
    """A matplotlib figure with the alt text and caption the book shows with it.

    Parameters
    ----------
    fig
        The matplotlib figure (closed once rendered, so notebooks do not show it twice).
    alt
        Text alternative: what a reader who cannot see the image needs to know — the actors or
        axes, and what happens or what the curves show. Plain text.
    caption
        Caption shown under the figure; may use :mod:`immunokit.markup` inline markup.
    """

    fig: MplFigure
    alt: str
    caption: str
    _svg: bytes | None = field(default=None, repr=False)
    #: The same drawing laid out for a phone (:data:`~immunokit.style.PHONE_WIDTH_IN` wide), or None.
    phone_svg: bytes | None = field(default=None, repr=False)
    #: Renders the wide and the phone SVG when first asked for (a plot spec's own layout steps); None:
    #: the figure is rendered as it stands. Nothing is rendered for a figure nobody displays (the
    #: grader's kernel discards what cells display).
    _draw: Callable[[], tuple[bytes, bytes | None]] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not self.alt.strip():
            raise ValueError("a figure needs alt text that says what it shows")
        if not self.caption.strip():
            raise ValueError("a figure needs a caption")

    @property
    def svg(self) -> bytes:
        """The figure as SVG bytes (rendered once, then the matplotlib figure is closed).

        A chart laid out by matplotlib's constrained layout is also rendered at phone width
        (:attr:`phone_svg`): the layout is redone for the narrower figure and the text keeps its size.
        """
        if self._svg is None and self._draw is not None:
            self._svg, self.phone_svg = self._draw()
            self._draw = None
        if self._svg is None:
            self._svg = svg_bytes(self.fig)
            if self.phone_svg is None:
                self.phone_svg = phone_rendering(self.fig)
            pyplot = sys.modules.get("matplotlib.pyplot")  # a figure pyplot made is closed there
            if pyplot is not None:
                pyplot.close(self.fig)
        return self._svg

    def img_html(self) -> str:
        """The ``<img>`` element alone, inside a ``<picture>`` that picks the phone rendering on a
        narrow screen when the figure has one."""
        width = round(self.fig.get_figwidth() * 96)
        img = (
            f'<img class="ik-img" src="{svg_data_uri(self.svg)}" '
            f'alt="{html.escape(plain_text(self.alt), quote=True)}" style="max-width:min(100%, {width}px)">'
        )
        if self.phone_svg is None:
            return img
        return (
            f'<picture class="ik-picture"><source media="(max-width: {PHONE_MAX_SCREEN_PX}px)" '
            f'srcset="{svg_data_uri(self.phone_svg)}">{img}</picture>'
        )

    def to_html(self) -> str:
        """``<figure>`` with image and caption."""
        return (
            '<figure class="ik-figure">'
            f"{self.img_html()}"
            f"<figcaption>{inline_html(self.caption)}</figcaption>"
            "</figure>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        return {"text/html": self.to_html(), "text/plain": f"Figure: {plain_text(self.alt)}"}

    def save(self, path: str) -> None:
        """Write the SVG to ``path``."""
        with open(path, "wb") as handle:
            handle.write(self.svg)
