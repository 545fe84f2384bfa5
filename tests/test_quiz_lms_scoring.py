"""The LMS scores every exported item as the book does (issue 24), read from the exported files alone.

For every item of every bank, responses are scored three ways and must agree:

* the book: :func:`immunokit.quiz.grade` (the single definition of "right");
* QTI 1.2: the item's ``<resprocessing>`` executed as the standard says (conditions in order, ``Set`` and
  ``Add`` on ``SCORE``, ``continue="No"`` stops, the declared ``minvalue``/``maxvalue`` bound it), and for
  a multiple-answers item also Canvas Classic's own rule ("partial credit with penalty", which Canvas
  applies whatever the response processing says);
* GIFT: parsed by pygiftparser (independent, from PyPI) and scored as Moodle does: a one-answer question
  earns the weight of the chosen answer, a multiple-answer question the sum of the chosen weights bounded
  to 0–100 %, a numerical question the weight of the first answer whose range holds the number.

Responses per item: every option of a single choice; for a multiple select the complete set, a correct
subset, the complete set plus a wrong option and the wrong options alone; for a number the answer, a value
just inside the tolerance, every targeted mistake and a far value; for an ordering every sequence the
export offers. Nothing here imports the exporters' helpers: statements, letters and sets are read back
from the exported text.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from immunokit.markup import inline_html
from immunokit.quiz import grade, load_bank
from immunokit.quiz.bank import Bank, QuizQuestion
from immunokit_instructor.quiz.course_export import course_banks
from immunokit_instructor.quiz.export import to_gift
from immunokit_instructor.quiz.qti import write_qti

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "quiz"
BANKS = [FIXTURES / "example.quiz.yml", FIXTURES / "review.quiz.yml", *course_banks(ROOT)]


def _text(markup: str) -> str:
    """Visible text: GIFT escapes and tags dropped, entities decoded, quotes and spaces made plain."""
    text = re.sub(r"\\(.)", r"\1", markup)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    text = text.translate(str.maketrans("‘’“”", "''\"\""))
    return re.sub(r"\s+", " ", text).strip()


def _plain(text: str) -> str:
    return _text(inline_html(text))


# ------------------------------------------------------------------------------------------------
# QTI: an independent reader that executes response processing
# ------------------------------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def qti_items(path: Path) -> tuple[dict[str, ET.Element], dict[str, str]]:
    """Items of a QTI zip by title, and the Canvas quiz settings of its ``assessment_meta.xml``."""
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        meta_name = next(n for n in names if n.endswith("assessment_meta.xml"))
        meta = {_local(e.tag): (e.text or "").strip() for e in ET.fromstring(zf.read(meta_name))}
        xml_name = next(n for n in names if n.endswith(".xml") and "/" in n and n != meta_name)
        root = ET.fromstring(zf.read(xml_name))
    items = {str(e.get("title")): e for e in root.iter() if _local(e.tag) == "item"}
    return items, meta


def qti_fields(item: ET.Element) -> dict[str, str]:
    return {
        str(f.findtext("{*}fieldlabel")): str(f.findtext("{*}fieldentry"))
        for f in item.iter()
        if _local(f.tag) == "qtimetadatafield"
    }


def qti_labels(item: ET.Element) -> dict[str, str]:
    """Choice ident → visible text."""
    return {
        str(lab.get("ident")): _text(lab.findtext(".//{*}mattext") or "")
        for lab in item.iter()
        if _local(lab.tag) == "response_label"
    }


def qti_prompt(item: ET.Element) -> str:
    pres = next(e for e in item.iter() if _local(e.tag) == "presentation")
    return html.unescape(pres.findtext("{*}material/{*}mattext") or "")


def _holds(cond: ET.Element, response: set[str] | float) -> bool:
    tag = _local(cond.tag)
    kids = list(cond)
    if tag in ("conditionvar", "and"):
        return all(_holds(k, response) for k in kids)
    if tag == "or":
        return any(_holds(k, response) for k in kids)
    if tag == "not":
        return not _holds(kids[0], response)
    if tag == "other":
        return True
    value = (cond.text or "").strip()
    if isinstance(response, set):
        assert tag == "varequal", tag
        return value in response
    if tag == "varequal":
        return response == float(value)
    if tag == "vargte":
        return response >= float(value)
    if tag == "varlte":
        return response <= float(value)
    if tag == "vargt":
        return response > float(value)
    if tag == "varlt":
        return response < float(value)
    raise AssertionError(f"condition {tag!r} not understood")


def qti_score(item: ET.Element, response: set[str] | float) -> float:
    """Fraction of the item's points that its response processing gives ``response``."""
    proc = next(e for e in item.iter() if _local(e.tag) == "resprocessing")
    decvar = next(e for e in proc.iter() if _local(e.tag) == "decvar")
    low, high = float(decvar.get("minvalue", "0")), float(decvar.get("maxvalue", "100"))
    score = float(decvar.get("defaultval", "0"))
    for cond in proc:
        if _local(cond.tag) != "respcondition":
            continue
        if not _holds(cond.find("{*}conditionvar"), response):  # type: ignore[arg-type]
            continue
        for setvar in cond.findall("{*}setvar"):
            value = float((setvar.text or "0").strip())
            score = value if setvar.get("action", "Set") == "Set" else score + value
        if cond.get("continue", "No") == "No":
            break
    return min(max(score, low), high) / high


