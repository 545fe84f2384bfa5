"""Structure tests of every chapter notebook (``book/chNN_<slug>.ipynb``) and its question bank.

Each chapter must follow the anatomy in CONTRIBUTING.md: objectives with ids under
``## What you will learn``, a *Prerequisites and time* line, at least one figure (a diagram or a
``plot_*`` call), citations that exist in ``book/references.bib``, glossary terms that exist in
``book/glossary.md``, a quiz bank beside the notebook whose questions cover every objective (and only
those), ``## Key points`` and a ``## References`` section with a filtered bibliography.

The source checks need nothing but the files. The last test reads the built book (the ``built_book``
fixture of ``tests/conftest.py``) and checks that every chapter page shows an image with alt text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
CHAPTERS = sorted(BOOK.glob("ch[0-9][0-9]_*.ipynb"))

CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")
TERM = re.compile(r"\{term\}`([^`]+)`")
OBJECTIVE = re.compile(r"^\s*[-*]\s+`(ch\d\d-o\d+)`\s+\S", re.MULTILINE)
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*$", re.MULTILINE)
DIAGRAM_IMPORT = re.compile(r"from\s+immunokit\.diagrams\s+import\s+\(?([^)\n]+)\)?")
PLOT_CALL = re.compile(r"\bplot_\w+\s*\(")
#: Number of quiz questions a chapter bank must have (issue 6: "a quiz of 6–10 questions").
# 6–10 recall-to-apply items, plus up to four on unseen material (issue 18: ≥ 40 % apply or above)
QUESTIONS_MIN, QUESTIONS_MAX = 6, 14


@dataclass(frozen=True)
class Chapter:
    """The parts of one chapter notebook the tests look at."""

    path: Path
    chapter_id: str  # "ch01"
    markdown: str  # all markdown cells joined
    code: list[str]  # source of each code cell

    @property
    def bank(self) -> Path:
        return self.path.with_suffix(".quiz.yml")

    @property
    def name(self) -> str:
        return self.path.name


@cache
def load_chapter(path: Path) -> Chapter:
    nb = nbformat.read(path, as_version=4)
    markdown = "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    return Chapter(path, path.name[:4], markdown, code)


@cache
def bib_keys() -> frozenset[str]:
    text = (BOOK / "references.bib").read_text(encoding="utf-8")
    return frozenset(re.findall(r"^@\w+\s*\{\s*([^,\s]+)\s*,", text, re.MULTILINE))


@cache
def glossary_terms() -> frozenset[str]:
    """Terms of the ``{glossary}`` directive in book/glossary.md, lower-cased (Sphinx matches them so)."""
    text = (BOOK / "glossary.md").read_text(encoding="utf-8")
    match = re.search(r"```\{glossary\}\n(.*?)\n```", text, re.DOTALL)
    assert match, "book/glossary.md has no ```{glossary} directive"
    body = match.group(1)
    return frozenset(
        line.strip().lower()
        for line in body.splitlines()
        if line.strip() and not line.startswith((" ", "\t", ":"))
    )


def section(markdown: str, title: str) -> str | None:
    """Text of the ``## title`` section (up to the next heading of level 1 or 2), or None if absent."""
    headings = [(m.start(), m.end(), len(m.group(1)), m.group(2)) for m in HEADING.finditer(markdown)]
    for index, (_start, end, level, text) in enumerate(headings):
        if level == 2 and text.strip().lower() == title.lower():
            following = [s for s, _e, lv, _t in headings[index + 1 :] if lv <= 2]
            return markdown[end : following[0] if following else len(markdown)]
    return None


def objectives(chapter: Chapter) -> list[str]:
    body = section(chapter.markdown, "What you will learn")
    return OBJECTIVE.findall(body) if body is not None else []


def bank_questions(chapter: Chapter) -> list[dict]:
    data = yaml.safe_load(chapter.bank.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and isinstance(data.get("questions"), list), (
        f"{chapter.bank.name}: no question list"
    )
    return data["questions"]


def test_there_are_chapters_to_check() -> None:
    assert CHAPTERS, "no chapter notebooks book/chNN_<slug>.ipynb found"


chapters = pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])


@chapters
def test_title_objectives_and_prerequisites(path: Path) -> None:
    chapter = load_chapter(path)
    assert re.match(r"\s*# \S", chapter.markdown), (
        f"{chapter.name}: the first cell must start with an H1 title"
    )
    assert section(chapter.markdown, "What you will learn") is not None, (
        f"{chapter.name}: no '## What you will learn'"
    )
    found = objectives(chapter)
    assert 3 <= len(found) <= 5, f"{chapter.name}: expected 3–5 objectives with ids, found {found}"
    wrong = [o for o in found if not o.startswith(chapter.chapter_id + "-")]
    assert not wrong, f"{chapter.name}: objective ids of another chapter: {wrong}"
    assert len(set(found)) == len(found), f"{chapter.name}: an objective id is repeated: {found}"
    assert "prerequisites and time" in chapter.markdown.lower(), (
        f"{chapter.name}: no 'Prerequisites and time' line"
    )


