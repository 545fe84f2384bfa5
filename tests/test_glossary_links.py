"""Every chapter links its reader to the glossary, and every glossary link lands on a term (issue 26 item 23).

A chapter's markdown cells link a glossary term as ``[text](glossary.md#term-…)`` the first time it
matters in a section; the build turns the link into the term reference. These tests count the distinct
terms each chapter links and check each link's anchor against the terms ``book/glossary.md`` defines.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from immunokit_build.sphinx.notebookmarkup import glossary_terms, term_anchor

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted(ROOT.glob("book/ch[0-9][0-9]_*.ipynb"))
GLOSSARY_LINK = re.compile(r"\]\(glossary\.md#(?P<anchor>[^)\s]+)\)")

#: Distinct glossary terms every chapter links at least.
MINIMUM_TERMS = 8


def markdown(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def glossary_anchors() -> set[str]:
    return {term_anchor(term) for term in glossary_terms().values()}


def link_report(text: str, anchors: set[str]) -> tuple[set[str], set[str]]:
    """The distinct glossary anchors ``text`` links, and those of them no glossary term has."""
    linked = {m["anchor"] for m in GLOSSARY_LINK.finditer(text)}
    return linked, linked - anchors


def test_there_are_eleven_chapters() -> None:
    assert len(CHAPTERS) == 11, [p.name for p in CHAPTERS]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_links_enough_glossary_terms_and_each_exists(path: Path) -> None:
    linked, unknown = link_report(markdown(path), glossary_anchors())
    assert unknown == set(), (
        f"{path.name}: glossary links to anchors no term of glossary.md has: {sorted(unknown)}"
    )
    assert len(linked) >= MINIMUM_TERMS, (
        f"{path.name} links {len(linked)} glossary terms ({sorted(linked)}); link at least {MINIMUM_TERMS}, "
        "each at its first mention in a section"
    )


def test_a_planted_bad_link_and_a_thin_chapter_are_caught() -> None:
    anchors = glossary_anchors()
    text = (
        "A [T cell](glossary.md#term-T-cell) meets [CRS](glossary.md#term-CRS) and a "
        "[made-up thing](glossary.md#term-Made-up-thing); [T cells](glossary.md#term-T-cell) again."
    )
    linked, unknown = link_report(text, anchors)
    assert unknown == {"term-Made-up-thing"}
    assert linked == {"term-T-cell", "term-CRS", "term-Made-up-thing"}
    assert len(linked - unknown) < MINIMUM_TERMS
