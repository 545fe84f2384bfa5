"""The built book as readers meet it: dark mode, a 375 px phone, JavaScript off, print, saved progress.
(Every page's dark-mode contrast is checked in ``tests/test_site_pages.py``, on the same visit as its
light-mode checks.)

Every test opens pages of the strict build (``tests/harness.py``) in Debian's Chromium through the guarded
``new_page`` fixture: no request to another host, no console error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from harness import open_loaded
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.build]


def _open(new_page: Callable[..., Any], url: str, *, dark: bool = False, **context: Any) -> Any:
    page = new_page(color_scheme="dark" if dark else "light", **context)
    open_loaded(page, url)
    if dark:
        page.evaluate(
            "document.documentElement.dataset.theme = 'dark'; document.documentElement.dataset.mode = 'dark'"
        )
    return page


def _guarded(page: Any) -> None:
    assert page.ik_external == [], f"requests to other hosts: {page.ik_external}"
    assert page.ik_console_errors == [], f"console errors: {page.ik_console_errors}"


# ---- 1. dark mode: every page's contrast and containers are checked in tests/test_site_pages.py ------


# ---- 2. the ch07 trial table ---------------------------------------------------------------------

CH07 = "book/ch07_reading_trials.html"


def test_trial_table_on_a_375px_phone_shows_its_warning_and_cards(
    new_page: Callable[..., Any], book_url: str
) -> None:
    page = _open(new_page, f"{book_url}/{CH07}", viewport={"width": 375, "height": 740})
    caption = page.locator(".ik-table-caption")
    caption.scroll_into_view_if_needed()
    assert "Single-arm response rates are not comparable across rows." in caption.inner_text()
    box = caption.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375, box
    # The whole caption wraps: nothing of it is clipped.
    assert caption.evaluate("e => e.scrollWidth <= e.clientWidth && e.scrollHeight <= e.clientHeight + 1")
    # Each trial is a card: no sideways scrolling in the table or the page, every value says its column.
    scroller = page.locator('.ik-table-block [data-ik="sortable"]')
    assert scroller.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    first = page.locator(".ik-table-block tbody tr").first
    assert first.evaluate("e => getComputedStyle(e).display") == "block"
    cell = first.locator("td:not(.ik-col-extra)").first
    assert cell.evaluate("e => getComputedStyle(e, '::before').content") == '"Disease: "'
    _guarded(page)


def test_trial_table_on_a_desktop_keeps_the_trial_column_and_its_scrollbar_in_view(
    new_page: Callable[..., Any], book_url: str
) -> None:
    page = _open(new_page, f"{book_url}/{CH07}", viewport={"width": 1280, "height": 800})
    page.get_by_role("button", name="Show all 11 columns").click()  # the wide view
    scroller = page.locator('.ik-table-block [data-ik="sortable"]')
    scroller.scroll_into_view_if_needed()
    assert scroller.evaluate("e => e.scrollWidth > e.clientWidth"), "expected a wide table at 1280 px"
    # The scroller is no taller than the window, so its horizontal scrollbar can be reached.
    height = scroller.evaluate("e => e.getBoundingClientRect().height")
    assert height <= 800, height
    row_header = page.locator(".ik-table-block tbody th[scope=row]").first
    left = scroller.evaluate("e => e.getBoundingClientRect().left")
    scroller.evaluate("e => { e.scrollLeft = 500; }")
    page.wait_for_timeout(50)
    assert abs(row_header.evaluate("e => e.getBoundingClientRect().left") - left) <= 2
    assert row_header.is_visible()
    _guarded(page)


def _visible_headers(page: Any) -> list[str]:
    return page.evaluate(
        "[...document.querySelectorAll('.ik-table-block thead th')]"
        ".filter(h => h.getBoundingClientRect().width > 0).map(h => h.textContent.trim())"
    )


def test_trial_table_shows_key_columns_by_default_and_all_on_request(
    new_page: Callable[..., Any], book_url: str
) -> None:
    page = _open(new_page, f"{book_url}/{CH07}", viewport={"width": 1280, "height": 800})
    toggle = page.get_by_role("button", name="Show all 11 columns")
    assert toggle.get_attribute("aria-pressed") == "false"
    key = _visible_headers(page)
    assert key[0] == "Trial" and len(key) == 6, key
    assert "Key toxicity" not in key and "Headline efficacy" in key
    # The key view fits the text column: no sideways scrolling needed.
    scroller = page.locator('.ik-table-block [data-ik="sortable"]')
    assert scroller.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    # Keyboard: Tab to the toggle, Enter shows every column and says which were added.
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-pressed") == "true"
    # The pressed look (a check mark) is not read out: the name stays, the state says "pressed".
    assert page.get_by_role("button", name="Show all 11 columns", exact=True).count() == 1
    every = _visible_headers(page)
    assert len(every) == 11 and every[0] == "Trial", every
    live = page.locator(".ik-table-block .ik-live")
    expect(live).to_have_text(
        "Showing all 11 columns; added: Year, Setting, Comparison, Key toxicity, Source."
    )
    page.keyboard.press("Space")
    assert toggle.get_attribute("aria-pressed") == "false"
    assert _visible_headers(page) == key
    expect(live).to_have_text("Showing the 6 key columns: " + ", ".join(key) + ".")
    # Paper shows every column (as cards) and no toggle.
    page.emulate_media(media="print")
    assert not toggle.is_visible()
    assert page.locator(".ik-table-block tbody tr").first.locator("td.ik-col-extra").first.is_visible()
    _guarded(page)


def test_trial_table_without_javascript_shows_every_column(
    new_page: Callable[..., Any], book_url: str
) -> None:
    page = _open(
        new_page, f"{book_url}/{CH07}", viewport={"width": 1280, "height": 800}, java_script_enabled=False
    )
    assert len(_visible_headers(page)) == 11
    assert page.locator(".ik-cols-toggle").count() == 0
    _guarded(page)


# ---- 3. JavaScript off ---------------------------------------------------------------------------


def test_without_javascript_calculators_say_so_and_quizzes_offer_their_answers(
    new_page: Callable[..., Any], book_url: str
) -> None:
    page = _open(new_page, f"{book_url}/book/ch08_side_effects.html", java_script_enabled=False)
    for calc in page.locator(".ik-calc").all():
        assert not calc.locator(".ik-calc-result").is_visible(), "a result that cannot follow the form"
        assert "needs JavaScript" in calc.locator(".ik-calc-nojs").inner_text()
    main = page.locator("main").inner_text()
    assert "No CRS grade" not in main and "No ICANS grade" not in main
    quiz = page.locator(".ik-quiz").first
    questions = quiz.locator("li.ik-q").count()
    assert quiz.locator("details.ik-answer").count() == questions
    assert "Show the answer" in quiz.locator(".ik-quiz-nojs").inner_text()
    assert quiz.locator("button").count() == 0
    text = quiz.inner_text()
    assert "Move up" not in text and "Check" not in text and "Try again" not in text
    first = quiz.locator("details.ik-answer").first
    assert not first.locator(".ik-expl").is_visible()
    first.locator("summary").click()
    assert first.locator(".ik-expl").is_visible() and first.locator(".ik-key").is_visible()
    _guarded(page)


# ---- 6. print ------------------------------------------------------------------------------------


def test_print_shows_every_step_in_order_explorer_captions_and_no_controls(
    new_page: Callable[..., Any], book_url: str
) -> None:
    page = _open(new_page, f"{book_url}/book/ch05_car_t_cells.html")
    page.emulate_media(media="print")
    for stepper in page.locator('[data-ik="frames"][data-ik-control="buttons"]').all():
        shown = stepper.evaluate(
            "r => [...r.querySelectorAll('.ik-frame')].map(f => getComputedStyle(f).display !== 'none'"
            " && f.querySelector('img').getBoundingClientRect().height > 0)"
        )
        assert shown and all(shown), shown
        assert not stepper.locator(".ik-frames-controls").is_visible()
    explorer = page.locator('[data-ik="frames"][data-ik-control="slider"]').first
    captions = explorer.evaluate(
        "r => [...r.querySelectorAll('.ik-frame figcaption')].filter(c => c.getBoundingClientRect().height > 0).length"
    )
    assert captions == explorer.locator(".ik-frame").count()
    images = explorer.evaluate(
        "r => [...r.querySelectorAll('.ik-frame img')].filter(i => i.getBoundingClientRect().height > 0).length"
    )
    assert images == 1
    assert not explorer.locator("input.ik-range").is_visible()
    quiz = page.locator(".ik-quiz").first
    assert quiz.locator("button:visible").count() == 0
    assert not quiz.locator(".ik-quiz-key").is_visible()  # answers only when asked for
    page.emulate_media(media="screen")
    quiz.get_by_label("Print the answers").check()
    page.emulate_media(media="print")
    assert quiz.locator(".ik-quiz-key").is_visible()
    assert quiz.locator(".ik-quiz-key > ol > li").count() == quiz.locator("li.ik-q").count()
    wraps = page.evaluate(
        "[...document.querySelectorAll('main pre')].map(p => getComputedStyle(p).whiteSpace)"
    )
    assert all(w == "pre-wrap" for w in wraps), wraps
    _guarded(page)


# ---- 7. reading flow -----------------------------------------------------------------------------


def test_chapter_shows_results_not_plumbing_and_figures_open_full_size(
    new_page: Callable[..., Any], book_url: str
) -> None:
    page = _open(new_page, f"{book_url}/book/ch05_car_t_cells.html", viewport={"width": 375, "height": 740})
    visible = page.locator("main").inner_text()
    assert "from immunokit" not in visible, "import cells are shown"
    assert "Quiz.from_bank" not in visible, "plumbing code is shown before the reader asks for it"
    assert page.locator("details.above-input, details.hide").count() > 0, "code is on request"
    # Objectives: the id is an anchor for instructors, not the first words a reader sees.
    objective = page.locator("li#ch05-o1")
    assert objective.count() == 1
    assert not objective.inner_text().startswith("ch05-o1")
    # A figure opens at full size, in a dialog that Escape closes, focus back on the figure.
    figure = page.locator("button.ik-zoom-btn:visible").first
    figure.scroll_into_view_if_needed()
    figure.click()
    dialog = page.locator("dialog.ik-zoom")
    assert dialog.is_visible()
    # First the whole figure, fitted to the screen (tests/test_reader_phone.py: then enlarged on request).
    width = dialog.locator("img").evaluate("i => i.getBoundingClientRect().width")
    assert 300 <= width <= 375, width
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert figure.evaluate("b => b === document.activeElement")
    _guarded(page)


# ---- 8. glossary ---------------------------------------------------------------------------------


def test_glossary_term_shows_its_definition_on_hover_and_focus(
    new_page: Callable[..., Any], book_url: str
) -> None:
    page = _open(new_page, f"{book_url}/book/ch05_car_t_cells.html")
    link = page.locator('main a.reference.internal[href*="#term-"]').first
    target = (link.get_attribute("href") or "").split("#")[1]
    link.scroll_into_view_if_needed()
    link.hover()
    tip = page.locator("#ik-term-tip")
    tip.wait_for(state="visible")
    glossary = _open(new_page, f"{book_url}/book/glossary.html")
    definition = glossary.evaluate(
        "id => { let n = document.getElementById(id); while (n && n.tagName !== 'DD') n = n.nextElementSibling;"
        " return n.textContent.replace(/\\s+/g, ' ').trim(); }",
        target,
    )
    assert tip.inner_text().strip() == definition
    assert link.get_attribute("aria-describedby") == "ik-term-tip"
    page.mouse.move(0, 0)
    page.wait_for_timeout(500)
    link.focus()
    tip.wait_for(state="visible")
    page.keyboard.press("Escape")
    assert not tip.is_visible()
    _guarded(page)


def test_glossary_anchor_lands_below_the_sticky_header(new_page: Callable[..., Any], book_url: str) -> None:
    page = _open(new_page, f"{book_url}/book/glossary.html#term-CRS", viewport={"width": 1280, "height": 600})
    page.wait_for_timeout(200)
    header = page.evaluate(
        "document.querySelector('header.bd-header, .bd-header').getBoundingClientRect().bottom"
    )
    term = page.evaluate("document.getElementById('term-CRS').getBoundingClientRect().top")
    assert term >= header, f"the term is under the header: top {term} < header bottom {header}"
    _guarded(page)


# ---- 8. header icons in the cut-down icon fonts ---------------------------------------------------

#: Every visible Font Awesome icon: its classes, the codepoint its ::before draws and the font weight.
VISIBLE_ICONS = """() => [...document.querySelectorAll('[class*="fa-"]')]
  .filter(e => e.getBoundingClientRect().width > 0 && getComputedStyle(e).visibility !== 'hidden')
  .map(e => { const s = getComputedStyle(e, '::before');
    return {cls: e.className, content: s.content, family: s.fontFamily, weight: s.fontWeight}; })
  .filter(i => /Font Awesome/.test(i.family) && i.content && i.content !== 'none')"""


@pytest.mark.parametrize("mode", ["light", "dark", "auto"])
@pytest.mark.parametrize("width", [1280, 375])
def test_header_icons_have_glyphs_in_light_and_dark_on_desktop_and_phone(
    new_page: Callable[..., Any], book_url: str, built_book: Any, mode: str, width: int
) -> None:
    """Search, colour mode (sun, moon, half circle), menu, contents and download buttons draw real glyphs:
    each icon's codepoint is in the cut-down font its weight selects, and that glyph is not empty."""
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    fonts = built_book / "_static" / "vendor" / "fontawesome" / "webfonts"
    by_weight = {"900": "fa-solid-900.woff2", "400": "fa-regular-400.woff2"}
    page = _open(
        new_page,
        f"{book_url}/book/ch05_car_t_cells.html",
        dark=mode == "dark",
        viewport={"width": width, "height": 800},
    )
    page.evaluate(f"document.documentElement.dataset.mode = '{mode}'")
    page.locator(".dropdown-download-buttons button").first.click()  # its menu's file icons too
    icons = page.evaluate(VISIBLE_ICONS)
    classes = " ".join(i["cls"] for i in icons)
    for needed in ("fa-download", "fa-bars" if width == 375 else "fa-list", "fa-file"):
        assert needed in classes, f"{needed} not visible at {width} px in {mode} mode: {classes}"
    assert {"light": "fa-sun", "dark": "fa-moon", "auto": "fa-circle-half-stroke"}[mode] in classes
    if width == 375:
        assert "fa-magnifying-glass" in classes
    missing = []
    for icon in icons:
        family = "fa-brands-400.woff2" if "Brands" in icon["family"] else by_weight[icon["weight"]]
        font = TTFont(str(fonts / family))
        codepoint = ord(icon["content"].strip("\"'"))
        glyph = font.getBestCmap().get(codepoint)
        if glyph is None or font["glyf"][glyph].numberOfContours == 0:
            missing.append(f"{icon['cls'].split()} U+{codepoint:04X} in {family}")
    assert missing == [], f"icons drawn without a glyph: {missing}"
    _guarded(page)
