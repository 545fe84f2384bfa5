"""Notebook markup that JupyterLab renders: glossary terms as links, never the ``{term}`` role."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from harness import ROOT

from immunokit import citations, facts
from immunokit_build.sphinx.notebookmarkup import (
    glossary_terms,
    rewrite,
    rewrite_citations,
    rewrite_facts,
    term_anchor,
)

NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_links_glossary_terms_instead_of_the_term_role(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "{term}`" not in text, (
        f"{path.name} uses the {{term}} role, which JupyterLab cannot render: run "
        "python -m immunokit_build.sphinx.notebookmarkup"
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
        'extensions = ["myst_parser", "immunokit_build.sphinx.notebookmarkup"]\nroot_doc = "index"\n'
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
        "python -m immunokit_build.sphinx.notebookmarkup"
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
        "run python -m immunokit_build.sphinx.notebookmarkup"
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
        'extensions = ["myst_nb", "immunokit_build.sphinx.notebookmarkup"]\nroot_doc = "index"\n'
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
        f"{hr.text!r}, which the book shows; run python -m immunokit_build.sphinx.notebookmarkup" in warnings
    )
    assert "book/page.md: the link to fact 'tower-hr' reads '0.5'" in warnings


def test_build_fails_on_a_fact_link_with_an_unknown_id(tmp_path: Path) -> None:
    from sphinx.errors import SphinxError

    with pytest.raises(
        SphinxError,
        match=r"unknown fact ids in \{fact\} roles and fact links: book/ch99: book/ch99.ipynb cell 2",
    ):
        _fact_project(tmp_path, ["HR [0.71](data/trials.yml#tower-hx)."])


# ---------------------------------------------------------------------------------------------
# Citations: [(Author et al., 2017)](references.bib#key) links build as the {cite:p}/{cite:t} roles
# ---------------------------------------------------------------------------------------------

REFERENCES_CELL = "## References\n\n```{bibliography}\n:filter: docname in docnames\n```"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_cites_by_links_that_read_the_bibliography(path: Path) -> None:
    """No ``{cite:p}``/``{cite:t}`` role (JupyterLab shows it as a bare key, "Citation Not Found"); every
    citation link names keys of references.bib and reads what the bibliography gives."""
    entries = citations.load()
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type != "markdown":
            continue
        roles = [m[0] for m in citations.ROLE.finditer(cell.source) if m["kind"] in (None, "p", "t")]
        assert roles == [], (
            f"{path.name} cell {index} uses {roles}, which JupyterLab cannot render: run "
            "python -m immunokit_build.sphinx.notebookmarkup"
        )
        for m in citations.LINK.finditer(cell.source):
            keys = m["keys"].split(",")
            assert set(keys) <= set(entries), (
                f"{path.name} cell {index}: {m[0]} cites a key not in references.bib"
            )
            assert citations.link_text(m["text"]) == citations.citation_text(
                keys, bool(m["kind"]), entries
            ), (
                f"{path.name} cell {index}: {m[0]} is stale: run python -m immunokit_build.sphinx.notebookmarkup"
            )


def test_rewrite_turns_cite_roles_into_links_and_refreshes_stale_links() -> None:
    book = ROOT / "book"
    out = rewrite_citations(
        "As {cite:t}`clopper1934use` showed {cite:p}`kantarjian2017tower, maude2018eliana`; "
        "see [(Kantarjan, 2016)](references.bib#kantarjian2017tower); ``{cite:p}`x` `` is code and "
        "{cite:ps}`cox1972regression` is left.",
        book,
    )
    assert out == (
        "As [Clopper and Pearson (1934)](references.bib#clopper1934use:t) showed "
        "[(Kantarjian et al., 2017; Maude et al., 2018)](references.bib#kantarjian2017tower,maude2018eliana); "
        "see [(Kantarjian et al., 2017)](references.bib#kantarjian2017tower); ``{cite:p}`x` `` is code and "
        "{cite:ps}`cox1972regression` is left."
    )
    assert rewrite_citations("[(Cox, 1972)](refs.bib#cox1972regression:t)", book) == (
        "[Cox (1972)](references.bib#cox1972regression:t)"
    )
    # A page in another folder links the same file by its relative path.
    assert rewrite_citations("{cite:p}`cox1972regression`", book / "instructors") == (
        "[(Cox, 1972)](../references.bib#cox1972regression)"
    )
    with pytest.raises(
        ValueError, match=r"^ch99 cell 3: \{cite:p\}`nobody2020x` cites 'nobody2020x', not in "
    ):
        rewrite_citations("{cite:p}`nobody2020x`", book, where="ch99 cell 3")
    with pytest.raises(ValueError, match=r"cites 'nobody2020x'"):
        rewrite_citations("[(Nobody, 2020)](references.bib#nobody2020x)", book)


def test_citation_links_count_as_citations_for_the_chapter_checks() -> None:
    text = "[(Cox, 1972)](references.bib#cox1972regression:t) and {cite:p}`a2020x,b2021y` and `[x](r.bib#inc2020)`"
    assert citations.cited_keys(text) == ["cox1972regression", "a2020x", "b2021y"]


def _cite_project(tmp_path: Path, cells: list[str]) -> tuple[str, str]:
    """A tiny Sphinx project with the book's citation setup (sphinxcontrib-bibtex, author–year, the book's
    references.bib): one chapter notebook whose Markdown cells are ``cells`` and a filtered References cell;
    returns the page's HTML and the build's warnings."""
    from io import StringIO

    from sphinx.application import Sphinx

    src = tmp_path / "src"
    (src / "book").mkdir(parents=True)
    (src / "book" / "references.bib").write_text(
        (ROOT / "book" / "references.bib").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (src / "conf.py").write_text(
        'extensions = ["myst_nb", "sphinxcontrib.bibtex", "immunokit_build.sphinx.notebookmarkup"]\n'
        'root_doc = "index"\nnb_execution_mode = "off"\nhtml_theme = "basic"\n'
        'bibtex_bibfiles = ["book/references.bib"]\nbibtex_reference_style = "author_year"\n'
        'bibtex_default_style = "plain"\nsource_suffix = {".md": "myst-nb", ".ipynb": "myst-nb"}\n'
    )
    (src / "index.md").write_text("# Home\n\n```{toctree}\nbook/ch99\n```\n")
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Chapter"),
        *map(nbformat.v4.new_markdown_cell, cells),
        nbformat.v4.new_markdown_cell(REFERENCES_CELL),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, src / "book" / "ch99.ipynb")
    warnings = StringIO()
    app = Sphinx(str(src), str(src), str(tmp_path / "out"), str(tmp_path / "doctrees"), "html",
                 status=None, warning=warnings, freshenv=True)  # fmt: skip
    app.build()
    own = [line for line in warnings.getvalue().splitlines() if "while setting up extension" not in line]
    return (tmp_path / "out" / "book" / "ch99.html").read_text(encoding="utf-8"), "\n".join(own)


def test_build_turns_citation_links_into_exactly_what_the_cite_roles_make(tmp_path: Path) -> None:
    links, warnings = _cite_project(
        tmp_path / "links",
        [
            "Blinatumomab [(Kantarjian et al., 2017)](references.bib#kantarjian2017tower) and CAR T "
            "[(Kantarjian et al., 2017; Maude et al., 2018)](references.bib#kantarjian2017tower,maude2018eliana).",
            "The exact [Clopper and Pearson (1934)](references.bib#clopper1934use:t) interval.",
        ],
    )
    assert warnings == ""
    body = _body(links)
    assert "references.bib" not in body and "download" not in body
    assert "Kantarjian and others, 2017" in body and "Clopper and Pearson" in body
    assert body.count('role="doc-biblioentry"') == 3  # the References cell lists the three works cited
    roles, _ = _cite_project(
        tmp_path / "roles",
        [
            "Blinatumomab {cite:p}`kantarjian2017tower` and CAR T {cite:p}`kantarjian2017tower,maude2018eliana`.",
            "The exact {cite:t}`clopper1934use` interval.",
        ],
    )
    assert body == _body(roles)  # the citations and the filtered bibliography list


def test_build_warns_on_a_stale_citation_link_and_still_shows_the_bibliography(tmp_path: Path) -> None:
    page, warnings = _cite_project(
        tmp_path,
        [
            "As shown [(Kantarjan, 2016)](references.bib#kantarjian2017tower) and "
            "[(Cox, 1972)](refs.bib#cox1972regression)."
        ],
    )
    assert "Kantarjian and others, 2017" in _body(page) and "Kantarjan" not in _body(page)
    assert (
        "book/ch99.ipynb cell 2: the citation link to kantarjian2017tower reads '(Kantarjan, 2016)' but the "
        "bibliography gives '(Kantarjian et al., 2017)' (the book shows the bibliography's citation); run "
        "python -m immunokit_build.sphinx.notebookmarkup" in warnings
    )
    assert (
        "book/ch99.ipynb cell 2: the citation link to cox1972regression points to 'refs.bib', which is not the "
        "bibliography (references.bib); run python -m immunokit_build.sphinx.notebookmarkup" in warnings
    )
    assert "Cox, 1972" in _body(page) and "refs.bib" not in _body(page)


def test_build_reports_a_citation_link_with_an_unknown_key(tmp_path: Path) -> None:
    _, warnings = _cite_project(tmp_path, ["As shown [(Nobody, 2020)](references.bib#nobody2020x)."])
    assert "could not find bibtex key" in warnings and "nobody2020x" in warnings
