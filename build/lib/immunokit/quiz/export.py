"""Export a question bank for instructors: Moodle GIFT and a printable Markdown answer key.

GIFT (https://docs.moodle.org/en/GIFT_format) gets one question per bank question, titled with the
question id, in ``[html]`` format (our inline markup becomes ``<em>``, ``<sup>`` …), with every
GIFT special character (``~ = # { } :`` and ``\\``) escaped by a backslash, newlines written as
``\\n``, ``%`` written as the HTML entity ``&#37;`` (so that no answer can begin with a weight), and
numbers in plain decimal notation (never ``1e-05``, which not every GIFT reader accepts). Mapping of types:

* single → multiple choice (``=`` right, ``~`` wrong, ``#`` per-option feedback);
* multiple → multiple answer with weights ``~%w%``: each correct option ``+100/c`` %, each incorrect
  ``−100/c`` % (``c`` correct options). Moodle floors a question's total at 0, so this is exactly the
  book's *partial* rule; a bank's *all-or-nothing* rule cannot be written in GIFT, and a comment
  above the question says so;
* numeric → numerical (``{#answer:tolerance}``, ``tolerance_percent`` converted to absolute), targeted
  mistakes as 0 % answers with their feedback;
* ordering → matching ("Position 1 -> first item" …), since GIFT has no ordering type;
* written → essay (``{}``), not auto-scored; the model answer and rubric become its general feedback.

The explanation becomes the general feedback (``####``) of every question.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ..markup import inline_html, plain_text
from .bank import Bank, QuizQuestion
from .grading import answer_text

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


def gift_question(q: QuizQuestion) -> str:
    """One question in GIFT."""
    lines = [f"// {q.id} · objective {q.objective} · {q.type}"]
    prompt = q.prompt
    if q.type == "numeric" and q.units:
        prompt = f"{prompt} (in {q.units})"
    if q.type == "ordering":
        prompt = f"{prompt} (Match each position with its item.)"
    head = f"::{gift_escape(q.id)}::[html]{_h(prompt)}"
    general = f"####{_h(q.explanation)}"
    if q.type == "written":
        lines.append(
            "// Written answer: grade it by hand against the model answer and rubric (general feedback)."
        )
        return "\n".join([*lines, head + "{", f"\t####{_h(written_feedback(q))}", "}"])
    if q.type == "single":
        body = [f"\t{'=' if o.correct else '~'}{_h(o.text)}#{_h(o.feedback)}" for o in q.options]
    elif q.type == "multiple":
        if q.scoring != "partial":
            lines.append(
                "// The book scores this question all-or-nothing; GIFT cannot: Moodle gives partial credit "
                "(correct picks minus incorrect picks)."
            )
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
        body = [f"\t=Position {k + 1} -> {_h(item)}" for k, item in enumerate(q.items)]
    return "\n".join([*lines, head + "{", *body, f"\t{general}", "}"])


def written_feedback(q: QuizQuestion) -> str:
    """A written question's model answer and rubric as one text (our inline markup)."""
    rubric = "; ".join(f"{c.criterion} ({c.points:g} points)" for c in q.rubric)
    return f"Model answer: {q.model_answer.strip()}\nRubric ({q.rubric_points:g} points): {rubric}"


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
        out += [f"- {c.points:g} — {_md(c.criterion)}" for c in q.rubric] + [""]
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
