"""Items a test can fail (issue 23): honest levels read from the text, the item-writing lint, spaced
reviews, exact intervals that say they need code, and analytic rubrics.

Every rule is checked twice: the course passes it, and a planted violation in a copy is named.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from immunokit.quiz import load_bank
from immunokit.quiz.itemcheck import (
    Corpus,
    checked_rows,
    course_corpus,
    executed_dir,
    level_problems,
    lint_bank,
    lint_course,
    printed,
    review_problems,
    similarity,
)
from immunokit.quiz.written import written_html
from immunokit_instructor.quiz.export import key_question

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
BANKS = sorted(BOOK.glob("ch[0-9][0-9]_*.quiz.yml")) + sorted(BOOK.glob("review[0-9]*.quiz.yml"))


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return course_corpus(ROOT)


# ---- honest levels -----------------------------------------------------------------------------


def test_every_apply_label_has_new_material_and_every_bank_reaches_40_percent(corpus: Corpus) -> None:
    rows = checked_rows(ROOT, corpus)
    assert [r.bank for r in rows] == [b.name.removesuffix(".quiz.yml") for b in BANKS]
    assert level_problems(rows) == []


@pytest.mark.build
def test_the_level_rule_holds_against_the_built_books_code_outputs(built_book: Path) -> None:
    executed = built_book.parent / "jupyter_execute" / "book"
    assert sorted(executed.glob("ch*.ipynb")), f"no executed chapters in {executed}"
    corpus = course_corpus(ROOT, executed=executed)
    assert corpus.outputs
    assert level_problems(checked_rows(ROOT, corpus)) == []


def test_the_corpus_reads_prose_pages_exercises_and_outputs_but_not_the_items(corpus: Corpus) -> None:
    sources = set(corpus.sources)
    assert {"reading_the_numbers.md", "ch08_side_effects.ipynb"} <= sources
    assert any(s.startswith("solutions/") for s in sources)
    if executed_dir(ROOT).exists():
        assert corpus.outputs and "ch03_antibodies_and_adcs.ipynb (output)" in sources
    # the quiz's own rendering is not course material: no explanation of an item is in the corpus
    bank = load_bank(BOOK / "ch04_bispecific_engagers.quiz.yml")
    sentence = bank.questions[0].explanation.split(".")[0]
    assert not any(sentence in p.text for p in corpus.passages)


def _item(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"id": "x", "type": "numeric", "level": "apply", "prompt": "", "tolerance": 0}
    return base | fields


def test_a_printed_answer_or_phrase_is_found_and_a_new_one_or_a_generator_is_not() -> None:
    corpus = Corpus()
    corpus.add(
        "chapter",
        "A patient with an ICE score: orientation, naming, commands, writing and attention add up to 7.",
    )
    corpus.add("chapter", "Obinutuzumab was glycoengineered to bind Fc gamma receptor IIIa more strongly.")
    numeric = _item(
        prompt="Add orientation, naming, commands, writing and attention: what is the ICE score?", answer=7
    )
    assert printed(numeric, corpus) and "7" in str(printed(numeric, corpus))
    assert printed(numeric | {"answer": 5}, corpus) is None
    assert printed(numeric | {"generator": "ice_score"}, corpus) is None
    choice = {
        "type": "single",
        "prompt": "Why was obinutuzumab engineered?",
        "options": [
            {"text": "It was glycoengineered to bind Fc gamma receptor IIIa more strongly", "correct": True},
            {"text": "It carries a toxin", "correct": False},
        ],
    }
    assert printed(choice, corpus)
    choice["options"][0]["text"] = "Its sugar chain was changed so that NK cells kill more"
    assert printed(choice, corpus) is None


def test_a_planted_printed_item_labelled_apply_fails_the_rule(tmp_path: Path, corpus: Corpus) -> None:
    root = tmp_path
    shutil.copytree(BOOK, root / "book", ignore=shutil.ignore_patterns("*.ipynb"))
    shutil.copy(ROOT / "_toc.yml", root / "_toc.yml")
    path = root / "book" / "ch10_road_ahead.quiz.yml"
    text = path.read_text(encoding="utf-8")
    # label an item whose key the chapter prints 'apply': the rule names it
    planted = text.replace(
        "id: ch10-headline\n    objective: ch10-o5\n    level: understand",
        "id: ch10-headline\n    objective: ch10-o5\n    level: apply",
        1,
    )
    assert planted != text, "plant failed"
    path.write_text(planted, encoding="utf-8")
    problems = level_problems(checked_rows(root, corpus))
    assert any("'ch10-headline' is labelled 'apply'" in p for p in problems), problems
    # the same item with a generator is new material: its numbers are drawn for each variant
    data = yaml.safe_load(planted)
    item = next(q for q in data["questions"] if q["id"] == "ch10-headline")
    assert printed(item, corpus) and printed(item | {"generator": "ice_score"}, corpus) is None


def test_a_bank_under_40_percent_is_named(tmp_path: Path, corpus: Corpus) -> None:
    shutil.copytree(BOOK, tmp_path / "book", ignore=shutil.ignore_patterns("*.ipynb"))
    path = tmp_path / "book" / "ch07_reading_trials.quiz.yml"
    text = re.sub(
        r"level: (apply|analyse|evaluate|create)", "level: understand", path.read_text(encoding="utf-8")
    )
    path.write_text(text, encoding="utf-8")
    problems = level_problems(checked_rows(tmp_path, corpus))
    assert any(
        p.startswith("ch07_reading_trials.quiz.yml: 0 of") and "at least 40%" in p for p in problems
    ), problems


# ---- item-writing lint ---------------------------------------------------------------------------


def test_every_bank_passes_the_item_writing_lint() -> None:
    assert lint_course(ROOT) == []


def _planted(tmp_path: Path, name: str, edit: Any) -> Path:
    data = yaml.safe_load((BOOK / name).read_text(encoding="utf-8"))
    edit(data["questions"])
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_a_keyed_option_made_longest_everywhere_is_named(tmp_path: Path) -> None:
    def edit(questions: list[dict[str, Any]]) -> None:
        for q in questions:
            if q["type"] == "single" and not q.get("generator"):
                for o in q["options"]:
                    if o["correct"]:
                        o["text"] += (
                            " — and this is stated with every qualification a careful writer would add"
                        )

    [problem] = [
        p
        for p in lint_bank(_planted(tmp_path, "ch08_side_effects.quiz.yml", edit))
        if "uniquely longest" in p
    ]
    assert "ch08_side_effects.quiz.yml" in problem


def test_duplicate_numbers_all_of_the_above_same_key_counts_and_giveaways_are_named(tmp_path: Path) -> None:
    def edit(questions: list[dict[str, Any]]) -> None:
        numeric = next(q for q in questions if q["type"] == "numeric" and not q.get("generator"))
        questions.append({**numeric, "id": numeric["id"] + "-again"})  # the same answer twice
        single = next(q for q in questions if q["type"] == "single" and not q.get("generator"))
        single["options"][-1]["text"] = "All of the above"
        multiple = [q for q in questions if q["type"] == "multiple" and not q.get("generator")]
        for q in multiple:
            for i, o in enumerate(q["options"]):
                o["correct"] = i < 2
        key = next(o["text"] for o in single["options"] if o["correct"])
        questions[-1]["explanation"] += f" In other words: {key}."

    problems = lint_bank(_planted(tmp_path, "ch04_bispecific_engagers.quiz.yml", edit))
    assert any("have the same answer" in p for p in problems), problems
    assert any("no all/none of the above" in p for p in problems), problems
    assert any("every multiple-answer item keys 2 options" in p for p in problems), problems
    assert any("gives away the key" in p for p in problems), problems


# ---- spaced reviews -------------------------------------------------------------------------------


def test_reviews_are_spaced_and_no_review_item_copies_a_chapter_item() -> None:
    assert review_problems(ROOT) == []


def test_a_review_without_earlier_parts_or_with_a_copied_item_is_named(tmp_path: Path) -> None:
    shutil.copytree(BOOK, tmp_path / "book", ignore=shutil.ignore_patterns("*.ipynb"))
    shutil.copy(ROOT / "_toc.yml", tmp_path / "_toc.yml")
    review = tmp_path / "book" / "review4_together.quiz.yml"
    data = yaml.safe_load(review.read_text(encoding="utf-8"))
    chapter_item = yaml.safe_load((BOOK / "ch10_road_ahead.quiz.yml").read_text(encoding="utf-8"))[
        "questions"
    ][0]
    copied = dict(chapter_item, id="review4-copied", cross_chapter=True)
    data["questions"] = [
        q | {"objective": "ch10-o1"} for q in data["questions"] if q["type"] != "written"
    ] + [copied]
    review.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    problems = review_problems(tmp_path)
    assert any("review4_together.quiz.yml" in p and "revisit earlier Parts" in p for p in problems), problems
    assert any("no item draws on Part I" in p for p in problems), problems
    assert any("'review4-copied' is a near-copy of" in p for p in problems), problems


def test_similarity_is_one_for_a_copy_and_low_for_unrelated_items() -> None:
    a = load_bank(BOOK / "ch04_bispecific_engagers.quiz.yml").questions[0]
    b = load_bank(BOOK / "ch11_supportive_care.quiz.yml").questions[0]
    raw = {"prompt": a.prompt, "options": [{"text": o.text} for o in a.options]}
    other = {"prompt": b.prompt, "options": [{"text": o.text} for o in b.options]}
    assert similarity(raw, dict(raw)) == 1.0 and similarity(raw, other) < 0.3


# ---- items that need code ------------------------------------------------------------------------

_CODE = re.compile(r"binomtest|exact_proportion_ci|Clopper", re.IGNORECASE)


def test_every_exact_interval_item_is_marked_as_needing_the_notebook_and_no_review_needs_code() -> None:
    for path in BANKS:
        for q in load_bank(path).questions:
            text = " ".join([q.prompt, q.hint or "", q.feedback_incorrect])
            asks_exact = q.type == "numeric" and _CODE.search(text) and "normal-approximation" not in q.prompt
            if asks_exact and not q.generated:  # a generated one accepts the taught hand formula too
                assert q.needs_notebook and "Needs the live notebook" in q.prompt, q.id
            if path.name.startswith("review"):
                assert not q.needs_notebook, f"{q.id}: a review page promises that no code is needed"


# ---- analytic rubrics ----------------------------------------------------------------------------


def test_every_written_item_and_the_capstone_have_an_analytic_rubric_with_anchors() -> None:
    written = [q for path in BANKS for q in load_bank(path).questions if q.type == "written"]
    assert "ch09-capstone-maya" in {q.id for q in written} and len(written) >= 6
    for q in written:
        rubric = q.analytic
        assert rubric is not None, f"{q.id}: a checklist rubric, not criteria × levels"
        assert len(rubric.criteria) >= 3 and all(len(c.levels) == 4 for c in rubric.criteria), q.id
        assert len(rubric.anchors) == 4 and len(set(rubric.anchors)) == 4, q.id
        # anchors grow with the level: the level-3 anchor is the longest, the level-0 one the shortest
        lengths = [len(a) for a in rubric.anchors]
        assert lengths[0] == min(lengths) and lengths[3] == max(lengths), q.id
        assert q.rubric_points == 3 * sum(c.weight for c in rubric.criteria)
        key = key_question(q, 1)  # the instructor's key, not the student's page, carries the rubric
        assert all(f"| {c.name}" in key for c in rubric.criteria), q.id
        assert all(f"*Level {lv}.*" in key for lv in range(4)), q.id
        assert not any(a[:60] in written_html([q], key=q.id) for a in rubric.anchors), q.id
    capstone = next(q for q in written if q.id == "ch09-capstone-maya")
    assert (
        capstone.analytic is not None and capstone.analytic.score([3] * len(capstone.analytic.criteria)) == 18
    )
    with pytest.raises(ValueError, match="levels are 0–3"):
        capstone.analytic.score([4] * len(capstone.analytic.criteria))
