"""Export a question bank as an IMS QTI 1.2 package (Canvas, Blackboard, Brightspace, Moodle …).

The package is built by `text2qti <https://github.com/gpoore/text2qti>`_ (pinned in
``requirements.txt``): this module writes the bank in text2qti's plain-text quiz format and lets the
library make the QTI XML and the zip. Mapping of types:

* single → multiple choice (``*a)`` marks the correct option), per-option feedback;
* multiple → multiple answers (``[*]`` / ``[ ]``), per-option feedback; the LMS applies its own scoring;
* numeric → numerical with the accepted range ``[answer − tolerance, answer + tolerance]``; the correct
  and incorrect feedback become the question's ``+`` / ``-`` feedback (QTI has no targeted mistakes);
* ordering → multiple choice among four sequences (the correct one and three fixed rearrangements),
  because text2qti has no ordering type;
* written → essay, with the model answer and rubric as general feedback for the grader.

The explanation is every question's general feedback. Inline markup becomes HTML, which text2qti's
Markdown passes through.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from ..markup import inline_html
from .bank import Bank, QuizQuestion
from .export import written_feedback

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _one_line(text: str) -> str:
    """Inline markup as HTML on one line, safe at the start of a text2qti line."""
    # Our markup as HTML (characters escaped as entities, which text2qti's Markdown keeps as they are).
    out = re.sub(r"\s+", " ", inline_html(text.strip()))
    # A leading "1. " or "a) " would start a new question or choice; a leading "-", "+", "*", "=" or
    # "..." would start feedback or an answer. Protect them with a zero-width HTML entity.
    if re.match(r"(\d+\.|[a-zA-Z]\)|\*|\+|-|=|\.\.\.|\[|%|_{3}|\^{3})", out):
        out = "&#8203;" + out
    return out


def _sequences(q: QuizQuestion) -> list[tuple[str, bool]]:
    """An ordering question as four sequences: the correct order and three fixed rearrangements."""
    items = list(q.items)
    n = len(items)
    swaps = [(0, 1), (n - 2, n - 1), (0, n - 1)] if n > 2 else [(0, 1)]
    wrong = []
    for i, j in swaps:
        seq = list(items)
        seq[i], seq[j] = seq[j], seq[i]
        if seq != items and seq not in wrong:
            wrong.append(seq)
    out = [(" → ".join(items), True)] + [(" → ".join(s), False) for s in wrong]
    order = [out[k] for k in sorted(range(len(out)), key=lambda k: (k * 7 + len(q.id)) % len(out))]
    return order


def question_text(q: QuizQuestion, number: int) -> str:
    """One question in text2qti's format."""
    lines = [f"Title: {q.id}", "Points: 1"]
    prompt = q.prompt
    if q.type == "numeric" and q.units:
        prompt = f"{prompt} (in {q.units})"
    if q.type == "multiple":
        prompt = f"{prompt} (Select all that apply.)"
    if q.type == "ordering":
        prompt = f"{prompt} (Which sequence is in the correct order?)"
    lines.append(f"{number}.  {_one_line(prompt)}")
    if q.type == "written":
        lines.append(f"...  {_one_line(q.explanation + ' ' + written_feedback(q))}")
        lines.append("____")
        return "\n".join(lines)
    lines.append(f"...  {_one_line(q.explanation)}")
    if q.type == "single":
        for k, o in enumerate(q.options):
            lines.append(f"{'*' if o.correct else ''}{_LETTERS[k]})  {_one_line(o.text)}")
            lines.append(f"...  {_one_line(o.feedback)}")
    elif q.type == "multiple":
        for o in q.options:
            lines.append(f"{'[*]' if o.correct else '[ ]'}  {_one_line(o.text)}")
            lines.append(f"...  {_one_line(o.feedback)}")
    elif q.type == "numeric":
        tol = q.absolute_tolerance
        lines.append(f"+  {_one_line(q.feedback_correct)}")
        lines.append(f"-  {_one_line(q.feedback_incorrect)}")
        lines.append(f"=  [{q.answer - tol!r}, {q.answer + tol!r}]")
    else:
        for k, (text, correct) in enumerate(_sequences(q)):
            lines.append(f"{'*' if correct else ''}{_LETTERS[k]})  {_one_line(text)}")
    return "\n".join(lines)


def to_text2qti(bank: Bank) -> str:
    """The whole bank in text2qti's plain-text quiz format."""
    head = [
        f"Quiz title: Leukemia Immunotherapy — {bank.chapter} ({bank.path.name})",
        f"Quiz description: {len(bank.questions)} questions exported from {bank.path.name} by immunokit.",
        "",
    ]
    body = "\n\n".join(question_text(q, n + 1) for n, q in enumerate(bank.questions))
    return "\n".join(head) + "\n" + body + "\n"


def write_qti(bank: Bank, path: str | Path) -> Path:
    """Write the bank as a QTI 1.2 zip package at ``path``; return the path."""
    from text2qti.config import Config  # type: ignore[import-untyped]
    from text2qti.qti import QTI  # type: ignore[import-untyped]
    from text2qti.quiz import Quiz as T2Quiz  # type: ignore[import-untyped]

    path = Path(path)
    config = Config()  # defaults only: never read or write the user's ~/.text2qti.bespon
    with tempfile.TemporaryDirectory() as tmp:
        quiz = T2Quiz(to_text2qti(bank), config=config, source_name=str(Path(tmp) / bank.path.name))
        QTI(quiz).save(path)
    return path
