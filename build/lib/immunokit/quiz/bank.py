"""Question banks: load a chapter's ``.quiz.yml``, validate it, and return typed questions.

A bank is checked in three layers, and *every* problem found is reported together in one
:class:`BankError`, each message naming the file, the question (its id and number) and the field:

1. YAML syntax (with line and column), including a key written twice in one mapping, which plain
   YAML would silently resolve by keeping the last value;
2. the JSON Schema ``quiz.schema.json`` (``jsonschema``, draft 2020-12): required fields, field
   types, the fields each question type allows, the id and objective formats;
3. meaning the schema cannot express: duplicate ids, a single-choice question without exactly one
   correct option, a multiple-select question without a correct option, an ordering item marked
   correct, a numeric question without a tolerance (or with two), a targeted "mistake" that the
   correct range already accepts, ids that do not start with the chapter, objectives of another
   chapter or missing from the chapter's notebook, citation keys missing from ``references.bib``.
   An objective of an *earlier* chapter is allowed when the question says ``cross_chapter: true``
   (spaced review; a Part's review bank, ``chapter: review2``, consists of such questions), and it
   must then be among that chapter's objectives.

Every question states its ``level`` (revised Bloom taxonomy, :data:`LEVELS`) and a ``hint``. The type
``written`` is a short written answer with a ``model_answer`` and a ``rubric`` (criteria with points):
it is shown with a text area and the model answer behind a disclosure, and is never auto-scored.

Example::

    from immunokit.quiz.bank import load_bank
    bank = load_bank("book/ch04_bispecific_engagers.quiz.yml")   # raises BankError listing every problem
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from ..chapters import read_chapter
from ..citations import bib_keys
from ..facts import expand_data
from ..markup import _SUB as _SUB_MARKUP  # the renderer's own patterns, so the check matches what shows
from ..markup import _SUP as _SUP_MARKUP
from ..yamlstrict import StrictLoader

QuestionType = Literal["single", "multiple", "numeric", "ordering", "written"]
QUESTION_TYPES: tuple[str, ...] = ("single", "multiple", "numeric", "ordering", "written")
#: Levels of the revised Bloom taxonomy, lowest first; an item's ``level`` is one of them.
LEVELS: tuple[str, ...] = ("remember", "understand", "apply", "analyse", "evaluate", "create")
#: Levels that count as higher-order ("apply or above") in the course map.
HIGHER_ORDER: frozenset[str] = frozenset(LEVELS[2:])
SCORING_RULES: tuple[str, ...] = ("all-or-nothing", "partial")

#: Fields each question type may have besides id, objective, type, prompt, hint, cite, explanation.
TYPE_FIELDS: dict[str, frozenset[str]] = {
    "single": frozenset({"options"}),
    "multiple": frozenset({"options", "scoring"}),
    "numeric": frozenset(
        {
            "answer",
            "tolerance",
            "tolerance_percent",
            "units",
            "feedback_correct",
            "feedback_incorrect",
            "mistakes",
        }
    ),
    "ordering": frozenset({"items"}),
    "written": frozenset({"model_answer", "rubric"}),
}
ALL_TYPE_FIELDS: frozenset[str] = frozenset().union(*TYPE_FIELDS.values())

#: Relative slack added to every numeric tolerance so that an edge value typed by the reader
#: (0.3 + 0.1 = 0.4) is accepted although binary floating point makes ``|0.4 - 0.3|`` slightly
#: larger than ``0.1``. The browser script uses the same constant.
TOLERANCE_SLACK: float = 1e-9


class BankError(ValueError):
    """A question bank is invalid. ``messages`` lists every problem, one line each."""

    def __init__(self, path: str | Path, messages: Sequence[str]) -> None:
        self.path = str(path)
        self.messages = list(messages)
        count = len(self.messages)
        head = f"{self.path}: {count} problem{'s' if count != 1 else ''} in the question bank"
        super().__init__(head + "\n" + "\n".join(f"  - {m}" for m in self.messages))


# --------------------------------------------------------------------------------------------
# Typed questions
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    """One option of a single-choice or multiple-select question."""

    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class QuizMistake:
    """A common wrong numeric answer with targeted feedback (``value`` ± ``tolerance``, in units)."""

    value: float
    tolerance: float
    feedback: str


@dataclass(frozen=True)
class Criterion:
    """One line of a written answer's rubric: what earns ``points``."""

    points: float
    criterion: str


