"""Reading flow of the built book: readers see results, not plumbing.

Done centrally at build time, so no notebook carries presentation tags for it:

- a code cell that only imports (``from immunokit.quiz import Quiz``) is left out of the page
  (``remove-cell``); its code still runs;
- every other code cell's input is collapsed behind the theme's "Show code" toggle (``hide-input``),
  so the page shows the diagram, explorer, quiz or table first and the code on request;
- a cell that already has a presentation tag keeps it, and the tag ``show-input`` keeps a cell's
  code visible;
- myst-nb writes that toggle as ``<summary aria-label="Toggle hidden content"><p>Show code cell
  source</p>…``: paragraphs are not allowed in a summary (Nu Html Checker) and the label hides the
  visible words (axe label-content-name-mismatch), so the paragraphs become spans and the summary is
  named by its visible text (the matching styles are in ``immunokit.css``);
- learning objectives written as ``- `ch05-o1` Name the parts…`` lose the leading id from the text;
  the id stays, for instructors, as the list item's anchor (``#ch05-o1``) and in the notebook source;
  elsewhere on the page such an id in running text reads as the objective's number, linked to it.

The notebook's JSON is changed in memory only (Sphinx's ``source-read``): the execution cache keys
cells by their code, which is unchanged.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: Tags that already decide how a cell is shown; such a cell is left alone.
PRESENTATION_TAGS = frozenset(
    {"remove-cell", "remove-input", "remove-output", "hide-cell", "hide-input", "hide-output", "show-input"}
)
_IMPORT_LINE = re.compile(
    r"^\s*(?:import\s+[\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*|from\s+[\w.]+\s+import\s+.+)\s*$"
)
OBJECTIVE_ID = re.compile(r"^ch\d{2}-o\d+$")


def is_import_only(source: str) -> bool:
    """True for a cell whose every non-blank, non-comment line is an import statement."""
    lines = [ln for ln in source.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    joined: list[str] = []
    for line in lines:  # parenthesised imports over several lines count as one statement
        if joined and joined[-1].count("(") > joined[-1].count(")"):
            joined[-1] += " " + line.strip()
        else:
            joined.append(line)
    return bool(joined) and all(_IMPORT_LINE.match(ln.replace("(", "").replace(")", "")) for ln in joined)


def reading_tags(source: str, tags: list[str]) -> list[str]:
    """The cell's tags with the reading-flow tag added (see the module docstring)."""
    if PRESENTATION_TAGS.intersection(tags):
        return tags
    return [*tags, "remove-cell" if is_import_only(source) else "hide-input"]


def retag_notebook(text: str) -> str:
    """A notebook's JSON with every code cell tagged for reading; unparsable text comes back unchanged."""
    try:
        nb = json.loads(text)
        cells = nb["cells"]
    except (ValueError, KeyError, TypeError):
        return text  # not our business: myst-nb reports a broken notebook with its own message
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        meta = cell.setdefault("metadata", {})
        meta["tags"] = reading_tags(source, list(meta.get("tags", [])))
    return json.dumps(nb)


def _source_read(app: Any, docname: str, source: list[str]) -> None:
    if str(app.env.doc2path(docname)).endswith(".ipynb"):
        source[0] = retag_notebook(source[0])


def _objective_ids(app: Any, doctree: Any) -> None:
    """`` `ch05-o1` Name…`` at the start of a list item: the id becomes the item's anchor, not its text."""
    from docutils import nodes

    for item in list(doctree.findall(nodes.list_item)):
        para = item.children[0] if item.children else None
        if not isinstance(para, nodes.paragraph) or not para.children:
            continue
        first = para.children[0]
        if not isinstance(first, nodes.literal) or not OBJECTIVE_ID.match(first.astext()):
            continue
        objective = first.astext()
        para.remove(first)
        if para.children and isinstance(para.children[0], nodes.Text):
            rest = para.children[0].lstrip()
            para.replace(para.children[0], nodes.Text(rest))
        if objective not in item["ids"]:
            item["ids"].append(objective)
        item["classes"].append("ik-objective")
    _inline_objective_ids(doctree)


def objective_number(objective: str) -> str:
    """``"ch08-o2"`` → ``"2"``: how running text names one of the page's own objectives."""
    return objective.rpartition("-o")[2]


def _inline_objective_ids(doctree: Any) -> None:
    """`` `ch08-o2` `` in running text, naming an objective of this page, reads "2" and links to it.

    ("It exercises objectives `ch08-o2` and `ch08-o3`" becomes "objectives 2 and 3", each number a link
    to the objective's list item, the id in its title for instructors.)"""
    from docutils import nodes

    anchors = {i for item in doctree.findall(nodes.list_item) for i in item["ids"] if OBJECTIVE_ID.match(i)}
    for literal in list(doctree.findall(nodes.literal)):
        objective = literal.astext()
        if objective not in anchors or literal.parent is None:
            continue
        link = nodes.reference(
            "", objective_number(objective), refid=objective, reftitle=f"learning objective {objective}"
        )
        link["classes"].append("ik-objective-ref")
        literal.parent.replace(literal, link)


_TOGGLE_SUMMARY = re.compile(
    r'<summary aria-label="Toggle hidden content">(\s*)'
    r'<p class="(collapsed|expanded) admonition-title">([^<]*)</p>(\s*)'
    r'<p class="(collapsed|expanded) admonition-title">([^<]*)</p>'
)


def fix_toggle_summaries(body: str) -> str:
    """myst-nb's code toggles made valid and named by what they show (see the module docstring)."""
    return _TOGGLE_SUMMARY.sub(
        r'<summary>\1<span class="\2 admonition-title">\3</span>\4<span class="\5 admonition-title">\6</span>',
        body,
    )


def _fix_toggles(app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    body = context.get("body")
    if isinstance(body, str) and "Toggle hidden content" in body:
        context["body"] = fix_toggle_summaries(body)


def setup(app: Any) -> dict[str, Any]:
    app.connect("html-page-context", _fix_toggles, priority=100)
    app.connect("source-read", _source_read)
    app.connect("doctree-read", _objective_ids)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
