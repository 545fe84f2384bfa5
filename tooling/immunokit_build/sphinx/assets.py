"""Page weight, at the build level: what a reader's browser downloads to show a page.

Once Sphinx has written every page (``build-finished``), each HTML file of the output is rewritten, and
the rewrite is idempotent (an incremental build re-runs it over pages already done):

- **Images as files.** Figures written by the toolkit as ``data:`` URIs (SVG or PNG, base64, a third
  larger than the file and parsed with the page) become content-addressed files
  ``_images/ik-<digest>.<ext>``; an image used on several pages is stored and downloaded once.
  Each carries ``width``/``height`` (from the SVG's size), so nothing shifts while it loads, and
  ``decoding="async"``.
- **Lazy frames.** In a frame viewer (step-through diagram or explorer, ``data-ik="frames"``) only the
  frame shown first (``data-ik-start``) may load with the page; every other frame is
  ``loading="lazy"``: the browser fetches it when the reader steps to it (or scrolls to it with
  JavaScript off, where every frame is shown). Beyond the first :data:`EAGER_IMAGES` images of a page,
  which may be on its first screen, every image is lazy too: the browser fetches it as the reader
  scrolls towards it. An SVG image is parsed and drawn on the page's main thread, so each one loaded
  with the page delays its first interaction on a phone.
- **Icons without fontawesome.js.** The theme loads Font Awesome's SVG-with-JavaScript bundle (1.45 MB,
  543 KB gzip, about a second of a phone's CPU) on every page, although its stylesheet already draws
  the same ``<i class="fa-…">`` icons from the icon font. The script tag is dropped, and the icon fonts
  are cut down to the glyphs the site uses (classes in the HTML and the theme's scripts, codepoints in
  the stylesheets): 156 KB becomes a few KB, at the theme's own font URLs, so its CSS is unchanged.
- **Deferred scripts.** Every external ``<script src>`` without ``async`` becomes ``defer``: scripts no
  longer block the first paint and still run in document order, before ``DOMContentLoaded``. The
  inline scripts of the theme only declare settings, so they may run first.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import struct
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sphinx.util import logging

logger = logging.getLogger(__name__)

IMAGES_DIR = "_images"
#: Images loaded with the page (the first ones in document order); later ones are ``loading="lazy"``.
EAGER_IMAGES = 2
FONTS_DIR = Path("_static") / "vendor" / "fontawesome" / "webfonts"

_FONTAWESOME_JS = re.compile(
    r'[ \t]*<script\b[^>]*\bsrc="[^"]*_static/scripts/fontawesome\.js[^"]*"[^>]*>\s*</script>[ \t]*\n?'
)
_SCRIPT_PRELOAD = re.compile(r'[ \t]*<link\b[^>]*\brel="preload"[^>]*\bas="script"[^>]*>[ \t]*\n?')
_SEARCH_SCRIPTS = re.compile(
    r'[ \t]*<script\b[^>]*\bsrc="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)'
    r'[^"]*"[^>]*>\s*</script>[ \t]*\n?'
)
_SCRIPT_SRC = re.compile(r"<script\b(?P<attrs>[^>]*\bsrc=[^>]*)>")
_TOKENS = re.compile(
    r'(?P<viewer><section\b[^>]*\bdata-ik="frames"[^>]*>)'
    r'|(?P<frame><figure\b[^>]*\bclass="ik-frame\b[^"]*"[^>]*>)'
    r"|(?P<end></section>)"
    r"|(?P<img><img\b[^>]*>)"
    r"|(?P<source><source\b[^>]*>)"
)
_DATA_SRC = re.compile(r'\bsrc="data:image/(?P<kind>svg\+xml|png);base64,(?P<data>[A-Za-z0-9+/=\s]+)"')
_DATA_SRCSET = re.compile(r'\bsrcset="data:image/(?P<kind>svg\+xml|png);base64,(?P<data>[A-Za-z0-9+/=\s]+)"')
_START = re.compile(r'\bdata-ik-start="(\d+)"')
_SVG_ROOT = re.compile(rb"<svg\b[^>]*>")
_LENGTH = re.compile(r"^\s*([0-9.]+)\s*(px|pt|in|cm|mm|pc)?\s*$")
_PX_PER = {None: 1.0, "px": 1.0, "pt": 96 / 72, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4}


# ---------------------------------------------------------------------------------------------
# Images
# ---------------------------------------------------------------------------------------------


def _attr(tag: bytes, name: str) -> str | None:
    match = re.search(rb"\s" + name.encode() + rb'="([^"]*)"', tag)
    return match.group(1).decode() if match else None


def image_size(data: bytes, kind: str) -> tuple[int, int] | None:
    """Intrinsic size in CSS pixels of an SVG (its ``width``/``height``, else ``viewBox``) or a PNG."""
    if kind == "png":
        if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
            width, height = struct.unpack(">II", data[16:24])
            return width, height
        return None
    root = _SVG_ROOT.search(data)
    if not root:
        return None
    sizes = []
    for name in ("width", "height"):
        value = _attr(root.group(0), name)
        match = _LENGTH.match(value or "")
        if not match:
            break
        sizes.append(float(match.group(1)) * _PX_PER[match.group(2)])
    if len(sizes) != 2:
        box = (_attr(root.group(0), "viewBox") or "").replace(",", " ").split()
        if len(box) != 4:
            return None
        sizes = [float(box[2]), float(box[3])]
    width, height = (round(v) for v in sizes)
    return (width, height) if width > 0 and height > 0 else None


def _store(outdir: Path, data: bytes, ext: str) -> Path:
    """Write ``data`` once under a name derived from its content; return its path."""
    name = f"ik-{hashlib.sha256(data).hexdigest()[:20]}.{ext}"
    path = outdir / IMAGES_DIR / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return path


def _rewrite_img(tag: str, *, lazy: bool, outdir: Path, page_dir: Path) -> str:
    match = _DATA_SRC.search(tag)
    if match:
        kind = match.group("kind")
        data = base64.b64decode("".join(match.group("data").split()))
        ext = "svg" if kind == "svg+xml" else "png"
        src = os.path.relpath(_store(outdir, data, ext), page_dir).replace(os.sep, "/")
        tag = tag[: match.start()] + f'src="{src}"' + tag[match.end() :]
        size = image_size(data, ext)
        if size and " width=" not in tag and " height=" not in tag:
            tag = tag[:4] + f' width="{size[0]}" height="{size[1]}"' + tag[4:]
        if " decoding=" not in tag:
            tag = tag[:4] + ' decoding="async"' + tag[4:]
    if lazy and " loading=" not in tag:
        tag = tag[:4] + ' loading="lazy"' + tag[4:]
    return tag


def _rewrite_source(tag: str, *, outdir: Path, page_dir: Path) -> str:
    """A ``<picture>``'s ``<source srcset="data:…">`` (a figure's phone rendering) to a file with its
    size; the browser fetches it only on the screens its ``media`` names."""
    match = _DATA_SRCSET.search(tag)
    if not match:
        return tag
    kind = match.group("kind")
    data = base64.b64decode("".join(match.group("data").split()))
    ext = "svg" if kind == "svg+xml" else "png"
    src = os.path.relpath(_store(outdir, data, ext), page_dir).replace(os.sep, "/")
    tag = tag[: match.start()] + f'srcset="{src}"' + tag[match.end() :]
    size = image_size(data, ext)
    if size and " width=" not in tag:
        tag = tag[:7] + f' width="{size[0]}" height="{size[1]}"' + tag[7:]
    return tag


def rewrite_images(html: str, *, outdir: Path, page_dir: Path) -> str:
    """Data-URI images to files with their size; lazy: frames other than a viewer's first one, and
    every image after the first :data:`EAGER_IMAGES` shown ones."""
    out: list[str] = []
    last = 0
    start = frame = -1  # start: the viewer's first frame (-1 outside a viewer); frame: current index
    seen = 0  # images so far
    for match in _TOKENS.finditer(html):
        kind = match.lastgroup
        if kind == "viewer":
            found = _START.search(match.group(0))
            start, frame = (int(found.group(1)) if found else 0), -1
            continue
        if kind == "frame":
            frame += 1 if start >= 0 else 0
            continue
        if kind == "end":
            start = frame = -1
            continue
        if kind == "source":
            tag = match.group(0)
            new = _rewrite_source(tag, outdir=outdir, page_dir=page_dir)
            if new != tag:
                out.append(html[last : match.start()])
                out.append(new)
                last = match.end()
            continue
        hidden_frame = start >= 0 and frame >= 0 and frame != start
        lazy = hidden_frame or seen >= EAGER_IMAGES
        seen += 0 if hidden_frame else 1
        tag = match.group(0)
        new = _rewrite_img(tag, lazy=lazy, outdir=outdir, page_dir=page_dir)
        if new != tag:
            out.append(html[last : match.start()])
            out.append(new)
            last = match.end()
    out.append(html[last:])
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Scripts
# ---------------------------------------------------------------------------------------------


def rewrite_scripts(html: str, *, search_page: bool = False) -> str:
    """Drop fontawesome.js, the theme's script preloads and (but on the search page) the search index.

    Every external script that is neither async nor deferred is deferred. The search index and its
    tools serve only the search page unless the theme's search-as-you-type is on: the search dialog
    of other pages submits to the search page.
    """
    html = _FONTAWESOME_JS.sub("", html)
    html = _SCRIPT_PRELOAD.sub("", html)
    if not search_page and "search_as_you_type = true" not in html:
        html = _SEARCH_SCRIPTS.sub("", html)

    def defer(match: re.Match[str]) -> str:
        attrs = match.group("attrs")
        if re.search(r"\b(defer|async)\b", attrs) or re.search(r'type="(module|application/json)', attrs):
            return match.group(0)
        return f"<script defer{attrs}>"

    return _SCRIPT_SRC.sub(defer, html)


# ---------------------------------------------------------------------------------------------
# Icon fonts
# ---------------------------------------------------------------------------------------------

_FA_RULE = re.compile(r'(?P<names>(?:\.fa-[a-z0-9-]+:{1,2}before,?)+)\{content:"\\(?P<code>[0-9a-f]{2,5})"\}')
_FA_NAME = re.compile(r"\bfa-[a-z0-9]+(?:-[a-z0-9]+)*")
_ESCAPE = re.compile(r'"\\([0-9a-fA-F]{4,5})"')
_PRIVATE = re.compile("[\ue000-\uf8ff]")


def icon_names(css_texts: Iterable[str]) -> dict[str, int]:
    """``{"fa-bars": 0xF0C9, …}`` from Font Awesome's rules in the stylesheets."""
    names: dict[str, int] = {}
    for css in css_texts:
        for rule in _FA_RULE.finditer(css):
            code = int(rule.group("code"), 16)
            for name in re.findall(r"\.(fa-[a-z0-9-]+)", rule.group("names")):
                names[name] = code
    return names