@dataclass(frozen=True)
class QuizQuestion:
    """One question of a bank. Fields not used by a type keep their defaults.

    Option and item indices everywhere in the Python API refer to the order *in the bank*; the
    order shown to the reader is :meth:`display_order`.
    """

    id: str
    objective: str
    type: QuestionType
    prompt: str
    explanation: str
    hint: str | None = None
    cite: str | None = None
    options: tuple[Option, ...] = ()
    scoring: str = "all-or-nothing"
    answer: float = 0.0
    tolerance: float | None = None
    tolerance_percent: float | None = None
    units: str = ""
    feedback_correct: str = ""
    feedback_incorrect: str = ""
    mistakes: tuple[QuizMistake, ...] = ()
    items: tuple[str, ...] = ()
    level: str = "remember"
    cross_chapter: bool = False
    model_answer: str = ""
    rubric: tuple[Criterion, ...] = ()

    @property
    def auto_scored(self) -> bool:
        """False for a written answer, which the reader compares with the model answer and rubric."""
        return self.type != "written"

    @property
    def rubric_points(self) -> float:
        """Written answers: the total of the rubric's points."""
        return sum(c.points for c in self.rubric)

    @property
    def absolute_tolerance(self) -> float:
        """Numeric questions: the accepted half-width around ``answer``, in ``units``.

        ``tolerance`` is absolute; ``tolerance_percent`` is relative to ``answer``
        (``|answer| × percent / 100``).
        """
        if self.tolerance is not None:
            return float(self.tolerance)
        if self.tolerance_percent is not None:
            return abs(self.answer) * float(self.tolerance_percent) / 100.0
        return 0.0

    @property
    def choices(self) -> int:
        """Number of options (single/multiple) or items (ordering); 0 for numeric."""
        return len(self.options) if self.type in ("single", "multiple") else len(self.items)

    def display_order(self) -> list[int]:
        """Bank indices of the options (or ordering items) in the order the reader sees them.

        The shuffle is seeded from the question id (SHA-256), so every build, every notebook run and
        both renderings show the same order. An ordering question is never shown already solved.
        """
        n = self.choices
        order = list(range(n))
        if n < 2:
            return order
        seed = int.from_bytes(hashlib.sha256(self.id.encode("utf-8")).digest()[:8], "big")
        random.Random(seed).shuffle(order)
        if self.type == "ordering" and order == sorted(order):
            order = order[1:] + order[:1]
        return order


@dataclass(frozen=True)
class Bank:
    """A validated question bank."""

    path: Path
    chapter: str
    questions: tuple[QuizQuestion, ...] = field(default_factory=tuple)

    def get(self, qid: str) -> QuizQuestion:
        """The question with id ``qid`` (``KeyError`` naming the ids available otherwise)."""
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(
            f"no question {qid!r} in {self.path.name}; ids: {', '.join(q.id for q in self.questions)}"
        )


# --------------------------------------------------------------------------------------------
# YAML with line numbers and duplicate-key detection
# --------------------------------------------------------------------------------------------


