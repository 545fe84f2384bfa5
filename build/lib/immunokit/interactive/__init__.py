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

from .base import Interactive, LiveView, ViewState
from .calculator import Calculator, CalcVerdict, Derived, Field, checkbox_field
from .explorer import MAX_FRAMES, Control, Explorer
from .plotspec import LiveFigure, Note, Panel, PlotSpec, Series, render
from .registry import DIAGRAMS, EXPLORERS, Entry, register_diagram, register_explorer
from .stepper import Frame, Stepper, frames_html
from .table import Cell, Column, SortableTable

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
