"""The one idea of the course: one definition, two renderings.

An :class:`Interactive` is defined once, from data. It renders

* **live** as an ipywidgets widget whose callbacks run Python in the kernel (:meth:`widget`), and
* **static** as self-contained HTML that the book's own script, ``immunokit.js`` (shipped in
  ``immunokit/static/`` and loaded once per page), brings to life with no kernel (:meth:`to_html`).

:meth:`_repr_mimebundle_` returns both. Jupyter front ends with a kernel prefer the widget view; the
book's HTML builder is told to prefer ``text/html`` (``nb_mime_priority_overrides`` in ``_config.yml``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


class Interactive(ABC):
    """Base class of quizzes, step-through diagrams and model explorers."""

    @abstractmethod
    def widget(self) -> Any:
        """Return a fresh ipywidgets widget (the live rendering)."""

    @abstractmethod
    def to_html(self) -> str:
        """Return the static rendering: HTML that ``immunokit.js`` makes interactive."""

    def __repr__(self) -> str:  # pragma: no cover - cosmetic
        return f"<{type(self).__name__}>"

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, Any]:
        view = self.widget()
        bundle: dict[str, Any] = dict(view._repr_mimebundle_() or {})
        bundle["text/html"] = self.to_html()
        bundle.setdefault("text/plain", repr(self))
        return bundle
