"""Readers on phones, on paper and by keyboard (issue 26): the built book in Debian's Chromium.

Each test opens pages of the strict build through the guarded ``new_page`` fixture (no request to another
host, no console error) and asserts what a reader meets: a real touch tap opens the navigation drawer, a
dark-mode page prints in the light palette, keyboard focus stays in a stepper or a question when the
focused button disables or hides itself, written answers survive a reload, and so on.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

import pytest
from harness import ROOT, open_loaded
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.build]

CH05 = "book/ch05_car_t_cells.html"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: The theme's light text and background (pydata-sphinx-theme's light palette).
LIGHT_TEXT = "rgb(34, 40, 50)"
WHITE = "rgb(255, 255, 255)"


def _open(new_page: Callable[..., Any], url: str, **context: Any) -> Any:
    return open_loaded(new_page(**context), url)


def _guarded(page: Any) -> None:
    assert page.ik_external == [], f"requests to other hosts: {page.ik_external}"
    assert page.ik_console_errors == [], f"console errors: {page.ik_console_errors}"


def _luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# ---- 1. navigation by touch -----------------------------------------------------------------------

#: What each drawer must hold: the book's table of contents, or the page's own headings.
DRAWERS = {"primary": "nav.bd-docs-nav a.reference", "secondary": "nav.page-toc a"}


@pytest.mark.parametrize("side", ["primary", "secondary"])
@pytest.mark.parametrize("width", [375, 800])
def test_a_touch_tap_on_the_visible_toggle_opens_the_drawer_escape_and_close_shut_it(
    new_page: Callable[..., Any], book_url: str, width: int, side: str
) -> None:
    page = _open(
        new_page,
        f"{book_url}/{CH05}",
        viewport={"width": width, "height": 800},
        has_touch=True,
        is_mobile=True,
    )
    toggle = page.locator(f".{side}-toggle:visible")
    assert toggle.count() == 1, f"{side} toggle: {toggle.count()} visible at {width} px"
    drawer = page.locator(f"#pst-{side}-sidebar-modal")
    for close_with in ("Escape", "button"):
        toggle.tap()
        page.wait_for_function(f"document.getElementById('pst-{side}-sidebar-modal').open")
        links = drawer.locator(DRAWERS[side])
        assert links.count() >= 5 and links.first.is_visible(), f"{side} drawer without its contents"
        if side == "primary":
            assert drawer.get_by_role("link", name="CAR T-cell therapy").count() >= 1
        if close_with == "Escape":
            page.keyboard.press("Escape")
        else:
            drawer.locator(".ik-drawer-close").tap()
        page.wait_for_function(f"!document.getElementById('pst-{side}-sidebar-modal').open")
        assert toggle.evaluate("b => b === document.activeElement"), f"focus not back after {close_with}"
        # The button leaves in the dialog's "close" event, which the browser fires a task after `open`
        # turns false: wait for it (up to 5 s) rather than read the count at once.
        expect(drawer.locator(".ik-drawer-close")).to_have_count(0)
    # The contents went back where they belong: the page still has its sidebar links.
    assert page.locator(f"#pst-{side}-sidebar {DRAWERS[side]}").count() >= 5
    _guarded(page)


def test_the_visible_menu_button_collapses_the_sidebar_on_a_desktop(
    new_page: Callable[..., Any], book_url: str
) -> None:
    page = _open(new_page, f"{book_url}/{CH05}", viewport={"width": 1280, "height": 800})
    sidebar = page.locator("#pst-primary-sidebar")
    assert sidebar.is_visible()
    page.locator(".primary-toggle:visible").click()
    page.wait_for_timeout(400)
    assert not page.locator("#pst-primary-sidebar-modal").evaluate("d => d.open")
    hidden = "s => getComputedStyle(s).visibility === 'hidden' || s.getBoundingClientRect().right <= 1"
    assert sidebar.evaluate(hidden), "the visible ☰ did not collapse the sidebar"
    page.locator(".primary-toggle:visible").click()
    page.wait_for_timeout(400)
    assert not sidebar.evaluate(hidden) and sidebar.evaluate("s => s.getBoundingClientRect().right > 100")
    _guarded(page)


# ---- 2. dark mode on paper, and no JavaScript -------------------------------------------------------


@pytest.mark.parametrize("how", ["system", "toggle"])
def test_a_dark_mode_page_prints_in_the_light_palette(
    new_page: Callable[..., Any], book_url: str, how: str
) -> None:
    page = _open(new_page, f"{book_url}/{CH05}", color_scheme="dark" if how == "system" else "light")
    if how == "toggle":  # the theme's own button, as a reader would use it, until it says dark
        page.evaluate(
            "document.documentElement.dataset.mode = 'dark'; document.documentElement.dataset.theme = 'dark'"
        )
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert _luminance(page.evaluate("getComputedStyle(document.body).color")) > 0.5  # light text on screen
    page.emulate_media(media="print")
    body = page.evaluate(
        "[getComputedStyle(document.body).color, getComputedStyle(document.body).backgroundColor]"
    )
    assert body == [LIGHT_TEXT, WHITE], body
    texts = page.evaluate(
        "[...document.querySelectorAll('article h1, article h2, article p, .ik-quiz legend, figcaption')]"
        ".filter(e => e.getBoundingClientRect().height > 0).map(e => getComputedStyle(e).color)"
    )
    assert len(texts) > 20
    low = sorted({c for c in texts if _contrast(c, WHITE) < 4.5})
    assert low == [], f"text below 4.5:1 on white paper: {low}"
    backgrounds = page.evaluate(
        "[...document.querySelectorAll('main, article, .bd-content, .highlight, .ik-quiz, .ik-frames')]"
        ".map(e => getComputedStyle(e).backgroundColor)"
    )
    dark = [b for b in backgrounds if b not in ("rgba(0, 0, 0, 0)", WHITE) and _luminance(b) < 0.5]
    assert dark == [], f"dark backgrounds on paper: {dark}"
    _guarded(page)


#: Where the CRS stepper and its chapter's hints are.
CH08 = "book/ch08_side_effects.html"


def _printed_pages(page: Any, tmp_path: Any) -> tuple[list[str], list[float]]:
    """Print ``page`` with Chromium (A4, as a reader's Print does) and return each page's text and how far
    down it is inked (the lowest non-white row / the page's height; a full page is about 0.95)."""
    import shutil
    import subprocess

    from PIL import Image

    if not (shutil.which("pdftotext") and shutil.which("pdftoppm")):
        missing = "poppler-utils (pdftotext, pdftoppm) is not installed (.ci/run installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(missing)
        pytest.skip(missing)
    pdf = tmp_path / "print.pdf"
    page.emulate_media(media="print")
    page.pdf(path=str(pdf), format="A4")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True)
    pages = text.stdout.split("\f")[:-1]
    subprocess.run(["pdftoppm", "-r", "30", "-gray", "-png", str(pdf), str(tmp_path / "p")], check=True)
    fills = []
    for image in sorted(tmp_path.glob("p-*.png"), key=lambda f: int(f.stem.split("-")[1])):
        gray = Image.open(image).convert("L")
        width, height = gray.size
        data = gray.load()
        inked = [y for y in range(height) if any(data[x, y] < 200 for x in range(0, width, 2))]
        fills.append((max(inked) + 1) / height if inked else 0.0)
    assert len(fills) == len(pages), (len(fills), len(pages))
    return pages, fills


@pytest.mark.parametrize(
    "page_path", [CH08, "book/ch03_antibodies_and_adcs.html", "book/ch05_car_t_cells.html"]
)
def test_printed_steppers_fill_their_pages_and_hints_print_their_text(
    new_page: Callable[..., Any], book_url: str, tmp_path: Any, page_path: str
) -> None:
    """Every step of a chapter's steppers (chapter 8's CRS cascade, chapter 3's two, chapter 5's workflow)
    prints, one after the other, with no page left half empty (each page that holds a step is inked at
    least half way down, the chapter's last page apart), and the hints print open: "Hint:" followed by
    its text, not a bare "▶ Hint"."""
    page = _open(new_page, f"{book_url}/{page_path}")
    hints = page.eval_on_selector_all(
        "details.ik-hint", "els => els.map(d => d.querySelector(':scope > p').textContent.trim())"
    )
    assert hints, "no hint on the page"
    steppers = page.locator('[data-ik-control="buttons"]')
    steps = max(steppers.nth(k).locator(".ik-frame").count() for k in range(steppers.count()))
    assert steps >= 4
    pages, fills = _printed_pages(page, tmp_path)
    text = " ".join(" ".join(p.split()) for p in pages)
    for hint in hints[:5]:
        assert " ".join(hint.split())[:60] in text, f"hint text not printed: {hint[:60]!r}"
    assert "▶ Hint" not in text and "▸ Hint" not in text
    stepper_pages = [i for i, p in enumerate(pages) if re.search(r"\(\d of \d\)", p)]
    counters = {m for p in pages for m in re.findall(r"\((\d) of (\d)\)", p)}
    assert {(str(k), str(steps)) for k in range(1, steps + 1)} <= counters, (
        f"not every step printed: {counters}"
    )
    print(f"\n{len(pages)} pages; stepper pages {stepper_pages}; fill {[round(f, 2) for f in fills]}")
    thin = [(i + 1, round(fills[i], 2)) for i in stepper_pages if i < len(pages) - 1 and fills[i] < 0.5]
    assert thin == [], f"pages holding a step left more than half empty (page, fill): {thin}"
    _guarded(page)


def test_without_javascript_the_page_keeps_the_theme_colours_and_an_opaque_header(
    new_page: Callable[..., Any], book_url: str
) -> None:
    page = _open(new_page, f"{book_url}/{CH05}", java_script_enabled=False)
    assert page.evaluate("getComputedStyle(document.body).color") == LIGHT_TEXT
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == WHITE
    header = page.evaluate("getComputedStyle(document.querySelector('.bd-header-article')).backgroundColor")
    assert header not in ("rgba(0, 0, 0, 0)", "transparent"), "a see-through header over the text"
    link = page.evaluate("getComputedStyle(document.querySelector('article a.reference')).color")
    assert link != LIGHT_TEXT and _contrast(link, WHITE) >= 4.5, link
    _guarded(page)


def test_figures_are_not_dimmed_in_dark_mode(new_page: Callable[..., Any], book_url: str) -> None:
    page = _open(new_page, f"{book_url}/{CH05}", color_scheme="dark")
    filters = page.eval_on_selector_all("img.ik-img", "els => els.map(e => getComputedStyle(e).filter)")
    assert filters and set(filters) == {"none"}, set(filters)
    _guarded(page)


# ---- 3. keyboard focus ---------------------------------------------------------------------------


def test_focus_stays_in_a_stepper_at_its_last_and_first_step(
    new_page: Callable[..., Any], book_url: str
) -> None:
    page = _open(new_page, f"{book_url}/{CH05}")
    steppers = page.locator('[data-ik="frames"][data-ik-control="buttons"]')
    assert steppers.count() >= 1
    for k in range(steppers.count()):
        stepper = steppers.nth(k)
        n = stepper.locator(".ik-frame").count()
        nxt = stepper.locator('[data-ik-action="next"]')
        prev = stepper.locator('[data-ik-action="prev"]')
        nxt.focus()
        for _ in range(n - 1):
            page.keyboard.press("Enter")
        assert stepper.get_attribute("data-ik-current") == str(n - 1)
        assert nxt.is_disabled()
        assert prev.evaluate("b => b === document.activeElement"), "focus left the stepper at its last step"
        page.keyboard.press("ArrowLeft")  # arrow keys keep working
        assert stepper.get_attribute("data-ik-current") == str(n - 2)
        prev.focus()
        for _ in range(n - 2):
            page.keyboard.press("Enter")
        assert stepper.get_attribute("data-ik-current") == "0"
        assert nxt.evaluate("b => b === document.activeElement"), "focus left the stepper at its first step"
        page.keyboard.press("ArrowRight")
        assert stepper.get_attribute("data-ik-current") == "1"
    _guarded(page)


def test_focus_stays_in_the_question_after_show_explanation(
    new_page: Callable[..., Any], book_url: str
) -> None:
    page = _open(new_page, f"{book_url}/{CH05}")
    quiz = page.locator(".ik-quiz").first
    data = quiz.locator("script.ik-quiz-data").evaluate("s => JSON.parse(s.textContent)")
    n = next(i for i, q in enumerate(data["questions"]) if q["type"] == "single")
    wrong = data["questions"][n]["correct"].index(False)
    li = quiz.locator("li.ik-q").nth(n)
    li.locator("input").nth(wrong).check()
    li.get_by_role("button", name="Check").click()
    explain = li.get_by_role("button", name="Show explanation")
    explain.focus()
    page.keyboard.press("Enter")
    assert li.locator(".ik-expl").is_visible()
    assert not explain.is_visible()
    active = page.evaluate("[document.activeElement.tagName, document.activeElement.textContent]")
    assert active == ["BUTTON", "Try again"], active
    _guarded(page)


def test_theme_controls_show_a_focus_ring(new_page: Callable[..., Any], book_url: str) -> None:
    for width, selectors in (
        (1280, [".search-button-field", ".primary-toggle", ".dropdown-download-buttons .dropdown-toggle"]),
        (375, [".search-button", ".primary-toggle", ".dropdown-download-buttons .dropdown-toggle"]),
    ):
        page = _open(new_page, f"{book_url}/{CH05}", viewport={"width": width, "height": 800})
        page.keyboard.press("Tab")  # keyboard modality: programmatic focus then shows :focus-visible
        for selector in selectors:
            control = page.locator(f"{selector}:visible").first
            control.focus()
            ring = control.evaluate(
                "b => { const s = getComputedStyle(b); return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
            )
            assert ring[0] != "none" and ring[1] >= 2, f"{selector} at {width} px: no focus ring {ring}"
        _guarded(page)


# ---- 4. quizzes: written answers, instructions, keys -------------------------------------------------


def test_a_written_answer_survives_a_reload(new_page: Callable[..., Any], book_url: str) -> None:
    page = _open(new_page, f"{book_url}/book/review1_foundations.html")
    area = page.locator(".ik-written textarea").first
    area.fill("Donor T cells recognise the leukemia: graft-versus-leukemia.")
    page.reload(wait_until="networkidle")
    assert page.locator(".ik-written textarea").first.input_value() == (
        "Donor T cells recognise the leukemia: graft-versus-leukemia."
    )
    page.locator(".ik-written textarea").first.fill("")
    page.reload(wait_until="networkidle")
    assert page.locator(".ik-written textarea").first.input_value() == ""
    _guarded(page)


@pytest.mark.parametrize("page_path", ["book/ch01_leukemia_and_immunity.html", "book/ch10_road_ahead.html"])
def test_select_all_that_apply_is_said_once_per_question(
    new_page: Callable[..., Any], book_url: str, page_path: str
) -> None:
    page = _open(new_page, f"{book_url}/{page_path}")
    texts = page.eval_on_selector_all(
        "li.ik-q fieldset:has(input[type=checkbox])",
        "els => els.map(f => f.querySelector('legend').textContent + ' ' + f.querySelector('.ik-q-instr').textContent)",
    )
    assert texts, "no multiple-answer question on the page"
    twice = [t[:90] for t in texts if t.lower().count("select all that apply") != 1]
    assert twice == [], twice
    _guarded(page)


def test_answer_keys_end_in_one_full_stop_without_javascript_and_in_print(
    new_page: Callable[..., Any], book_url: str
) -> None:
    page = _open(new_page, f"{book_url}/book/ch03_antibodies_and_adcs.html", java_script_enabled=False)
    keys = page.eval_on_selector_all("p.ik-key", "els => els.map(e => e.textContent.trim())")
    assert len(keys) >= 10
    bad = [k for k in keys if ".." in k or ".;" in k or not k.endswith(".")]
    assert bad == [], bad[:5]
    assert any(k.startswith("Answers:") and "; " in k for k in keys), "no multiple-answer key to check"
    page = _open(new_page, f"{book_url}/book/ch03_antibodies_and_adcs.html")
    quiz = page.locator(".ik-quiz").first
    quiz.get_by_label("Print the answers").check()
    page.emulate_media(media="print")
    printed = quiz.locator(".ik-quiz-key p.ik-key").all_inner_texts()
    assert printed and not [k for k in printed if ".." in k or ".;" in k]
    _guarded(page)


def test_printed_quizzes_name_no_buttons_and_print_their_hints(
    new_page: Callable[..., Any], book_url: str
) -> None:
    page = _open(new_page, f"{book_url}/book/ch01_leukemia_and_immunity.html")  # has an ordering question
    page.emulate_media(media="print")
    visible = page.locator("main").inner_text()
    assert "Move up" not in visible and "Move down" not in visible
    hint = page.locator("details.ik-hint").first
    text = hint.inner_text()
    assert len(text) > len("Hint") + 10 and hint.locator("p").is_visible(), text
    page.emulate_media(media="screen")
    assert "Move up and Move down" in page.locator("main").inner_text()  # on screen the buttons are named
    _guarded(page)


def test_the_trial_table_says_select_a_header_only_where_headers_sort(
    new_page: Callable[..., Any], book_url: str
) -> None:
    """ "Select a column header to sort." shows on screen with JavaScript (the headers are buttons), and
    neither on paper nor without JavaScript, where nothing sorts."""
    url = f"{book_url}/book/ch07_reading_trials.html"
    page = _open(new_page, url)
    caption = page.locator(".ik-table-caption").first
    assert "Select a column header to sort." in caption.inner_text()
    page.emulate_media(media="print")
    assert "Select a column header" not in caption.inner_text()
    _guarded(page)
    page = _open(new_page, url, java_script_enabled=False)
    assert "Select a column header" not in page.locator(".ik-table-caption").first.inner_text()


def test_a_right_choice_is_not_praised_twice(new_page: Callable[..., Any], book_url: str) -> None:
    """ "Correct. ✓ Right choice: Correct." said nothing new: an option whose feedback is a bare "Correct."
    now shows only "✓ Right choice."; informative feedback keeps its text."""
    page = _open(new_page, f"{book_url}/book/ch10_road_ahead.html")  # options whose feedback is "Correct."
    marks = []
    for quiz in page.locator(".ik-quiz").all():
        data = quiz.locator("script.ik-quiz-data").evaluate("s => JSON.parse(s.textContent)")
        for n, q in enumerate(data["questions"]):
            if q["type"] not in ("single", "multiple"):
                continue
            li = quiz.locator("li.ik-q").nth(n)
            for k, right in enumerate(q["correct"]):
                if right:
                    li.locator("input").nth(k).check()
            li.get_by_role("button", name="Check").click()
            marks += li.locator(".ik-opt-fb:visible").all_inner_texts()
    assert len(marks) >= 10
    repeated = [m for m in marks if re.search(r"Right choice[.:]\s*(Correct|Right)\.?$", m)]
    assert repeated == [], repeated
    assert "✓ Right choice." in marks  # the bare ones
    assert any(m.startswith("✓ Right choice: ") and len(m) > 30 for m in marks)  # the informative ones
    _guarded(page)


# ---- 5. pages on a 375 px phone ------------------------------------------------------------------


@pytest.mark.parametrize(
    "page_path",
    [
        "book/ch09_combination_therapy.html",
        "book/intro.html",
        "book/instructors/handing-out.html",
        "genindex.html",
    ],
)
def test_no_sideways_pan_on_a_375px_phone(
    new_page: Callable[..., Any], book_url: str, page_path: str
) -> None:
    page = _open(new_page, f"{book_url}/{page_path}", viewport={"width": 375, "height": 740}, is_mobile=True)
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"{page_path} pans sideways: {widths}"
    _guarded(page)


def test_the_landing_page_says_its_disclaimer_once(new_page: Callable[..., Any], book_url: str) -> None:
    page = _open(new_page, f"{book_url}/book/intro.html")
    text = page.locator("main").inner_text()
    assert "For education only For education only" not in text
    assert text.count("For education only") == 1
    _guarded(page)


def test_the_calculator_check_boxes_are_one_size(new_page: Callable[..., Any], book_url: str) -> None:
    page = _open(new_page, f"{book_url}/book/ch08_side_effects.html", viewport={"width": 375, "height": 740})
    sizes = page.eval_on_selector_all(
        ".ik-calc input[type=checkbox]",
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)]; })",
    )
    assert len(sizes) >= 2 and len({tuple(s) for s in sizes}) == 1, sizes
    _guarded(page)


