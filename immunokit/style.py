"""One palette and one figure style for every figure in the book.

The palette is Okabe & Ito's colour-blind-safe set (Okabe M, Ito K. *Color Universal Design*, 2008),
which stays distinguishable under the common forms of colour-vision deficiency. Figures never rely on
colour alone: plots also vary line style or marker, and diagrams label what they colour.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

from cycler import cycler

#: Okabe–Ito colours by name (hex sRGB).
OKABE_ITO: Final[dict[str, str]] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: Order in which plots cycle through the palette (yellow last: it is weak on white).
CYCLE: Final[tuple[str, ...]] = (
    OKABE_ITO["blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["orange"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["black"],
    OKABE_ITO["yellow"],
)

#: Line styles paired with :data:`CYCLE`, so series differ by more than colour.
LINESTYLES: Final[tuple[str | tuple[int, tuple[int, ...]], ...]] = (
    "-",
    "--",
    "-.",
    ":",
    (0, (5, 1)),
    (0, (3, 1, 1, 1, 1, 1)),
    "-",
    "--",
)

#: Widest figure the book shows, in inches (the text column of the theme).
MAX_WIDTH_IN: Final[float] = 7.2

#: Width of a chart's phone rendering, in inches. A 375 px phone shows figures about 280–300 px wide:
#: a 3.4 in (245 pt) drawing is then shown at 1.15× or more, so 8.5 pt text is at least 9 px on screen.
PHONE_WIDTH_IN: Final[float] = 3.4
#: Screens up to this width (CSS px) get a figure's phone rendering when it has one.
PHONE_MAX_SCREEN_PX: Final[int] = 600

#: Font sizes in points: labels on diagrams and axes, small annotations, titles of panels.
FONT_SIZE: Final[float] = 10.0
SMALL_FONT_SIZE: Final[float] = 8.5
PANEL_TITLE_SIZE: Final[float] = 11.0

RC_PARAMS: Final[dict[str, Any]] = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": FONT_SIZE,
    "axes.titlesize": PANEL_TITLE_SIZE,
    "axes.labelsize": FONT_SIZE,
    "xtick.labelsize": SMALL_FONT_SIZE + 0.5,
    "ytick.labelsize": SMALL_FONT_SIZE + 0.5,
    "legend.fontsize": SMALL_FONT_SIZE + 0.5,
    "legend.frameon": False,
    "axes.prop_cycle": cycler(color=list(CYCLE)),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "lines.linewidth": 2.0,
    # Text stays text in SVG output: smaller files, selectable and searchable labels.
    "svg.fonttype": "none",
    # Deterministic ids inside SVG files, so repeated builds write identical bytes.
    "svg.hashsalt": "immunokit",
    "figure.constrained_layout.use": True,
}


@contextmanager
def figure_style() -> Iterator[None]:
    """Apply the book's figure style inside a ``with`` block (restores the caller's settings)."""
    import matplotlib as mpl  # here, not at the top: a quiz or a model that draws nothing need not load it

    with mpl.rc_context(RC_PARAMS):  # type: ignore[arg-type]
        yield


def use_book_style() -> None:
    """Apply the book's figure style for the rest of the session (notebooks call this once)."""
    import matplotlib as mpl

    mpl.rcParams.update(RC_PARAMS)  # type: ignore[arg-type]
