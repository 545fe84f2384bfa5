"""Short written answers: a prompt, a text area and a hint; marked by the instructor with a rubric.

A written question (``type: written`` in a bank) tests what a choice cannot: weighing evidence,
writing a recommendation, explaining a mechanism in one's own words. It is **never auto-scored**, and it
is graded: the course's written questions, the Part reviews' last questions and the chapter 9 capstone
carry a share of the suggested grade. Their model answers and rubrics are therefore **instructor
artifacts** (issue 23): written by ``make export`` (``python -m immunokit_instructor.quiz export-all``)
into the instructor's folder, never rendered in the book or the notebook. The reader sees the prompt,
the hint and how many rubric points the answer is worth.

Static rendering: a ``<section>`` after the quiz's graded questions, one labelled ``<textarea>`` per
question and the hint in a ``<details>`` disclosure, so it works with no script at all. Live rendering:
an ipywidgets ``Textarea`` and a hint button. :class:`immunokit.quiz.Quiz` shows both after its graded
questions.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from ..markup import inline_html, stable_id
from .bank import QuizQuestion

INSTRUCTION = (
    "Write your answer here, then hand it in. It is not scored automatically: your instructor marks it "
    "with a rubric."
)


def marking_note(q: QuizQuestion) -> str:
    """What the reader is told about marking: the rubric's total points, never its criteria."""
    return f"Marked by your instructor with a rubric worth {q.rubric_points:g} points."


def written_html(questions: Sequence[QuizQuestion], *, key: str) -> str:
    """The written questions of a quiz as one ``<section>`` that needs no script."""
    if not questions:
        return ""
    root = stable_id("ikw", key, *(q.id for q in questions))
    items = []
    for n, q in enumerate(questions, start=1):
        qid = f"{root}-{n}"
        items.append(
            f'<li class="ik-wq" data-ik-qid="{html.escape(q.id, quote=True)}">'
            f'<p class="ik-wq-prompt" id="{qid}p"><span class="ik-q-num">Written question {n} of '
            f"{len(questions)}.</span> {inline_html(q.prompt)}</p>"
            f'<p class="ik-q-instr" id="{qid}i">{html.escape(INSTRUCTION)}</p>'
            f'<p><label for="{qid}t">Your answer</label><br>'
            f'<textarea id="{qid}t" rows="6" style="width:100%" aria-describedby="{qid}p {qid}i"></textarea></p>'
            f'<details class="ik-hint"><summary>Hint</summary><p>{inline_html(q.hint or "")}</p></details>'
            f'<p class="ik-wq-marking">{html.escape(marking_note(q))}</p>'
            "</li>"
        )
    return (
        f'<section class="ik-written" id="{root}" role="group" aria-label="Written answers, '
        f'{len(questions)} question{"s" if len(questions) != 1 else ""}">'
        f'<ol class="ik-written-list">{"".join(items)}</ol></section>'
    )


class WrittenView:
    """The live view of one written question: ``text`` (Textarea), ``hint_button`` and ``hint``.

    The model answer and rubric are not shown (they are instructor artifacts); ``marking`` says what the
    answer is worth.
    """

    def __init__(self, q: QuizQuestion, number: int, total: int) -> None:
        import ipywidgets as w

        self.q = q
        header = w.HTML(
            f"<p><strong>Written question {number} of {total}.</strong> {inline_html(q.prompt)}</p>"
            f"<p><em>{html.escape(INSTRUCTION)}</em></p>"
        )
        self.text = w.Textarea(placeholder="Your answer", layout=w.Layout(width="100%", height="8em"))
        self.hint_button = w.Button(description="Show hint", icon="lightbulb-o")
        self.hint = w.HTML("")
        self.marking = w.HTML(f"<p>{html.escape(marking_note(q))}</p>")
        self.hint_button.on_click(lambda _b: self.show_hint())
        self.box = w.VBox(
            [header, self.text, self.hint_button, self.hint, self.marking],
            layout=w.Layout(border="1px solid #ccc", padding="0.5em", margin="0 0 0.75em 0"),
        )

    def show_hint(self) -> None:
        """Reveal the hint."""
        self.hint.value = f"<p><strong>Hint.</strong> {inline_html(self.q.hint or '')}</p>"
        self.hint_button.disabled = True


def written_widget(questions: Sequence[QuizQuestion]) -> tuple[Any, list[WrittenView]]:
    """A VBox of the written questions' live views, and the views."""
    import ipywidgets as w

    views = [WrittenView(q, n, len(questions)) for n, q in enumerate(questions, start=1)]
    return w.VBox([v.box for v in views]), views


__all__ = [
    "INSTRUCTION",
    "WrittenView",
    "marking_note",
    "written_html",
    "written_widget",
]
