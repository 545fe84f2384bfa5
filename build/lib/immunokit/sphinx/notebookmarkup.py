"""Notebook markup that reads well in JupyterLab and builds to the same book.

JupyterLab (with jupyterlab-myst, pinned in requirements.txt) renders a notebook one cell at a time: it has
no glossary, so a ``{term}`` role there is an unresolved cross-reference (raw text without the extension,
a console error with it). The chapters therefore write glossary terms as ordinary Markdown links to the
glossary's term anchors::

    [ALL](glossary.md#term-acute-lymphoblastic-leukemia)

which JupyterLab shows as a link that opens ``glossary.md``, and which this module turns back, at build
time, into exactly what ``{term}`` produces (a ``std:term`` cross-reference, so the book's hover
definitions, the strict ``-n`` check and the link styling are unchanged). An anchor that names no glossary
term is a build warning (``-W`` fails), as a mistyped ``{term}`` would be.

Clinical numbers work the same way. The ``{fact}`` role (:mod:`immunokit.sphinx.facts`) would show
its id (``tower-hr``) in JupyterLab, so chapters write a fact as a link whose text is the rendered value
and whose target is the fact's entry in the data layer, relative to the page::

    [0.71](data/trials.yml#tower-hr)            the value with its unit, as {fact}`tower-hr`
    [4](data/trials.yml#tower-os-blina:value)   the bare value, as {fact}`tower-os-blina:value`

JupyterLab shows ``0.71`` (a link that opens the data file); the build reads the link as the role, so
the book has exactly the role's ``<span class="ik-fact ik-fact--ID">`` with the data layer's text.
The data layer stays the one source: a link whose text is not what the data layer renders (the data
changed, or a number was typed) is a warning naming the page, the cell, the id, both texts and the fix
command; an unknown id is an error, as in the role. (This is done when the source is read, not on the
doctree: myst-parser turns a link to an existing non-document file into a download reference and drops
its ``#fragment``, the fact id.)

Citations too: JupyterLab has no bibliography, so ``{cite:p}`kantarjian2017tower``` shows the bare key
with a "Citation Not Found" mark. Chapters write a citation as a link whose text is the author–year
citation and whose target is the key(s) in the bibliography file (:data:`immunokit.citations.LINK`)::

    [(Kantarjian et al., 2017)](references.bib#kantarjian2017tower)        as {cite:p}`kantarjian2017tower`
    [(Kantarjian et al., 2017; Maude et al., 2018)](references.bib#kantarjian2017tower,maude2018eliana)
    [Clopper and Pearson (1934)](references.bib#clopper1934use:t)          as {cite:t}`clopper1934use`

When the source is read, each such link becomes the role, so sphinxcontrib-bibtex renders exactly what it
renders for the role (and the References cells' filtered bibliographies are unchanged). The link's text is
never shown by the book; one that differs from what the bibliography gives (:mod:`immunokit.citations`) is
a warning naming the page, the cell, the key(s), both texts and the fix command; an unknown key is
reported by sphinxcontrib-bibtex, as for the role.

``python -m immunokit.sphinx.notebookmarkup [PATH ...]`` rewrites any ``{term}`` role left in a notebook
(default: ``book/``) into a glossary link, taking the anchors from ``book/glossary.md``, rewrites any
``{fact}`` role into a fact link and refreshes every fact link's text and path from the data layer, and
rewrites any ``{cite:p}``/``{cite:t}`` role into a citation link and refreshes every citation link's text
from ``book/references.bib``.

Content meant only for notebook readers (say, where the References cell points JupyterLab readers to the
bibliography) carries the class ``ik-notebook-only`` (``:class: ik-notebook-only`` on an admonition) and
is removed from the built book here, so it is neither shown, printed nor indexed for search.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import nbformat
from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.nodes import _make_id  # Sphinx's own id rule; the build re-checks every anchor

from .. import citations as _citations
from .. import facts as _facts
from .facts import _UNKNOWN_KEY as _UNKNOWN_FACTS

logger = logging.getLogger(__name__)

#: The glossary's document name and the prefix Sphinx gives a term's anchor.
GLOSSARY_DOC = "book/glossary"
TERM_ANCHOR = re.compile(r"^term-[\w-]+$")
NOTEBOOK_ONLY = "ik-notebook-only"


class RemoveNotebookOnly(SphinxTransform):
    """Drop elements marked ``ik-notebook-only`` from the book."""

    default_priority = 200

    def apply(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(nodes.Element)):
            if NOTEBOOK_ONLY in node.get("classes", ()) and node.parent is not None:
                node.parent.remove(node)


class GlossaryLinksAsTerms(SphinxPostTransform):
    """``[text](glossary.md#term-…)`` becomes the ``std:term`` reference that ``{term}`text <Term>``` makes.

    Runs before myst-parser's resolver (priority 9), which would otherwise look for a heading slug.
    """

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        anchors: dict[str, str] | None = None
        for node in list(self.document.findall(addnodes.pending_xref)):
            if node.get("reftype") != "myst" or node.get("refdomain") != "doc":
                continue
            if node.get("reftarget") != GLOSSARY_DOC:
                continue
            anchor = node.get("reftargetid") or ""
            if not TERM_ANCHOR.match(anchor):
                continue
            if anchors is None:
                anchors = _term_anchors(self.env)
            term = anchors.get(anchor)
            if term is None:
                logger.warning(
                    "glossary link to %r: no glossary term has that anchor (see book/glossary.md)",
                    anchor,
                    location=node,
                    type="immunokit",
                    subtype="glossary-link",
                )
                continue
            text = node.astext()
            xref = addnodes.pending_xref(
                "",
                refdomain="std",
                reftype="term",
                reftarget=term,
                refexplicit=True,
                refwarn=True,
                refdoc=node.get("refdoc", self.env.docname),
            )
            xref += nodes.inline(text, text, classes=["xref", "std", "std-term"])
            node.replace_self(xref)


FIX_COMMAND = "python -m immunokit.sphinx.notebookmarkup"


def _bibliography(app: Sphinx) -> dict[str, _citations.Citation]:
    """Every entry of the project's ``bibtex_bibfiles`` by key (none if sphinxcontrib-bibtex is not set up)."""
    entries: dict[str, _citations.Citation] = {}
    for name in getattr(app.config, "bibtex_bibfiles", None) or []:
        entries.update(_citations.load(Path(app.srcdir) / name))
    return entries


def _links_to_roles(app: Sphinx, docname: str, source: list[str]) -> None:
    """``source-read``: each fact link becomes the ``{fact}`` role, checked against the data layer, and each
    citation link the ``{cite:p}``/``{cite:t}`` role, its text checked against the bibliography."""
    has_facts, has_cites = "data/" in source[0], ".bib#" in source[0]
    if not (has_facts or has_cites):
        return
    table = _facts.current() if has_facts else {}
    entries = _bibliography(app) if has_cites else {}
    path = Path(app.env.doc2path(docname))
    shown = path.relative_to(app.srcdir).as_posix() if path.is_relative_to(app.srcdir) else str(path)

    def as_role(text: str, where: str) -> str:
        if has_cites:
            text = _citations.LINK.sub(lambda m: cite_role(m, where), text)
        if has_facts:
            text = fact_roles(text, where)
        return text

    def cite_role(m: re.Match[str], where: str) -> str:
        keys = m["keys"].split(",")
        role = f"{{cite:{'t' if m['kind'] else 'p'}}}`{m['keys']}`"
        try:
            expected = _citations.citation_text(keys, bool(m["kind"]), entries)
        except KeyError:
            return role  # an unknown key: sphinxcontrib-bibtex reports it, as for the role
        bibfiles = {Path(name).name for name in getattr(app.config, "bibtex_bibfiles", None) or []}
        if Path(m["path"]).name not in bibfiles:
            logger.warning(
                "%s: the citation link to %s points to %r, which is not the bibliography (%s); run %s to "
                "refresh it",
                where,
                m["keys"],
                m["path"],
                ", ".join(sorted(bibfiles)),
                FIX_COMMAND,
                location=docname,
                type="immunokit",
                subtype="cite-link",
            )
        found = _citations.link_text(m["text"])
        if found != expected:
            logger.warning(
                "%s: the citation link to %s reads %r but the bibliography gives %r (the book shows the "
                "bibliography's citation); run %s to refresh the notebook's citation links",
                where,
                m["keys"],
                found,
                expected,
                FIX_COMMAND,
                location=docname,
                type="immunokit",
                subtype="cite-link",
            )
        return role

    def fact_roles(text: str, where: str) -> str:
        def sub(m: re.Match[str]) -> str:
            fact = table.get(m["id"])
            if fact is None:
                unknown = getattr(app.env, _UNKNOWN_FACTS, None)
                if unknown is None:
                    unknown = []
                    setattr(app.env, _UNKNOWN_FACTS, unknown)
                unknown.append(f"{docname}: {where}: {m['id']!r}")
                logger.error(
                    "%s: unknown fact id %r in the fact link %s: not in book/data/*.yml "
                    "(python -m immunokit.facts list shows every id)",
                    where,
                    m["id"],
                    m[0],
                    location=docname,
                )
                return m[0]
            found, expected = _facts.link_text(m["text"]), _facts.shown(fact, m["fmt"])
            if found != expected:
                logger.warning(
                    "%s: the link to fact %r reads %r but the data layer renders %r, which the book shows; "
                    "run %s to refresh the notebook's fact links",
                    where,
                    fact.id,
                    found,
                    expected,
                    FIX_COMMAND,
                    location=docname,
                    type="immunokit",
                    subtype="fact-link",
                )
            if Path(m["path"]).name != fact.file:
                logger.warning(
                    "%s: the link to fact %r points to %r but the fact is in %r; run %s to refresh it",
                    where,
                    fact.id,
                    m["path"],
                    fact.file,
                    FIX_COMMAND,
                    location=docname,
                    type="immunokit",
                    subtype="fact-link",
                )
            return f"{{fact}}`{fact.id}{':value' if m['fmt'] else ''}`"

        return _facts.LINK.sub(sub, text)

    if path.suffix != ".ipynb":
        source[0] = as_role(source[0], shown)
        return
    try:
        nb = json.loads(source[0])
    except json.JSONDecodeError:
        return  # not a notebook: myst-nb reports it
    changed = False
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "markdown":
            continue
        text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        new = as_role(text, f"{shown} cell {index + 1}")
        if new != text:
            cell["source"], changed = new, True
    if changed:
        source[0] = json.dumps(nb, ensure_ascii=False)


def _term_anchors(env: Any) -> dict[str, str]:
    """Anchor id → the (lower-case) term key Sphinx's standard domain files it under."""
    objects = env.get_domain("std").objects
    return {
        labelid: name
        for (objtype, name), (docname, labelid) in objects.items()
        if objtype == "term" and docname == GLOSSARY_DOC
    }


# ---------------------------------------------------------------------------------------------
# The rewrite: {term} roles -> glossary links
# ---------------------------------------------------------------------------------------------

GLOSSARY = Path(__file__).resolve().parents[2] / "book" / "glossary.md"
#: ``{term}`text``` or ``{term}`text <Term>```.
TERM_ROLE = re.compile(r"\{term\}`(?P<text>[^`<]+?)(?:\s*<(?P<target>[^`>]+)>)?`")


def glossary_terms(glossary: Path = GLOSSARY) -> dict[str, str]:
    """Lower-case term → the term as written in ``glossary.md``'s ``{glossary}`` block."""
    terms: dict[str, str] = {}
    inside = False
    for line in glossary.read_text(encoding="utf-8").splitlines():
        if line.startswith("```{glossary}"):
            inside = True
            continue
        if inside and line.startswith("```"):
            break
        if inside and line.strip() and not line[0].isspace() and not line.startswith(":"):
            terms[line.strip().lower()] = line.strip()
    return terms


def term_anchor(term: str) -> str:
    """The id Sphinx gives a glossary term (``Acute myeloid leukemia`` → ``term-Acute-myeloid-leukemia``)."""
    return _make_id(f"term-{term}")


def rewrite(text: str, terms: dict[str, str], where: str = "") -> str:
    """Replace every ``{term}`` role in ``text`` by a link to the term's glossary anchor."""

    def link(match: re.Match[str]) -> str:
        shown = match["text"].strip()
        wanted = (match["target"] or shown).strip()
        term = terms.get(wanted.lower())
        if term is None:
            raise ValueError(f"{where}: {match[0]} names no term of {GLOSSARY.name}")
        return f"[{shown}](glossary.md#{term_anchor(term)})"

    return TERM_ROLE.sub(link, text)


def rewrite_facts(
    text: str, folder: Path, where: str = "", facts: Mapping[str, _facts.Fact] | None = None
) -> str:
    """Replace every ``{fact}`` role in ``text`` (a page in ``folder``) by a fact link, and refresh every
    fact link's text and path from the data layer."""
    table = _facts.current() if facts is None else facts

    def fact(fact_id: str, written: str) -> _facts.Fact:
        found: _facts.Fact | None = table.get(fact_id)
        if found is None:
            raise ValueError(
                f"{where}: {written} names no fact of the data layer (python -m immunokit.facts list)"
            )
        return found

    text = _facts.ROLE.sub(lambda m: _facts.fact_link(fact(m[1], m[0]), m[2], folder), text)
    return _facts.LINK.sub(lambda m: _facts.fact_link(fact(m["id"], m[0]), m["fmt"], folder), text)


def rewrite_citations(
    text: str, folder: Path, where: str = "", entries: Mapping[str, _citations.Citation] | None = None
) -> str:
    """Replace every ``{cite:p}``/``{cite:t}`` role in ``text`` (a page in ``folder``) by a citation link to
    ``book/references.bib``, and refresh every citation link's text from the bibliography."""
    table = _citations.load() if entries is None else entries
    bib = Path(os.path.relpath(_citations.BOOK_BIB, folder)).as_posix()

    def link(keys: str, textual: bool, written: str) -> str:
        names = [key.strip() for key in keys.split(",")]
        unknown = [key for key in names if key not in table]
        if unknown:
            raise ValueError(
                f"{where}: {written} cites {', '.join(map(repr, unknown))}, not in {_citations.BOOK_BIB.name}"
            )
        return _citations.citation_link(names, textual, bib, table)

    def role(m: re.Match[str]) -> str:
        if m["kind"] not in (None, "p", "t"):
            return m[0]  # another citation style (cite:ps, cite:ts...): left as the role
        return link(m["keys"], m["kind"] == "t", m[0])

    text = _citations.ROLE.sub(role, text)
    return _citations.LINK.sub(lambda m: link(m["keys"], bool(m["kind"]), m[0]), text)


def rewrite_notebook(path: Path) -> bool:
    """Rewrite the Markdown cells of one notebook in place; True if it changed."""
    terms = glossary_terms()
    nb = nbformat.read(path, as_version=4)
    changed = False
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        where = f"{path} cell {index}"
        source = rewrite(cell.source, terms, where=where) if "{term}" in cell.source else cell.source
        source = rewrite_facts(source, path.parent, where=where)
        source = rewrite_citations(source, path.parent, where=where)
        if source != cell.source:
            cell.source = source
            changed = True
    if changed:
        path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    from immunokit.notebooks import find_notebooks

    paths = list(argv if argv is not None else sys.argv[1:]) or [str(GLOSSARY.parent)]
    notebooks = find_notebooks(paths)
    try:
        changed = [nb for nb in notebooks if rewrite_notebook(nb)]
    except ValueError as error:
        print(error, file=sys.stderr)
        return 1
    for nb in changed:
        print(f"glossary, fact and citation links in {nb}")
    print(f"{len(notebooks)} notebooks, {len(changed)} changed")
    return 0


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("immunokit.sphinx.facts")  # the {fact} role that fact links become
    app.connect("source-read", _links_to_roles)
    app.add_transform(RemoveNotebookOnly)
    app.add_post_transform(GlossaryLinksAsTerms)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    raise SystemExit(main())
