"""Export a question bank as an IMS QTI 1.2 package (Canvas, Blackboard, Brightspace, Moodle …).

The package is built by `text2qti <https://github.com/gpoore/text2qti>`_ (pinned in
``requirements.txt``): this module writes the bank in text2qti's plain-text quiz format and lets the
library make the QTI XML and the zip. Mapping of types:

* single → multiple choice (``*a)`` marks the correct option), per-option feedback;
* multiple, scored *partial* → multiple answers (``[*]`` / ``[ ]``), per-option feedback. Its response
  processing is rewritten from text2qti's exact-set condition to the book's partial rule: each correct
  choice adds ``100/c``, each incorrect one subtracts ``100/c``, and ``SCORE`` is declared from 0 to 100.
  Canvas (Classic Quizzes) ignores an item's response processing for this type and always applies its own
  "partial credit with penalty" rule, which is the same rule;
* multiple, scored *all-or-nothing* → multiple choice among every non-empty set of the statements (the
  statements lettered in the prompt), one set right: every LMS then scores it all-or-nothing, as the book
  does. (Canvas Classic Quizzes cannot score a multiple-answers question all-or-nothing; New Quizzes can
  ("Exact match"), but a QTI file cannot ask for it);
* numeric → numerical with the accepted range ``[answer − tolerance, answer + tolerance]``; the correct
  and incorrect feedback become the question's ``+`` / ``-`` feedback (QTI has no targeted mistakes);
* ordering → multiple choice among four sequences (the correct one and three fixed rearrangements),
  because text2qti has no ordering type; all-or-nothing as in the book;
* written → essay worth the rubric's points. Its general feedback is what a student may see after the
  attempt, so it says how the answer is marked and never holds the model answer or the rubric (they are
  in the instructor's answer key).

Quiz settings: "Show correct answers: false", which text2qti writes into Canvas's ``assessment_meta.xml``
as ``show_correct_answers`` false and ``hide_results`` ``always``: students see neither their results nor
the feedback until the instructor changes the quiz's settings when it closes. QTI 1.2 has no "after the
quiz closes" setting, and Canvas's "Show correct answers at" needs a date the export cannot know.

The explanation is every auto-scored question's general feedback. Inline markup becomes HTML, which
text2qti's Markdown passes through.
"""

from __future__ import annotations

import html
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from immunokit.markup import inline_html
from immunokit.quiz.bank import Bank, QuizQuestion
from immunokit_instructor.quiz.export import (
    sequences,
    set_feedback,
    statement_sets,
    statements_prompt_html,
    written_student_note,
)

#: Quiz options written at the top of every text2qti document (results and answers hidden).
QUIZ_OPTIONS = ("Show correct answers: false", "Shuffle answers: false")

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"  # text2qti reads a) … Z)


def _one_line(text: str) -> str:
    """Inline markup as HTML on one line, safe at the start of a text2qti line."""
    # Our markup as HTML (characters escaped as entities, which text2qti's Markdown keeps as they are).
    out = re.sub(r"\s+", " ", inline_html(text.strip()))
    # A leading "1. " or "a) " would start a new question or choice; a leading "-", "+", "*", "=" or
    # "..." would start feedback or an answer. Protect them with a zero-width HTML entity.
    if re.match(r"(\d+\.|[a-zA-Z]\)|\*|\+|-|=|\.\.\.|\[|%|_{3}|\^{3})", out):
        out = "&#8203;" + out
    return out


def _raw_line(html_text: str) -> str:
    """Ready HTML on one line, protected at the start of a text2qti line like :func:`_one_line`."""
    out = re.sub(r"\s+", " ", html_text.strip())
    if re.match(r"(\d+\.|[a-zA-Z]\)|\*|\+|-|=|\.\.\.|\[|%|_{3}|\^{3})", out):
        out = "&#8203;" + out
    return out


