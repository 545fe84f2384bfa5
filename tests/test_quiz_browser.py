"""Static quizzes in headless Chromium with the book's real immunokit.js/css.

The quizzes are rendered into a temporary page (the example bank twice, so ids must stay unique, and
every bank in ``book/``), served on 127.0.0.1 and driven through the browser. The parity tests check,
for every question of every bank, that the browser's verdict for each option/answer equals Python's.
"""

from __future__ import annotations

import itertools
import json
import random
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from immunokit.quiz import Quiz, grade, load_bank
from immunokit.quiz.bank import QuizQuestion

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "immunokit" / "static"
FIXTURES = Path(__file__).parent / "fixtures" / "quiz"
EXAMPLE = FIXTURES / "example.quiz.yml"
BANKS = [EXAMPLE, FIXTURES / "gift_special.quiz.yml", *sorted((ROOT / "book").glob("*.quiz.yml"))]


def _theme_css() -> Path | None:
    """The pydata-sphinx-theme stylesheet of the running environment (wherever it lives), if installed."""
    try:
        import pydata_sphinx_theme
    except ImportError:
        return None
    css = (
        Path(pydata_sphinx_theme.__file__).parent
        / "theme/pydata_sphinx_theme/static/styles/pydata-sphinx-theme.css"
    )
    return css if css.exists() else None


THEME_CSS = _theme_css()