def canvas_multiple_answers(correct: set[str], chosen: set[str]) -> float:
    """Canvas Classic Quizzes' fixed rule for multiple answers: ±1/c per chosen option, never below 0."""
    c = len(correct)
    return max(0.0, (len(chosen & correct) - len(chosen - correct)) / c)


# ------------------------------------------------------------------------------------------------
# Sets of lettered statements (how an all-or-nothing multiple select is exported), read back
# ------------------------------------------------------------------------------------------------


def statement_letters(prompt_html: str, q: QuizQuestion) -> dict[int, str]:
    """Bank index → letter, from the "<br>A. statement" lines of the exported prompt."""
    lines = [_text(part) for part in re.split(r"<br\s*/?>", prompt_html)]
    letters = {}
    for line in lines:
        m = re.match(r"^([A-J])\. (.*)$", line)
        if m:
            index = [_plain(o.text) for o in q.options].index(m.group(2))
            letters[index] = m.group(1)
    assert sorted(letters) == list(range(len(q.options))), (q.id, lines)
    return letters


def label_letters(label: str) -> frozenset[str]:
    """ "A only" → {A}; "A, B and D" → {A, B, D}."""
    return frozenset(re.findall(r"\b([A-J])\b", label))


# ------------------------------------------------------------------------------------------------
# Responses and the book's score
# ------------------------------------------------------------------------------------------------


def choice_responses(q: QuizQuestion) -> Iterator[tuple[str, set[int]]]:
    correct = {i for i, o in enumerate(q.options) if o.correct}
    wrong = set(range(len(q.options))) - correct
    yield "fully correct", correct
    if len(correct) > 1:
        yield "a correct subset", correct - {min(correct)}
    if wrong:
        yield "correct plus a wrong option", correct | {min(wrong)}
        yield "the wrong options", wrong


def numeric_responses(q: QuizQuestion) -> Iterator[tuple[str, float]]:
    tol = q.absolute_tolerance
    yield "the answer", q.answer
    if tol > 0:
        yield "just inside the tolerance", q.answer + 0.98 * tol
    for m in q.mistakes:
        if not abs(m.value - q.answer) <= tol:
            yield f"mistake {m.value:g}", m.value
    yield "far off", q.answer + 10 * max(tol, 1e-3) + abs(q.answer) + 1


