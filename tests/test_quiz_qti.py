"""QTI export: every bank becomes a QTI 1.2 package that an independent reader reads back (issue 18).

The package is written by text2qti; the reader here is the standard library's ElementTree and zipfile,
which know nothing of text2qti, and it checks each item against the bank: ids, types, correct answers,
numeric ranges, essays for written answers, and the general feedback.
"""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from immunokit.markup import inline_html
from immunokit.quiz import load_bank
from immunokit_instructor.quiz.__main__ import main
from immunokit_instructor.quiz.course_export import course_banks, export_course
from immunokit_instructor.quiz.qti import write_qti

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "quiz"
QTI_TYPES = {
    "single": "multiple_choice_question",
    "multiple": "multiple_answers_question",
    "numeric": "numerical_question",
    "ordering": "multiple_choice_question",
    "written": "essay_question",
}


def _text(markup: str) -> str:
    """Visible text: tags dropped, entities decoded, typographic quotes (text2qti's Markdown) made plain."""
    text = html.unescape(re.sub(r"<[^>]+>", "", markup)).translate(str.maketrans("‘’“”", "''\"\""))
    return re.sub(r"\s+", " ", text).strip()


def read_package(path: Path) -> dict[str, dict[str, object]]:
    """Items of a QTI 1.2 zip, by title: type, labels, correct label texts, numeric range, feedback."""
    with zipfile.ZipFile(path) as zf:
        manifest = ET.fromstring(zf.read("imsmanifest.xml"))
        hrefs = [f.get("href") for f in manifest.iter() if f.tag.endswith("}file") and f.get("href")]
        assessments = [h for h in hrefs if h and h.endswith(".xml") and "assessment_meta" not in h]
        assert len(assessments) == 1 and assessments[0] in zf.namelist()
        root = ET.fromstring(zf.read(assessments[0]))
    items = {}
    for item in root.iter():
        if not item.tag.endswith("}item"):
            continue
        fields = {
            f.findtext("{*}fieldlabel"): f.findtext("{*}fieldentry")
            for f in item.iter()
            if f.tag.endswith("}qtimetadatafield")
        }
        labels = {
            lab.get("ident"): _text(lab.findtext(".//{*}mattext") or "")
            for lab in item.iter()
            if lab.tag.endswith("}response_label")
        }
        correct: set[str] = set()
        low = high = None
        for cond in item.iter():
            if not cond.tag.endswith("}respcondition"):
                continue
            setvar = cond.find("{*}setvar")
            if setvar is None or (setvar.text or "").strip() != "100":
                continue
            var = cond.find("{*}conditionvar")
            assert var is not None
            for eq in var.iter():
                if eq.tag.endswith("}varequal") and not any(
                    eq in list(n.iter()) for n in var.iter() if n.tag.endswith("}not")
                ):
                    correct.add(labels[(eq.text or "").strip()])
            gte, lte = var.findtext("{*}vargte"), var.findtext("{*}varlte")
            if gte is not None and lte is not None:
                low, high = float(gte), float(lte)
        general = next(
            (
                _text(fb.findtext(".//{*}mattext") or "")
                for fb in item.iter()
                if fb.get("ident") == "general_fb"
            ),
            "",
        )
        items[str(item.get("title"))] = {
            "type": fields.get("question_type"),
            "labels": set(labels.values()),
            "correct": correct,
            "range": (low, high),
            "general": general,
        }
    return items


BANKS = [FIXTURES / "example.quiz.yml", FIXTURES / "review.quiz.yml", *course_banks(ROOT)]


@pytest.mark.parametrize("bank_path", BANKS, ids=lambda p: p.name)
def test_qti_package_reads_back_as_the_bank(bank_path: Path, tmp_path: Path) -> None:
    bank = load_bank(bank_path)
    items = read_package(write_qti(bank, tmp_path / "bank.zip"))
    assert list(items) == [q.id for q in bank.questions]
    for q in bank.questions:
        item = items[q.id]
        all_or_nothing = q.type == "multiple" and q.scoring != "partial"
        expected_type = "multiple_choice_question" if all_or_nothing else QTI_TYPES[q.type]
        assert item["type"] == expected_type, q.id
        if q.type != "written":
            assert _text(inline_html(q.explanation)) in str(item["general"]), q.id
        if all_or_nothing:  # a choice among every set of statements (scores: test_quiz_lms_scoring.py)
            assert len(item["labels"]) == 2 ** len(q.options) - 1 and len(item["correct"]) == 1, q.id
        elif q.type in ("single", "multiple"):
            assert item["labels"] == {_text(inline_html(o.text)) for o in q.options}, q.id
            assert item["correct"] == {_text(inline_html(o.text)) for o in q.options if o.correct}, q.id
        elif q.type == "numeric":
            low, high = item["range"]  # type: ignore[misc]
            tol = q.absolute_tolerance
            assert low == pytest.approx(q.answer - tol, abs=1e-4) and high == pytest.approx(
                q.answer + tol, abs=1e-4
            )
        elif q.type == "ordering":
            assert item["correct"] == {_text(inline_html(" → ".join(q.items)))}, q.id
            assert len(item["labels"]) >= 2
        else:  # an essay: what a student may see says how it is marked, never the model answer
            assert "Model answer" not in str(item["general"]), q.id
            assert f"with a rubric ({q.rubric_points:g} points)" in str(item["general"]), q.id


def test_export_all_writes_gift_qti_and_one_course_answer_key(tmp_path: Path) -> None:
    assert main(["export-all", str(tmp_path)]) == 0
    banks = course_banks(ROOT)
    stems = sorted(p.name.removesuffix(".quiz.yml") for p in banks)
    assert sorted(p.stem for p in (tmp_path / "gift").glob("*.gift")) == stems
    assert sorted(p.stem for p in (tmp_path / "qti").glob("*.zip")) == stems
    key = (tmp_path / "answer-key.md").read_text(encoding="utf-8")
    total = sum(len(load_bank(b).questions) for b in banks)
    assert f"{len(banks)} question banks, {total} questions" in key
    # every question of every bank, in book order (chapter 1 before its Part review before chapter 3)
    positions = [key.index(f"`{q.id}`") for b in banks for q in load_bank(b).questions]
    assert positions == sorted(positions)
    page = (tmp_path / "answer-key.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "http" not in page.split("<body>")[0].replace(
        'name="viewport"', ""
    )
    assert "ch09-capstone-maya" in page and "Model answer" in page


def test_export_all_refuses_an_invalid_bank(tmp_path: Path) -> None:
    root = tmp_path / "course"
    (root / "book").mkdir(parents=True)
    (root / "book" / "ch01_x.quiz.yml").write_text((FIXTURES / "bad" / "no_correct.quiz.yml").read_text())
    from immunokit.quiz.bank import BankError

    with pytest.raises(BankError, match="no option is marked correct"):
        export_course(tmp_path / "out", root)