def question_text(q: QuizQuestion, number: int) -> str:
    """One question in text2qti's format."""
    points = f"{q.rubric_points:g}" if q.type == "written" else "1"  # essays: the rubric's points
    lines = [f"Title: {q.id}", f"Points: {points}"]
    prompt = q.prompt
    if q.type == "numeric" and q.units:
        prompt = f"{prompt} (in {q.units})"
    if q.type == "multiple":
        prompt = f"{prompt} (Select all that apply.)"
    if q.type == "ordering":
        prompt = f"{prompt} (Which sequence is in the correct order?)"
    lines.append(f"{number}.  {_one_line(prompt)}")
    if q.type == "written":
        lines.append(f"...  {_one_line(written_student_note(q))}")
        lines.append("____")
        return "\n".join(lines)
    if q.type == "multiple" and q.scoring != "partial":  # all-or-nothing: a choice among sets
        lines[-1] = f"{number}.  {_raw_line(statements_prompt_html(q))}"
        lines.append(f"...  {_one_line(q.explanation)}")
        for k, (chosen, label, ok) in enumerate(statement_sets(q)):
            lines.append(f"{'*' if ok else ''}{_LETTERS[k]})  {_one_line(label)}")
            lines.append(f"...  {_one_line(set_feedback(q, chosen))}")
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
        # text2qti refuses a range whose ends are within 0.0001 of zero (an exact answer of 0, e.g. a grade)
        tol = max(q.absolute_tolerance, 1e-4) if abs(q.answer) < 1e-3 else q.absolute_tolerance
        lines.append(f"+  {_one_line(q.feedback_correct)}")
        lines.append(f"-  {_one_line(q.feedback_incorrect)}")
        lines.append(f"=  [{q.answer - tol!r}, {q.answer + tol!r}]")
    else:
        for k, (text, correct) in enumerate(sequences(q)):
            lines.append(f"{'*' if correct else ''}{_LETTERS[k]})  {_one_line(text)}")
    return "\n".join(lines)


def to_text2qti(bank: Bank) -> str:
    """The whole bank in text2qti's plain-text quiz format."""
    head = [
        f"Quiz title: Leukemia Immunotherapy — {bank.chapter} ({bank.path.name})",
        f"Quiz description: {len(bank.questions)} questions exported from {bank.path.name} by immunokit.",
        *QUIZ_OPTIONS,
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
        save_qti(QTI(quiz), path, partial_titles(bank.questions))
    return path


def partial_titles(questions: Iterable[QuizQuestion]) -> set[str]:
    """Titles of the QTI items scored with the partial rule (multiple-select, ``scoring: partial``)."""
    return {q.id for q in questions if q.type == "multiple" and q.scoring == "partial"}


_ITEM = re.compile(r'(<item ident="[^"]*" title="(?P<title>[^"]*)">)(?P<body>.*?)(</item>)', re.S)
_EXACT_SET = re.compile(
    r'<respcondition continue="No">\s*<conditionvar>\s*<and>(?P<and>.*?)</and>\s*</conditionvar>\s*'
    r'<setvar action="Set" varname="SCORE">100</setvar>.*?</respcondition>\n?',
    re.S,
)
_CHOICE = re.compile(r'(?P<not><not>\s*)?<varequal respident="response1">(?P<ident>[^<]+)</varequal>')


def partial_credit_xml(assessment: str, titles: set[str]) -> str:
    """Follow the exact-set condition of the items ``titles`` with the book's partial rule.

    The exact set still sets ``SCORE`` to 100 and stops (so rounding never leaves it at 99.9999); any other
    response goes on to rules where each correct choice adds ``100/c`` to ``SCORE`` and each incorrect
    choice subtracts it (``c`` correct choices); ``SCORE`` is declared from 0 to 100, which floors it at 0.
    """

    def item(m: re.Match[str]) -> str:
        if html.unescape(m.group("title")) not in titles:
            return m.group(0)
        body = m.group("body")
        cond = _EXACT_SET.search(body)
        if cond is None:
            raise ValueError(f"QTI item {m.group('title')!r}: no exact-set condition to rewrite")
        choices = [
            (c.group("ident").strip(), c.group("not") is None) for c in _CHOICE.finditer(cond.group("and"))
        ]
        n_correct = sum(1 for _, ok in choices if ok)
        weight = f"{100 / n_correct:.4f}".rstrip("0").rstrip(".")
        rules = "".join(
            '          <respcondition continue="Yes">\n            <conditionvar>\n'
            f'              <varequal respident="response1">{ident}</varequal>\n            </conditionvar>\n'
            f'            <setvar action="Add" varname="SCORE">{"" if ok else "-"}{weight}</setvar>\n'
            "          </respcondition>\n"
            for ident, ok in choices
        )
        body = body[: cond.end()] + rules + body[cond.end() :]
        return m.group(1) + body + m.group(4)

    return _ITEM.sub(item, assessment)


def save_qti(qti: Any, path: Path, partial: set[str]) -> None:
    """Save a text2qti ``QTI`` object as a zip, with the partial rule written into ``partial`` items."""
    qti.assessment = partial_credit_xml(qti.assessment, partial)
    qti.save(path)