def _page(body: str, *, theme: bool = False) -> str:
    theme_link = '<link rel="stylesheet" href="theme.css">' if theme else ""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>quiz test</title>{theme_link}"
        '<link rel="stylesheet" href="immunokit.css"></head><body><main>'
        '<button type="button" id="before">before the quiz</button>'
        f"{body}"
        '<script src="immunokit.js"></script></main></body></html>'
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the real script and style and two pages: the example, and every bank."""
    folder = tmp_path_factory.mktemp("quizsite")
    shutil.copy(STATIC / "immunokit.js", folder / "immunokit.js")
    shutil.copy(STATIC / "immunokit.css", folder / "immunokit.css")
    if THEME_CSS is not None:
        shutil.copy(THEME_CSS, folder / "theme.css")
    example = Quiz.from_bank(EXAMPLE)
    (folder / "example.html").write_text(
        _page(example.to_html() + Quiz.from_bank(EXAMPLE, uid="again").to_html(), theme=True),
        encoding="utf-8",
    )
    banks = "".join(f"<h2>{p.name}</h2>{Quiz.from_bank(p).to_html()}" for p in BANKS)
    (folder / "banks.html").write_text(_page(banks), encoding="utf-8")
    return folder


@pytest.fixture
def open_page(
    new_page: Callable[..., Any], serve_dir: Callable[[Path], str], site: Path
) -> Iterator[Callable[..., Any]]:
    opened: list[Any] = []

    def go(name: str, **context: Any) -> Any:
        page = new_page(**context)
        page.goto(f"{serve_dir(site)}/{name}")
        page.wait_for_selector('section[data-ik="quiz"][data-ik-ready]')
        opened.append(page)
        return page

    yield go
    for page in opened:
        assert page.ik_external == [], f"requests to other hosts: {page.ik_external}"
        assert page.ik_console_errors == [], f"console errors: {page.ik_console_errors}"


def q_locator(page: Any, qid: str, nth: int = 0) -> Any:
    return page.locator(f'li.ik-q[data-ik-qid="{qid}"]').nth(nth)


def option_pos(q: QuizQuestion, bank_index: int) -> int:
    return q.display_order().index(bank_index)


# ---- behaviour a reader sees ----------------------------------------------------------------------


def test_wrong_answer_shows_that_options_feedback(open_page: Callable[..., Any]) -> None:
    page = open_page("example.html")
    q = load_bank(EXAMPLE).get("ch00-continuous")
    li = q_locator(page, q.id)
    wrong = option_pos(q, 1)
    li.locator(f'label:has(input[value="{wrong}"])').click()
    li.get_by_role("button", name="Check").click()
    assert li.get_attribute("data-ik-verdict") == "incorrect"
    assert li.locator(".ik-verdict").inner_text().startswith("✗ Not quite.")
    fb = li.locator(f'.ik-opt:has(input[value="{wrong}"]) .ik-opt-fb')
    assert fb.is_visible() and "That describes CAR T cells" in fb.inner_text()
    assert fb.inner_text().startswith("✗ Wrong choice:")
    assert li.locator(".ik-opt-fb:visible").count() == 1  # only the chosen option's feedback
    # First wrong try: targeted feedback and the hint, not the explanation (it gives the answer away).
    assert not li.locator(".ik-expl").is_visible()
    assert li.locator("details.ik-hint").evaluate("d => d.open")
    assert "Compare its size and structure" in li.locator("details.ik-hint").inner_text()
    page.wait_for_function(
        "document.querySelector('.ik-quiz .ik-live').textContent.includes('Hint: Compare')"
    )
    assert li.get_by_role("button", name="Try again").evaluate("e => e === document.activeElement")
    # A second wrong try brings the explanation.
    li.get_by_role("button", name="Try again").click()
    li.locator(f'label:has(input[value="{wrong}"])').click()
    li.get_by_role("button", name="Check").click()
    assert li.locator(".ik-expl").is_visible()
    assert li.get_by_role("button", name="Show explanation").count() == 0


def test_explanation_on_request_after_one_try(open_page: Callable[..., Any]) -> None:
    page = open_page("example.html")
    q = load_bank(EXAMPLE).get("ch00-continuous")
    li = q_locator(page, q.id)
    li.locator(f'label:has(input[value="{option_pos(q, 1)}"])').click()
    li.get_by_role("button", name="Check").click()
    assert not li.locator(".ik-expl").is_visible()
    li.get_by_role("button", name="Show explanation").click()
    assert li.locator(".ik-expl").is_visible()
    page.wait_for_function("document.querySelector('.ik-quiz .ik-live').textContent.includes('Explanation.')")


def test_first_try_scored_apart_and_progress_survives_a_reload(open_page: Callable[..., Any]) -> None:
    page = open_page("example.html")
    q = load_bank(EXAMPLE).get("ch00-continuous")
    li = q_locator(page, q.id)
    li.locator(f'label:has(input[value="{option_pos(q, 1)}"])').click()
    li.get_by_role("button", name="Check").click()
    li.get_by_role("button", name="Try again").click()
    li.locator(f'label:has(input[value="{option_pos(q, 0)}"])').click()
    li.get_by_role("button", name="Check").click()
    score = page.locator(".ik-quiz-score").first
    assert score.inner_text().startswith("Score on first tries: 0 of 6. Eventually correct: 1 of 6")
    page.reload()
    page.wait_for_selector('section[data-ik="quiz"][data-ik-ready]')
    li = q_locator(page, q.id)
    assert li.get_attribute("data-ik-verdict") == "correct"
    assert li.locator(f'input[value="{option_pos(q, 0)}"]').is_checked()
    assert li.locator(".ik-expl").is_visible()
    score = page.locator(".ik-quiz-score").first
    assert score.inner_text().startswith("Score on first tries: 0 of 6. Eventually correct: 1 of 6")
    # The second copy of the quiz on the page has its own saved state: none.
    assert (
        page.locator(".ik-quiz-score")
        .nth(1)
        .inner_text()
        .startswith("Score on first tries: 0 of 6. Eventually correct: 0")
    )
    score.get_by_role("button", name="Reset this quiz").click()
    assert li.get_attribute("data-ik-verdict") is None and not li.locator("input:checked").count()
    assert score.inner_text().startswith("Score on first tries: 0 of 6. Eventually correct: 0 of 6")
    page.reload()
    page.wait_for_selector('section[data-ik="quiz"][data-ik-ready]')
    assert q_locator(page, q.id).get_attribute("data-ik-verdict") is None


def test_right_answer_is_marked_correct_and_scored(open_page: Callable[..., Any]) -> None:
    page = open_page("example.html")
    q = load_bank(EXAMPLE).get("ch00-continuous")
    li = q_locator(page, q.id)
    li.locator(f'label:has(input[value="{option_pos(q, 2)}"])').click()
    li.get_by_role("button", name="Check").click()
    li.get_by_role("button", name="Try again").click()
    assert li.locator(".ik-opt-fb:visible").count() == 0 and li.locator("input").first.is_enabled()
    right = option_pos(q, 0)
    li.locator(f'label:has(input[value="{right}"])').click()
    li.get_by_role("button", name="Check").click()
    assert li.get_attribute("data-ik-verdict") == "correct"
    row = li.locator(f'.ik-opt:has(input[value="{right}"])')
    assert "ik-opt-right" in (row.get_attribute("class") or "")
    assert row.locator(".ik-opt-fb").inner_text().startswith("✓ Right choice: Right. A short half-life")
    score = page.locator(".ik-quiz-score").first
    # Wrong first, right second: nothing on first tries, one eventually correct.
    assert score.inner_text().startswith("Score on first tries: 0 of 6. Eventually correct: 1 of 6")
    # The second copy of the same quiz on the page keeps its own state.
    assert page.locator(".ik-quiz-score").nth(1).inner_text().startswith("Score on first tries: 0 of 6.")


def test_numeric_and_multiple_feedback(open_page: Callable[..., Any]) -> None:
    page = open_page("example.html")
    li = q_locator(page, "ch00-css")
    box = li.get_by_label("Your answer")
    assert box.get_attribute("inputmode") == "decimal"
    box.fill("0.58 pg/mL")
    box.press("Enter")
    assert li.get_attribute("data-ik-verdict") == "incorrect"
    assert li.locator('[data-ik-mistake="1"]').is_visible()
    li.get_by_role("button", name="Try again").click()
    box.fill("1,5")
    li.get_by_role("button", name="Check").click()
    assert li.get_attribute("data-ik-verdict") == "invalid" and box.is_enabled()
    assert "decimal separator" in li.locator(".ik-verdict").inner_text()
    box.fill("583")
    li.get_by_role("button", name="Check").click()
    assert (
        li.get_attribute("data-ik-verdict") == "correct" and li.locator('[data-ik-fb="correct"]').is_visible()
    )

    q = load_bank(EXAMPLE).get("ch00-blina-facts")
    li = q_locator(page, q.id)
    li.locator(f'label:has(input[value="{option_pos(q, 0)}"])').click()
    li.get_by_role("button", name="Check").click()
    assert li.get_attribute("data-ik-verdict") == "partial"
    assert "◐ Partly right." in li.locator(".ik-verdict").inner_text()
    assert (
        page.locator(".ik-quiz-score")
        .first.inner_text()
        .startswith("Score on first tries: 0.5 of 6. Eventually correct: 1.5 of 6")
    )


def _tab_to(page: Any, selector: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement && document.activeElement.matches({json.dumps(selector)})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_keyboard_only_path(open_page: Callable[..., Any]) -> None:
    page = open_page("example.html")
    first_quiz = "section.ik-quiz:first-of-type"
    q1 = f'{first_quiz} li.ik-q[data-ik-qid="ch00-continuous"]'
    page.focus("#before")
    _tab_to(page, f"{q1} input[type=radio]")
    page.keyboard.press("Space")  # select the focused radio
    _tab_to(page, f'{q1} [data-ik-action="check"]')
    page.keyboard.press("Enter")
    verdict = page.get_attribute(q1, "data-ik-verdict")
    assert verdict in ("correct", "incorrect")
    # Focus went to Try again; Enter reopens the question and focus returns to the chosen radio.
    assert page.evaluate("document.activeElement.dataset.ikAction") == "retry"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.type") == "radio"
    q = load_bank(EXAMPLE).get("ch00-continuous")
    right = option_pos(q, 0)
    for _ in range(4):  # arrow keys move the selection through the group
        if page.evaluate(f"document.activeElement.value === '{right}'"):
            break
        page.keyboard.press("ArrowDown")
    _tab_to(page, f'{q1} [data-ik-action="check"]')
    page.keyboard.press("Enter")
    assert page.get_attribute(q1, "data-ik-verdict") == "correct"

    # Numeric by keyboard: type and press Enter.
    q5 = f'{first_quiz} li.ik-q[data-ik-qid="ch00-css"]'
    _tab_to(page, f"{q5} input.ik-num-in")
    page.keyboard.type("583.33")
    page.keyboard.press("Enter")
    assert page.get_attribute(q5, "data-ik-verdict") == "correct"

    # Ordering by keyboard: Move down keeps focus on the moved item.
    q6 = f'{first_quiz} li.ik-q[data-ik-qid="ch00-cart-steps"]'
    before = page.eval_on_selector_all(f"{q6} li.ik-item", "els => els.map(e => e.dataset.ikItem)")
    _tab_to(page, f'{q6} li.ik-item:first-child [data-ik-action="down"]')
    page.keyboard.press("Enter")
    after = page.eval_on_selector_all(f"{q6} li.ik-item", "els => els.map(e => e.dataset.ikItem)")
    assert after == [before[1], before[0], *before[2:]]
    assert page.evaluate("document.activeElement.closest('li.ik-item').dataset.ikItem") == before[0]
    page.wait_for_function(
        f"document.querySelector('{first_quiz} .ik-live').textContent.includes('position 2 of 6')"
    )


def test_focus_is_visible(open_page: Callable[..., Any]) -> None:
    page = open_page("example.html")
    page.focus("#before")
    _tab_to(page, '[data-ik-action="check"]')
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")


def test_ids_unique_and_html_structure(open_page: Callable[..., Any]) -> None:
    page = open_page("banks.html")
    ids = page.eval_on_selector_all("[id]", "els => els.map(e => e.id)")
    assert len(ids) == len(set(ids)), "duplicate ids"
    page = open_page("example.html")
    ids = page.eval_on_selector_all("[id]", "els => els.map(e => e.id)")
    assert len(ids) == len(set(ids)), "duplicate ids with the same quiz shown twice"
    # Every input has a label; every question is a fieldset with a legend.
    unlabelled = page.eval_on_selector_all(
        ".ik-quiz input", "els => els.filter(e => !e.labels || e.labels.length === 0).map(e => e.id)"
    )
    assert unlabelled == []
    assert page.locator(".ik-quiz fieldset > legend").count() == page.locator(".ik-quiz li.ik-q").count()


def _luminance(rgb: str) -> float:
    parts = [float(x) for x in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    lin = [(c / 255 / 12.92) if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in parts]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.skipif(THEME_CSS is None, reason="pydata-sphinx-theme CSS not found in this environment")
@pytest.mark.parametrize("mode", ["light", "dark"])
def test_readable_in_both_theme_modes_and_at_320px(open_page: Callable[..., Any], mode: str) -> None:
    page = open_page("example.html", viewport={"width": 320, "height": 640})
    page.evaluate(f"document.documentElement.dataset.theme = '{mode}'")
    q = load_bank(EXAMPLE).get("ch00-continuous")
    li = q_locator(page, q.id)
    li.locator(f'label:has(input[value="{option_pos(q, 1)}"])').click()
    li.get_by_role("button", name="Check").click()
    body_bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    for selector in (
        ".ik-q legend",
        ".ik-opt label",
        ".ik-opt-fb",
        ".ik-verdict-text",
        ".ik-q-instr",
        ".ik-btn",
        ".ik-btn-primary",
        ".ik-opt-wrong .ik-opt-mark",
        ".ik-cite",
        ".ik-num-in",
    ):
        el = page.locator(f"section.ik-quiz:first-of-type {selector}").first
        color = el.evaluate("e => getComputedStyle(e).color")
        bg = (
            el.evaluate(
                "e => { for (let n = e; n; n = n.parentElement) { const c = getComputedStyle(n).backgroundColor;"
                " if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c; } return null; }"
            )
            or body_bg
        )
        assert _contrast(color, bg) >= 4.5, f"{selector} in {mode} mode: {color} on {bg}"
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at 320px"


# ---- parity: the browser's verdict equals Python's, for every question of every bank ---------------


def _answers(q: QuizQuestion) -> list[Any]:
    """Answers to try, in the browser's terms (display positions / typed text / bank-index orders)."""
    if q.type == "single":
        return [None, *range(len(q.options))]
    if q.type == "multiple":
        n = len(q.options)
        return [list(s) for r in range(0, n + 1) for s in itertools.combinations(range(n), r)]
    if q.type == "numeric":
        tol = q.absolute_tolerance
        values = {
            q.answer,
            q.answer + tol,
            q.answer - tol,
            q.answer + tol * 1.001 + 1e-6,
            q.answer - tol * 1.001 - 1e-6,
            0.0,
            -q.answer,
            q.answer * 1000,
            q.answer / 1000,
        }
        for m in q.mistakes:
            values |= {
                m.value,
                m.value + m.tolerance,
                m.value - m.tolerance,
                m.value + m.tolerance * 1.01 + 1e-9,
            }
        typed = [repr(v) for v in sorted(values)] + [f"{v:g}" for v in sorted(values)]
        typed += [
            "",
            "  ",
            "abc",
            "1,5",
            f"{q.answer} {q.units}",
            f"{q.answer:e}",
            f"{q.answer}{q.units.upper()}",
            "5×10^2",
            "−3",
            ".5",
            "1e999",
            "12 34",
        ]
        return typed
    n = len(q.items)
    perms = [list(p) for p in itertools.permutations(range(n))]
    if len(perms) > 400:
        perms = [list(range(n)), *random.Random(q.id).sample(perms, 399)]
    return perms


