"""Notebook markup that JupyterLab renders: glossary terms as links, never the ``{term}`` role."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from harness import ROOT

from immunokit import facts
from immunokit.sphinx.notebookmarkup import glossary_terms, rewrite, rewrite_facts, term_anchor

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


# ---- clinical numbers: fact links instead of the {fact} role ----------------------------------------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_links_facts_instead_of_the_fact_role_and_every_link_reads_the_data_layer(
    path: Path,
) -> None:
    text = path.read_text(encoding="utf-8")
    assert "{fact}`" not in text, (
        f"{path.name} uses the {{fact}} role, which JupyterLab shows as the fact id: run "
        "python -m immunokit.sphinx.notebookmarkup"
    )
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            assert facts.link_problems(cell.source) == [], f"{path.name} cell {index}"


def test_rewrite_turns_fact_roles_into_links_and_refreshes_stale_links() -> None:
    book = ROOT / "book"
    source = (
        "HR {fact}`tower-hr`, median OS {fact}`tower-os-blina:value` months, "
        "a typed [0.7](data/trials.yml#tower-hr) and a moved [> 90 %](data/drugs.yml#cd22-b-all-fraction)."
    )
    hr, os_blina = facts.get("tower-hr"), facts.get("tower-os-blina")
    assert rewrite_facts(source, book) == (
        f"HR [{hr.text}](data/{hr.file}#tower-hr), median OS "
        f"[{facts.format_value(os_blina.value)}](data/{os_blina.file}#tower-os-blina:value) months, "
        f"a typed [{hr.text}](data/{hr.file}#tower-hr) and a moved "
        f"[> 90 %](data/{facts.get('cd22-b-all-fraction').file}#cd22-b-all-fraction)."
    )
    # From a page one folder down, the link still leads to the data file.
    assert rewrite_facts("{fact}`tower-hr`", book / "sub") == f"[{hr.text}](../data/{hr.file}#tower-hr)"
    with pytest.raises(ValueError, match=r"^ch99 cell 3: \{fact\}`tower-hx` names no fact of the data layer"):
        rewrite_facts("{fact}`tower-hx`", book, where="ch99 cell 3")


def test_fact_links_count_as_fact_uses_and_the_consistency_check_reads_them(tmp_path: Path) -> None:
    hr = facts.get("tower-hr")
    text = (
        f"HR [{hr.text}](data/{hr.file}#tower-hr), {{fact}}`tower-hr:value`, [0.5](data/{hr.file}#tower-hr)"
    )
    assert facts.uses(text) == [("tower-hr", False), ("tower-hr", True), ("tower-hr", False)]
    assert facts.uses(f"`[0.5](data/{hr.file}#tower-hr)`") == []  # an example written as code
    assert facts.expand_roles(text) == f"HR {hr.text}, {facts.format_value(hr.value)}, {hr.text}"
    page = tmp_path / "ch99_fixture.md"
    page.write_text(text + "\n", encoding="utf-8")
    assert facts.contradictions([page]) == [
        f"ch99_fixture.md: link to fact 'tower-hr' reads '0.5' but the data layer renders {hr.text!r}; "
        "run python -m immunokit.sphinx.notebookmarkup"
    ]


def _fact_project(tmp_path: Path, cells: list[str]) -> tuple[str, str, str]:
    """A tiny Sphinx project with the book's layout: a chapter notebook (book/ch99.ipynb) whose Markdown
    cells are ``cells`` and a Markdown page (book/page.md) with the same text; returns both pages' HTML and
    the build's warnings."""
    from io import StringIO

    from sphinx.application import Sphinx

    src = tmp_path / "src"
    (src / "book").mkdir(parents=True)
    (src / "conf.py").write_text(
        'extensions = ["myst_nb", "immunokit.sphinx.notebookmarkup"]\nroot_doc = "index"\n'
        'nb_execution_mode = "off"\nhtml_theme = "basic"\nsource_suffix = {".md": "myst-nb", ".ipynb": "myst-nb"}\n'
    )
    (src / "index.md").write_text("# Home\n\n```{toctree}\nbook/ch99\nbook/page\n```\n")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Chapter"), *map(nbformat.v4.new_markdown_cell, cells)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, src / "book" / "ch99.ipynb")
    (src / "book" / "page.md").write_text("# Page\n\n" + "\n\n".join(cells) + "\n")
    warnings = StringIO()
    app = Sphinx(str(src), str(src), str(tmp_path / "out"), str(tmp_path / "doctrees"), "html",
                 status=None, warning=warnings, freshenv=True)  # fmt: skip
    app.build()
    out = tmp_path / "out" / "book"
    # (Sphinx apps made in one process re-register docutils nodes: not this project's warnings.)
    own = [line for line in warnings.getvalue().splitlines() if "while setting up extension" not in line]
    return (
        (out / "ch99.html").read_text(encoding="utf-8"),
        (out / "page.html").read_text(encoding="utf-8"),
        "\n".join(own),
    )


def _body(html: str) -> str:
    return html[html.index('<div class="body"') :]


def test_build_turns_fact_links_into_exactly_what_the_fact_role_makes(tmp_path: Path) -> None:
    hr, blina = facts.get("tower-hr"), facts.get("tower-os-blina")
    bare = facts.format_value(blina.value)
    links, _, warnings = _fact_project(
        tmp_path / "links",
        [
            f"HR [{hr.text}](data/{hr.file}#tower-hr), OS [{bare}](data/{blina.file}#tower-os-blina:value) months."
        ],
    )
    assert warnings == ""
    assert f'<span class="ik-fact ik-fact--tower-hr">{hr.text}</span>' in links
    assert f'<span class="ik-fact ik-fact--tower-os-blina">{bare}</span>' in links
    assert "data/" not in _body(links) and "download" not in _body(links)
    roles, _, _ = _fact_project(
        tmp_path / "roles", ["HR {fact}`tower-hr`, OS {fact}`tower-os-blina:value` months."]
    )
    assert _body(links) == _body(roles)


def test_build_warns_on_a_stale_fact_link_and_still_shows_the_data_layer(tmp_path: Path) -> None:
    hr = facts.get("tower-hr")
    notebook, page, warnings = _fact_project(tmp_path, [f"HR [0.5](data/{hr.file}#tower-hr)."])
    assert f'<span class="ik-fact ik-fact--tower-hr">{hr.text}</span>' in notebook
    assert f'<span class="ik-fact ik-fact--tower-hr">{hr.text}</span>' in page
    assert (
        f"book/ch99.ipynb cell 2: the link to fact 'tower-hr' reads '0.5' but the data layer renders "
        f"{hr.text!r}, which the book shows; run python -m immunokit.sphinx.notebookmarkup" in warnings
    )
    assert "book/page.md: the link to fact 'tower-hr' reads '0.5'" in warnings


def test_build_fails_on_a_fact_link_with_an_unknown_id(tmp_path: Path) -> None:
    from sphinx.errors import SphinxError

    with pytest.raises(
        SphinxError,
        match=r"unknown fact ids in \{fact\} roles and fact links: book/ch99: book/ch99.ipynb cell 2",
    ):
        _fact_project(tmp_path, ["HR [0.71](data/trials.yml#tower-hx)."])
