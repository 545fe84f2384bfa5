"""The whole book as one PDF, printed from the built HTML by the Chromium already on the machine.

``make pdf`` (after ``make book``) runs ``python -m immunokit_build.pdfbook``: the built book is served on
127.0.0.1 and opened in Debian's Chromium through Playwright (no browser download, no other host);
the articles of every page of ``_toc.yml`` are stitched, in order, into the first page behind a
contents list whose entries link to the pages; links between pages become links inside the PDF; and
Chromium prints it once with the book's print styles (every stepper frame in order, explorers as
their frame captions, no buttons, code wrapped). The PDF is tagged (figures keep their alt text) and
its outline (bookmarks) follows the headings. It is written into the HTML output
(``_build/html/leukemia-immunotherapy.pdf``), where the how-to-use page links to it, so publishing
the HTML folder publishes the PDF.

Options: ``--answers`` prints each quiz's answers after it (by default they are left out, so the PDF can
be handed to students); that copy goes to the instructor's folder, ``_build/instructor/``, never into the
site. It holds what the site shows behind *Print the answers* (the practice questions' answers and
explanations): model answers and rubrics of written questions are not in the built book at all, so no PDF
made from it has them; they are in ``make export``'s answer key. ``--html DIR`` and ``--out FILE`` change
the folders.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from immunokit.chapters import toc_files
from immunokit_build.localserver import serve

if TYPE_CHECKING:
    from playwright.sync_api import PdfMargins

from immunokit_build import ROOT

PDF_NAME = "leukemia-immunotherapy.pdf"
#: Where ``--answers`` writes by default: the instructor's folder, outside the published HTML.
ANSWERS_PDF = ROOT / "_build" / "instructor" / "leukemia-immunotherapy-answers.pdf"
#: The browser as a reader runs it (Lighthouse, the benchmarks and the screenshots measure this one):
#: ``$CHROMIUM``, otherwise Debian's chromium.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
#: Debian's ``chromium-headless-shell``: the same Chromium release (Blink, V8, the PDF printer) without the
#: browser's window layers, the build Playwright itself uses for headless runs. Pages nobody watches (the
#: PDF, the tests) use it where it is installed: on two cores the browser tests took 185 s with it against
#: 312 s with the full browser (``pytest -n 2 -m "browser or jupyterlab"``, the same 234 tests passing).
HEADLESS_SHELL = "/usr/bin/chromium-headless-shell"
#: The browser for unwatched pages: ``$CHROMIUM`` when set, otherwise the headless shell, otherwise CHROMIUM.
HEADLESS_CHROMIUM = os.environ.get("CHROMIUM") or (
    HEADLESS_SHELL if Path(HEADLESS_SHELL).exists() else CHROMIUM
)
#: Headless, offline, no first-run or update traffic (the tests and benchmarks use these too).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MARGIN: PdfMargins = {"top": "16mm", "bottom": "16mm", "left": "14mm", "right": "14mm"}


class PdfError(RuntimeError):
    """The PDF could not be made; the message says what is missing and where."""


def toc_pages(root: Path = ROOT) -> list[str]:
    """HTML paths of the pages of ``_toc.yml``, in reading order."""
    return [f"{Path(f).with_suffix('')}.html" for f in toc_files(root / "_toc.yml")]


#: Runs in the first page: appends every other page's article, makes links between pages links inside
#: the one document, writes the contents list, and waits until the book's script has set up every
#: element. Returns the chapter titles in order.
_STITCH = r"""async ([paths, answers, title]) => {
  const printHeader = document.getElementById('jb-print-docs-body'); // the theme's one-page header
  if (printHeader) printHeader.remove();
  const article = document.querySelector('article.bd-article');
  const first = document.createElement('section');
  first.className = 'ik-pdf-page';
  first.id = 'ik-pdf-' + paths[0].replace(/[^a-z0-9]+/gi, '-');
  while (article.firstChild) first.appendChild(article.firstChild);
  const pages = [first];
  for (const path of paths.slice(1)) {
    const url = new URL(path, location.origin + '/').href;
    const text = await (await fetch(url)).text();
    const doc = new DOMParser().parseFromString(text, 'text/html');
    const body = doc.querySelector('article.bd-article');
    if (!body) throw new Error('no article in ' + path);
    body.querySelectorAll('[src], [href]').forEach(el => {
      for (const name of ['src', 'href']) {
        const v = el.getAttribute(name);
        if (v && !v.startsWith('data:') && !v.startsWith('#')) el.setAttribute(name, new URL(v, url).href);
      }
    });
    const section = document.createElement('section');
    section.className = 'ik-pdf-page';
    section.id = 'ik-pdf-' + path.replace(/[^a-z0-9]+/gi, '-');
    section.dataset.ikSource = url;
    section.append(...doc.adoptNode(body).childNodes);
    pages.push(section);
  }
  const bookPage = (href) => {
    const u = new URL(href, location.href);
    if (u.origin !== location.origin) return null;
    const path = u.pathname.replace(/^[/]/, '');
    return paths.includes(path) ? {path, hash: u.hash.slice(1)} : null;
  };
  const titles = pages.map(p => (p.querySelector('h1') || {}).textContent || '');
  const clean = t => t.replace(/#\s*$/, '').replace(/\s+/g, ' ').trim();
  const nav = document.createElement('nav');
  nav.className = 'ik-pdf-contents';
  nav.setAttribute('aria-label', 'Contents');
  nav.innerHTML = '<p class="ik-pdf-title"></p><p>The whole book as one PDF, printed from the online edition. ' +
    'For education only; not medical advice.</p><h2>Contents</h2><ol></ol>';
  nav.querySelector('.ik-pdf-title').textContent = title;
  pages.forEach((p, i) => {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = '#' + p.id;
    a.textContent = clean(titles[i]);
    li.appendChild(a);
    nav.querySelector('ol').appendChild(li);
  });
  article.append(nav, ...pages);
  // Links between pages become links inside this document (to the page, or to the anchor if unique).
  article.querySelectorAll('a[href]').forEach(a => {
    const target = bookPage(a.getAttribute('href'));
    if (!target) return;
    const id = 'ik-pdf-' + target.path.replace(/[^a-z0-9]+/gi, '-');
    const anchor = target.hash && document.querySelectorAll('#' + CSS.escape(target.hash)).length === 1;
    a.setAttribute('href', '#' + (anchor ? target.hash : id));
  });
  window.ImmunoKit.init(document);
  if (answers) document.querySelectorAll('.ik-quiz').forEach(q => q.setAttribute('data-ik-print-answers', ''));
  // Lazy images off screen never load (and decode() never settles): load every one for print.
  document.querySelectorAll('img[loading="lazy"]').forEach(img => { img.loading = 'eager'; });
  await Promise.all([...document.images].map(img => img.decode().catch(() => null)));
  return titles.map(clean);
}"""

_PDF_CSS = """
.ik-pdf-page { break-before: page; }
.ik-pdf-contents { break-after: page; }
.ik-pdf-title { font-size: 2.2rem; font-weight: 700; margin: 4rem 0 1rem; }
.ik-pdf-contents ol { list-style: none; padding: 0; }
.ik-pdf-contents li { padding: 0.2rem 0; border-bottom: 1px dotted #999; }
/* The theme hides a page's own h1 in print (its print header repeats it); here each page keeps it. */
@media print { .ik-pdf-page h1 { display: block !important; } .ik-pdf-page h1 .headerlink { display: none; } }
"""


def build_pdf(
    html_dir: Path, out: Path, *, answers: bool = False, title: str = "Leukemia Immunotherapy"
) -> list[str]:
    """Print the whole built book into ``out``; return the page titles in the order printed."""
    if not (html_dir / "index.html").exists():
        raise PdfError(f"no built book in {html_dir}: run `make book` first")
    if not (Path(HEADLESS_CHROMIUM).exists() or shutil.which(HEADLESS_CHROMIUM)):
        raise PdfError(
            f"Chromium not found at {HEADLESS_CHROMIUM} (apt-get install chromium, or set CHROMIUM=...)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as err:  # pragma: no cover - in requirements.txt
        raise PdfError("playwright is not installed: pip install -r requirements.txt") from err
    paths = toc_pages()
    missing = [p for p in paths if not (html_dir / p).exists()]
    if missing:
        raise PdfError(f"pages of _toc.yml missing from {html_dir}: {missing}; rebuild the book")
    footer = '<div style="font-size:8pt;width:100%;text-align:center;color:#555"><span class="pageNumber"></span></div>'
    with serve(html_dir) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=HEADLESS_CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(color_scheme="light")
            context.route(  # the book asks no other host; make sure of it
                "**/*",
                lambda route: (
                    route.continue_() if route.request.url.startswith((base, "data:")) else route.abort()
                ),
            )
            page = context.new_page()
            page.goto(f"{base}/{paths[0]}", wait_until="networkidle")
            page.add_style_tag(content=_PDF_CSS)
            titles: list[str] = page.evaluate(_STITCH, [paths, answers, title])
            page.wait_for_function("!document.querySelector('[data-ik]:not([data-ik-ready])')")
            page.emulate_media(media="print")
            data = page.pdf(
                format="A4",
                print_background=True,
                margin=MARGIN,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=footer,
                outline=True,  # bookmarks from the headings
                tagged=True,  # figures keep their alt text; screen readers can read the PDF
            )
        finally:
            browser.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=out.parent, suffix=".pdf", delete=False) as tmp:
        tmp.write(data)
    Path(tmp.name).replace(out)
    return titles


#: The how-to-use page's paragraph about the PDF: hidden, with its link as a span, until the PDF exists.
_PDF_PARAGRAPH = re.compile(r'<p class="ik-pdf" hidden(?:="")?>')
_PDF_LINK = re.compile(r'<span class="ik-pdf-link" data-href="(?P<href>[^"]+)">(?P<text>.*?)</span>', re.S)


def link_pdf(html_dir: Path) -> list[Path]:
    """Show the book's paragraphs about the PDF, with a working link, now that the PDF is written.

    The HTML build cannot know whether ``make pdf`` will run, so it writes the paragraph hidden and its
    link as a plain span (no link to a file that may never exist); this turns both into the real thing.
    Returns the pages changed.
    """
    changed = []
    for page in sorted(html_dir.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        if 'class="ik-pdf"' not in text:
            continue
        new = _PDF_PARAGRAPH.sub('<p class="ik-pdf">', text)
        new = _PDF_LINK.sub(lambda m: f'<a href="{m["href"]}">{m["text"]}</a>', new)
        if new != text:
            page.write_text(new, encoding="utf-8")
            changed.append(page)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m immunokit_build.pdfbook", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html", help="the built book")
    parser.add_argument("--out", type=Path, default=None, help=f"the PDF (default: HTML folder / {PDF_NAME})")
    parser.add_argument("--answers", action="store_true", help="print each quiz's answers after it")
    args = parser.parse_args(argv)
    out = args.out or (ANSWERS_PDF if args.answers else args.html / PDF_NAME)
    try:
        build_pdf(args.html, out, answers=args.answers)
        if out.resolve().parent == args.html.resolve():
            link_pdf(args.html)
    except PdfError as err:
        print(f"make pdf: {err}", file=sys.stderr)
        return 1
    print(f"The book as one PDF: {out} ({out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
