"""Export a question bank for instructors: Moodle GIFT and a printable Markdown answer key.

GIFT (https://docs.moodle.org/en/GIFT_format) gets one question per bank question, titled with the
question id, in ``[html]`` format (our inline markup becomes ``<em>``, ``<sup>`` …), with every
GIFT special character (``~ = # { } :`` and ``\\``) escaped by a backslash, newlines written as
``\\n``, ``%`` written as the HTML entity ``&#37;`` (so that no answer can begin with a weight), and
numbers in plain decimal notation (never ``1e-05``, which not every GIFT reader accepts). Mapping of types:

* single → multiple choice (``=`` right, ``~`` wrong, ``#`` per-option feedback);
* multiple, scored *partial* → multiple answer with weights ``~%w%``: each correct option ``+100/c`` %,
  each incorrect ``−100/c`` % (``c`` correct options). Moodle adds the weights of the chosen options and
  floors the total at 0, which is exactly the book's *partial* rule;
* multiple, scored *all-or-nothing* → one-answer multiple choice among every non-empty set of the
  statements (lettered A, B, … in the book's display order, listed in the prompt): the one complete set
  is worth 100 %, every other set 0 %, so any selection scores as in the book. Moodle's multiple-answer
  type cannot be all-or-nothing: it adds per-option weights, so a correct subset always earns a share
  (only the third-party "All-or-Nothing Multiple Choice" plugin can, and GIFT cannot name it);
* numeric → numerical (``{#answer:tolerance}``, ``tolerance_percent`` converted to absolute), targeted
  mistakes as 0 % answers with their feedback;
* ordering → one-answer multiple choice among four sequences (the correct one and three fixed
  rearrangements), all-or-nothing as in the book (a GIFT matching question would give partial credit);
* written → essay (``{}``), not auto-scored. GIFT has no field for a grader's information and Moodle shows
  an essay's general feedback to the student after the attempt, so the model answer and rubric stay out
  of it (they are in the instructor's answer key); GIFT cannot set a question's points either: give the
  essay the rubric's points (named in the comment above it) as its mark in the quiz.

Quiz settings (when feedback and right answers appear) are not part of GIFT: set Moodle's review options
so that feedback, general feedback and right answers show only "after the quiz is closed".

The explanation becomes the general feedback (``####``) of every question.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from immunokit.markup import inline_html, plain_text
from immunokit.quiz.bank import Bank, QuizQuestion
from immunokit.quiz.grading import answer_text

GIFT_SPECIAL = "\\~=#{}:"


def gift_escape(text: str) -> str:
    """Escape ``text`` for GIFT: a backslash before each of ``\\ ~ = # { } :``, newlines as ``\\n``."""
    out = []
    for ch in text:
        if ch in GIFT_SPECIAL:
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        else:
            out.append(ch)
    return "".join(out)


def _h(text: str) -> str:
    """Our inline markup as HTML, escaped for GIFT.

    ``%`` becomes the HTML entity ``&#37;`` (its ``#`` then escaped): GIFT has no escape for ``%``, and an
    answer that begins with ``%`` would otherwise be read as a weight (``~%50%…``).
    """
    return gift_escape(inline_html(text.strip()).replace("%", "&#37;"))


def _weight(x: float) -> str:
    text = f"{x:.5f}".rstrip("0").rstrip(".")
    return text


def _num(x: float) -> str:
    """A number in plain decimal notation, never in exponent notation (``1e-05`` → ``0.00001``)."""
    text = f"{Decimal(repr(float(x))):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


LETTERS = "ABCDEFGHIJ"


def statement_sets(q: QuizQuestion) -> list[tuple[tuple[int, ...], str, bool]]:
    """An all-or-nothing multiple-select item as every non-empty set of its statements.

    Statements are lettered A, B, … in the book's display order. Each set is ``(bank indices, label,
    correct)``: ``label`` names the letters ("B only", "A and C", "A, B and D"), and exactly one set, the
    set of every correct option, is correct. Sets are ordered by size, then by letters.
    """
    import itertools

    order = q.display_order()
    out = []
    for size in range(1, len(order) + 1):
        for positions in itertools.combinations(range(len(order)), size):
            letters = [LETTERS[k] for k in positions]
            if size == 1:
                label = f"{letters[0]} only"
            else:
                label = ", ".join(letters[:-1]) + f" and {letters[-1]}"
            chosen = tuple(sorted(order[k] for k in positions))
            correct = {i for i, o in enumerate(q.options) if o.correct} == set(chosen)
            out.append((chosen, label, correct))
    return out


