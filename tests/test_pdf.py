"""``make pdf``: the whole book as one PDF, read back with pypdf (its tagged structure) and poppler's pdftotext (its text).

The PDF is printed from the strict build into a temporary folder (the same code ``make pdf`` runs) and
read back: every page of ``_toc.yml`` is in it in order (its heading, in the contents list and as a
level-1 heading), every chapter has at least one figure with its alt text, and the bibliography is in
it. The book links to the PDF from the how-to-use page.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from harness import HEADLESS_CHROMIUM, require

from immunokit_build.pdfbook import PDF_NAME, toc_pages

pytestmark = [pytest.mark.browser, pytest.mark.build]


def _norm(text: str) -> str:
    """Ligatures (ﬁ) and soft wraps removed, spaces collapsed: how a reader would search the text."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def _squash(text: str) -> str:
    return re.sub(r"[\s\-\u2010]+", "", text)


def _title(html_file: Path) -> str:
    """The page's own heading (the one with a permalink; the theme's print header has none)."""
    headings = re.findall(r"<h1>(.*?)</h1>", html_file.read_text(encoding="utf-8"), re.S)
    own = [h for h in headings if 'class="headerlink"' in h]
    assert own, f"no heading in {html_file}"
    return _norm(re.sub(r"<[^>]+>", "", own[0].split('<a class="headerlink"')[0]))


def _structure(reader: Any) -> list[tuple[str, int, str]]:
    """(tag, page index, alt text) of every level-1 heading and figure of the tagged PDF, in order."""
    pages = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}

    def kids(node: Any) -> list[Any]:
        k = node.get("/K")
        items = k if isinstance(k, list) else [] if k is None else [k]
        out = []
        for item in items:
            item = item.get_object() if hasattr(item, "get_object") else item
            if hasattr(item, "get"):  # a struct element or a marked-content reference, not a bare MCID
                out.append(item)
        return out

    def first_page(node: Any) -> int:
        pg = node.get("/Pg")
        if pg is not None:
            return pages.get(pg.idnum, -1)
        for kid in kids(node):
            page = first_page(kid)
            if page >= 0:
                return page
        return -1

    found: list[tuple[str, int, str]] = []

    def walk(node: Any) -> None:
        tag = str(node.get("/S", ""))
        if tag in {"/H1", "/Figure"}:
            found.append((tag[1:], first_page(node), str(node.get("/Alt", ""))))
        for kid in kids(node):
            walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


@pytest.fixture(scope="module")
def pdf(built_book: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, list[str], list[str]]:
    if not Path(HEADLESS_CHROMIUM).exists():
        require(f"Chromium not found at {HEADLESS_CHROMIUM}; PDF test skipped")
    from pypdf import PdfReader

    out = tmp_path_factory.mktemp("pdf") / PDF_NAME
    # In its own process, as `make pdf` runs it: Playwright's sync API cannot start inside the asyncio
    # loop that the browser fixtures of the same test session already run.
    script = (
        "import json, sys; from pathlib import Path; from immunokit_build.pdfbook import build_pdf; "
        "print(json.dumps(build_pdf(Path(sys.argv[1]), Path(sys.argv[2]))))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(built_book), str(out)], capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    titles = json.loads(proc.stdout.strip().splitlines()[-1])
    return PdfReader(out), titles, _page_texts(out)


def _page_texts(pdf: Path) -> list[str]:
    """Each page's text as poppler's ``pdftotext`` reads it (a second reader besides pypdf, and 20 times
    faster than pypdf's own extraction on the book's 300 pages)."""
    if not shutil.which("pdftotext"):
        require("poppler-utils (pdftotext) is not installed (.ci/run installs it); PDF test skipped")
    done = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True)
    pages = done.stdout.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def test_pdf_has_every_chapter_in_order_with_contents_figures_and_bibliography(
    pdf: tuple[Any, list[str], list[str]], built_book: Path
) -> None:
    reader, titles, page_texts = pdf
    pages = toc_pages()
    expected = [_title(built_book / p) for p in pages]
    assert [_norm(t) for t in titles] == expected
    assert len(page_texts) == len(reader.pages)
    text = [_norm(page) for page in page_texts]
    # Compared without spaces and hyphens: a long heading wraps, and the text extraction may join or split
    # words there (pdftotext joins "graft-versus-" and "leukemia" at a line's end into one word).
    squash = [_squash(t) for t in text]
    whole = "".join(squash)
    # The contents list at the front names every page, in order.
    front = squash[0] + squash[1]
    positions = [front.find(_squash(t)) for t in expected]
    assert -1 not in positions and positions == sorted(positions), list(zip(expected, positions, strict=True))
    for title in expected:
        assert whole.count(_squash(title)) >= 2, f"{title!r} is not printed in the PDF"
    # One level-1 heading per page of the book, in order; figures (with alt text) between them.
    structure = _structure(reader)
    starts = [page for tag, page, _ in structure if tag == "H1"]
    assert len(starts) == len(pages), f"{len(starts)} level-1 headings for {len(pages)} pages"
    assert starts == sorted(starts)
    figures: dict[str, list[str]] = {p: [] for p in pages}
    current = -1
    for tag, _page, alt in structure:
        if tag == "H1":
            current += 1
        elif current >= 0:
            figures[pages[current]].append(alt)
    for path in pages:
        if path.startswith("book/ch"):
            described = [alt for alt in figures[path] if len(alt) >= 12]
            assert described, f"{path}: no figure with alt text in the PDF"
    # The bibliography, with its entries.
    bib = pages.index("book/bibliography.html")
    bib_text = " ".join(text[starts[bib] : starts[bib + 1] if bib + 1 < len(starts) else None])
    assert bib_text.count("doi") >= 10 or bib_text.count("http") >= 10, (
        "the bibliography's entries are missing"
    )


def test_the_book_links_to_the_pdf_only_once_make_pdf_has_written_it(
    built_book: Path, tmp_path: Path
) -> None:
    """`make book` alone: the paragraph is hidden and nothing links to the missing PDF. `make pdf` then
    shows it with a link (checked on a copy of the page, as link_pdf rewrites the PDF's folder)."""
    from immunokit_build.pdfbook import link_pdf

    page = (built_book / "book" / "how-to-use.html").read_text(encoding="utf-8")
    if (built_book / PDF_NAME).exists():  # a prebuilt book after `make pdf`: the link is shown, as it should
        assert f'<a href="../{PDF_NAME}">' in page and '<p class="ik-pdf">' in page
        return
    assert not re.search(r'<a\b[^>]*\shref="\.\./' + re.escape(PDF_NAME), page), "a link to a missing PDF"
    assert '<p class="ik-pdf" hidden' in page
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "how-to-use.html").write_text(page, encoding="utf-8")
    assert link_pdf(tmp_path) == [tmp_path / "book" / "how-to-use.html"]
    shown = (tmp_path / "book" / "how-to-use.html").read_text(encoding="utf-8")
    assert f'<a href="../{PDF_NAME}">' in shown and '<p class="ik-pdf">' in shown
    assert link_pdf(tmp_path) == []  # idempotent