def used_icons(texts: Iterable[str], names: dict[str, int]) -> set[str]:
    """The ``fa-<name>`` icons that ``texts`` (pages, scripts) mention."""
    return {n for text in texts for n in _FA_NAME.findall(text) if n in names}


def used_codepoints(icons: set[str], names: dict[str, int], css_texts: Iterable[str]) -> set[int]:
    """Codepoints of the icons a site uses: those of ``icons`` and those the stylesheets draw
    themselves (``content:`` and ``--pst-icon-…`` values outside Font Awesome's own rules)."""
    own: set[int] = set()
    for css in css_texts:
        rest = _FA_RULE.sub("", css)
        own |= {int(m.group(1), 16) for m in _ESCAPE.finditer(rest)}
        own |= {ord(ch) for ch in _PRIVATE.findall(rest)}
    return {names[n] for n in icons} | {c for c in own if 0xE000 <= c <= 0xF8FF or c >= 0xF0000}


def trim_icon_rules(css: str, icons: set[str]) -> str:
    """Drop Font Awesome's ``.fa-<name>:before`` rules of icons no page uses (and the stale source map)."""

    def keep(rule: re.Match[str]) -> str:
        used = [n for n in re.findall(r"\.(fa-[a-z0-9-]+)", rule.group("names")) if n in icons]
        if not used:
            return ""
        return ",".join(f".{n}:before" for n in used) + '{content:"\\' + rule.group("code") + '"}'

    trimmed = _FA_RULE.sub(keep, css)
    if trimmed != css:
        trimmed = re.sub(r"/\*# sourceMappingURL=[^*]*\*/\s*$", "", trimmed)
    return trimmed


