"""Short written answers: a prompt, a text area, and a model answer with its rubric behind a disclosure.

A written question (``type: written`` in a bank) tests what a choice cannot: weighing evidence,
writing a recommendation, explaining a mechanism in one's own words. It is **never auto-scored**: the
reader (or an instructor) compares the answer with the model answer and the rubric's criteria.

Static rendering: a ``<section>`` after the quiz's graded questions, one labelled ``<textarea>`` per
question, the hint and the model answer + rubric in ``<details>`` disclosures, so it works with no
script at all. Live rendering: an ipywidgets ``Textarea`` and a button that reveals the same model
answer and rubric. :class:`immunokit.quiz.Quiz` shows both after its graded questions.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from ..display import stable_id
from ..markup import inline_html
from .bank import QuizQuestion

INSTRUCTION = (
    "Write a few sentences. Not scored automatically: compare your answer with the model answer and "
    "the rubric, or hand it to your instructor."
)


def rubric_html(q: QuizQuestion) -> str:
    """The rubric as a small table: criterion and points, with the total."""
    rows = "".join(
        f'<tr><td>{inline_html(c.criterion)}</td><td class="ik-num">{c.points:g}</td></tr>' for c in q.rubric
    )
    return (
        f'<table class="ik-rubric"><caption>Rubric ({q.rubric_points:g} points)</caption>'
        '<thead><tr><th scope="col">Criterion</th><th scope="col">Points</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def model_html(q: QuizQuestion) -> str:
    """The model answer, then the rubric."""
    return f'<p class="ik-model-answer"><strong>Model answer.</strong> {inline_html(q.model_answer)}</p>{rubric_html(q)}'


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
            f'<details class="ik-model"><summary>Model answer and rubric</summary>{model_html(q)}</details>'
            "</li>"
        )
    return (
        f'<section class="ik-written" id="{root}" role="group" aria-label="Written answers, '
        f'{len(questions)} question{"s" if len(questions) != 1 else ""}">'
        f'<ol class="ik-written-list">{"".join(items)}</ol></section>'
    )


class WrittenView:
    """The live view of one written question: ``text`` (Textarea), ``reveal`` (Button), ``model`` (HTML)."""

    def __init__(self, q: QuizQuestion, number: int, total: int) -> None:
        import ipywidgets as w

        self.q = q
        header = w.HTML(
            f"<p><strong>Written question {number} of {total}.</strong> {inline_html(q.prompt)}</p>"
            f"<p><em>{html.escape(INSTRUCTION)}</em></p>"
        )
        self.text = w.Textarea(placeholder="Your answer", layout=w.Layout(width="100%", height="8em"))
        self.reveal = w.Button(description="Show model answer and rubric", layout=w.Layout(width="auto"))
        self.hint_button = w.Button(description="Show hint", icon="lightbulb-o")
        self.hint = w.HTML("")
        self.model = w.HTML("")
        self.reveal.on_click(lambda _b: self.show_model())
        self.hint_button.on_click(lambda _b: self.show_hint())
        self.box = w.VBox(
            [header, self.text, w.HBox([self.hint_button, self.reveal]), self.hint, self.model],
            layout=w.Layout(border="1px solid #ccc", padding="0.5em", margin="0 0 0.75em 0"),
        )

    def show_model(self) -> None:
        """Reveal the model answer and the rubric."""
        self.model.value = model_html(self.q)
        self.reveal.disabled = True

    def show_hint(self) -> None:
        """Reveal the hint."""
        self.hint.value = f"<p><strong>Hint.</strong> {inline_html(self.q.hint or '')}</p>"
        self.hint_button.disabled = True


def written_widget(questions: Sequence[QuizQuestion]) -> tuple[Any, list[WrittenView]]:
    """A VBox of the written questions' live views, and the views."""
    import ipywidgets as w

    views = [WrittenView(q, n, len(questions)) for n, q in enumerate(questions, start=1)]
    return w.VBox([v.box for v in views]), views


__all__ = ["INSTRUCTION", "WrittenView", "model_html", "rubric_html", "written_html", "written_widget"]