# ---- 6. the ICAHT calculator in the book ---------------------------------------------------------


def test_the_icaht_calculator_grades_in_the_browser_as_python(
    new_page: Callable[..., Any], book_url: str
) -> None:
    from immunokit.supportive import IcahtCalculator, course_from_counts, icaht_grade

    page = _open(new_page, f"{book_url}/book/ch11_supportive_care.html")
    calc = page.locator('[data-ik-calc="icaht"]')
    assert calc.count() == 1 and "never for patient care" in calc.inner_text()
    cases = [
        ("12", "3", "1000"),
        ("14", "0", "1500"),
        ("7", "7", "above"),
        ("31", "20", "none"),
        ("0", "0", "none"),
    ]
    for severe, profound, late in cases:
        calc.locator('select[name="severe"]').select_option(severe)
        calc.locator('select[name="profound"]').select_option(profound)
        calc.locator('select[name="late"]').select_option(late)
        later = [] if late == "none" else [3000.0] * 2 if late == "above" else [float(late)] * 2
        expected = icaht_grade(course_from_counts(int(severe), int(profound)), later)
        headline = calc.locator(".ik-calc-grade").inner_text()
        assert (f"Early ICAHT grade {expected.early_grade}" in headline) == (expected.early_grade > 0), (
            headline
        )
        if expected.late_grade:
            assert f"late ICAHT grade {expected.late_grade}" in headline, headline
        want = IcahtCalculator().verdict_for({"severe": severe, "profound": profound, "late": late})
        assert headline == want["headline"]
    calc.locator('select[name="severe"]').select_option("3")
    calc.locator('select[name="profound"]').select_option("5")
    assert calc.locator(".ik-calc-grade").inner_text() == "Cannot grade these inputs"
    _guarded(page)


