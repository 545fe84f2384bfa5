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

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names below, for editors and mypy; imported on first use (matplotlib is slow)
    from .display import Figure
    from .interactive import Frame, Interactive, LiveView, Stepper, frames_html
    from .style import CYCLE, LINESTYLES, MAX_WIDTH_IN, OKABE_ITO, figure_style, use_book_style

#: Where each public name lives. ``import immunokit.quiz.bank`` (a bank check, a grader's sandbox) then
#: costs no plotting library; ``from immunokit import Figure`` imports what it needs.
_HOMES = {
    "Figure": "display",
    "Frame": "interactive",
    "Interactive": "interactive",
    "LiveView": "interactive",
    "Stepper": "interactive",
    "frames_html": "interactive",
    "CYCLE": "style",
    "LINESTYLES": "style",
    "MAX_WIDTH_IN": "style",
    "OKABE_ITO": "style",
    "figure_style": "style",
    "use_book_style": "style",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


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