def _parsed_gift(bank: Bank) -> dict[str, Any]:
    from pygiftparser import parser

    return {g.title: g for g in parser.parseFile(io.StringIO(to_gift(bank)))}


def moodle_score(g: Any, chosen_texts: set[str] | None = None, number: float | None = None) -> float:
    """Moodle's score of a response to a parsed GIFT question (fraction of the mark)."""
    kind = type(g.answers).__name__
    answers = g.answers.answers
    if kind == "NumericAnswerSet":
        assert number is not None
        for a in answers:  # Moodle takes the first answer whose range holds the number
            if abs(number - a.value) <= a.tolerance * (1 + 1e-9) + 1e-12:
                return float(a.fraction) / 100
        return 0.0
    assert chosen_texts is not None
    weights = {_text(a.answer): float(a.fraction) for a in answers}
    assert chosen_texts <= set(weights), (g.title, chosen_texts - set(weights))
    total = sum(weights[t] for t in chosen_texts)
    if kind == "MultipleChoicesSet":
        total = min(max(total, 0.0), 100.0)
    else:
        assert len(chosen_texts) == 1, "a one-answer question takes one choice"
    return total / 100


# ------------------------------------------------------------------------------------------------
# The test: every item of every bank, in QTI and in GIFT
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bank_path", BANKS, ids=lambda p: p.name)
def test_every_item_scores_in_qti_and_gift_as_in_the_book(bank_path: Path, tmp_path: Path) -> None:
    bank = load_bank(bank_path)
    items, meta = qti_items(write_qti(bank, tmp_path / "bank.zip"))
    gift = _parsed_gift(bank)
    # results and feedback hidden from students until the instructor opens them (Canvas settings)
    assert meta["show_correct_answers"] == "false" and meta["hide_results"] == "always"
    checked = 0
    for q in bank.questions:
        item, g = items[q.id], gift[q.id]
        fields = qti_fields(item)
        if q.type == "written":
            assert fields["question_type"] == "essay_question"
            assert float(fields["points_possible"]) == q.rubric_points > 1
            shown = " ".join(_text(m.text or "") for m in item.iter() if _local(m.tag) == "mattext")
            source = to_gift(bank)
            block = source[source.index(f"::{q.id}::") :].split("\n}\n", 1)[0]
            shown += " " + _text(block)
            assert type(g.answers).__name__ == "Essay", q.id
            assert _plain(q.model_answer)[:60] not in shown, q.id
            assert all(_plain(c.criterion)[:50] not in shown for c in q.rubric), q.id
            continue
        assert float(fields["points_possible"]) == 1
        if q.type == "single" or (q.type == "multiple" and q.scoring == "partial"):
            labels = qti_labels(item)
            ident = {text: key for key, text in labels.items()}
            responses = (
                [(f"option {i}", {i}) for i in range(len(q.options))]
                if q.type == "single"
                else list(choice_responses(q))
            )
            for what, chosen in responses:
                book = grade(q, min(chosen) if q.type == "single" else sorted(chosen)).score
                texts = {_plain(q.options[i].text) for i in chosen}
                got_qti = qti_score(item, {ident[t] for t in texts})
                got_gift = moodle_score(g, texts)
                # GIFT weights are written to 5 decimals (33.33333 %); Moodle counts a fraction above
                # 0.999999 as right, so 1e-6 is the tolerance an LMS applies too
                assert (got_qti, got_gift) == pytest.approx((book, book), abs=1e-6), (q.id, what)
                if q.type == "multiple":  # Canvas Classic's own rule for this question type
                    correct = {ident[_plain(o.text)] for o in q.options if o.correct}
                    assert canvas_multiple_answers(correct, {ident[t] for t in texts}) == pytest.approx(book)
                    assert fields["question_type"] == "multiple_answers_question"
                checked += 1
        elif q.type == "multiple":  # all-or-nothing: a choice among sets of lettered statements
            assert fields["question_type"] == "multiple_choice_question", q.id
            letters = statement_letters(qti_prompt(item), q)
            gift_letters = statement_letters(str(g.text), q)
            assert gift_letters == letters, q.id
            by_set = {label_letters(text): key for key, text in qti_labels(item).items()}
            gift_by_set = {label_letters(_text(a.answer)): _text(a.answer) for a in g.answers.answers}
            n = len(q.options)
            assert len(by_set) == len(gift_by_set) == 2**n - 1, q.id  # every non-empty set is offered
            for what, chosen in choice_responses(q):
                book = grade(q, sorted(chosen)).score
                key = frozenset(letters[i] for i in chosen)
                got_qti = qti_score(item, {by_set[key]})
                got_gift = moodle_score(g, {gift_by_set[key]})
                assert (got_qti, got_gift) == pytest.approx((book, book)), (q.id, what, book)
                checked += 1
        elif q.type == "numeric":
            assert fields["question_type"] == "numerical_question"
            for what, value in numeric_responses(q):
                book = grade(q, value).score
                assert (qti_score(item, value), moodle_score(g, number=value)) == pytest.approx(
                    (book, book)
                ), (q.id, what, value)
                checked += 1
        else:  # ordering: a choice among sequences, in both formats
            offered = qti_labels(item)
            gift_offered = {_text(a.answer) for a in g.answers.answers}
            assert set(offered.values()) == gift_offered, q.id
            position = {_plain(text): k for k, text in enumerate(q.items)}
            for key, sequence in offered.items():
                order = [position[part.strip()] for part in sequence.split("→")]
                book = grade(q, order).score
                assert (qti_score(item, {key}), moodle_score(g, {sequence})) == pytest.approx((book, book))
                checked += 1
    assert checked >= sum(1 for q in bank.questions if q.auto_scored)