# ---- 7. figures on a phone -----------------------------------------------------------------------


def test_the_full_size_view_fits_the_screen_first_then_enlarges(
    new_page: Callable[..., Any], book_url: str
) -> None:
    page = _open(new_page, f"{book_url}/{CH05}", viewport={"width": 375, "height": 740}, has_touch=True)
    figure = page.locator("button.ik-zoom-btn:visible").first
    figure.scroll_into_view_if_needed()
    figure.tap()
    dialog = page.locator("dialog.ik-zoom")
    image = dialog.locator("img")
    width = image.evaluate("i => i.getBoundingClientRect().right")
    assert width <= 375, f"the full-size view opens {width} px wide on a 375 px screen"
    area = dialog.locator(".ik-zoom-area")
    assert area.evaluate("a => a.scrollWidth <= a.clientWidth + 1")
    enlarge = dialog.get_by_role("button", name="Enlarge")
    enlarge.tap()
    assert enlarge.get_attribute("aria-pressed") == "true"
    assert image.evaluate("i => i.getBoundingClientRect().width") >= 600
    page.keyboard.press("Escape")
    assert figure.evaluate("b => b === document.activeElement")
    _guarded(page)


#: Each figure of the page as shown: its displayed width, the SVG the browser chose (a <picture>'s phone
#: source when its media query matches), that SVG's viewBox width and its smallest font size.
MEASURE_FIGURES = """async () => { const out = [];
  for (const img of document.querySelectorAll('main img.ik-img')) {
    const pic = img.parentElement.tagName === 'PICTURE' ? img.parentElement : null;
    const source = pic && pic.querySelector('source');
    const phone = !!(source && matchMedia(source.media).matches);
    const src = phone ? new URL(source.getAttribute('srcset'), location.href).href : img.src;
    let w = img.getBoundingClientRect().width;
    const frames = img.closest('.ik-frames');
    if (!w && frames) {  // a hidden frame shows at the width of the one in view
      w = Math.max(...[...frames.querySelectorAll('img.ik-img')].map(i => i.getBoundingClientRect().width));
    }
    const text = await (await fetch(src)).text();
    const box = /viewBox="0 0 ([0-9.]+) /.exec(text);
    const sizes = [...text.matchAll(/font-size: ?([0-9.]+)px/g)].map(m => parseFloat(m[1]));
    out.push({src: src.split('/').pop(), phone: !!pic, chosen: phone, w, vbw: box ? +box[1] : 0, alt: img.alt,
              min: sizes.length ? Math.min(...sizes) : 99});
  } return out; }"""