def _python_verdict(q: QuizQuestion, answer: Any) -> dict[str, Any]:
    order = q.display_order()
    if q.type == "single":
        bank_answer = None if answer is None else order[answer]
    elif q.type == "multiple":
        bank_answer = [order[p] for p in answer]
    else:
        bank_answer = answer
    return grade(q, bank_answer).as_dict()


def test_parity_js_grading_equals_python_for_every_answer(open_page: Callable[..., Any]) -> None:
    page = open_page("banks.html")
    checked = 0
    for path in BANKS:
        bank = load_bank(path)
        for q in bank.questions:
            if not q.auto_scored:  # written answers are compared with a model answer, never graded
                continue
            answers = _answers(q)
            js = page.evaluate(
                """([qid, answers]) => {
                    const li = document.querySelector(`li.ik-q[data-ik-qid="${qid}"]`);
                    const data = JSON.parse(li.closest('section').querySelector('script.ik-quiz-data').textContent);
                    const q = data.questions.find(x => x.id === qid);
                    return answers.map(a => {
                        const v = ImmunoKit.quiz.grade(q, a);
                        return {status: v.status, score: v.score, message: v.message, chosen: v.chosen,
                                mistake: v.mistake, in_place: v.in_place};
                    });
                }""",
                [q.id, answers],
            )
            for answer, got in zip(answers, js, strict=True):
                want = _python_verdict(q, answer)
                assert got == want, f"{path.name} {q.id} answer {answer!r}: browser {got} != python {want}"
                checked += 1
    assert checked > 500


