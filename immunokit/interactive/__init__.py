"""The one pattern of the course: every interactive element is defined once and renders two ways.

===================  =====================================================================
module               what
===================  =====================================================================
``base``             :class:`Interactive` (the two renderings), :class:`LiveView` and its
                     typed :class:`ViewState` (what tests read)
``stepper``          :class:`Stepper` (step-through diagrams), :class:`Frame`, :func:`frames_html`
``plotspec``         :class:`PlotSpec` and its parts, :func:`render`, :class:`LiveFigure`
``explorer``         :class:`Explorer` and its :class:`Control` (model explorers)
``calculator``       :class:`Calculator`, :class:`Field`, :class:`Derived` (grading calculators)
``table``            :class:`SortableTable`, :class:`Column`, :class:`Cell`
``quiz_live``        the live rendering of a :class:`immunokit.quiz.Quiz`
``quiz_static``      the static rendering of a quiz
``registry``         :func:`register_diagram`, :func:`register_explorer`, :data:`DIAGRAMS`,
                     :data:`EXPLORERS`
===================  =====================================================================

Domain modules (``models``, ``diagrams``, ``toxicity``, ``evidence``) hold the science and the
drawing; they build these elements and register them by decorator.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .base import Interactive, LiveView, ViewState
from .calculator import Calculator, CalcVerdict, Derived, Field, checkbox_field
from .registry import DIAGRAMS, EXPLORERS, Entry, register_diagram, register_explorer
from .table import Cell, Column, SortableTable

if TYPE_CHECKING:
    from .explorer import MAX_FRAMES, Control, Explorer
    from .plotspec import LiveFigure, Note, Panel, PlotSpec, Series, render
    from .stepper import Frame, Stepper, frames_html

#: The names whose modules draw (matplotlib, 1-2 s to import), imported on first use: a module that needs
#: only a calculator or a table (``toxicity``, and through it ``quiz validate`` and the grader's case
#: runner) starts without the plotting stack.
_DRAWING = {
    **dict.fromkeys(("MAX_FRAMES", "Control", "Explorer"), "explorer"),
    **dict.fromkeys(("LiveFigure", "Note", "Panel", "PlotSpec", "Series", "render"), "plotspec"),
    **dict.fromkeys(("Frame", "Stepper", "frames_html"), "stepper"),
}


def __getattr__(name: str) -> Any:
    module = _DRAWING.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)


__all__ = [
    "DIAGRAMS",
    "EXPLORERS",
    "MAX_FRAMES",
    "CalcVerdict",
    "Calculator",
    "Cell",
    "Column",
    "Control",
    "Derived",
    "Entry",
    "Explorer",
    "Field",
    "Frame",
    "Interactive",
    "LiveFigure",
    "LiveView",
    "Note",
    "Panel",
    "PlotSpec",
    "Series",
    "SortableTable",
    "Stepper",
    "ViewState",
    "checkbox_field",
    "frames_html",
    "register_diagram",
    "register_explorer",
    "render",
]


def __dir__() -> list[str]:
    return sorted({*globals(), *_DRAWING})
