"""Sphinx extension of the book: five fixes, at the source, of what the stock theme stack gets wrong.

- jupyter-book runs sphinx-thebe's set-up twice, so every page declared ``const THEBE_JS_URL`` twice
  (``Identifier 'THEBE_JS_URL' has already been declared``): identical script entries are kept once.
- docutils writes bibliography entries as ``role="doc-biblioentry"`` inside ``role="list"``; that role is
  deprecated and leaves the list without list items (axe: aria-required-children, critical), so entries
  become ``role="listitem"``.
- The theme's sidebar writes a ``<details><summary>`` toggle with only an icon for every section that has
  sub-pages (axe: summary-name, serious): the toggle is given a name, "Show or hide the pages of …".
- Mathematics is rendered at build time to MathML (``latex2mathml``), which browsers display natively
  and screen readers read: no MathJax, no script, no other host (``html_math_renderer: mathml``).
- The theme's search field button was named "Search" while it shows "Search Ctrl+K" (axe
  label-content-name-mismatch): ``tooling/immunokit_build/sphinx/templates`` overrides that one component.
- pydata-sphinx-theme logs ``Got invalid theme mode`` when no default mode is configured: ``_config.yml``
  sets ``default_mode: auto``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from immunokit_build.sphinx import release


def _dedupe_scripts(
    app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
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


def _fix_bibliography_roles(
    app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    body = context.get("body")
    if isinstance(body, str) and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


_TOGGLE = re.compile(
    r'(<a class="reference internal[^"]*" href="[^"]*">(?P<title>[^<]*)</a><details[^>]*>)<summary>'
)


def _name_sidebar_toggles(
    app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    generate = context.get("generate_toctree_html")
    if not callable(generate) or getattr(generate, "_ik_wrapped", False):
        return

    def named(*args: Any, **kwargs: Any) -> Any:
        out = generate(*args, **kwargs)
        if isinstance(out, str):
            return _TOGGLE.sub(
                lambda m: f'{m.group(1)}<summary aria-label="Show or hide the pages of {m.group("title")}">',
                out,
            )
        if hasattr(out, "select"):  # a BeautifulSoup tree (pydata-sphinx-theme >= 0.15)
            for summary in out.select("li > details > summary"):
                if summary.get_text(strip=True) or summary.get("aria-label"):
                    continue
                link = summary.find_parent("li").find("a", recursive=False)
                title = link.get_text(strip=True) if link else "this section"
                summary["aria-label"] = f"Show or hide the pages of {title}"
        return out

    named._ik_wrapped = True  # type: ignore[attr-defined]
    context["generate_toctree_html"] = named


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


#: Theme templates the book overrides (``search-button-field.html``: a name that matches its text).
TEMPLATES = Path(__file__).parent / "sphinx" / "templates"


def _add_templates(app: Any, config: Any) -> None:
    if str(TEMPLATES) not in config.templates_path:
        config.templates_path.insert(0, str(TEMPLATES))


def setup(app: Any) -> dict[str, Any]:
    release.setup(app)
    app.connect("config-inited", _add_templates)
    app.add_html_math_renderer("mathml", (_visit_inline_math, None), (_visit_block_math, None))
    app.connect("html-page-context", _dedupe_scripts, priority=100)
    app.connect("html-page-context", _fix_bibliography_roles, priority=100)
    # After the theme has put its sidebar function into the context.
    app.connect("html-page-context", _name_sidebar_toggles, priority=950)
    app.setup_extension("immunokit_build.sphinx.facts")  # the {fact} role (clinical data layer)
    app.setup_extension("immunokit_build.sphinx.reviewed")  # "Evidence reviewed: <month year>" on chapters
    app.setup_extension(
        "immunokit_build.sphinx.launch"
    )  # repository and launch buttons, clone command, bundle
    app.setup_extension(
        "immunokit_build.sphinx.reading"
    )  # plumbing cells collapsed, objective ids as anchors
    app.setup_extension(
        "immunokit_build.sphinx.assets"
    )  # page weight: lazy image files, icons, deferred scripts
    app.setup_extension("immunokit_build.sphinx.sitemeta")  # meta description, social cards, sitemap
    app.setup_extension(
        "immunokit_build.sphinx.notebookmarkup"
    )  # glossary links as terms; notebook-only notes
    app.setup_extension("immunokit_build.sphinx.palette")  # the light palette on paper and without JavaScript
    app.setup_extension("immunokit_build.sphinx.citestyle")  # "et al." for a trailing "others" in citations
    app.setup_extension("immunokit_build.sphinx.executed")  # jupyter_execute/ copies keep their outputs
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