def _read_yaml(path: Path) -> tuple[Any, list[str]]:
    """Parse ``path``; return (data, messages)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [f"{path}: file not found"]
    except UnicodeDecodeError as exc:
        return None, [f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"]
    try:
        return yaml.load(text, Loader=StrictLoader), []
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "unknown position"
        what = exc.problem or str(exc)
        if exc.context:
            what = f"{exc.context}; {what}"
        if "mapping values are not allowed" in what:
            what += " (a ': ' inside unquoted text starts a mapping: put the text in quotes)"
        elif "could not find expected ':'" in what or "expected <block end>" in what:
            what += " (check the indentation of this line against the lines above)"
        return None, [f"{path.name}: YAML syntax error at {where}: {what}"]
    except yaml.YAMLError as exc:
        return None, [f"{path.name}: YAML syntax error: {exc}"]


# --------------------------------------------------------------------------------------------
# Schema
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The JSON Schema of a question bank (``immunokit/quiz/quiz.schema.json``)."""
    text = resources.files("immunokit.quiz").joinpath("quiz.schema.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    Draft202012Validator.check_schema(data)
    return data


def _field_name(path: Iterable[Any]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_PATTERN_HELP = {
    "^[a-z0-9]+(-[a-z0-9]+)*$": "an id is kebab-case: lowercase letters, digits and single hyphens (ch04-halflife)",
    "^ch[0-9]{2}-o[0-9]+$": "an objective id is the chapter id, '-o' and a number (ch04-o2)",
    "^ch[0-9]{2}$": "a chapter id is 'ch' and two digits (ch04)",
    "^(ch[0-9]{2}|review[0-9]+)$": "a chapter id is 'ch' and two digits (ch04), or 'review' and a number (review2)",
    "\\S": "it is blank",
    "^[A-Za-z0-9_:.+-]+$": "a citation key is one bibtex key from book/references.bib, without spaces",
}

_TYPE_WORDS = {
    "string": "text",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping (key: value lines)",
}


def _what(value: Any) -> str:
    """How a YAML value reads, for messages ("the boolean true", "the number 28", "a list")."""
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _describe(error: ValidationError, qtype: str | None) -> tuple[list[Any], str]:
    """Return (path of the field, message) for one schema error."""
    path = list(error.absolute_path)
    v, inst = error.validator, error.instance
    if v == "required":
        missing = re.search(r"'([^']+)' is a required property", error.message)
        name = missing.group(1) if missing else "?"
        extra = {
            "feedback": " (every option needs feedback that says why it is right or wrong)",
            "options": " (a choice question lists its options)",
            "items": " (an ordering question lists its items in the correct order)",
            "explanation": " (shown after any answer)",
            "level": " (the thinking the item asks for: remember, understand, apply, analyse, evaluate or create)",
            "hint": " (every question offers a hint that helps without giving the answer away)",
            "model_answer": " (a written question shows a model answer after the reader has written)",
            "rubric": " (a written question lists rubric criteria with points)",
        }.get(name, "")
        return [*path, name], f"missing{extra}"
    if v == "additionalProperties":
        names = re.findall(r"'([^']+)'", error.message.split("(")[-1])
        return path, f"unknown field{'s' if len(names) != 1 else ''} {', '.join(repr(n) for n in names)}"
    if v == "enum":
        allowed = ", ".join(str(x) for x in error.validator_value)
        what = "unknown question type" if path and path[-1] == "type" else "not allowed"
        return path, f"{what} {inst!r}; use one of: {allowed}"
    if v == "const":
        return path, f"must be {error.validator_value!r}"
    if v == "type":
        want = _TYPE_WORDS.get(str(error.validator_value), str(error.validator_value))
        got = _what(inst)
        tip = ""
        if error.validator_value == "string" and isinstance(inst, bool):
            tip = " (YAML reads an unquoted yes/no/on/off/true/false as true or false: quote the text)"
        elif error.validator_value == "string" and isinstance(inst, (int, float)):
            tip = " (quote it: YAML reads an unquoted number as a number)"
        elif error.validator_value == "string" and isinstance(inst, dict):
            tip = " (a ': ' inside unquoted text starts a mapping: quote the text)"
        elif error.validator_value == "number" and isinstance(inst, str):
            tip = " (write the number without units or quotes)"
        return path, f"must be {want}, not {got}{tip}"
    if v == "pattern":
        return path, f"{inst!r} is not valid: {_PATTERN_HELP.get(str(error.validator_value), 'wrong format')}"
    if v == "minItems":
        return path, f"needs at least {error.validator_value} entries, has {len(inst)}"
    if v == "minLength":
        return path, "is empty"
    if v in ("minimum", "exclusiveMinimum", "maximum"):
        rel = {"minimum": ">=", "exclusiveMinimum": ">", "maximum": "<="}[str(v)]
        return path, f"must be {rel} {error.validator_value}, not {inst!r}"
    return path, error.message


def _question_label(raw: Any, index: int) -> str:
    qid = raw.get("id") if isinstance(raw, dict) else None
    return (
        f"question {qid!r} (no. {index + 1})"
        if isinstance(qid, str) and qid
        else f"question no. {index + 1} (no id)"
    )


def _format(file: str, data: Any, path: Sequence[Any], msg: str) -> str:
    if len(path) >= 2 and path[0] == "questions" and isinstance(path[1], int):
        raw = data["questions"][path[1]] if isinstance(data, dict) else None
        label = _question_label(raw, path[1])
        rest = _field_name(path[2:]) or "(the question)"
        return f"{file}: {label}, field {rest!r}: {msg}"
    return f"{file}: field {_field_name(path) or '(top level)'!r}: {msg}"


# --------------------------------------------------------------------------------------------
# Semantic checks
# --------------------------------------------------------------------------------------------


def _within(value: float, target: float, tolerance: float) -> bool:
    return abs(value - target) <= tolerance + TOLERANCE_SLACK * max(1.0, abs(target), tolerance)


def _num(x: Any) -> float | None:
    return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else None


def _semantic(raw_q: dict[str, Any], chapter: str | None) -> list[tuple[list[Any], str]]:
    """Problems of one question the schema cannot see, as (path inside the question, message).

    Runs on questions that also have schema errors, so every field is read defensively.
    """
    out: list[tuple[list[Any], str]] = []
    qtype = raw_q.get("type")
    qid = raw_q.get("id")
    if chapter and isinstance(qid, str) and qid and not qid.startswith(chapter + "-"):
        out.append((["id"], f"must start with the chapter id '{chapter}-' (ids are unique across the book)"))
    out.extend(_cross_chapter(raw_q, chapter))
    if isinstance(qtype, str) and qtype in TYPE_FIELDS:
        for key in raw_q:
            if key in ALL_TYPE_FIELDS and key not in TYPE_FIELDS[qtype]:
                hint = (
                    ": list the steps under 'items', in the correct order"
                    if (qtype, key) == ("ordering", "options")
                    else ""
                )
                out.append(([key], f"does not belong in a {qtype} question{hint}"))
    if qtype in ("single", "multiple") and isinstance(raw_q.get("options"), list):
        opts = [o for o in raw_q["options"] if isinstance(o, dict)]
        n_correct = sum(1 for o in opts if o.get("correct") is True)
        if qtype == "single" and n_correct == 0:
            out.append(
                (["options"], "no option is marked correct: a single-choice question needs exactly one")
            )
        elif qtype == "single" and n_correct > 1:
            out.append(
                (
                    ["options"],
                    f"{n_correct} options are marked correct: a single-choice question needs "
                    "exactly one (use type: multiple for several)",
                )
            )
        if qtype == "multiple" and n_correct == 0:
            out.append(
                (["options"], "no option is marked correct: a multiple-select question needs at least one")
            )
        seen: dict[str, int] = {}
        for i, o in enumerate(raw_q["options"]):
            text = o.get("text") if isinstance(o, dict) else None
            if not isinstance(text, str):
                continue
            key = text.strip().casefold()
            if key in seen:
                out.append((["options", i, "text"], f"repeats option {seen[key]} ({text!r})"))
            seen.setdefault(key, i)
    elif qtype == "numeric":
        has_abs, has_rel = "tolerance" in raw_q, "tolerance_percent" in raw_q
        if not has_abs and not has_rel:
            out.append(
                (["tolerance"], "missing: give 'tolerance' (absolute, in units) or 'tolerance_percent'")
            )
        elif has_abs and has_rel:
            out.append((["tolerance"], "give either 'tolerance' or 'tolerance_percent', not both"))
        answer = _num(raw_q.get("answer"))
        if answer is not None and not math.isfinite(answer):
            out.append((["answer"], "must be a finite number"))
        tol = _num(raw_q.get("tolerance")) if has_abs else _num(raw_q.get("tolerance_percent"))
        if answer is not None and math.isfinite(answer) and tol is not None and has_abs != has_rel:
            tol = tol if has_abs else abs(answer) * tol / 100
            mistakes = raw_q.get("mistakes")
            for i, m in enumerate(mistakes if isinstance(mistakes, list) else []):
                value = _num(m.get("value")) if isinstance(m, dict) else None
                if value is not None and _within(value, answer, tol):
                    out.append(
                        (
                            ["mistakes", i, "value"],
                            f"{m['value']} is accepted as correct "
                            f"({raw_q['answer']} ± {tol:g}), so this feedback could never show",
                        )
                    )
    elif qtype == "ordering" and isinstance(raw_q.get("items"), list):
        seen_items: dict[str, int] = {}
        for i, item in enumerate(raw_q["items"]):
            if not isinstance(item, str):
                continue
            key = item.strip().casefold()
            if key in seen_items:
                out.append((["items", i], f"repeats item {seen_items[key]} ({item!r})"))
            seen_items.setdefault(key, i)
    return out


def _cross_chapter(raw_q: dict[str, Any], chapter: str | None) -> list[tuple[list[Any], str]]:
    """An objective of another chapter needs ``cross_chapter: true`` and must be an earlier chapter's.

    A Part's review bank (``chapter: review2``) has no objectives of its own, so every question is
    tagged; a chapter bank may revisit earlier chapters (spaced retrieval), never later ones.
    """
    objective, tagged = raw_q.get("objective"), raw_q.get("cross_chapter") is True
    if not (chapter and isinstance(objective, str) and re.fullmatch(r"ch[0-9]{2}-o[0-9]+", objective)):
        return []
    own = objective.startswith(chapter + "-")
    if own:
        if tagged:
            return [
                (["cross_chapter"], f"{objective!r} is this chapter's own objective: remove cross_chapter")
            ]
        return []
    earlier = chapter.startswith("review") or objective[:4] < chapter
    if not earlier:
        later = " (cross_chapter revisits only earlier chapters)" if tagged else ""
        return [
            (
                ["objective"],
                f"{objective!r} is an objective of another chapter; this bank is {chapter}{later}",
            )
        ]
    if not tagged:
        return [
            (
                ["objective"],
                f"{objective!r} is an objective of another chapter; this bank is {chapter} (to revisit an "
                "earlier chapter on purpose, add cross_chapter: true)",
            )
        ]
    return []


_TEXT_FIELDS = (
    "prompt",
    "hint",
    "explanation",
    "feedback_correct",
    "feedback_incorrect",
    "units",
    "model_answer",
)


def _markup_slips(raw_q: dict[str, Any]) -> list[tuple[list[Any], str]]:
    """Text where a ``~`` or ``^`` pair would turn a stretch with spaces into a sub/superscript.

    ``~55 kDa … t~1/2~`` renders "55 kDa … t" as a subscript; real sub/superscripts (t~1/2~, 10^-4^)
    never contain spaces, so such a span is a slip, usually "~" meant as "approximately".
    """
    texts: list[tuple[list[Any], str]] = [
        ([f], raw_q[f]) for f in _TEXT_FIELDS if isinstance(raw_q.get(f), str)
    ]
    for key, sub in (
        ("options", ("text", "feedback")),
        ("mistakes", ("feedback",)),
        ("rubric", ("criterion",)),
    ):
        entries = raw_q.get(key)
        for i, entry in enumerate(entries if isinstance(entries, list) else []):
            if isinstance(entry, dict):
                texts += [([key, i, f], entry[f]) for f in sub if isinstance(entry.get(f), str)]
    items = raw_q.get("items")
    texts += [
        (["items", i], t)
        for i, t in enumerate(items if isinstance(items, list) else [])
        if isinstance(t, str)
    ]
    out = []
    for path, text in texts:
        for regex, kind in ((_SUB_MARKUP, "subscript"), (_SUP_MARKUP, "superscript")):
            for match in regex.finditer(text):
                if re.search(r"\s", match.group(1)):
                    out.append(
                        (
                            path,
                            f"{match.group(0)!r} would print as a {kind}; a pair of "
                            f"{match.group(0)[0]} marks a {kind} (t~1/2~, 10^-4^): write 'about' or ≈ "
                            "for 'approximately'",
                        )
                    )
    return out


def _ordering_marked_correct(raw_q: Any) -> list[tuple[list[Any], str]]:
    """An ordering question whose items are mappings with ``correct``: say what the rule is."""
    if not (isinstance(raw_q, dict) and raw_q.get("type") == "ordering"):
        return []
    out: list[tuple[list[Any], str]] = []
    for key in ("items", "options"):
        entries = raw_q.get(key)
        if isinstance(entries, list):
            for i, entry in enumerate(entries):
                if isinstance(entry, dict) and "correct" in entry:
                    out.append(
                        (
                            [key, i, "correct"],
                            "an ordering question has no correct option: list the "
                            "items as plain text in the correct order (they are shuffled for display)",
                        )
                    )
    return out


def chapter_objectives(notebook: str | Path) -> set[str]:
    """Objective ids listed under ``## What you will learn`` in a chapter notebook (or ``.md``)."""
    return set(read_chapter(notebook).objective_ids())


def _sibling_notebook(path: Path) -> Path | None:
    stem = path.name[: -len(".quiz.yml")] if path.name.endswith(".quiz.yml") else path.stem
    for suffix in (".ipynb", ".md"):
        candidate = path.with_name(stem + suffix)
        if candidate.exists():
            return candidate
    return None


# --------------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------------


def check_bank(
    path: str | Path,
    *,
    objectives: set[str] | None = None,
    bibfile: str | Path | None = None,
) -> tuple[dict[str, Any] | None, list[str]]:
    """Validate a bank file; return (raw data or None, every problem as a message).

    Parameters
    ----------
    path
        The ``.quiz.yml`` file.
    objectives
        Objective ids the chapter defines. Default: read from the notebook beside the bank
        (``chNN_slug.ipynb`` for ``chNN_slug.quiz.yml``) if there is one; otherwise not checked.
    bibfile
        BibTeX file whose keys ``cite`` must use. Default: ``references.bib`` beside the bank, if
        it exists; otherwise not checked.
    """
    path = Path(path)
    name = path.name
    data, messages = _read_yaml(path)
    if messages:
        return None, messages
    if not isinstance(data, dict):
        return None, [
            f"{name}: the bank must be a mapping with 'chapter' and 'questions', not {type(data).__name__}"
        ]

    data, fact_problems = expand_data(data)  # {fact:ID} placeholders read the data layer (immunokit/facts.py)
    raw_questions: list[Any] = data["questions"] if isinstance(data.get("questions"), list) else []
    problems: list[tuple[list[Any], str]] = list(fact_problems)
    skip_prefixes: list[list[Any]] = []
    for qi, raw_q in enumerate(raw_questions):
        for sub, msg in _ordering_marked_correct(raw_q):
            problems.append((["questions", qi, *sub], msg))
            skip_prefixes.append(["questions", qi, sub[0], sub[1]])
            skip_prefixes.append(["questions", qi, sub[0]])

    validator = Draft202012Validator(schema())
    for error in sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        path_list = list(error.absolute_path)
        if any(path_list[: len(p)] == p for p in skip_prefixes):
            continue
        if error.validator in ("if", "allOf", None):
            continue  # None: a field forbidden for the type ("options": false), reported by _semantic
        qtype = None
        if len(path_list) >= 2 and path_list[0] == "questions" and isinstance(path_list[1], int):
            raw_q = raw_questions[path_list[1]]
            qtype = (
                raw_q.get("type") if isinstance(raw_q, dict) and raw_q.get("type") in QUESTION_TYPES else None
            )
        problems.append(_describe(error, qtype))

    chapter = data.get("chapter") if isinstance(data.get("chapter"), str) else None
    if objectives is None:
        notebook = _sibling_notebook(path)
        if notebook is not None:
            objectives = chapter_objectives(notebook) or None
    bib = Path(bibfile) if bibfile is not None else path.with_name("references.bib")
    keys = bib_keys(bib) if bib.exists() else None

    ids: dict[str, int] = {}
    other_objectives: dict[str, set[str] | None] = {}
    for qi, raw_q in enumerate(raw_questions):
        if not isinstance(raw_q, dict):
            continue
        qid = raw_q.get("id")
        if isinstance(qid, str):
            if qid in ids:
                problems.append(
                    (["questions", qi, "id"], f"duplicate id {qid!r} (also question no. {ids[qid] + 1})")
                )
            ids.setdefault(qid, qi)
        objective = raw_q.get("objective")
        if raw_q.get("cross_chapter") is True and isinstance(objective, str) and objective[:2] == "ch":
            prefix = objective[:4]
            if prefix not in other_objectives:
                found = sorted(path.parent.glob(f"{prefix}_*.ipynb")) or sorted(
                    path.parent.glob(f"{prefix}_*.md")
                )
                other_objectives[prefix] = (chapter_objectives(found[0]) or None) if found else None
            known = other_objectives[prefix]
            if known is not None and objective not in known:
                problems.append(
                    (
                        ["questions", qi, "objective"],
                        f"{objective!r} is not among {prefix}'s objectives ({', '.join(sorted(known))})",
                    )
                )
        elif objectives is not None and isinstance(objective, str) and objective not in objectives:
            problems.append(
                (
                    ["questions", qi, "objective"],
                    f"{raw_q['objective']!r} is not among the chapter's "
                    f"objectives ({', '.join(sorted(objectives))})",
                )
            )
        if keys is not None and isinstance(raw_q.get("cite"), str) and raw_q["cite"] not in keys:
            problems.append(
                (["questions", qi, "cite"], f"unknown citation key {raw_q['cite']!r}: not in {bib.name}")
            )
        problems.extend((["questions", qi, *sub], msg) for sub, msg in _semantic(raw_q, chapter))
        problems.extend((["questions", qi, *sub], msg) for sub, msg in _markup_slips(raw_q))

    unique: list[str] = []
    for p, msg in problems:
        line = _format(name, data, p, msg)
        if line not in unique:
            unique.append(line)
    return data, unique


def _build(path: Path, data: dict[str, Any]) -> Bank:
    questions = []
    for raw in data["questions"]:
        q = QuizQuestion(
            id=raw["id"],
            objective=raw["objective"],
            type=raw["type"],
            prompt=raw["prompt"],
            explanation=raw["explanation"],
            hint=raw.get("hint"),
            cite=raw.get("cite"),
            options=tuple(
                Option(o["text"], bool(o["correct"]), o["feedback"]) for o in raw.get("options", [])
            ),
            scoring=raw.get("scoring", "all-or-nothing"),
            answer=float(raw.get("answer", 0.0)),
            tolerance=float(raw["tolerance"]) if "tolerance" in raw else None,
            tolerance_percent=float(raw["tolerance_percent"]) if "tolerance_percent" in raw else None,
            units=raw.get("units", "") or "",
            feedback_correct=raw.get("feedback_correct", ""),
            feedback_incorrect=raw.get("feedback_incorrect", ""),
            mistakes=tuple(
                QuizMistake(float(m["value"]), float(m.get("tolerance", 0.0)), m["feedback"])
                for m in raw.get("mistakes", [])
            ),
            items=tuple(raw.get("items", [])),
            level=raw["level"],
            cross_chapter=bool(raw.get("cross_chapter", False)),
            model_answer=raw.get("model_answer", ""),
            rubric=tuple(Criterion(float(c["points"]), c["criterion"]) for c in raw.get("rubric", [])),
        )
        questions.append(q)
    return Bank(path=path, chapter=data["chapter"], questions=tuple(questions))


def load_bank(
    path: str | Path,
    *,
    objectives: set[str] | None = None,
    bibfile: str | Path | None = None,
) -> Bank:
    """Load and validate a bank; raise :class:`BankError` listing every problem.

    See :func:`check_bank` for ``objectives`` and ``bibfile``.
    """
    path = Path(path)
    data, messages = check_bank(path, objectives=objectives, bibfile=bibfile)
    if messages or data is None:
        raise BankError(path, messages)
    return _build(path, data)


def check_banks(paths: Sequence[str | Path]) -> list[str]:
    """Validate several banks together: every problem of each, plus ids used in two banks."""
    messages: list[str] = []
    owner: dict[str, str] = {}
    for p in paths:
        data, msgs = check_bank(p)
        messages.extend(msgs)
        if data is None:
            continue
        for q in data.get("questions") or []:
            qid = q.get("id") if isinstance(q, dict) else None
            if not isinstance(qid, str):
                continue
            if qid in owner and owner[qid] != str(p):
                messages.append(
                    f"{Path(p).name}: question {qid!r}, field 'id': duplicate id across the book "
                    f"(also in {Path(owner[qid]).name})"
                )
            owner.setdefault(qid, str(p))
    return messages
