"""Structure tests of every chapter notebook (``book/chNN_<slug>.ipynb``) and its question bank.

Each chapter must follow the anatomy in CONTRIBUTING.md; :func:`immunokit.chapters.check_chapter` holds
the rules (objectives with ids under ``## What you will learn``, a *Prerequisites and time* line with
"About N minutes", a figure, citations in ``book/references.bib``, glossary terms in
``book/glossary.md``, a valid bank beside the notebook with 6–10 questions covering every objective and
only those, the quiz shown under ``## Check your understanding``, ``## Key points`` and a filtered
``## References``). The same function checks the chapter template (tests/test_template.py).

The last test reads the built book (the ``built_book`` fixture of ``tests/conftest.py``) and checks that
every chapter page shows an image with alt text.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from immunokit.chapters import check_chapter, read_chapter
from immunokit.citations import bib_keys
from immunokit.quiz import load_bank

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
CHAPTERS = sorted(BOOK.glob("ch[0-9][0-9]_*.ipynb"))


@cache
def glossary_anchors() -> dict[str, str]:
    """Glossary terms of book/glossary.md, lower-cased (Sphinx matches them so) → their anchors."""
    from immunokit_build.sphinx.notebookmarkup import glossary_terms, term_anchor

    return {lower: term_anchor(term) for lower, term in glossary_terms(BOOK / "glossary.md").items()}


def test_there_are_chapters_to_check() -> None:
    assert CHAPTERS, "no chapter notebooks book/chNN_<slug>.ipynb found"


chapters = pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])


@chapters
def test_chapter_follows_the_anatomy_and_its_bank_covers_every_objective(path: Path) -> None:
    problems = check_chapter(
        path, bib_keys=bib_keys(BOOK / "references.bib"), glossary=glossary_anchors(), load_bank=load_bank
    )
    assert problems == []


@chapters
def test_time_and_objectives_are_read_the_same_way_everywhere(path: Path) -> None:
    from immunokit.quiz.bank import chapter_objectives
    from immunokit_instructor.course_map import course_rows

    chapter = read_chapter(path)
    assert chapter.minutes and re.fullmatch(r"\d+(–\d+)?", chapter.minutes)
    assert chapter_objectives(path) == set(chapter.objective_ids())
    row = next(r for r in course_rows(ROOT) if r.chapter == chapter.id)
    assert row.minutes == chapter.minutes and [o for o, _ in row.objectives] == chapter.objective_ids()


@pytest.mark.build
@chapters
def test_built_chapter_page_has_an_image_with_alt_text(path: Path, built_book: Path) -> None:
    page = built_book / "book" / (path.stem + ".html")
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    if f"book/{path.stem}" not in toc:
        pytest.skip(f"{path.stem} is not in _toc.yml yet, so it is not built")
    assert page.exists(), f"{page} was not built"
    html = page.read_text(encoding="utf-8")
    images = re.findall(r"<img\b[^>]*>", html)
    with_alt = [img for img in images if re.search(r'\balt="[^"]*\S[^"]*"', img)]
    assert with_alt, f"{page.name}: no <img> with non-empty alt text ({len(images)} images in total)"


def test_a_glossary_link_to_no_term_is_reported(tmp_path: Path) -> None:
    """Chapters link glossary terms as ``[text](glossary.md#term-…)``; a wrong anchor is named."""
    source = CHAPTERS[0]
    text = source.read_text(encoding="utf-8")
    anchor = re.search(r"\]\(glossary\.md#(term-[^)\s]+)\)", text)
    assert anchor, f"{source.name} has no glossary link to break"
    chapter = tmp_path / source.name
    chapter.write_text(text.replace(anchor.group(1), "term-no-such-thing", 1), encoding="utf-8")
    bank = source.with_suffix(".quiz.yml")
    (tmp_path / bank.name).write_text(bank.read_text(encoding="utf-8"), encoding="utf-8")
    problems = check_chapter(chapter, glossary=glossary_anchors())
    assert problems == [
        f"{source.name}: glossary links to anchors no glossary term has: ['term-no-such-thing']"
    ]
