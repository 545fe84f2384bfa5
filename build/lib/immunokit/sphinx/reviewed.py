""" "Evidence reviewed: <month year>" under the title of every chapter page, from the clinical data layer.

A chapter's date is the latest ``checked`` date of the facts in ``book/data/*.yml`` that list the chapter
in their ``chapters`` field (:func:`immunokit.facts.reviewed`), so re-checking a fact against its source
updates the page; nothing is typed into the notebooks. The line links to the "What changed" page. A
chapter page (``book/chNN_*``) that no fact names gets "Evidence reviewed: not yet recorded", which a
test forbids for the chapters of the book.
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes

from .. import facts as _facts

CHAPTER_DOC = re.compile(r"^book/(ch\d{2})_")
WHAT_CHANGED = "book/what-changed"


def reviewed_text(chapter: str) -> str:
    """``"Evidence reviewed: November 2026"`` (or "not yet recorded") for a chapter id such as ``ch04``."""
    day = _facts.reviewed(chapter)
    return f"Evidence reviewed: {day:%B %Y}" if day else "Evidence reviewed: not yet recorded"


def _insert(app: Any, doctree: Any) -> None:
    from sphinx import addnodes

    docname = app.env.docname
    match = CHAPTER_DOC.match(docname)
    if not match:
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None or not section.children or not isinstance(section[0], nodes.title):
        return
    para = nodes.paragraph(classes=["ik-evidence-reviewed"])
    para += nodes.Text(reviewed_text(match.group(1)) + " · ")
    if WHAT_CHANGED in app.env.found_docs:
        ref = addnodes.pending_xref(
            "", refdomain="std", reftype="doc", reftarget="/" + WHAT_CHANGED, refexplicit=True, refwarn=True
        )
        ref += nodes.inline("", "what changed", classes=["xref", "std", "std-doc"])
        para += ref
    else:
        para += nodes.Text("what changed: see the course's change log")
    section.insert(1, para)


def setup(app: Any) -> dict[str, Any]:
    app.connect("doctree-read", _insert)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
