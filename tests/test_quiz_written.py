"""Bloom levels, cross-chapter review questions and written answers (issue 18)."""

from __future__ import annotations

import html
import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from immunokit.markup import inline_html
from immunokit.quiz import Quiz, check_bank, grade, load_bank
from immunokit.quiz.bank import LEVELS
from immunokit_instructor.quiz.export import answer_key, to_gift

FIXTURES = Path(__file__).parent / "fixtures" / "quiz"
REVIEW = FIXTURES / "review.quiz.yml"
BOOK = Path(__file__).resolve().parents[1] / "book"


def _notebook(path: Path, objectives: list[str]) -> None:
    lines = ["# A chapter\n", "\n", "## What you will learn\n", "\n"] + [
        f"- `{o}` Something.\n" for o in objectives
    ]
    cell = {"cell_type": "markdown", "metadata": {}, "source": lines}
    path.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))


def test_review_bank_loads_levels_cross_chapter_tags_and_a_written_question() -> None:
    bank = load_bank(REVIEW)
    first, written = bank.questions
    assert (first.level, first.cross_chapter, first.auto_scored) == ("apply", True, True)
    assert written.type == "written" and not written.auto_scored
    assert written.rubric_points == 3 and written.rubric[0].criterion.startswith("Names donor T cells")
    with pytest.raises(ValueError, match="not auto-scored"):
        grade(written, "any text")


def test_cross_chapter_objective_must_exist_in_the_earlier_chapter(tmp_path: Path) -> None:
    bank = tmp_path / "review1_part.quiz.yml"
    shutil.copy(REVIEW, bank)
    _notebook(tmp_path / "ch01_x.ipynb", ["ch01-o1", "ch01-o2"])
    _notebook(tmp_path / "ch02_y.ipynb", ["ch02-o1"])  # ch02-o2 missing
    _data, messages = check_bank(bank)
    assert messages == [
        "review1_part.quiz.yml: question 'review1-recommend' (no. 2), field 'objective': 'ch02-o2' is not "
        "among ch02's objectives (ch02-o1)"
    ]


def test_every_book_question_has_a_level_and_a_hint() -> None:
    banks = sorted(BOOK.glob("*.quiz.yml"))
    questions = [q for b in banks for q in load_bank(b).questions]
    assert questions and all(q.level in LEVELS and q.hint for q in questions)


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_static_written_answer_is_a_labelled_text_area_without_model_answer_or_rubric() -> None:
    quiz = Quiz.from_bank(REVIEW)
    assert quiz.max_score == 1 and [q.id for q in quiz.written] == ["review1-recommend"]
    (q,) = quiz.written
    page = quiz.to_html()
    # the graded quiz comes first and its grading data lists only the auto-scored question
    assert page.index('data-ik="quiz"') < page.index('class="ik-written"')
    assert '"id":"review1-recommend"' not in page
    parser = _Collect()
    parser.feed(page)
    areas = [a for t, a in parser.tags if t == "textarea"]
    labels = [a for t, a in parser.tags if t == "label"]
    assert len(areas) == 1 and any(label.get("for") == areas[0]["id"] for label in labels)
    written = page[page.index('class="ik-written"') :]
    # model answers and rubrics are instructor artifacts (issue 23): only the total points are shown
    assert "Model answer" not in written and "Names donor T cells" not in written
    assert q.model_answer.split()[0] not in {"", "Marked"}
    assert html.unescape(inline_html(q.model_answer))[:40] not in html.unescape(page)
    assert "rubric worth 3 points" in written and "not scored automatically" in written


def test_live_written_answer_shows_hint_and_points_but_no_model_answer() -> None:
    quiz = Quiz.from_bank(REVIEW)
    live = quiz.widget()
    (view,) = quiz.written_views
    assert view.box in live.box.children[-1].children  # after the graded questions
    view.text.value = "Donor T cells cause both."
    view.hint_button.click()
    shown = " ".join(str(getattr(c, "value", "")) for c in view.box.children)
    assert "Hint." in shown and "rubric worth 3 points" in shown
    assert "Model answer" not in shown and "Names donor T cells" not in shown
    assert not hasattr(view, "reveal")


def test_written_answer_exports_as_gift_essay_and_in_the_answer_key() -> None:
    bank = load_bank(REVIEW)
    gift = to_gift(bank)
    essay = gift[gift.index("::review1-recommend::") :]
    assert "{\n\t####" in essay and essay.rstrip().endswith("}")
    # an LMS shows general feedback to students after the attempt: no model answer or rubric in it
    assert "Rubric" not in essay and "Names donor T cells" not in essay and "3 points" in essay
    assert "=" not in essay.split("{", 1)[1].split("####")[0]
    key = answer_key(bank)
    assert "**Model answer.**" in key and "- 2 — Names donor T cells" in key
    assert "review of an earlier chapter" in key and "evaluate" in key


def test_course_map_counts_items_per_bloom_level_for_every_bank() -> None:
    from immunokit_instructor.course_map import bloom_markdown, bloom_rows, course_map

    rows = bloom_rows()
    banks = sorted(BOOK.glob("*.quiz.yml"))
    assert [r.bank for r in rows] == sorted(b.name.removesuffix(".quiz.yml") for b in banks) or len(
        rows
    ) == len(banks)
    assert sum(r.total for r in rows) == sum(len(load_bank(b).questions) for b in banks)
    table = bloom_markdown(rows)
    assert table.splitlines()[0].startswith(
        "| Bank | remember | understand | apply | analyse | evaluate | create |"
    )
    assert "| Whole course |" in table
    assert "Quiz items per Bloom level" in course_map()._repr_html_()


def test_at_least_40_percent_of_the_course_items_ask_for_apply_or_above() -> None:
    from immunokit_instructor.course_map import checked_level_rows

    rows = checked_level_rows()
    share = sum(r.checked_higher for r in rows) / sum(r.total for r in rows)
    assert share >= 0.40, f"only {share:.0%} of quiz items are at apply or above with new material"
    # and no bank is left at recall only
    assert all(r.checked_higher >= 3 for r in rows), [
        (r.label, r.checked_higher) for r in rows if r.checked_higher < 3
    ]
