"""The static CRS / ICANS calculators and the sortable trial table in headless Chromium.

The page is the toolkit's own static HTML with the book's one script and stylesheet, served on
127.0.0.1 (no book build needed). The browser's verdict must be Python's for the inputs chosen.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from harness import open_loaded

from immunokit.evidence import PIVOTAL_TRIALS, trial_table
from immunokit.toxicity import CrsCalculator, IcansCalculator, crs_grade, icans_grade

pytestmark = pytest.mark.browser

STATIC = Path(__file__).resolve().parents[1] / "immunokit" / "static"


@pytest.fixture(scope="module")
def page_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("toxicity-page")
    for name in ("immunokit.js", "immunokit.css"):
        shutil.copy(STATIC / name, folder / name)
    body = CrsCalculator().to_html() + IcansCalculator().to_html() + trial_table().to_html()
    (folder / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Calculators</title>'
        '<link rel="stylesheet" href="immunokit.css"></head><body><main>'
        f'{body}</main><script src="immunokit.js"></script></body></html>',
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def page(page_dir: Path, serve_dir: Callable[[Path], str], new_page: Callable[..., object]) -> object:
    p = new_page()
    p.goto(serve_dir(page_dir) + "/index.html")  # type: ignore[attr-defined]
    p.wait_for_selector('[data-ik="calculator"][data-ik-ready]')  # type: ignore[attr-defined]
    yield p
    assert p.ik_console_errors == []  # type: ignore[attr-defined]
    assert p.ik_external == []  # type: ignore[attr-defined]


def test_static_crs_calculator_shows_pythons_verdict(page: object) -> None:
    crs = page.locator('[data-ik-calc="crs"]')  # type: ignore[attr-defined]
    result = crs.locator(".ik-calc-result")
    assert result.get_attribute("role") == "status"
    assert "never for patient care" in crs.inner_text()
    crs.get_by_label("Fever ≥ 38 °C not attributable to another cause").check()
    crs.get_by_label("Hypotension").select_option("one-vasopressor")
    crs.get_by_label("Hypoxia: oxygen support needed").select_option("low-flow")
    expected = crs_grade(True, "one-vasopressor", "low-flow")
    assert crs.get_attribute("data-ik-grade") == "3"
    assert result.locator(".ik-calc-grade").inner_text() == "CRS grade 3"
    assert result.locator(".ik-calc-reason").inner_text().lower() == expected.reason.lower()
    # Fever gone, no treatment: no CRS. Then CRS treated with antipyretics: graded without fever.
    crs.get_by_label("Fever ≥ 38 °C not attributable to another cause").uncheck()
    assert crs.get_attribute("data-ik-grade") == "0"
    crs.get_by_label(
        "Had CRS, then received antipyretics or anti-cytokine therapy (tocilizumab, steroids); "
        "premedication before any CRS does not count"
    ).check()
    assert crs.get_attribute("data-ik-grade") == "3"


def test_static_icans_calculator_sums_ice_and_grades_like_python(page: object) -> None:
    icans = page.locator('[data-ik-calc="icans"]')  # type: ignore[attr-defined]
    assert icans.locator(".ik-calc-grade").inner_text() == "No ICANS grade"
    icans.locator('select[name="ice-orientation"]').select_option("2")
    icans.locator('select[name="ice-writing"]').select_option("0")  # ICE 2+3+1+0+1 = 7
    assert icans.get_attribute("data-ik-grade") == "1"
    assert "ICE score 7/10" in icans.locator(".ik-calc-reason").inner_text()
    icans.get_by_label("Seizure").select_option("resolves-rapidly")
    expected = icans_grade(7, seizure="resolves-rapidly")
    assert icans.get_attribute("data-ik-grade") == str(expected.grade) == "3"
    icans.get_by_label("Level of consciousness").select_option("unarousable")
    assert icans.get_attribute("data-ik-grade") == "4"


def test_sortable_trial_table_sorts_by_keyboard_and_sets_aria_sort(page: object) -> None:
    table = page.locator('[data-ik="sortable"] table')  # type: ignore[attr-defined]
    header = table.locator("thead th", has_text="Patients")
    button = header.get_by_role("button")
    button.focus()
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    assert header.get_attribute("aria-sort") == "ascending"
    smallest = min(PIVOTAL_TRIALS, key=lambda t: t.patients)
    assert table.locator("tbody tr").first.locator("th").inner_text() == smallest.name
    page.keyboard.press("Space")  # type: ignore[attr-defined]
    assert header.get_attribute("aria-sort") == "descending"
    largest = max(PIVOTAL_TRIALS, key=lambda t: t.patients)
    assert table.locator("tbody tr").first.locator("th").inner_text() == largest.name
    # Only one column is sorted at a time, and every row is still there.
    table.locator("thead th", has_text="Trial").get_by_role("button").click()
    assert header.get_attribute("aria-sort") is None
    assert table.locator("tbody tr").count() == len(PIVOTAL_TRIALS)
    live = page.locator('[data-ik="sortable"] .ik-live')  # type: ignore[attr-defined]
    live.filter(has_text="Sorted by Trial").wait_for(state="attached")


@pytest.mark.build
def test_built_chapter_pages_carry_working_calculators_and_table(
    book_url: str, new_page: Callable[..., object]
) -> None:
    """In the built book, chapter 8's calculators give Python's verdicts and chapter 7's table sorts."""
    p = new_page()
    open_loaded(p, f"{book_url}/book/ch08_side_effects.html")
    crs = p.locator('[data-ik-calc="crs"][data-ik-ready]')  # type: ignore[attr-defined]
    assert "never for patient care" in crs.inner_text()
    crs.get_by_label("Fever ≥ 38 °C not attributable to another cause").check()
    crs.get_by_label("Hypotension").select_option("no-vasopressor")
    crs.get_by_label("Hypoxia: oxygen support needed").select_option("positive-pressure")
    expected = crs_grade(True, "no-vasopressor", "positive-pressure")
    assert crs.get_attribute("data-ik-grade") == str(expected.grade) == "4"
    assert crs.locator(".ik-calc-reason").inner_text().lower() == expected.reason.lower()
    icans = p.locator('[data-ik-calc="icans"][data-ik-ready]')  # type: ignore[attr-defined]
    icans.get_by_label("Raised intracranial pressure / cerebral edema").select_option("focal")
    assert icans.get_attribute("data-ik-grade") == "3"

    open_loaded(p, f"{book_url}/book/ch07_reading_trials.html")
    p.get_by_role("button", name="Show all 11 columns").click()  # type: ignore[attr-defined]  # Year is not a key column
    header = p.locator('[data-ik="sortable"] thead th', has_text="Year")  # type: ignore[attr-defined]
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    first_year = p.locator('[data-ik="sortable"] tbody tr').first.locator("td").first.inner_text()  # type: ignore[attr-defined]
    assert first_year == str(min(t.year for t in PIVOTAL_TRIALS))
    assert p.ik_console_errors == []  # type: ignore[attr-defined]
    assert p.ik_external == []  # type: ignore[attr-defined]