def inline_imports(css_path: Path) -> bool:
    """Replace ``@import "x.css";`` in a stylesheet by x's text, its ``url()`` paths rebased (one
    request instead of two in a chain). Only files of the site itself, without imports of their own."""
    css = css_path.read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        target = (css_path.parent / match.group(1)).resolve()
        if not target.is_file():
            return match.group(0)
        text = target.read_text(encoding="utf-8")
        if "@import" in text:
            return match.group(0)

        def rebase(url: re.Match[str]) -> str:
            ref = url.group(2)
            if re.match(r"^(?:[a-z]+:|/|#)", ref):
                return url.group(0)
            moved = os.path.relpath(target.parent / ref, css_path.parent.resolve()).replace(os.sep, "/")
            return f"url({url.group(1)}{moved}{url.group(1)})"

        return re.sub(r"""url\((["']?)([^"')]+)\1\)""", rebase, text)

    new = re.sub(r'@import\s+(?:url\()?"([^"]+\.css)"\)?\s*;', inline, css)
    if new != css:
        css_path.write_text(new, encoding="utf-8")
    return new != css


def subset_fonts(source: Path, dest: Path, codepoints: set[int]) -> dict[str, tuple[int, int]]:
    """Write to ``dest`` every Font Awesome font of ``source`` cut down to ``codepoints`` (woff2, ttf).

    Returns ``{file: (bytes before, bytes after)}``. ``source`` is the theme's own folder, so a rebuild
    cuts from the full font again; a font without any of the codepoints keeps only its empty glyph.
    """
    from fontTools import subset  # type: ignore[import-untyped]
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    sizes: dict[str, tuple[int, int]] = {}
    for path in sorted(source.glob("fa-*")):
        if path.suffix not in {".woff2", ".ttf"}:
            continue
        before = path.stat().st_size
        target = dest / path.name
        font = TTFont(str(path), recalcTimestamp=False)  # the theme's date: the same bytes every build
        options = subset.Options()
        options.flavor = "woff2" if path.suffix == ".woff2" else None
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(codepoints))
        subsetter.subset(font)
        font.flavor = options.flavor
        font.save(str(target))
        sizes[path.name] = (before, target.stat().st_size)
    return sizes


