"""The one idea of the course: one definition, two renderings.

An :class:`Interactive` is defined once, from data. It renders

* **live** as an ipywidgets widget whose callbacks run Python in the kernel (:meth:`~Interactive.widget`,
  which returns a :class:`LiveView`), and
* **static** as self-contained HTML that the book's own script, ``immunokit.js`` (shipped in
  ``immunokit/static/`` and loaded once per page), brings to life with no kernel
  (:meth:`~Interactive.to_html`).

:meth:`~Interactive._repr_mimebundle_` returns both. Jupyter front ends with a kernel prefer the widget
view; the book's HTML builder is told to prefer ``text/html`` (``nb_mime_priority_overrides`` in
``_config.yml``) and drops the widget view, so the book's build has its kernels skip it
(:data:`LIVE_VIEWS`).

Every live rendering is a :class:`LiveView`: the ipywidgets box that is displayed, its named controls
(``view.controls["next"]``, ``view.controls["kd_nm"]``), and a typed :class:`ViewState` that says what
the view shows now. Tests (and benchmarks) read that state; they never dig into a widget's children.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .plotspec import LiveFigure, PlotSpec

#: Whether displaying an interactive builds its live view too. The book's build sets it to False in the
#: kernels that execute its chapters (:mod:`immunokit_build.buildcache`): the static book shows only the
#: HTML rendering, and building the widgets it would drop took about a sixth of a chapter's execution.
#: Every live view is still built and exercised by the tests.
LIVE_VIEWS = True


@dataclass
class ViewState:
    """What a live view shows now (fields that do not apply to a kind of view keep their default).

    Attributes
    ----------
    step
        Index of the step (stepper) shown.
    values
        The current value of every named control (slider values, form values, an answer).
    status
        The one status line: ``"Bind (1 of 4)"`` (stepper), a model's refusal (explorer),
        ``"Score: 1 of 6"`` (quiz).
    verdict
        The verdict in words: a calculator's headline and reason, a quiz question's headline.
    grade
        A calculator's grade (0 = none), or ``None``.
    html
        The HTML of what the view shows: the figure, the verdict, a question's feedback.
    hint
        A quiz question's hint once revealed (HTML), else ``""``.
    spec
        The plot spec an explorer shows, or ``None``.
    """

    step: int = 0
    values: dict[str, Any] = field(default_factory=dict)
    status: str = ""
    verdict: str = ""
    grade: int | None = None
    html: str = ""
    hint: str = ""
    spec: PlotSpec | None = None


class LiveView:
    """A live rendering: the displayed ipywidgets ``box``, named ``controls``, a typed ``state``.

    Parameters
    ----------
    children
        The widgets shown, top to bottom (a vertical box holds them).
    controls
        The widgets a reader acts on, by name (buttons, sliders, fields).
    parts
        Sub-views by name (a quiz's questions).
    figure
        The kept live figure of an explorer, if any.
    """

    def __init__(
        self,
        children: Sequence[Any],
        *,
        controls: Mapping[str, Any] | None = None,
        parts: Mapping[str, LiveView] | None = None,
        figure: LiveFigure | None = None,
        **layout: Any,
    ) -> None:
        import ipywidgets as w

        self.box: Any = w.VBox(list(children), **layout)
        self.controls: dict[str, Any] = dict(controls or {})
        self.parts: dict[str, LiveView] = dict(parts or {})
        self.figure = figure
        self.state = ViewState()

    def set(self, name: str, value: Any) -> ViewState:
        """Set control ``name`` to ``value`` (as a reader would); return the new state."""
        self.control(name).value = value
        return self.state

    def click(self, name: str) -> ViewState:
        """Click button ``name``; return the new state."""
        self.control(name).click()
        return self.state

    def control(self, name: str) -> Any:
        """The control called ``name`` (a clear error names the ones there are)."""
        try:
            return self.controls[name]
        except KeyError:
            raise KeyError(f"this view has no control {name!r}; controls: {sorted(self.controls)}") from None

    def text(self) -> str:
        """Everything the view shows as text or HTML (its HTML and label widgets, top to bottom)."""
        import ipywidgets as w

        def walk(widget: Any) -> list[str]:
            if isinstance(widget, w.Box):
                return [part for child in widget.children for part in walk(child)]
            if isinstance(widget, (w.HTML, w.Label)):
                return [str(widget.value)]
            return []

        return "\n".join(walk(self.box))

    def close(self) -> None:
        """Close the widgets and forget the live figure."""
        if self.figure is not None:
            self.figure.close()
        self.box.close()

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, Any]:
        return dict(self.box._repr_mimebundle_() or {})

    def __repr__(self) -> str:
        return f"<LiveView {self.state}>"


class Interactive(ABC):
    """Base class of quizzes, steppers, explorers, calculators and tables."""

    @abstractmethod
    def widget(self) -> LiveView:
        """Return a fresh live view (the live rendering)."""

    @abstractmethod
    def to_html(self) -> str:
        """Return the static rendering: HTML that ``immunokit.js`` makes interactive."""

    def __repr__(self) -> str:  # pragma: no cover - cosmetic
        return f"<{type(self).__name__}>"

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, Any]:
        bundle = self.widget()._repr_mimebundle_() if LIVE_VIEWS else {}
        bundle["text/html"] = self.to_html()
        bundle["text/plain"] = repr(self)
        return bundle