def test_parity_through_the_page_for_every_option(open_page: Callable[..., Any]) -> None:
    """Click each option (and type each probe) on the real page; the shown verdict equals Python's."""
    page = open_page("banks.html")
    for path in BANKS:
        for q in [q for q in load_bank(path).questions if q.auto_scored]:  # written: never graded
            if q.type in ("single", "multiple"):
                answers: list[Any] = [[p] for p in range(len(q.options))]
            elif q.type == "numeric":
                answers = [*_answers(q)[:12], "", "abc"]
            else:
                answers = [None]  # the order as shown
            shown = page.evaluate(
                """([qid, answers]) => {
                    const li = document.querySelector(`li.ik-q[data-ik-qid="${qid}"]`);
                    const check = li.querySelector('[data-ik-action="check"]');
                    const retry = li.querySelector('[data-ik-action="retry"]');
                    return answers.map(a => {
                        if (!retry.hidden) retry.click();
                        li.querySelectorAll('input[type=radio], input[type=checkbox]').forEach(i => { i.checked = false; });
                        if (Array.isArray(a)) a.forEach(p => li.querySelector(`input[value="${p}"]`).click());
                        else if (typeof a === 'string') li.querySelector('input.ik-num-in').value = a;
                        check.click();
                        const fb = Array.from(li.querySelectorAll('.ik-opt-fb:not([hidden])'))
                            .map(e => Number(e.closest('.ik-opt').querySelector('input').value));
                        const num = li.querySelector('.ik-num-fb:not([hidden])');
                        return {verdict: li.dataset.ikVerdict, fb: fb,
                                num: num ? (num.dataset.ikFb || 'mistake-' + num.dataset.ikMistake) : null,
                                explanation: !li.querySelector('.ik-expl').hidden};
                    });
                }""",
                [q.id, answers],
            )
            order = q.display_order()
            tries = 0
            for answer, got in zip(answers, shown, strict=True):
                if q.type == "single":
                    v = grade(q, order[answer[0]])
                elif q.type == "multiple":
                    v = grade(q, [order[p] for p in answer])
                elif q.type == "numeric":
                    v = grade(q, answer)
                else:
                    v = grade(q, order)
                assert got["verdict"] == v.status, f"{q.id} {answer!r}"
                tries += v.status != "invalid"
                # The feedback ladder: the explanation with a right answer or from the second try on.
                expected = v.status != "invalid" and (v.correct or tries >= 2)
                assert got["explanation"] == expected, f"{q.id} {answer!r}"
                if q.type in ("single", "multiple"):
                    assert sorted(order[p] for p in got["fb"]) == sorted(v.chosen), f"{q.id} {answer!r}"
                if q.type == "numeric" and v.status != "invalid":
                    want = (
                        "correct"
                        if v.correct
                        else (f"mistake-{v.mistake}" if v.mistake is not None else "incorrect")
                    )
                    assert got["num"] == want, f"{q.id} {answer!r}"


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.mark.skipif(not AXE.exists(), reason="node_modules/axe-core missing (npm install)")
def test_no_axe_violations_in_the_quiz(open_page: Callable[..., Any]) -> None:
    page = open_page("example.html")
    q = load_bank(EXAMPLE).get("ch00-continuous")
    li = q_locator(page, q.id)
    li.locator(f'label:has(input[value="{option_pos(q, 1)}"])').click()
    li.get_by_role("button", name="Check").click()  # feedback and explanation visible
    page.add_script_tag(path=str(AXE))
    for mode in ("light", "dark"):
        page.evaluate(f"document.documentElement.dataset.theme = '{mode}'")
        result = page.evaluate(
            "async () => await axe.run({include: [['section.ik-quiz']]}, {resultTypes: ['violations']})"
        )
        violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
        assert violations == [], f"{mode}: {violations}"


