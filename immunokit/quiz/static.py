"""The static rendering of a quiz: HTML that the book's script makes interactive without a kernel.

One ``<section data-ik="quiz">`` per quiz. Each question is a ``<fieldset>`` whose ``<legend>`` is the
prompt; choices are native radio buttons or checkboxes with ``<label>``s; a numeric answer is a text
input with ``inputmode="decimal"`` and its unit; an ordering question is a list whose items have
*Move up* / *Move down* buttons. Feedback for every option, the numeric feedback and the explanation
are rendered here (escaped by :func:`immunokit.markup.inline_html`) and only revealed by the script;
what the script needs to grade (correct flags in display order, answer, tolerance, mistakes) is in
one ``<script type="application/json">`` block per quiz. Ids derive from the quiz's content (or the
quiz's own ``uid``), so the same quiz always renders the same HTML; to show one bank twice on a page,
give the second quiz its own ``uid``.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from pathlib import Path

from immunokit.citations import cite_html
from immunokit.markup import inline_html, stable_id
from immunokit.quiz.bank import QuizQuestion

TYPE_INSTRUCTIONS = {
    "single": "Choose one answer.",
    "numeric": "Type a number.",
    # The script adds the Move up / Move down buttons and says so (ORDERING_BUTTONS); without it there
    # are no buttons to mention.
    "ordering": "Put the items in the right order.",
}
ORDERING_BUTTONS = " Use the Move up and Move down buttons."


def instructions(q: QuizQuestion) -> str:
    """The one-line instruction under a prompt, stating the scoring rule of multiple-select."""
    if q.type == "multiple":
        if q.scoring == "partial":
            return (
                "Select all that apply. Partial credit: correct picks minus incorrect picks, divided by "
                "the number of correct options, never below 0."
            )
        return "Select all that apply. Scored all-or-nothing: only the exact set of correct options scores."
    if q.type == "numeric" and q.units:
        return f"Type a number, in {q.units}."
    return TYPE_INSTRUCTIONS[q.type]


def quiz_data(
    questions: Sequence[QuizQuestion], practice: dict[str, list[QuizQuestion]] | None = None
) -> dict[str, object]:
    """What the browser needs to grade, per question, with options in display order.

    A generated question also lists the grading data of each of its practice variants (``variants``),
    in the order of the page's ``<template class="ik-variant">`` elements.
    """
    out = []
    for q in questions:
        entry = _grading_entry(q)
        if practice and q.id in practice:
            entry["variants"] = [_grading_entry(v) for v in practice[q.id]]
        out.append(entry)
    return {"v": 1, "questions": out}


def _grading_entry(q: QuizQuestion) -> dict[str, object]:
    order = q.display_order()
    entry: dict[str, object] = {"id": q.id, "type": q.type, "order": order}
    if q.type in ("single", "multiple"):
        entry["correct"] = [q.options[i].correct for i in order]
        if q.type == "multiple":
            entry["scoring"] = q.scoring
    elif q.type == "numeric":
        entry.update(
            answer=q.answer,
            tol=q.absolute_tolerance,
            units=q.units,
            mistakes=[[m.value, m.tolerance] for m in q.mistakes],
        )
    return entry


def _json_for_script(data: object) -> str:
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    # Never let the data close the <script> element or open a comment.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


# --------------------------------------------------------------------------------------------
# Questions
# --------------------------------------------------------------------------------------------


def _choice_body(q: QuizQuestion, qid: str) -> str:
    kind = "radio" if q.type == "single" else "checkbox"
    rows = [
        f'<li class="ik-opt"><label><input type="{kind}" name="{qid}" value="{pos}"> '
        f"{inline_html(q.options[i].text)}</label>"
        f'<p class="ik-opt-fb" hidden>{inline_html(q.options[i].feedback)}</p></li>'
        for pos, i in enumerate(q.display_order())
    ]
    return f'<ul class="ik-options">{"".join(rows)}</ul>'


def _numeric_body(q: QuizQuestion, qid: str) -> str:
    units = f' <span class="ik-units" id="{qid}u">{inline_html(q.units)}</span>' if q.units else ""
    described = f' aria-describedby="{qid}u"' if q.units else ""
    return (
        f'<p class="ik-numeric"><label for="{qid}n">Your answer</label> '
        f'<input type="text" inputmode="decimal" autocomplete="off" spellcheck="false" class="ik-num-in" '
        f'id="{qid}n" name="{qid}"{described}>{units}</p>'
    )


def _numeric_feedback(q: QuizQuestion) -> str:
    """The numeric feedback paragraphs; the script moves them under the verdict and reveals one."""
    mistakes = "".join(
        f'<p class="ik-num-fb" data-ik-mistake="{i}" hidden>{inline_html(m.feedback)}</p>'
        for i, m in enumerate(q.mistakes)
    )
    return (
        f'<p class="ik-num-fb" data-ik-fb="correct" hidden>{inline_html(q.feedback_correct)}</p>'
        f'<p class="ik-num-fb" data-ik-fb="incorrect" hidden>{inline_html(q.feedback_incorrect)}</p>'
        f"{mistakes}"
    )


#: A multiple-select prompt that ends with this says it a second time after the instruction line.
_SELECT_ALL = re.compile(r"\s*Select all that apply\.?\s*$", re.IGNORECASE)


def _prompt(q: QuizQuestion) -> str:
    """The prompt as shown: a multiple-select prompt without its own "Select all that apply." (the
    instruction line under it says so, with the scoring rule)."""
    return _SELECT_ALL.sub("", q.prompt) if q.type == "multiple" else q.prompt


def _sentence_list(parts: Sequence[str]) -> str:
    """``a; b; c.``: each part without its own closing full stop, and one full stop at the end."""
    return "; ".join(re.sub(r"\.\s*$", "", p.strip()) for p in parts) + "."


def _number(value: float) -> str:
    return f"{value:g}"


def answer_key_html(q: QuizQuestion) -> str:
    """The right answer in words (a block element): the correct options, the number, or the order."""
    if q.type in ("single", "multiple"):
        right = [inline_html(o.text) for o in q.options if o.correct]
        label = "Answer" if len(right) == 1 else "Answers"
        return f'<p class="ik-key"><strong>{label}:</strong> {_sentence_list(right)}</p>'
    if q.type == "numeric":
        units = f" {inline_html(q.units)}" if q.units else ""
        tol = q.absolute_tolerance
        within = f" (accepted within ± {tol:.3g}{units})" if tol else ""
        return f'<p class="ik-key"><strong>Answer:</strong> {_number(q.answer)}{units}{within}.</p>'
    steps = "".join(f"<li>{inline_html(item)}</li>" for item in q.items)
    return f'<div class="ik-key"><p><strong>Right order:</strong></p><ol>{steps}</ol></div>'


def _ordering_body(q: QuizQuestion) -> str:
    rows = [
        f'<li class="ik-item" data-ik-item="{i}"><span class="ik-item-text">{inline_html(q.items[i])}</span></li>'
        for i in q.display_order()
    ]
    return f'<ol class="ik-order" aria-label="Items in your order">{"".join(rows)}</ol>'


def question_html(q: QuizQuestion, number: int, total: int, qid: str, bibfile: Path | None) -> str:
    """One question as ``<li><fieldset>…</fieldset></li>``.

    Only content is written here: the script adds the Check / Try again buttons, the verdict line
    and the Move up / Move down buttons (none of them does anything without it), which keeps the
    page small. ``qid`` prefixes the few ids (instruction, numeric input, units) and the input names.

    Without the script, the answer and explanation sit in a closed ``<details>`` ("Show the answer")
    so a reader can still check themselves; the script takes the explanation out of it for its own
    feedback ladder and removes the disclosure.
    """
    if q.type in ("single", "multiple"):
        body = _choice_body(q, qid)
    elif q.type == "numeric":
        body = _numeric_body(q, qid)
    else:
        body = _ordering_body(q)
    hint = (
        f'<details class="ik-hint"><summary>Hint</summary><p>{inline_html(q.hint)}</p></details>'
        if q.hint
        else ""
    )
    feedback = _numeric_feedback(q) if q.type == "numeric" else ""
    cite = f' <span class="ik-cite">{cite_html(q.cite, bibfile)}</span>' if q.cite else ""
    return (
        f'<li class="ik-q" data-ik-qid="{_attr(q.id)}">'
        f'<fieldset aria-describedby="{qid}i">'
        f'<legend><span class="ik-q-num">Question {number} of {total}.</span> {inline_html(_prompt(q))}</legend>'
        f'<p class="ik-q-instr" id="{qid}i">{html.escape(instructions(q))}</p>'
        f"{body}{hint}{feedback}"
        f'<details class="ik-answer"><summary>Show the answer</summary>'
        f"{answer_key_html(q)}"
        f'<p class="ik-expl"><strong>Explanation.</strong> {inline_html(q.explanation)}{cite}</p>'
        f"</details></fieldset></li>"
    )


def practice_variants(q: QuizQuestion) -> list[QuizQuestion]:
    """The public practice variants of a generated question baked into the page (the first is ``q``)."""
    import itertools

    from .bank import variant_question
    from .generators import STATIC_VARIANTS, variants

    assert q.generator is not None
    drawn = itertools.islice(variants(q.generator, q.id, options=dict(q.generator_options)), STATIC_VARIANTS)
    return [variant_question(q, v) for v in drawn]


def variant_item_html(
    vs: Sequence[QuizQuestion], number: int, total: int, qid: str, bibfile: Path | None
) -> str:
    """A generated question: the first variant shown, every variant's fieldset in a ``<template>``.

    The script's "New numbers" button swaps in the next template's fieldset and its grading data; without
    the script the first variant reads like any other question.
    """
    first = question_html(vs[0], number, total, qid, bibfile)
    head, rest = first.split(">", 1)
    body = rest.removesuffix("</li>")
    templates = "".join(
        f'<template class="ik-variant" data-ik-variant="{k}">'
        + question_html(v, number, total, qid, bibfile).split(">", 1)[1].removesuffix("</li>")
        + "</template>"
        for k, v in enumerate(vs)
        if k  # the first variant is the one shown; the script keeps a pristine copy of it
    )
    return f'{head} data-ik-variants="{len(vs)}">{body}{templates}</li>'


def quiz_html(
    questions: Sequence[QuizQuestion],
    *,
    key: str,
    title: str | None = None,
    bibfile: Path | None = None,
    uid: str | None = None,
) -> str:
    """The whole quiz as one ``<section data-ik="quiz">``.

    Parameters
    ----------
    questions
        Validated questions, in the order shown.
    key
        Identifies the quiz's source (e.g. the bank's file name); with the question ids it seeds the
        element ids.
    title
        Visible title above the questions; the section's accessible name is "Quiz" otherwise.
    bibfile
        ``references.bib`` used to turn ``cite`` keys into author–year source lines.
    uid
        Root id; derived from ``key`` and the question ids when omitted.
    """
    root = uid or stable_id("ikq", key, *(q.id for q in questions))
    total = len(questions)
    practice = {q.id: practice_variants(q) for q in questions if q.generated}
    items = "".join(
        question_html(q, n + 1, total, f"{root}-{n + 1}", bibfile)
        if q.id not in practice
        else variant_item_html(practice[q.id], n + 1, total, f"{root}-{n + 1}", bibfile)
        for n, q in enumerate(questions)
    )
    heading = f'<p class="ik-quiz-title" id="{root}-title">{inline_html(title)}</p>' if title else ""
    label = f'aria-labelledby="{root}-title"' if title else f'aria-label="Quiz, {total} questions"'
    return (
        # role="group": labelled, but not a landmark, so two quizzes on a page need no distinct names.
        f'<section class="ik-quiz" id="{root}" data-ik="quiz" role="group" {label}>'
        f"{heading}"
        f'<p class="ik-quiz-nojs">JavaScript is off, so answers are not checked here: choose yours, '
        f"then open \u201cShow the answer\u201d under each question to compare.</p>"
        f'<ol class="ik-questions">{items}</ol>'
        # The script writes the score line (first tries, eventually correct, reset) here.
        f'<p class="ik-quiz-score" hidden></p>'
        f'<p class="ik-sr-only ik-live" aria-live="polite"></p>'
        f'<script type="application/json" class="ik-quiz-data">{_json_for_script(quiz_data(questions, practice))}</script>'
        f"</section>"
    )


__all__ = ["answer_key_html", "instructions", "question_html", "quiz_data", "quiz_html"]
