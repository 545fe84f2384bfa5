"""The live rendering of a quiz: ipywidgets whose callbacks grade in the kernel.

Per question: the prompt, the input widgets of its type (radio buttons, checkboxes, a text box with
the unit, or a list with *Move up* / *Move down*), *Show hint*, *Check* and *Try again*, and a
feedback area with the verdict (icon and words), the feedback of each chosen option and the
explanation. Every check goes through :meth:`immunokit.quiz.Quiz.check`, so ``quiz.score`` and
``quiz.results()`` see it. Tests drive it without a browser through the :class:`LiveView`:
``view.parts[qid].set("answer", 2)``, ``.click("check")``, then read ``.state``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ..markup import inline_html, plain_text
from ..quiz.bank import QuizQuestion
from ..quiz.grading import QuizVerdict, format_value
from .base import LiveView
from .quiz_static import instructions

if TYPE_CHECKING:
    from ..quiz.core import Quiz

_HIDE = "none"
_SHOW = ""


_SUP_CHARS = str.maketrans(
    "0123456789+-\u2212=()n",
    "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079\u207a\u207b\u207b\u207c\u207d\u207e\u207f",
)
_SUB_CHARS = str.maketrans(
    "0123456789+-\u2212=()",
    "\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089\u208a\u208b\u208b\u208c\u208d\u208e",
)
_SUP_RE = re.compile(r"\^([^\^\s][^\^\n]*?)\^")
_SUB_RE = re.compile(r"(?<!~)~([^~\s][^~\n]*?)~(?!~)")


def widget_text(text: str) -> str:
    """Plain text for widget labels that cannot show HTML (radio buttons, checkboxes, list items).

    Super- and subscripts become Unicode characters where they exist (``10^-4^`` → 10⁻⁴,
    ``t~1/2~`` → t_1/2 otherwise), so a label never reads ``10-4``; the rest of the markup is dropped.
    """

    def sup(m: re.Match[str]) -> str:
        body = m.group(1)
        return body.translate(_SUP_CHARS) if set(body) <= set("0123456789+-\u2212=()n") else f"^{body}"

    def sub(m: re.Match[str]) -> str:
        body = m.group(1)
        return body.translate(_SUB_CHARS) if set(body) <= set("0123456789+-\u2212=()") else f"_{body}"

    code_free = re.sub(r"`([^`\n]+)`", r"\1", text)
    return plain_text(_SUB_RE.sub(sub, _SUP_RE.sub(sup, code_free)))


def feedback_html(q: QuizQuestion, verdict: QuizVerdict) -> str:
    """The feedback shown after a check: verdict, per-option feedback, explanation."""
    parts = [
        f'<p class="ik-verdict-head ik-{verdict.status}"><strong>{html.escape(verdict.headline)}</strong>'
        + (f" {html.escape(verdict.message)}" if verdict.message else "")
        + "</p>"
    ]
    if verdict.status == "invalid":
        return "".join(parts)
    if q.type in ("single", "multiple"):
        rows = []
        for i in q.display_order():
            if i in verdict.chosen:
                opt = q.options[i]
                mark = "\u2713 Right choice:" if opt.correct else "\u2717 Wrong choice:"
                rows.append(
                    f"<li><strong>{mark}</strong> {inline_html(opt.text)} \u2014 {inline_html(opt.feedback)}</li>"
                )
        parts.append(f"<ul>{''.join(rows)}</ul>")
    elif q.type == "numeric":
        if verdict.value is not None:
            parts.append(f"<p>You entered {html.escape(format_value(q, verdict.value))}.</p>")
        if verdict.correct:
            text = q.feedback_correct
        elif verdict.mistake is not None:
            text = q.mistakes[verdict.mistake].feedback
        else:
            text = q.feedback_incorrect
        parts.append(f"<p>{inline_html(text)}</p>")
    parts.append(f"<p><strong>Explanation.</strong> {inline_html(q.explanation)}</p>")
    return "".join(parts)


class QuestionView:
    """The widgets of one question, shown as :attr:`view` (a :class:`LiveView`).

    ``view.controls``: ``"answer"`` (radio buttons, text box or ordering list), ``"option-1"`` …
    (checkboxes of a multiple-select question, in display order), ``"up"``/``"down"`` (ordering),
    ``"check"``, ``"retry"``, ``"hint"``. ``view.state``: ``verdict`` (the headline), ``html`` (the
    feedback shown), ``hint`` (once revealed), ``values["answer"]`` (the answer last checked, in bank
    indices).
    """

    def __init__(self, quiz: Quiz, q: QuizQuestion, number: int, on_score: Callable[[], None]) -> None:
        self.quiz, self.q, self._on_score = quiz, q, on_score
        self.radio: w.RadioButtons | None = None
        self.checkboxes: list[w.Checkbox] = []  # in display order
        self.text: w.Text | None = None
        self.order: w.Select | None = None
        self.up: w.Button | None = None
        self.down: w.Button | None = None
        self.verdict: QuizVerdict | None = None

        header = w.HTML(
            f"<p><strong>Question {number} of {quiz.max_score}.</strong> {inline_html(q.prompt)}</p>"
            f"<p><em>{html.escape(instructions(q))}</em></p>"
        )
        inputs = self._inputs()
        self.check = w.Button(description="Check", button_style="primary", icon="check")
        self.retry = w.Button(description="Try again", icon="redo", layout=w.Layout(display=_HIDE))
        self.hint_button = w.Button(
            description="Show hint", icon="lightbulb-o", layout=w.Layout(display=_SHOW if q.hint else _HIDE)
        )
        self.hint = w.HTML("", layout=w.Layout(display=_HIDE))
        self.feedback = w.HTML("")
        self.check.on_click(lambda _b: self.do_check())
        self.retry.on_click(lambda _b: self.do_retry())
        self.hint_button.on_click(lambda _b: self.show_hint())
        controls: dict[str, Any] = {"check": self.check, "retry": self.retry, "hint": self.hint_button}
        answer = self.radio or self.text or self.order
        if answer is not None:
            controls["answer"] = answer
        controls.update({f"option-{k + 1}": box for k, box in enumerate(self.checkboxes)})
        if self.up is not None and self.down is not None:
            controls.update(up=self.up, down=self.down)
        self.view = LiveView(
            [header, inputs, w.HBox([self.check, self.retry, self.hint_button]), self.hint, self.feedback],
            controls=controls,
            layout=w.Layout(border="1px solid #ccc", padding="0.5em", margin="0 0 0.75em 0"),
        )

    # ---- inputs -------------------------------------------------------------------------------
    def _inputs(self) -> w.Widget:
        q = self.q
        order = q.display_order()
        if q.type == "single":
            self.radio = w.RadioButtons(
                options=[(widget_text(q.options[i].text), i) for i in order],
                value=None,
                layout=w.Layout(width="auto"),
                style={"description_width": "0px"},
            )
            return self.radio
        if q.type == "multiple":
            self.checkboxes = [
                w.Checkbox(
                    value=False,
                    description=widget_text(q.options[i].text),
                    indent=False,
                    layout=w.Layout(width="auto"),
                )
                for i in order
            ]
            return w.VBox(self.checkboxes)
        if q.type == "numeric":
            self.text = w.Text(
                placeholder="a number",
                description="Your answer",
                continuous_update=False,
                style={"description_width": "initial"},
            )
            return w.HBox([self.text, w.HTML(inline_html(q.units))])
        self.order = w.Select(
            options=[(widget_text(q.items[i]), i) for i in order],
            value=order[0],
            rows=len(order),
            layout=w.Layout(width="auto"),
        )
        self.up = w.Button(description="Move up", icon="arrow-up")
        self.down = w.Button(description="Move down", icon="arrow-down")
        self.up.on_click(lambda _b: self.move(-1))
        self.down.on_click(lambda _b: self.move(+1))
        return w.HBox([self.order, w.VBox([self.up, self.down])])

    def move(self, step: int) -> None:
        """Move the selected ordering item one place up (``-1``) or down (``+1``)."""
        assert self.order is not None
        options = list(self.order.options)
        values = [v for _label, v in options]
        i = values.index(self.order.value)
        j = i + step
        if not 0 <= j < len(options):
            return
        options[i], options[j] = options[j], options[i]
        self.order.options = options
        self.order.value = options[j][1]

    def answer(self) -> Any:
        """The current answer, in bank indices (as :func:`immunokit.quiz.grading.grade` takes it)."""
        if self.radio is not None:
            return self.radio.value
        if self.checkboxes:
            order = self.q.display_order()
            return [order[k] for k, box in enumerate(self.checkboxes) if box.value]
        if self.text is not None:
            return self.text.value
        assert self.order is not None
        return [v for _label, v in self.order.options]

    def _inputs_disabled(self, disabled: bool) -> None:
        for widget in [self.radio, self.text, self.order, self.up, self.down, *self.checkboxes]:
            if widget is not None:
                widget.disabled = disabled

    # ---- actions ------------------------------------------------------------------------------
    def do_check(self) -> QuizVerdict:
        """Grade the current answer, show the feedback, update the score."""
        answer = self.answer()
        verdict = self.quiz.check(self.q.id, answer)
        self.verdict = verdict
        self.feedback.value = feedback_html(self.q, verdict)
        self.view.state.values = {"answer": answer}
        self.view.state.verdict = verdict.headline
        self.view.state.html = self.feedback.value
        if verdict.status != "invalid":
            self._inputs_disabled(True)
            self.check.layout.display = _HIDE
            self.retry.layout.display = _SHOW
        self._on_score()
        return verdict

    def do_retry(self) -> None:
        """Unlock the inputs and clear the feedback (the recorded attempts stay)."""
        self._inputs_disabled(False)
        self.feedback.value = ""
        self.verdict = None
        self.view.state.verdict = self.view.state.html = ""
        self.check.layout.display = _SHOW
        self.retry.layout.display = _HIDE

    def show_hint(self) -> None:
        """Reveal the hint."""
        if self.q.hint:
            self.hint.value = f"<p><strong>Hint.</strong> {inline_html(self.q.hint)}</p>"
            self.hint.layout.display = _SHOW
            self.hint_button.disabled = True
            self.view.state.hint = self.hint.value


def quiz_widget(quiz: Quiz) -> LiveView:
    """The live quiz: one part per question (``view.parts[qid]``) and the score line (``state.status``)."""
    score = w.HTML()
    views = [QuestionView(quiz, q, n + 1, lambda: update_score()) for n, q in enumerate(quiz.questions)]
    title = [w.HTML(f"<h3>{inline_html(quiz.title)}</h3>")] if quiz.title else []
    view = LiveView([*title, *(v.view.box for v in views), score], parts={v.q.id: v.view for v in views})

    def update_score() -> None:
        view.state.status = f"{quiz.score_text()} (questions answered: {quiz.answered})"
        score.value = (
            f"<p><strong>{html.escape(quiz.score_text())}</strong> (questions answered: {quiz.answered})</p>"
        )

    update_score()
    return view
