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


def test_build_turns_glossary_links_into_term_references_and_warns_on_unknown_anchors(tmp_path: Path) -> None:
    """A tiny Sphinx project with the book's layout (book/glossary.md): a glossary link becomes the same
    ``std-term`` reference ``{term}`` makes; an anchor that names no term is a warning; notebook-only
    notes are left out of the page."""
    from io import StringIO

    from sphinx.application import Sphinx

    src = tmp_path / "src"
    (src / "book").mkdir(parents=True)
    (src / "conf.py").write_text(
        'extensions = ["myst_parser", "immunokit.sphinx.notebookmarkup"]\nroot_doc = "index"\n'
    )
    (src / "index.md").write_text("# Home\n\n```{toctree}\nbook/glossary\nbook/page\n```\n")
    (src / "book" / "glossary.md").write_text(
        "# Glossary\n\n```{glossary}\nAcute lymphoblastic leukemia\nALL\n  A leukemia.\n```\n"
    )
    (src / "book" / "page.md").write_text(
        "# Page\n\nAn [ALL](glossary.md#term-ALL) and a [typo](glossary.md#term-ALLL).\n\n"
        "```{admonition} Reading this in JupyterLab?\n:class: ik-notebook-only\nOnly in notebooks.\n```\n"
    )
    warnings = StringIO()
    app = Sphinx(str(src), str(src), str(tmp_path / "out"), str(tmp_path / "doctrees"), "html",
                 status=None, warning=warnings, freshenv=True)  # fmt: skip
    app.build()
    page = (tmp_path / "out" / "book" / "page.html").read_text(encoding="utf-8")
    assert '<a class="reference internal" href="glossary.html#term-ALL">' in page
    assert '<span class="xref std std-term">ALL</span>' in page
    assert "glossary link to 'term-ALLL': no glossary term has that anchor" in warnings.getvalue()
    assert "Only in notebooks" not in page and "Reading this in JupyterLab" not in page
