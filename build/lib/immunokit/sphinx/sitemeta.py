"""Site basics: favicon, a description and social-card metadata on every page, a sitemap.

- **Favicon.** Without one, every page's browser asks for ``/favicon.ico`` and logs a 404 in the console.
  Unless the book sets ``html_favicon`` itself, the book's icon (an SVG written by this module, a
  lymphocyte: a cell with its large nucleus) is linked from every page as ``_static/ik-favicon.svg``.
- **Description and social cards.** Each page gets ``<meta name="description">``: its front matter's
  ``description`` if it has one, else its first sentences of running text (a chapter's first learning
  objective, without the objective's id; admonitions, tables, code and outputs skipped), at most
  :data:`DESCRIPTION_LENGTH` characters. ``sphinxext-opengraph`` (maintained, offline) writes the
  social-card tags from it: ``og:title``, ``og:description``, ``og:type``, ``og:site_name``. Absolute URLs (``og:url``, ``og:image``, the sitemap) need the address
  the site is published at, ``html_baseurl`` (``html.baseurl`` in ``_config.yml``, or the environment
  variable ``BOOK_BASE_URL``, which the GitHub Pages workflow sets); without it none of these is
  written, never a made-up address.
- **Sitemap.** With a base URL, ``sitemap.xml`` lists every page of the book (all documents, not only
  the pages an incremental build rewrote) and ``robots.txt`` points to it.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from sphinx.util import logging

logger = logging.getLogger(__name__)

FAVICON = "ik-favicon.svg"
#: A lymphocyte: a round cell almost filled by its nucleus. Colours hold in light and dark tabs.
FAVICON_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    '<circle cx="16" cy="16" r="15" fill="#7b2d8e"/>'
    '<circle cx="16" cy="16" r="15" fill="none" stroke="#fff" stroke-width="1.5"/>'
    '<circle cx="14.5" cy="15" r="9.5" fill="#f3d7f9"/>'
    '<circle cx="11.5" cy="12" r="2.2" fill="#7b2d8e" opacity=".55"/>'
    "</svg>\n"
)
#: Longest description (search engines show about 155-160 characters).
DESCRIPTION_LENGTH = 200
#: Pages that are not content: no sitemap entry.
NOT_IN_SITEMAP = {"genindex", "search", "py-modindex"}


def site_url(config: Any) -> str:
    """The address the site is published at, ending in ``/`` (empty when unknown)."""
    url = (getattr(config, "html_baseurl", "") or os.environ.get("BOOK_BASE_URL", "")).strip()
    return url.rstrip("/") + "/" if url else ""


def _config_inited(app: Any, config: Any) -> None:
    url = site_url(config)
    if url:
        config.html_baseurl = url
        config.ogp_site_url = url
    if not config.ogp_site_name:
        config.ogp_site_name = config.html_title or config.project
    if not config.ogp_social_cards:
        # Per-page card images need matplotlib at build time and an absolute URL; the book's title and
        # description are the card.
        config.ogp_social_cards = {"enable": False}


def page_description(doctree: Any, limit: int = DESCRIPTION_LENGTH) -> str:
    """The page's first sentences of running text, cut at a word before ``limit`` characters."""
    from docutils import nodes

    skip = (
        nodes.Admonition,
        nodes.table,
        nodes.footnote,
        nodes.citation,
        nodes.field_list,
        nodes.literal_block,
        nodes.raw,
        nodes.title,
        nodes.caption,
        nodes.legend,
    )
    parts: list[str] = []
    for para in doctree.findall(nodes.paragraph):
        ancestor = para.parent
        while ancestor is not None and not isinstance(ancestor, skip):
            classes = ancestor.get("classes", []) if isinstance(ancestor, nodes.Element) else []
            if "cell_output" in classes or "output" in classes:
                break
            ancestor = ancestor.parent
        if ancestor is not None:
            continue
        children = list(para.children)
        if children and isinstance(children[0], nodes.literal):  # an objective's id: ``ch05-o1``
            children = children[1:]
        text = re.sub(r"\s+", " ", "".join(c.astext() for c in children)).strip()
        if len(text) < 20:
            continue
        parts.append(text)
        if sum(len(p) + 1 for p in parts) >= limit // 2:
            break
    text = " ".join(parts)
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text


#: Descriptions of the pages Sphinx generates without a source (no doctree to take one from);
#: ``{project}`` is the book's title.
GENERATED_PAGE_DESCRIPTIONS = {
    "genindex": "Index of {project}: every glossary term, drug and concept, with links to the "
    "chapters that define and use it.",
    "search": "Search {project}: find a drug, trial, side effect or concept across every chapter, "
    "review quiz and instructor page.",
}


def _add_description(
    app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    meta = context.get("meta") or {}
    if doctree is None:
        generated = GENERATED_PAGE_DESCRIPTIONS.get(pagename)
        if generated is None:
            return
        title = app.config.html_title or context.get("docstitle") or app.config.project
        description = generated.format(project=title)
    else:
        description = str(meta.get("description") or page_description(doctree))
    if not description:
        return
    context["meta"] = {**meta, "og:description": description}
    if 'name="description"' not in context.get("metatags", ""):
        context["metatags"] = (
            context.get("metatags", "")
            + f'<meta name="description" content="{html.escape(description, quote=True)}" />\n'
        )


def _add_favicon(app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    if app.config.html_favicon:
        return
    href = context["pathto"](f"_static/{FAVICON}", 1)
    context["metatags"] = (
        context.get("metatags", "") + f'<link rel="icon" href="{href}" type="image/svg+xml">\n'
    )


def sitemap_xml(base: str, uris: list[str]) -> str:
    """A sitemaps.org ``urlset`` of ``base`` + each of ``uris``."""
    rows = "".join(f"  <url><loc>{escape(base + uri)}</loc></url>\n" for uri in uris)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{rows}</urlset>\n"
    )


def _build_finished(app: Any, exception: BaseException | None) -> None:
    if exception is not None or getattr(app.builder, "format", "") != "html":
        return
    outdir = Path(app.outdir)
    if not app.config.html_favicon:
        (outdir / "_static").mkdir(exist_ok=True)
        (outdir / "_static" / FAVICON).write_text(FAVICON_SVG, encoding="utf-8")
    base = site_url(app.config)
    if not base:
        logger.info("[immunokit.sitemeta] no html_baseurl or BOOK_BASE_URL: no sitemap.xml")
        return
    docs = sorted(d for d in app.env.found_docs if d not in NOT_IN_SITEMAP)
    uris = [app.builder.get_target_uri(d) for d in docs]
    (outdir / "sitemap.xml").write_text(sitemap_xml(base, uris), encoding="utf-8")
    (outdir / "robots.txt").write_text(
        f"User-agent: *\nAllow: /\nSitemap: {base}sitemap.xml\n", encoding="utf-8"
    )


def setup(app: Any) -> dict[str, Any]:
    app.setup_extension("sphinxext.opengraph")
    app.connect("config-inited", _config_inited)
    app.connect("html-page-context", _add_favicon)
    # Before sphinxext-opengraph (priority 500), which takes og:description from the page's fields.
    app.connect("html-page-context", _add_description, priority=400)
    app.connect("build-finished", _build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
