"""Generated items in the static book, in headless Chromium with the real immunokit.js: "New numbers"
shows the next baked practice variant, which the script grades (no kernel) exactly as Python grades
it, and progress (first try, best, the variant shown) survives a reload."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from immunokit.quiz import Quiz, grade, load_bank
from immunokit.quiz.static import practice_variants

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "immunokit" / "static"
BANK = ROOT / "book" / "ch08_side_effects.quiz.yml"
NUMERIC = "ch08-new-patient-ice"
SINGLE = "ch08-new-patient-crs"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("variantsite")
    shutil.copy(STATIC / "immunokit.js", folder / "immunokit.js")
    shutil.copy(STATIC / "immunokit.css", folder / "immunokit.css")
    quiz = Quiz.from_bank(BANK, [NUMERIC, SINGLE, "ch08-tocilizumab-il6-rises"])
    (folder / "v.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>variants</title>'
        '<link rel="stylesheet" href="immunokit.css"></head><body><main>'
        f'{quiz.to_html()}<script src="immunokit.js"></script></main></body></html>',
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def open_page(
    new_page: Callable[..., Any], serve_dir: Callable[[Path], str], site: Path
) -> Iterator[Callable[[], Any]]:
    opened: list[Any] = []

    def go() -> Any:
        page = new_page()
        page.goto(f"{serve_dir(site)}/v.html")
        page.wait_for_selector('section[data-ik="quiz"][data-ik-ready]')
        opened.append(page)
        return page

    yield go
    for page in opened:
        assert page.ik_external == [], f"requests to other hosts: {page.ik_external}"
        assert page.ik_console_errors == [], f"console errors: {page.ik_console_errors}"


def _li(page: Any, qid: str) -> Any:
    return page.locator(f'li.ik-q[data-ik-qid="{qid}"]')


def test_new_numbers_cycles_through_the_baked_variants_and_grades_each(open_page: Callable[[], Any]) -> None:
    page = open_page()
    q = load_bank(BANK).get(NUMERIC)
    vs = practice_variants(q)
    assert len(vs) >= 4 and len({v.prompt for v in vs}) == len(vs)
    li = _li(page, NUMERIC)
    for k, v in enumerate(vs):
        if k:
            li.get_by_role("button", name="New numbers").click()
        assert li.locator(".ik-variant-note").inner_text() == f"Practice variant {k + 1} of {len(vs)}."
        legend = li.locator("legend").inner_text()
        assert (
            str(v.prompt.split("after CAR T cells, ")[1][:40]) in legend
        )  # the shown stem is this variant's
        # a wrong answer first (the mistake's own feedback when it has one), then the right one
        wrong = v.mistakes[0].value if v.mistakes else v.answer + 3
        li.locator("input.ik-num-in").fill(f"{wrong:g}")
        li.get_by_role("button", name="Check").click()
        assert li.get_attribute("data-ik-verdict") == grade(v, f"{wrong:g}").status == "incorrect"
        li.get_by_role("button", name="Try again").click()
        li.locator("input.ik-num-in").fill(f"{v.answer:g}")
        li.get_by_role("button", name="Check").click()
        assert li.get_attribute("data-ik-verdict") == "correct"


def test_single_choice_variant_keys_differ_and_grade_like_python(open_page: Callable[[], Any]) -> None:
    page = open_page()
    q = load_bank(BANK).get(SINGLE)
    vs = practice_variants(q)
    li = _li(page, SINGLE)
    for k, v in enumerate(vs):
        if k:
            li.get_by_role("button", name="New numbers").click()
        keyed = next(i for i, o in enumerate(v.options) if o.correct)
        pos = v.display_order().index(keyed)
        li.locator(f'label:has(input[value="{pos}"])').click()
        li.get_by_role("button", name="Check").click()
        assert li.get_attribute("data-ik-verdict") == grade(v, keyed).status == "correct", k
        assert v.options[keyed].text in li.locator(".ik-opt-right").inner_text()
    assert len({next(o.text for o in v.options if o.correct) for v in vs}) >= 2  # the key moves


def test_progress_keeps_the_first_try_and_the_variant_across_a_reload(open_page: Callable[[], Any]) -> None:
    page = open_page()
    q = load_bank(BANK).get(NUMERIC)
    vs = practice_variants(q)
    li = _li(page, NUMERIC)
    li.locator("input.ik-num-in").fill(f"{vs[0].answer + 5:g}")  # wrong on the first try
    li.get_by_role("button", name="Check").click()
    li.get_by_role("button", name="New numbers").click()
    score = page.locator(".ik-quiz-score")
    assert score.inner_text().startswith(
        "Score on first tries: 0 of 3. Eventually correct: 0 of 3 (questions answered: 1)"
    )
    li.locator("input.ik-num-in").fill(f"{vs[1].answer:g}")
    li.get_by_role("button", name="Check").click()
    assert li.get_attribute("data-ik-verdict") == "correct"
    assert score.inner_text().startswith("Score on first tries: 0 of 3. Eventually correct: 1 of 3")
    page.reload()
    page.wait_for_selector('section[data-ik="quiz"][data-ik-ready]')
    li = _li(page, NUMERIC)
    assert li.locator(".ik-variant-note").inner_text().startswith("Practice variant 2 of")
    assert li.get_attribute("data-ik-verdict") == "correct"
    assert li.locator("input.ik-num-in").input_value() == f"{vs[1].answer:g}"
    assert (
        page.locator(".ik-quiz-score")
        .inner_text()
        .startswith("Score on first tries: 0 of 3. Eventually correct: 1 of 3")
    )
