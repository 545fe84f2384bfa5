"""Helpers for the built-book tests: which pages the book has, and what their HTML links to."""

from __future__ import annotations

import html.parser
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

from immunokit_build import pdfbook

ROOT = Path(__file__).resolve().parents[1]


def toc_pages() -> list[str]:
    """HTML paths (relative to the build root) of every page in ``_toc.yml``, plus search and index."""
    return [*pdfbook.toc_pages(ROOT), "genindex.html", "search.html"]


@dataclass
class PageLinks:
    """The ids defined on a page and the links (``href``/``src``) it contains."""

    ids: set[str] = field(default_factory=set)
    links: list[tuple[str, str]] = field(default_factory=list)  # (attribute, value)


class _Collector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.result = PageLinks()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in {"id", "name"} and (name == "id" or tag == "a"):
                self.result.ids.add(value)
            if name in {"href", "src"} and not (
                tag == "link" and name == "href" and value.startswith("data:")
            ):
                self.result.links.append((name, value))


def parse_page(path: Path) -> PageLinks:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector.result


def is_external(url: str) -> bool:
    return urlparse(url).scheme in {"http", "https", "ftp"} or url.startswith("//")


def resolve(page: Path, url: str) -> tuple[Path | None, str]:
    """Target file and fragment of an internal link from ``page`` (None for non-file schemes)."""
    parsed = urlparse(url)
    if parsed.scheme in {"mailto", "data", "javascript", "tel"}:
        return None, ""
    target, fragment = urldefrag(url)
    target = target.split("?", 1)[0]
    path = page if not target else (page.parent / unquote(target)).resolve()
    if path.is_dir():
        path = path / "index.html"
    return path, unquote(fragment)