def statements_prompt_html(q: QuizQuestion) -> str:
    """The prompt of an all-or-nothing item exported as a choice among sets: prompt, lettered statements."""
    rows = "".join(
        f"<br>{LETTERS[k]}. {inline_html(q.options[i].text.strip())}" for k, i in enumerate(q.display_order())
    )
    return (
        f"{inline_html(q.prompt.strip())}{rows}<br>Choose the one option that lists every correct statement "
        "and no other (scored all-or-nothing, as in the book)."
    )


def set_feedback(q: QuizQuestion, chosen: tuple[int, ...]) -> str:
    """Feedback of a set of statements: each chosen statement's own feedback, with its letter."""
    letter = {i: LETTERS[k] for k, i in enumerate(q.display_order())}
    return " ".join(
        f"{letter[i]}: {q.options[i].feedback.strip()}" for i in sorted(chosen, key=lambda i: letter[i])
    )


def sequences(q: QuizQuestion) -> list[tuple[str, bool]]:
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
    return [out[k] for k in sorted(range(len(out)), key=lambda k: (k * 7 + len(q.id)) % len(out))]


def _gift_html(html_text: str) -> str:
    """Ready HTML escaped for GIFT (``%`` as an entity, special characters with a backslash)."""
    return gift_escape(html_text.replace("%", "&#37;"))


def gift_question(q: QuizQuestion) -> str:
    """One question in GIFT."""
    lines = [f"// {q.id} · objective {q.objective} · {q.type}"]
    prompt = q.prompt
    if q.type == "numeric" and q.units:
        prompt = f"{prompt} (in {q.units})"
    if q.type == "ordering":
        prompt = f"{prompt} (Which sequence is in the correct order?)"
    head = f"::{gift_escape(q.id)}::[html]{_h(prompt)}"
    general = f"####{_h(q.explanation)}"
    if q.type == "written":
        lines.append(
            f"// Written answer worth {q.rubric_points:g} points (set this mark in the quiz): grade it by hand "
            "with the rubric in the instructor's answer key."
        )
        return "\n".join([*lines, head + "{", f"\t####{_h(written_student_note(q))}", "}"])
    if q.type == "single":
        body = [f"\t{'=' if o.correct else '~'}{_h(o.text)}#{_h(o.feedback)}" for o in q.options]
    elif q.type == "multiple" and q.scoring != "partial":
        lines.append(
            "// Scored all-or-nothing as in the book: a choice among every set of the statements, one right."
        )
        head = f"::{gift_escape(q.id)}::[html]{_gift_html(statements_prompt_html(q))}"
        body = [
            f"\t{'=' if ok else '~'}{_h(label)}#{_h(set_feedback(q, chosen))}"
            for chosen, label, ok in statement_sets(q)
        ]
    elif q.type == "multiple":
        c = sum(1 for o in q.options if o.correct)
        w = 100 / c
        body = [f"\t~%{_weight(w if o.correct else -w)}%{_h(o.text)}#{_h(o.feedback)}" for o in q.options]
    elif q.type == "numeric":
        tol = q.absolute_tolerance
        body = [f"\t={_num(q.answer)}:{_num(tol)}#{_h(q.feedback_correct)}"]
        body += [f"\t=%0%{_num(m.value)}:{_num(m.tolerance)}#{_h(m.feedback)}" for m in q.mistakes]
        lines.append(
            f"// Feedback for any other answer (not expressible in GIFT): {plain_text(q.feedback_incorrect)}".replace(
                "\n", " "
            )
        )
        return "\n".join([*lines, head + "{#", *body, f"\t{general}", "}"])
    else:
        body = [f"\t{'=' if ok else '~'}{_h(text)}" for text, ok in sequences(q)]
    return "\n".join([*lines, head + "{", *body, f"\t{general}", "}"])


def written_student_note(q: QuizQuestion) -> str:
    """What an LMS may show a student about a written answer: how it is marked, never the model answer."""
    return (
        f"{q.explanation.strip()} Your instructor marks this answer with a rubric "
        f"({q.rubric_points:g} points)."
    )


def to_gift(bank: Bank) -> str:
    """The whole bank as a GIFT file (questions separated by blank lines), with a category line."""
    header = [
        f"// Question bank {bank.path.name} (chapter {bank.chapter}), exported by immunokit.quiz",
        f"$CATEGORY: $course$/Leukemia Immunotherapy/{bank.chapter}",
        "",
        "",
    ]
    return "\n".join(header) + "\n\n".join(gift_question(q) for q in bank.questions) + "\n"