# ---- the quizzes of the built book ----------------------------------------------------------------


def _chapter_pages_with_banks() -> list[tuple[str, Path]]:
    pages = []
    for bank in sorted((ROOT / "book").glob("*.quiz.yml")):
        stem = bank.name.removesuffix(".quiz.yml")
        if (ROOT / "book" / f"{stem}.ipynb").exists() or (ROOT / "book" / f"{stem}.md").exists():
            pages.append((f"book/{stem}.html", bank))
    return pages


@pytest.mark.build
@pytest.mark.parametrize(("page_path", "bank_path"), _chapter_pages_with_banks())
def test_built_chapter_quiz_answers_in_the_browser(
    new_page: Callable[..., Any], book_url: str, built_book: Path, page_path: str, bank_path: Path
) -> None:
    """In the built chapter: the quiz is the static rendering of the current bank and grades answers."""
    page = new_page()
    page.goto(f"{book_url}/{page_path}")
    page.wait_for_selector('section[data-ik="quiz"][data-ik-ready]')
    bank = load_bank(bank_path)
    data = json.loads(page.locator("section.ik-quiz script.ik-quiz-data").first.text_content() or "{}")
    from immunokit.quiz.static import quiz_data

    graded = [q for q in bank.questions if q.auto_scored]  # written answers follow, ungraded
    # generated questions also carry their practice variants (tests/test_quiz_variants_browser.py)
    practice = {e["id"]: e.pop("variants") for e in data.get("questions", []) if "variants" in e}
    assert set(practice) == {q.id for q in graded if q.generated}
    assert data == json.loads(json.dumps(quiz_data(graded))), "the page shows an out-of-date bank"
    q = next(q for q in bank.questions if q.type == "single")
    li = q_locator(page, q.id)
    wrong = next(i for i, o in enumerate(q.options) if not o.correct)
    li.locator(f'label:has(input[value="{option_pos(q, wrong)}"])').click()
    li.get_by_role("button", name="Check").click()
    assert li.get_attribute("data-ik-verdict") == "incorrect"
    fb = li.locator(".ik-opt-fb:visible")
    assert fb.count() == 1 and fb.inner_text().startswith("✗ Wrong choice:")
    li.get_by_role("button", name="Try again").click()
    right = next(i for i, o in enumerate(q.options) if o.correct)
    li.locator(f'label:has(input[value="{option_pos(q, right)}"])').click()
    li.get_by_role("button", name="Check").click()
    assert li.get_attribute("data-ik-verdict") == "correct"
    n = len(graded)
    assert (
        page.locator(".ik-quiz-score")
        .first.inner_text()
        .startswith(f"Score on first tries: 0 of {n}. Eventually correct: 1 of {n}")
    )
    assert page.ik_external == [] and page.ik_console_errors == []
