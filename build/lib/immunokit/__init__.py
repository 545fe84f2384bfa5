"""immunokit — the toolkit of the *Leukemia Immunotherapy* course.

Notebooks import what they need from here in one line; no helper code lives in a notebook.

Public API
----------
Figures and style
    :class:`Figure`, :func:`figure_style`, :func:`use_book_style`, :data:`OKABE_ITO`, :data:`CYCLE`
Interactive elements (one definition, two renderings)
    :class:`Interactive`, :class:`LiveView`, :class:`Stepper`, :class:`Frame`, :func:`frames_html`
    (the whole pattern: :mod:`immunokit.interactive`)
"""

from importlib.metadata import PackageNotFoundError, version

from .display import Figure
from .interactive import Frame, Interactive, LiveView, Stepper, frames_html
from .style import CYCLE, LINESTYLES, MAX_WIDTH_IN, OKABE_ITO, figure_style, use_book_style

try:
    __version__ = version("immunokit")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "CYCLE",
    "LINESTYLES",
    "MAX_WIDTH_IN",
    "OKABE_ITO",
    "Figure",
    "Frame",
    "Interactive",
    "LiveView",
    "Stepper",
    "__version__",
    "figure_style",
    "frames_html",
    "use_book_style",
]
