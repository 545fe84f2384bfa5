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

``python -m immunokit.sphinx.notebookmarkup [PATH ...]`` rewrites any ``{term}`` role left in a notebook
(default: ``book/``) into this form, taking the anchors from ``book/glossary.md``.

Content meant only for notebook readers (say, where the References cell points JupyterLab readers to the
bibliography) carries the class ``ik-notebook-only`` (``:class: ik-notebook-only`` on an admonition) and
is removed from the built book here, so it is neither shown, printed nor indexed for search.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
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


def rewrite_notebook(path: Path) -> bool:
    """Rewrite the Markdown cells of one notebook in place; True if it changed."""
    terms = glossary_terms()
    nb = nbformat.read(path, as_version=4)
    changed = False
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown" or "{term}" not in cell.source:
            continue
        cell.source = rewrite(cell.source, terms, where=f"{path} cell {index}")
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
        print(f"glossary links in {nb}")
    print(f"{len(notebooks)} notebooks, {len(changed)} changed")
    return 0


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_transform(RemoveNotebookOnly)
    app.add_post_transform(GlossaryLinksAsTerms)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    raise SystemExit(main())
