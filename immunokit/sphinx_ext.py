"""Sphinx extension of the book: fixes at the source two console errors of the stock theme stack.

- jupyter-book runs sphinx-thebe's set-up twice, so every page declared ``const THEBE_JS_URL`` twice
  (``Identifier 'THEBE_JS_URL' has already been declared``): identical script entries are kept once.
- docutils writes bibliography entries as ``role="doc-biblioentry"`` inside ``role="list"``; that role is
  deprecated and leaves the list without list items (axe: aria-required-children, critical), so entries
  become ``role="listitem"``.
- Mathematics is rendered at build time to MathML (``latex2mathml``), which browsers display natively
  and screen readers read: no MathJax, no script, no other host (``html_math_renderer: mathml``).
- pydata-sphinx-theme logs ``Got invalid theme mode`` when no default mode is configured: ``_config.yml``
  sets ``default_mode: auto``.
"""

from __future__ import annotations

from typing import Any


def _dedupe_scripts(app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple[str, str]] = set()
    unique = []
    for script in scripts:
        attributes = getattr(script, "attributes", {}) or {}
        key = (str(getattr(script, "filename", script) or ""), str(attributes.get("body", "")))
        if key in seen:
            continue
        seen.add(key)
        unique.append(script)
    context["script_files"] = unique


def _fix_bibliography_roles(app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    body = context.get("body")
    if isinstance(body, str) and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def _mathml(latex: str, *, display: str) -> str:
    from latex2mathml.converter import convert

    return convert(latex.strip(), display=display)


def _visit_inline_math(self: Any, node: Any) -> None:
    from docutils import nodes

    self.body.append(f'<span class="math notranslate">{_mathml(node.astext(), display="inline")}</span>')
    raise nodes.SkipNode


def _visit_block_math(self: Any, node: Any) -> None:
    from docutils import nodes

    label = ""
    if node.get("number"):
        label = f'<span class="eqno">({node["number"]})</span>'
    self.body.append(
        f'<div class="math notranslate ik-math-block">{label}{_mathml(node.astext(), display="block")}</div>'
    )
    raise nodes.SkipNode


def setup(app: Any) -> dict[str, Any]:
    app.add_html_math_renderer("mathml", (_visit_inline_math, None), (_visit_block_math, None))
    app.connect("html-page-context", _dedupe_scripts, priority=100)
    app.connect("html-page-context", _fix_bibliography_roles, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