def _phone_figures(new_page: Callable[..., Any], book_url: str) -> list[tuple[str, str, bool, float]]:
    from builtsite import toc_pages

    out = []
    for path in [p for p in toc_pages() if p.startswith("book/")]:
        page = _open(new_page, f"{book_url}/{path}", viewport={"width": 375, "height": 740}, is_mobile=True)
        for fig in page.evaluate(MEASURE_FIGURES):
            assert fig["chosen"] or not fig["phone"], f"{path}: a phone rendering was not chosen at 375 px"
            effective = round(fig["min"] * fig["w"] / fig["vbw"], 1) if fig["vbw"] else 99.0
            out.append((path, fig["alt"], fig["phone"], effective))
        _guarded(page)
    return out


def test_figure_text_is_at_least_9px_on_a_375px_phone(new_page: Callable[..., Any], book_url: str) -> None:
    """Every figure of the book (charts, explorer frames, mechanism diagrams and every stepper frame) has a
    phone rendering from the same drawing code: on a 375 px phone the browser picks it, and its smallest
    text is at least 9 CSS px as displayed (font size in SVG units × displayed width / viewBox width)."""
    figures = _phone_figures(new_page, book_url)
    assert len(figures) >= 100, f"only {len(figures)} figures measured"
    small = sorted({(p, alt[:40], size) for p, alt, _phone, size in figures if size < 9})
    print(f"\n{len(figures)} figures; smallest text {min(f[3] for f in figures)} px on a 375 px phone")
    assert small == [], f"figure text below 9 px on a 375 px phone: {small}"


# ---- 8. files a reader is pointed to ---------------------------------------------------------------


def test_the_reuse_page_links_the_licences_and_the_bundle_carries_them(built_book: Any) -> None:
    import zipfile

    from builtsite import parse_page, resolve

    from immunokit_build.sphinx.launch import BUNDLE_PATH as BUNDLE

    page = built_book / "book" / "reuse.html"
    links = [v for a, v in parse_page(page).links if a == "href"]
    for name in ("LICENSE-TEXT", "LICENSE-CODE", "LICENSE.md", "CHANGELOG.md", "CITATION.cff"):
        target = [v for v in links if v.split("/")[-1] == name]
        assert target, f"reuse page does not link {name}"
        path, _ = resolve(page, target[0])
        assert path is not None and path.is_file(), f"{name}: {target[0]} is not in the built site"
    names = {n.split("/", 1)[1] for n in zipfile.ZipFile(built_book / BUNDLE).namelist()}
    assert {"LICENSE.md", "LICENSE-TEXT", "LICENSE-CODE"} <= names