# --------------------------------------------------------------------------------------------
# Answer key (Markdown)
# --------------------------------------------------------------------------------------------


def _md(text: str) -> str:
    """Our inline markup as Markdown: HTML characters escaped, ^sup^ and ~sub~ as tags."""
    html_text = inline_html(text.strip())
    # inline_html already escaped & < > and turned markup into tags; map the Markdown-native ones back.
    for tag, md in (("strong", "**"), ("em", "*"), ("code", "`")):
        html_text = html_text.replace(f"<{tag}>", md).replace(f"</{tag}>", md)
    # Quotes need no escaping in Markdown text; < > & stay escaped so no HTML gets in.
    return html_text.replace("&#x27;", "'").replace("&quot;", '"')


_TYPE_NAMES = {
    "single": "single choice",
    "multiple": "multiple select",
    "numeric": "numeric",
    "ordering": "ordering",
    "written": "written answer (not auto-scored)",
}


def key_question(q: QuizQuestion, number: int) -> str:
    """One question of the answer key."""
    meta = f"objective `{q.objective}` · {q.level} · {_TYPE_NAMES[q.type]}"
    if q.cross_chapter:
        meta += " · review of an earlier chapter"
    if q.type == "multiple":
        meta += f" (scoring: {q.scoring})"
    if q.cite:
        meta += f" · source: `{q.cite}`"
    out = [f"## {number}. `{q.id}`", "", f"*{meta}*", "", _md(q.prompt), ""]
    if q.type in ("single", "multiple"):
        for o in q.options:
            mark = "**✔ correct**" if o.correct else "✘ incorrect"
            out.append(f"- {mark}: {_md(o.text)} — {_md(o.feedback)}")
        out.append("")
    elif q.type == "numeric":
        out += [f"**Answer:** {answer_text(q)}", "", f"- If correct: {_md(q.feedback_correct)}"]
        for m in q.mistakes:
            out.append(
                f"- If {m.value:g}" + (f" ± {m.tolerance:g}" if m.tolerance else "") + f": {_md(m.feedback)}"
            )
        out += [f"- Any other answer: {_md(q.feedback_incorrect)}", ""]
    elif q.type == "written":
        out += [
            "**Model answer.** " + _md(q.model_answer),
            "",
            f"**Rubric ({q.rubric_points:g} points):**",
            "",
        ]
        if q.analytic is None:
            out += [f"- {c.points:g} — {_md(c.criterion)}" for c in q.rubric] + [""]
        else:  # criteria × levels 0–3, then one anchor answer per level
            levels = range(len(q.analytic.anchors))
            out += [
                "| criterion | " + " | ".join(f"level {lv}" for lv in levels) + " |",
                "| --- | " + " | ".join("---" for _ in levels) + " |",
            ]
            for c in q.analytic.criteria:
                weight = f" (× {c.weight:g})" if c.weight != 1 else ""
                cells = " | ".join(_md(text).replace("|", "\\|") for text in c.levels)
                out.append(f"| {_md(c.name)}{weight} | {cells} |")
            out += ["", "**Anchor answers:**", ""]
            out += [
                f"- *Level {lv}.* {_md(text)}" for lv, text in zip(levels, q.analytic.anchors, strict=True)
            ]
            out.append("")
    else:
        out += ["**Correct order:**", ""] + [f"{k + 1}. {_md(item)}" for k, item in enumerate(q.items)] + [""]
    if q.hint:
        out += [f"**Hint.** {_md(q.hint)}", ""]
    out += [f"**Explanation.** {_md(q.explanation)}", ""]
    return "\n".join(out)


def answer_key(bank: Bank) -> str:
    """A printable Markdown answer key: every question, every answer with its feedback, every explanation."""
    head = [
        f"# Answer key: {bank.path.name} (chapter {bank.chapter})",
        "",
        f"{len(bank.questions)} questions. Options are listed in bank order; the book shows them shuffled "
        "(the same order in every build).",
        "",
        "",
    ]
    return "\n".join(head) + "\n".join(key_question(q, n + 1) for n, q in enumerate(bank.questions))


def write_exports(bank: Bank, gift: str | Path | None = None, key: str | Path | None = None) -> list[Path]:
    """Write the GIFT file and/or the answer key; return the paths written."""
    written = []
    if gift is not None:
        Path(gift).write_text(to_gift(bank), encoding="utf-8")
        written.append(Path(gift))
    if key is not None:
        Path(key).write_text(answer_key(bank), encoding="utf-8")
        written.append(Path(key))
    return written
