"""The result of checking one answer: a :class:`Verdict` that a notebook shows and the grader records.

A verdict has one of four statuses (:class:`Status`): ``correct``, ``incorrect``, ``not-attempted``
(the answer is still ``...`` or ``None``) and ``wrong-type`` (for example the string ``'5'`` where a
number was expected). It always carries a message written for the student, and the points earned out
of the question's maximum. In Jupyter it renders as a small coloured box whose status is also spelled
out in words (never colour alone); as plain text it is one line.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ..markup import inline_html, plain_text


class Status(StrEnum):
    """What a check concluded about an answer."""

    CORRECT = "correct"
    INCORRECT = "incorrect"
    NOT_ATTEMPTED = "not-attempted"
    WRONG_TYPE = "wrong-type"


_LABEL = {
    Status.CORRECT: "Correct",
    Status.INCORRECT: "Not yet",
    Status.NOT_ATTEMPTED: "Not attempted yet",
    Status.WRONG_TYPE: "Wrong type",
}
_SYMBOL = {
    Status.CORRECT: "✓",
    Status.INCORRECT: "✗",
    Status.NOT_ATTEMPTED: "…",
    Status.WRONG_TYPE: "!",
}


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking one answer.

    Parameters
    ----------
    question
        The question id, e.g. ``"occ-01"``.
    status
        One of :class:`Status`.
    message
        What the student should read: why the answer is right, or what to look at again. May use
        :mod:`immunokit.markup` inline markup.
    points
        Points earned (0 unless the status is ``correct``).
    max_points
        Points the question is worth.
    """

    question: str
    status: Status
    message: str
    points: float = 0.0
    max_points: float = 0.0

    @property
    def correct(self) -> bool:
        """True when the answer is correct."""
        return self.status is Status.CORRECT

    def __bool__(self) -> bool:
        return self.correct

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (what the grader records)."""
        return {
            "question": self.question,
            "status": self.status.value,
            "message": plain_text(self.message),
            "points": self.points,
            "max_points": self.max_points,
        }

    def text(self) -> str:
        """One line of plain text."""
        score = f" [{_fmt(self.points)}/{_fmt(self.max_points)} points]" if self.max_points else ""
        return f"{_SYMBOL[self.status]} {self.question}: {_LABEL[self.status]}{score} — {plain_text(self.message)}"

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return self.text()

    def to_html(self) -> str:
        """A small box: status in words and symbol, the message, and the points."""
        score = (
            f'<span class="ik-verdict-points">{_fmt(self.points)} / {_fmt(self.max_points)} points</span>'
            if self.max_points
            else ""
        )
        return (
            f'<div class="ik-verdict ik-verdict-{self.status.value}" role="status" '
            f'style="{_STYLE[self.status]}">'
            f'<strong><span aria-hidden="true">{_SYMBOL[self.status]}</span> '
            f"{html.escape(self.question)}: {_LABEL[self.status]}</strong> {score}"
            f"<div>{inline_html(self.message)}</div></div>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        return {"text/html": self.to_html(), "text/plain": self.text()}


class ScoredVerdict(Verdict):
    """A verdict as nbgrader reads a test cell: its plain text is the points earned, as a number.

    nbgrader scores a test cell from its ``execute_result``: a ``text/plain`` that is a number is the
    cell's points (anything else gives full points with a warning that later releases may treat it as an
    error). :func:`immunokit.exercises.check` returns one of these under nbgrader (``NBGRADER_EXECUTION``
    set) for a correct answer, and raises for any other; the HTML box is the same as everywhere else.
    """

    def __repr__(self) -> str:
        return _fmt(self.points)

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        return {"text/html": self.to_html(), "text/plain": _fmt(self.points)}


# Inline styles, so the box reads well in JupyterLab, Notebook 7 and VS Code without the book's CSS.
# Okabe–Ito hues as left borders on a neutral background; the status is also written out.
_BASE = "border-left:6px solid {c};padding:.4em .8em;margin:.3em 0;background:rgba(127,127,127,.08)"
_STYLE = {
    Status.CORRECT: _BASE.format(c="#009E73"),
    Status.INCORRECT: _BASE.format(c="#D55E00"),
    Status.NOT_ATTEMPTED: _BASE.format(c="#999999"),
    Status.WRONG_TYPE: _BASE.format(c="#E69F00"),
}


def _fmt(value: float) -> str:
    return f"{value:g}"