# ---------------------------------------------------------------------------------------------
# The build step
# ---------------------------------------------------------------------------------------------


def _html_files(outdir: Path) -> list[Path]:
    return [
        p
        for p in sorted(outdir.rglob("*.html"))
        if not p.relative_to(outdir).parts[0].startswith(("_static", "_sources", "_downloads", "_images"))
    ]


def optimise_site(outdir: Path, theme_fonts: Path | None = None) -> dict[str, Any]:
    """Rewrite every page of the built site in ``outdir``, trim the icon set; returns a summary.

    ``theme_fonts``: the theme's own Font Awesome folder (default: the copy in ``outdir``)."""
    pages = _html_files(outdir)
    texts = []
    for path in pages:
        html = path.read_text(encoding="utf-8")
        new = rewrite_images(html, outdir=outdir, page_dir=path.parent)
        new = rewrite_scripts(new, search_page=path == outdir / "search.html")
        if new != html:
            path.write_text(new, encoding="utf-8")
        texts.append(new)
    static = outdir / "_static"
    stylesheets = {p: p.read_text(encoding="utf-8", errors="replace") for p in static.rglob("*.css")}
    scripts = [
        p.read_text(encoding="utf-8", errors="replace")
        for p in static.rglob("*.js")
        if p.name != "fontawesome.js"
    ]
    names = icon_names(stylesheets.values())
    icons = used_icons([*texts, *scripts], names)
    codepoints = used_codepoints(icons, names, stylesheets.values())
    for path, css in stylesheets.items():
        trimmed = trim_icon_rules(css, icons)
        if trimmed != css:
            path.write_text(trimmed, encoding="utf-8")
    theme_css = static / "styles" / "theme.css"
    if theme_css.is_file():
        inline_imports(theme_css)
    fonts: dict[str, tuple[int, int]] = {}
    source = theme_fonts or outdir / FONTS_DIR
    if source.is_dir() and (outdir / FONTS_DIR).is_dir():
        fonts = subset_fonts(source, outdir / FONTS_DIR, codepoints)
    return {"pages": len(pages), "icons": sorted(icons), "fonts": fonts}


def _build_finished(app: Any, exception: BaseException | None) -> None:
    if exception is not None or getattr(app.builder, "format", "") != "html":
        return
    theme_fonts = None
    theme = getattr(app.builder, "theme", None)
    for folder in theme.get_theme_dirs() if theme else []:
        candidate = Path(folder) / "static" / FONTS_DIR.relative_to("_static")
        if candidate.is_dir():
            theme_fonts = candidate
    summary = optimise_site(Path(app.outdir), theme_fonts)
    logger.info(
        "[immunokit.assets] %d pages: images as lazy files, scripts deferred; icon fonts %s",
        summary["pages"],
        ", ".join(f"{k} {a // 1024}→{b // 1024} KB" for k, (a, b) in summary["fonts"].items()),
    )


def setup(app: Any) -> dict[str, Any]:
    app.connect("build-finished", _build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
