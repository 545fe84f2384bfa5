"""Every page of the built book, in headless Chromium and as HTML.

- loads with no console error and no request to any host other than 127.0.0.1;
- every image has meaningful alt text;
- every internal link and anchor resolves (external links are listed in the report, not fetched);
- every interactive element of the course is initialised and reachable by keyboard;
- axe-core finds no serious or critical violation caused by the course's own content;
- in dark mode, axe finds no text below 4.5:1 and the course's boxes sit on the page's dark background;
- the Nu Html Checker finds no error in any page.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from builtsite import is_external, parse_page, resolve, toc_pages
from harness import CHROMIUM, HEADLESS_CHROMIUM, IN_CI, ROOT, require

PAGES = toc_pages()
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

#: axe findings that come from the stock theme (identical on every page, see README): rule id and a class
#: that identifies the theme's element (matched in the node's selector or HTML).
THEME_AXE_BASELINE = {
    ("label-content-name-mismatch", "theme-switch-button"),
}
#: Alt texts that say nothing about the picture.
MEANINGLESS_ALT = {"image", "figure", "diagram", "a diagram", "plot", "chart", "picture", "img", "svg"}
#: Files that `make pdf` (not the HTML build) writes into the output; tests/test_pdf.py checks them.
WRITTEN_BY_MAKE_PDF = {"leukemia-immunotherapy.pdf"}


#: Pages the dark-mode check reads (the generated index and search pages are the theme's alone).
DARK_PAGES = [p for p in PAGES if p not in {"genindex.html", "search.html"}]
#: The course's own boxes, which must sit on the page's background in dark mode.
CONTAINERS = ".ik-figure, .ik-frames, .ik-explorer, .ik-calc, .ik-quiz, .ik-table-block"
#: The first painted background behind an element (walking up to <html>), as the browser computes it.
PAINTED_BG = """e => { for (let n = e; n; n = n.parentElement) { const c = getComputedStyle(n).backgroundColor;
    if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c; } return 'rgb(255, 255, 255)'; }"""

#: What one visit of a page found, by page (a page is loaded once for the three tests below: loading a
#: chapter with its hundreds of figure frames is most of what these checks cost).
_VISITS: dict[str, dict[str, Any]] = {}


def _visit(new_page: Callable[..., Any], book_url: str, page_path: str) -> dict[str, Any]:
    """Load the page in the light theme; read it, run axe, switch to the dark theme and run axe's contrast
    rule, then press the arrow keys on every frame viewer. Everything read is kept for the tests."""
    if page_path in _VISITS:
        return _VISITS[page_path]
    page = new_page(color_scheme="light")
    page.goto(f"{book_url}/{page_path}", wait_until="networkidle")
    found: dict[str, Any] = {
        "external": list(page.ik_external),
        "console_errors": list(page.ik_console_errors),
        "images": page.eval_on_selector_all(
            "img:not([aria-hidden=true]), article svg[role=img]:not([aria-hidden=true])",
            "els => els.map(e => ({src: (e.currentSrc || e.getAttribute('src') || '').slice(0, 80),"
            " alt: (e.getAttribute('alt') ?? e.getAttribute('aria-label') ?? '').trim()}))",
        ),
        "elements": page.eval_on_selector_all(
            "[data-ik]",
            "els => els.map(e => ({kind: e.dataset.ik, ready: e.dataset.ikReady === 'true', id: e.id}))",
        ),
    }
    has_axe = AXE.exists()  # without it (no npm ci) the axe tests say so and skip
    if has_axe:
        page.add_script_tag(path=str(AXE))
        found["axe"] = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        )
    if has_axe and page_path in DARK_PAGES:
        # The theme's dark mode, as its switch sets it (and the system preference, for anything reading it).
        page.emulate_media(color_scheme="dark")
        page.evaluate(
            "document.documentElement.dataset.theme = 'dark'; document.documentElement.dataset.mode = 'dark'"
        )
        found["dark_axe"] = page.evaluate(
            "async () => (await axe.run(document.querySelector('main'), {runOnly: ['color-contrast']})).violations"
        )
        found["dark_body"] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        found["dark_boxes"] = page.eval_on_selector_all(
            CONTAINERS, f"els => els.map(e => [e.className, ({PAINTED_BG})(e)])"
        )
        found["dark_images"] = page.eval_on_selector_all(
            ".ik-img", "els => els.map(e => getComputedStyle(e).backgroundColor)"
        )
        found["dark_console_errors"] = list(page.ik_console_errors)
        page.emulate_media(color_scheme="light")
        page.evaluate(
            "document.documentElement.dataset.theme = 'light'; document.documentElement.dataset.mode = 'light'"
        )
    found["unreachable"] = page.eval_on_selector_all(
        "[data-ik] button:not([hidden]):not([disabled]), [data-ik] input:not([type=hidden]), [data-ik] select",
        """els => els.filter(e => e.offsetParent !== null).filter(e => { e.focus(); return document.activeElement !== e || e.tabIndex < 0; })
                 .map(e => e.outerHTML.slice(0, 120))""",
    )
    # Step-through diagrams and explorer frames move with the keyboard alone.
    ignored = []
    for viewer in page.locator("[data-ik=frames]").all():
        before = viewer.get_attribute("data-ik-current")
        if viewer.locator(".ik-frame").count() < 2:
            continue
        viewer.locator('[data-ik-action="next"], input.ik-range').first.focus()
        page.keyboard.press("ArrowRight")
        if viewer.get_attribute("data-ik-current") == before:
            ignored.append(viewer.get_attribute("id") or viewer.inner_text()[:60])
        page.keyboard.press("ArrowLeft")
    found["arrow_ignored"] = ignored
    found["console_errors_after"] = list(page.ik_console_errors)
    _VISITS[page_path] = found
    return found


@pytest.mark.browser
@pytest.mark.parametrize("page_path", PAGES)
def test_page_loads_cleanly_with_alt_text_and_keyboard_operable_elements(
    new_page: Callable[..., Any], book_url: str, built_book: Path, page_path: str
) -> None:
    assert (built_book / page_path).exists(), f"{page_path} was not built"
    seen = _visit(new_page, book_url, page_path)
    assert seen["external"] == [], f"{page_path} requested other hosts: {seen['external']}"
    assert seen["console_errors"] == [], f"{page_path} console errors: {seen['console_errors']}"

    bad = [img for img in seen["images"] if len(img["alt"]) < 12 or img["alt"].lower() in MEANINGLESS_ALT]
    # The theme's logo is absent (no logo configured); anything else must describe itself.
    assert bad == [], f"{page_path}: images without meaningful alt text: {bad}"

    elements = seen["elements"]
    if page_path.startswith("book/ch"):
        kinds = {el["kind"] for el in elements}
        assert "quiz" in kinds, (
            f"{page_path}: the chapter's quiz is missing from the page (found {sorted(kinds)})"
        )
        if page_path[7:9] in {
            "03",
            "04",
            "05",
            "06",
            "07",
            "08",
            "09",
        }:  # modality, evidence, safety, combination
            assert "frames" in kinds, (
                f"{page_path}: no step-through diagram or explorer on the page (found {sorted(kinds)})"
            )
    not_ready = [el for el in elements if not el["ready"]]
    assert not_ready == [], f"{page_path}: interactive elements the script did not initialise: {not_ready}"
    unreachable = seen["unreachable"]
    assert unreachable == [], f"{page_path}: controls that keyboard focus cannot reach: {unreachable}"
    assert seen["arrow_ignored"] == [], (
        f"{page_path}: frame viewers ignore the arrow key: {seen['arrow_ignored']}"
    )
    assert seen["console_errors_after"] == [], (
        f"{page_path} console errors after interaction: {seen['console_errors_after']}"
    )


@pytest.mark.browser
@pytest.mark.parametrize("page_path", PAGES)
def test_axe_finds_no_serious_violation_from_course_content(
    new_page: Callable[..., Any], book_url: str, page_path: str
) -> None:
    if not AXE.exists():
        require("axe-core is not installed (npm ci); accessibility tests skipped")
    found = []
    for violation in _visit(new_page, book_url, page_path)["axe"]:
        if violation["impact"] not in {"serious", "critical"}:
            continue
        for node in violation["nodes"]:
            target = " ".join(map(str, node["target"]))
            where = target + " " + node.get("html", "")
            if any(rule == violation["id"] and fragment in where for rule, fragment in THEME_AXE_BASELINE):
                continue
            found.append(
                f"{violation['id']} ({violation['impact']}) at {target}: {node['failureSummary'][:200]}"
            )
    assert found == [], f"{page_path}: axe violations:\n" + "\n".join(found)


@pytest.mark.browser
@pytest.mark.parametrize("page_path", DARK_PAGES)
def test_dark_mode_text_contrast_by_axe_and_containers_on_the_page_background(
    new_page: Callable[..., Any], book_url: str, page_path: str
) -> None:
    if not AXE.exists():
        require("axe-core is not installed (npm ci); dark-mode contrast test skipped")
    seen = _visit(new_page, book_url, page_path)
    found = [
        f"{' '.join(map(str, n['target']))}: {n['failureSummary'][:160]}"
        for v in seen["dark_axe"]
        for n in v["nodes"]
    ]
    assert found == [], f"{page_path} in dark mode, text below 4.5:1:\n" + "\n".join(found)
    body = seen["dark_body"]
    light = [(cls, bg) for cls, bg in seen["dark_boxes"] if bg != body]
    assert light == [], f"{page_path}: containers not on the dark page background {body}: {light[:5]}"
    # Only the pictures keep a light background.
    assert all(bg == "rgb(255, 255, 255)" for bg in seen["dark_images"])
    assert seen["dark_console_errors"] == [], f"{page_path} in dark mode: {seen['dark_console_errors']}"


def test_every_internal_link_and_anchor_resolves(built_book: Path) -> None:
    broken: list[str] = []
    external: set[str] = set()
    cache: dict[Path, set[str]] = {}
    pages = [p for p in built_book.rglob("*.html") if "_static" not in p.parts]
    for page in pages:
        for attribute, url in parse_page(page).links:
            if not url or is_external(url):
                if url:
                    external.add(url)
                continue
            target, fragment = resolve(page, url)
            if target is None:
                continue
            where = f"{page.relative_to(built_book)}: {attribute}={url!r}"
            if not target.exists():
                if target.name in WRITTEN_BY_MAKE_PDF:
                    continue
                broken.append(f"{where} -> missing file")
                continue
            if fragment and target.suffix == ".html":
                if target not in cache:
                    cache[target] = parse_page(target).ids
                if fragment not in cache[target]:
                    broken.append(f"{where} -> no anchor #{fragment}")
    report = ROOT / "_build" / "external-links.txt"
    report.parent.mkdir(exist_ok=True)
    report.write_text("\n".join(sorted(external)) + "\n", encoding="utf-8")
    assert broken == [], "broken internal links:\n" + "\n".join(broken)


def test_nu_html_checker_finds_no_error(built_book: Path) -> None:
    if not VNU.exists():
        require("vnu-jar is not installed (npm ci); HTML validation skipped")
    if shutil.which("java") is None:
        require("java is not installed; HTML validation skipped")
    files = [str(built_book / p) for p in PAGES if p not in {"search.html", "genindex.html"}]
    proc = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--stdout", *files],
        capture_output=True,
        text=True,
    )
    messages = json.loads(proc.stdout or "{}").get("messages", [])
    errors = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('message')} [{m.get('extract', '')[:100]!r}]"
        for m in messages
        if m.get("type") == "error"
    ]
    assert errors == [], "Nu Html Checker errors:\n" + "\n".join(errors)


def test_ci_requires_browsers() -> None:
    """Under CI=true the browser layers may not be skipped for want of Chromium."""
    if IN_CI:
        for browser in {HEADLESS_CHROMIUM, CHROMIUM}:  # the tests' browser, and the reader's (Lighthouse)
            assert Path(browser).exists() or shutil.which(browser), f"CI=true but {browser} is missing"
