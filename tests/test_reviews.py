"""Every Part of the book ends with a review quiz that mixes earlier chapters (issue 18)."""

from __future__ import annotations

from pathlib import Path

import yaml

from immunokit.quiz import Quiz, load_bank

ROOT = Path(__file__).resolve().parents[1]


def _parts() -> list[tuple[str, list[str]]]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [
        (part["caption"], [Path(c["file"]).name for c in part.get("chapters", [])])
        for part in toc["parts"]
        if part["caption"].startswith("Part ")
    ]


def test_every_part_ends_with_a_review_that_only_revisits_chapters_already_read() -> None:
    parts = _parts()
    assert parts, "no Parts in _toc.yml"
    read: list[str] = []  # chapter ids met so far, in reading order
    for index, (caption, files) in enumerate(parts):
        assert files[-1].startswith("review"), f"{caption} does not end with a review page: {files}"
        read += [f[:4] for f in files if f.startswith("ch")]
        bank = load_bank(ROOT / "book" / f"{files[-1]}.quiz.yml")
        assert all(q.cross_chapter for q in bank.questions)
        chapters = [q.objective[:4] for q in bank.questions]
        assert set(chapters) <= set(read), f"{caption}: the review asks about unread chapters"
        # interleaved: at least two chapters, and never three questions of one chapter in a row
        assert len(set(chapters)) >= 2, f"{caption}: a review mixes chapters, found {chapters}"
        assert all(
            len({a, b, c}) > 1 for a, b, c in zip(chapters, chapters[1:], chapters[2:], strict=False)
        ), f"{caption}: questions of one chapter in a row ({chapters})"
        if index > 0:  # spaced: it reaches back past this Part
            this_part = {f[:4] for f in files if f.startswith("ch")}
            assert set(chapters) - this_part, f"{caption}: the review asks only about this Part"
        assert sum(q.level in ("apply", "analyse", "evaluate", "create") for q in bank.questions) >= 4
        assert any(q.type == "written" for q in bank.questions), f"{caption}: no written answer"


def test_review_pages_show_their_bank_with_the_written_answer() -> None:
    for _caption, files in _parts():
        quiz = Quiz.from_bank(ROOT / "book" / f"{files[-1]}.quiz.yml")
        page = quiz.to_html()
        assert 'data-ik="quiz"' in page and "<textarea" in page and "rubric worth" in page
        assert "Model answer" not in page  # an instructor artifact (issue 23)


def test_the_numbers_primer_comes_before_the_first_chapter_that_needs_it() -> None:
    files = [f for _caption, fs in _parts() for f in fs]
    assert files.index("reading_the_numbers") < files.index("ch02_transplant_and_gvl")
    primer = (ROOT / "book" / "reading_the_numbers.md").read_text(encoding="utf-8")
    for topic in ("## Hazard ratios", "## Confidence intervals", "## Non-inferiority margins"):
        assert topic in primer
    chapter = (ROOT / "book" / "ch02_transplant_and_gvl.ipynb").read_text(encoding="utf-8")
    assert "{doc}`reading_the_numbers`" in chapter