@chapters
def test_quiz_bank_covers_every_objective_and_only_those(path: Path) -> None:
    chapter = load_chapter(path)
    assert chapter.bank.exists(), f"{chapter.name}: no question bank {chapter.bank.name} beside it"
    questions = bank_questions(chapter)
    assert QUESTIONS_MIN <= len(questions) <= QUESTIONS_MAX, (
        f"{chapter.bank.name}: {len(questions)} questions; a chapter quiz has {QUESTIONS_MIN}–{QUESTIONS_MAX}"
    )
    defined = set(objectives(chapter))
    tested = {
        q.get("objective") for q in questions if not q.get("cross_chapter")
    }  # reviews of earlier chapters
    assert not defined - tested, f"{chapter.bank.name}: no question tests {sorted(defined - tested)}"
    assert not tested - defined, (
        f"{chapter.bank.name}: questions test objectives the chapter does not define: {sorted(tested - defined)}"
    )


@chapters
def test_quiz_is_shown_in_check_your_understanding(path: Path) -> None:
    chapter = load_chapter(path)
    assert section(chapter.markdown, "Check your understanding") is not None, (
        f"{chapter.name}: no '## Check your understanding'"
    )
    calls = [c for c in chapter.code if "Quiz.from_bank(" in c]
    assert calls, f"{chapter.name}: no code cell calls Quiz.from_bank(...)"
    assert any(chapter.bank.name in c for c in calls), (
        f"{chapter.name}: the quiz cell does not load {chapter.bank.name}"
    )


@chapters
def test_has_a_figure_call(path: Path) -> None:
    chapter = load_chapter(path)
    source = "\n".join(chapter.code)
    diagram_names = {
        name.strip()
        for match in DIAGRAM_IMPORT.finditer(source)
        for name in match.group(1).split(",")
        if name.strip()
    }
    diagram_calls = [n for n in diagram_names if re.search(rf"\b{re.escape(n)}\s*\(", source)]
    assert diagram_calls or PLOT_CALL.search(source), (
        f"{chapter.name}: no figure: call a diagram from immunokit.diagrams or a plot_* function"
    )


@chapters
def test_citations_exist_in_references_bib(path: Path) -> None:
    chapter = load_chapter(path)
    keys = {key.strip() for group in CITE.findall(chapter.markdown) for key in group.split(",")}
    assert keys, f"{chapter.name}: no {{cite}} citation"
    missing = sorted(keys - bib_keys())
    assert not missing, f"{chapter.name}: cited keys missing from book/references.bib: {missing}"


@chapters
def test_bank_citations_exist_in_references_bib(path: Path) -> None:
    chapter = load_chapter(path)
    if not chapter.bank.exists():
        pytest.skip(f"{chapter.bank.name} missing (reported by the bank test)")
    cited = {q["cite"] for q in bank_questions(chapter) if q.get("cite")}
    missing = sorted(cited - bib_keys())
    assert not missing, f"{chapter.bank.name}: cite keys missing from book/references.bib: {missing}"


@chapters
def test_glossary_terms_exist(path: Path) -> None:
    chapter = load_chapter(path)
    used = set()
    for raw in TERM.findall(chapter.markdown):
        target = re.search(r"<([^<>]+)>\s*$", raw)
        used.add((target.group(1) if target else raw).strip().lower())
    missing = sorted(used - glossary_terms())
    assert not missing, f"{chapter.name}: {{term}} targets not in book/glossary.md: {missing}"


@chapters
def test_key_points_and_filtered_references(path: Path) -> None:
    chapter = load_chapter(path)
    key_points = section(chapter.markdown, "Key points")
    assert key_points is not None and key_points.strip(), f"{chapter.name}: no '## Key points' section"
    references = section(chapter.markdown, "References")
    assert references is not None, f"{chapter.name}: no '## References' section"
    assert "```{bibliography}" in references, f"{chapter.name}: '## References' has no bibliography directive"
    assert ":filter: docname in docnames" in references, (
        f"{chapter.name}: the bibliography is not filtered to the page"
    )
    order = [
        chapter.markdown.find(h)
        for h in ("## What you will learn", "## Check your understanding", "## Key points", "## References")
    ]
    assert order == sorted(order), (
        f"{chapter.name}: sections out of order (objectives → quiz → key points → references)"
    )


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