def test_the_reader_sees_partial_credit_where_the_old_export_gave_it(tmp_path: Path) -> None:
    """The scorer can fail: text2qti's own exact-set condition on a partial item scores a subset 0."""
    from text2qti.config import Config
    from text2qti.qti import QTI
    from text2qti.quiz import Quiz as T2Quiz

    from immunokit_instructor.quiz.qti import to_text2qti

    bank = load_bank(FIXTURES / "example.quiz.yml")
    q = next(q for q in bank.questions if q.type == "multiple" and q.scoring == "partial")
    QTI(T2Quiz(to_text2qti(bank), config=Config(), source_name=str(tmp_path / "x"))).save(
        tmp_path / "raw.zip"
    )
    raw = qti_items(tmp_path / "raw.zip")[0][q.id]
    ident = {text: key for key, text in qti_labels(raw).items()}
    subset = [i for i, o in enumerate(q.options) if o.correct][:1]
    assert grade(q, subset).score > 0
    assert qti_score(raw, {ident[_plain(q.options[i].text)] for i in subset}) == 0


def test_all_or_nothing_items_are_not_multiple_answers_in_either_format() -> None:
    """Moodle's and Canvas Classic's multiple-answer types always give partial credit (see qti.py)."""
    for path in course_banks(ROOT):
        bank = load_bank(path)
        gift = _parsed_gift(bank)
        for q in bank.questions:
            if q.type == "multiple" and q.scoring != "partial":
                assert type(gift[q.id].answers).__name__ != "MultipleChoicesSet", q.id


def test_explanations_state_the_rule_the_item_is_scored_by() -> None:
    """An explanation that names a scoring rule names the bank's (the three "all-or-nothing" ones)."""
    said = 0
    for path in course_banks(ROOT):
        for q in load_bank(path).questions:
            text = q.explanation.lower()
            if "all-or-nothing" in text:
                assert q.type == "multiple" and q.scoring == "all-or-nothing", q.id
                said += 1
            if re.search(r"partial (scoring|credit)", text):
                assert q.type == "multiple" and q.scoring == "partial", q.id
    assert said >= 1
