"""Notebook markup that JupyterLab renders: glossary terms as links, never the ``{term}`` role."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from harness import ROOT

from immunokit.sphinx.notebookmarkup import glossary_terms, rewrite, term_anchor

NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_links_glossary_terms_instead_of_the_term_role(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "{term}`" not in text, (
        f"{path.name} uses the {{term}} role, which JupyterLab cannot render: run "
        "python -m immunokit.sphinx.notebookmarkup"
    )
    anchors = {term_anchor(t) for t in glossary_terms().values()}
    for anchor in re.findall(r"\]\(glossary\.md#(term-[\w-]+)\)", text):
        assert anchor in anchors, f"{path.name}: glossary link to #{anchor}, which is no glossary term"


def test_rewrite_turns_roles_into_links_and_names_an_unknown_term() -> None:
    terms = glossary_terms()
    out = rewrite("a {term}`ALL` and {term}`CAR T cells <Chimeric antigen receptor>`.", terms)
    assert out == (
        "a [ALL](glossary.md#term-ALL) and [CAR T cells](glossary.md#term-Chimeric-antigen-receptor)."
    )
    with pytest.raises(
        ValueError, match=r"^ch99 cell 3: \{term\}`no such thing` names no term of glossary\.md$"
    ):
        rewrite("{term}`no such thing`", terms, where="ch99 cell 3")
