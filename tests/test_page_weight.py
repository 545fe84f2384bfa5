"""Page weight guard of the built book (issue 15): cheap checks in ``make test``, not a timed benchmark.

``make benchmark`` runs Lighthouse; these tests hold what makes its figures possible, on every build:

- a chapter page's first visit transfers at most 400 KiB as a static host sends it (gzip sizes of the
  page and of every file it requests, recorded in Chromium);
- figures are files, not data URIs in the HTML; every image has ``width``/``height`` (nothing shifts)
  and every frame but a viewer's first is ``loading="lazy"``, and is not fetched until shown;
- a lazy frame does load when the reader steps to it (nothing lost);
- the theme's 1.45 MB ``fontawesome.js`` is gone and the cut-down icon fonts still hold every icon the
  pages use;
- every page has a favicon that exists and a meta description of its own.
"""

from __future__ import annotations

import gzip
import html.parser
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pytest
from builtsite import toc_pages

PAGES = toc_pages()
CHAPTERS = [p for p in PAGES if Path(p).name.startswith("ch")]
BUDGET_KIB = 400


class _Page(html.parser.HTMLParser):
    """Images (with the frame viewer and frame they sit in), meta tags and icon links of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.images: list[dict[str, Any]] = []
        self.meta: dict[str, str] = {}
        self.icons: list[str] = []
        self.viewers = 0
        self._viewer: dict[str, Any] | None = None
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "section" and a.get("data-ik") == "frames":
            self.viewers += 1
            self._viewer = {"id": a.get("id", ""), "start": int(a.get("data-ik-start", "0")), "frame": -1}
            self._depth = 0
        elif tag == "section" and self._viewer is not None:
            self._depth += 1
        elif tag == "figure" and self._viewer is not None and "ik-frame" in a.get("class", "").split():
            self._viewer["frame"] += 1
        elif tag == "img":
            viewer = self._viewer
            in_frame = viewer is not None and viewer["frame"] >= 0
            self.images.append(
                {
                    **a,
                    "viewer": viewer["id"] if viewer else None,
                    "hidden_frame": bool(in_frame and viewer and viewer["frame"] != viewer["start"]),
                }
            )
        elif tag == "meta" and a.get("name"):
            self.meta[a["name"]] = a.get("content", "")
        elif tag == "meta" and a.get("property"):
            self.meta[a["property"]] = a.get("content", "")
        elif tag == "link" and "icon" in a.get("rel", "").split():
            self.icons.append(a.get("href", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "section" and self._viewer is not None:
            if self._depth == 0:
                self._viewer = None
            else:
                self._depth -= 1


def _parse(path: Path) -> _Page:
    parser = _Page()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.mark.parametrize("page_path", PAGES)
def test_images_are_sized_files_and_hidden_frames_lazy(built_book: Path, page_path: str) -> None:
    path = built_book / page_path
    text = path.read_text(encoding="utf-8")
    assert "data:image/svg+xml;base64" not in text, f"{page_path}: a figure is still inlined as a data URI"
    page = _parse(path)
    for img in page.images:
        where = f"{page_path}: image {img.get('src', '')[:60]!r} ({img.get('alt', '')[:50]!r})"
        assert img.get("width", "").isdigit() and img.get("height", "").isdigit(), f"{where} has no size"
        assert (path.parent / unquote(img["src"])).is_file(), f"{where}: file missing"
        if img["hidden_frame"]:
            assert img.get("loading") == "lazy", f"{where} is a frame shown later but loads eagerly"


def test_chapters_have_lazy_frames() -> None:
    """The lazy-frame check above is not vacuous: the chapters have frame viewers with hidden frames."""
    from harness import HTML_DIR

    pages = [_parse(HTML_DIR / p) for p in CHAPTERS if (HTML_DIR / p).exists()]
    if not pages:
        pytest.skip("book not built")
    assert sum(p.viewers for p in pages) >= 5
    assert sum(img["hidden_frame"] for p in pages for img in p.images) >= 20


@pytest.mark.parametrize("page_path", PAGES)
def test_page_has_favicon_and_own_description(built_book: Path, page_path: str) -> None:
    path = built_book / page_path
    page = _parse(path)
    assert page.icons, f"{page_path}: no favicon link"
    assert all((path.parent / unquote(urlparse(h).path)).is_file() for h in page.icons), page.icons
    description = page.meta.get("description", "")
    assert len(description) >= 50, f"{page_path}: meta description {description!r}"
    assert "not set" not in description, f"{page_path}: {description!r}"
    if page_path in {"genindex.html", "search.html"}:
        return  # generated pages: described for search engines, no social card
    assert page.meta.get("og:title") and page.meta.get("og:description") == description


def test_descriptions_differ_between_pages(built_book: Path) -> None:
    descriptions = {
        p: _parse(built_book / p).meta.get("description", "") for p in PAGES if p.startswith("book/")
    }
    seen: dict[str, str] = {}
    for page_path, text in descriptions.items():
        assert text not in seen, f"{page_path} has the same description as {seen.get(text)}: {text!r}"
        seen[text] = page_path


def test_icon_fonts_cut_down_but_hold_every_icon_used(built_book: Path) -> None:
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    from immunokit_build.sphinx.assets import icon_names, used_icons

    static = built_book / "_static"
    pages = [(built_book / p).read_text(encoding="utf-8") for p in PAGES]
    assert not any("fontawesome.js" in text for text in pages), "a page still loads fontawesome.js"
    css = [p.read_text(encoding="utf-8") for p in static.rglob("*.css")]
    scripts = [p.read_text(encoding="utf-8") for p in static.rglob("*.js") if p.name != "fontawesome.js"]
    names = icon_names(css)
    icons = used_icons([*pages, *scripts], names)
    assert {"fa-bars", "fa-magnifying-glass", "fa-moon", "fa-sun"} <= icons
    font = static / "vendor" / "fontawesome" / "webfonts" / "fa-solid-900.woff2"
    assert font.stat().st_size < 20_000, f"{font.name} is {font.stat().st_size} bytes"
    cmap = TTFont(str(font)).getBestCmap()
    missing = sorted(n for n in icons if names[n] not in cmap)
    assert missing == [], f"icons without a glyph in the cut-down font: {missing}"


@pytest.mark.browser
@pytest.mark.parametrize("page_path", CHAPTERS)
def test_chapter_first_visit_within_budget(
    new_page: Callable[..., Any], book_url: str, built_book: Path, page_path: str
) -> None:
    page = new_page(viewport={"width": 412, "height": 823})
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{book_url}/{page_path}", wait_until="networkidle")
    files = {built_book / unquote(urlparse(u).path).lstrip("/") for u in requested if u.startswith(book_url)}
    sizes = {f: len(gzip.compress(f.read_bytes(), 6)) for f in files if f.is_file()}
    total = sum(sizes.values())
    biggest = sorted(sizes.items(), key=lambda kv: -kv[1])[:5]
    assert total <= BUDGET_KIB * 1024, (
        f"{page_path}: {total / 1024:.0f} KiB on a first visit (budget {BUDGET_KIB} KiB); biggest: "
        + ", ".join(f"{f.relative_to(built_book)} {n / 1024:.0f} KiB" for f, n in biggest)
    )
    lazy = {
        (built_book / page_path).parent / unquote(img["src"])
        for img in _parse(built_book / page_path).images
        if img["hidden_frame"]
    }
    fetched = {f.resolve() for f in files} & {f.resolve() for f in lazy}
    assert not fetched, f"{page_path}: frames not shown yet were fetched: {sorted(map(str, fetched))[:3]}"
    assert not any("fontawesome.js" in u for u in requested)


@pytest.mark.browser
def test_lazy_frames_load_when_the_reader_steps_to_them(
    new_page: Callable[..., Any], book_url: str, built_book: Path
) -> None:
    """Each chapter's first step-through diagram: every frame's image arrives and decodes when shown."""
    checked = 0
    for page_path in CHAPTERS:
        if 'data-ik-control="buttons"' not in (built_book / page_path).read_text(encoding="utf-8"):
            continue
        page = new_page()
        page.goto(f"{book_url}/{page_path}", wait_until="networkidle")
        root = page.locator('section[data-ik="frames"][data-ik-control="buttons"][data-ik-ready]').first
        root.scroll_into_view_if_needed()
        n = root.locator(".ik-frame").count()
        for i in range(n):
            if i:
                root.locator('[data-ik-action="next"]').click()
            img = root.locator(".ik-frame").nth(i).locator("img")
            img.evaluate(
                "img => img.complete && img.naturalWidth > 0 ? true : new Promise((ok, fail) => {"
                " img.addEventListener('load', () => ok(true)); img.addEventListener('error', fail); })"
            )
            assert img.evaluate("img => img.naturalWidth > 0"), f"{page_path}: frame {i} did not load"
            checked += 1
        assert page.ik_console_errors == [] and page.ik_external == []
    assert checked >= 10, f"only {checked} frames stepped through"


def test_sitemap_lists_every_page_when_the_site_url_is_known(tmp_path: Path) -> None:
    from immunokit_build.sphinx.sitemeta import sitemap_xml

    xml = sitemap_xml("https://example.org/course/", ["book/intro.html", "book/ch01_a&b.html"])
    locs = re.findall(r"<loc>([^<]*)</loc>", xml)
    assert locs == [
        "https://example.org/course/book/intro.html",
        "https://example.org/course/book/ch01_a&amp;b.html",
    ]
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>')
