"""Grading rules of every question type: tolerance edges, partial scoring, number reading, units."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from immunokit.quiz import Quiz, format_score, grade, load_bank, parse_number
from immunokit.quiz.bank import Option, QuizMistake, QuizQuestion
from immunokit.quiz.grading import answer_text, format_value, grade_ordering

EXAMPLE = Path(__file__).parent / "fixtures" / "quiz" / "example.quiz.yml"


@pytest.fixture(scope="module")
def bank():  # type: ignore[no-untyped-def]
    return load_bank(EXAMPLE)


def numeric(
    answer: float,
    *,
    tol: float | None = None,
    pct: float | None = None,
    units: str = "pg/mL",
    mistakes: tuple[QuizMistake, ...] = (),
) -> QuizQuestion:
    return QuizQuestion(
        id="ch00-n",
        objective="ch00-o1",
        type="numeric",
        prompt="p",
        explanation="e",
        answer=answer,
        tolerance=tol,
        tolerance_percent=pct,
        units=units,
        feedback_correct="yes",
        feedback_incorrect="no",
        mistakes=mistakes,
    )


def multiple(flags: list[bool], scoring: str) -> QuizQuestion:
    return QuizQuestion(
        id="ch00-m",
        objective="ch00-o1",
        type="multiple",
        prompt="p",
        explanation="e",
        scoring=scoring,
        options=tuple(Option(f"o{i}", f, f"fb{i}") for i, f in enumerate(flags)),
    )


# ---- single -------------------------------------------------------------------------------------


def test_single_choice_right_and_wrong(bank) -> None:  # type: ignore[no-untyped-def]
    q = bank.get("ch00-continuous")
    right = grade(q, 0)
    assert (right.status, right.score, right.chosen, right.headline) == ("correct", 1.0, (0,), "✓ Correct.")
    for wrong in (1, 2, 3):
        v = grade(q, wrong)
        assert (v.status, v.score, v.chosen, v.headline) == ("incorrect", 0.0, (wrong,), "✗ Not quite.")


def test_single_choice_without_an_answer_is_not_graded(bank) -> None:  # type: ignore[no-untyped-def]
    v = grade(bank.get("ch00-continuous"), None)
    assert (v.status, v.message) == ("invalid", "Choose an option.")


def test_single_choice_rejects_an_index_outside_the_options(bank) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=r"option index 7 is not one of 0..3"):
        grade(bank.get("ch00-continuous"), 7)


# ---- multiple -----------------------------------------------------------------------------------


def test_all_or_nothing_scores_only_the_exact_set() -> None:
    q = multiple([True, True, False], "all-or-nothing")
    assert grade(q, [0, 1]).score == 1.0
    assert grade(q, [1, 0, 1]).status == "correct"  # repeated picks count once
    v = grade(q, [0])
    assert (v.status, v.score) == ("incorrect", 0.0)
    assert v.message == (
        "You chose 1 of the 2 correct options and 0 incorrect options. "
        "Only the exact set of correct options scores."
    )
    assert grade(q, [0, 1, 2]).score == 0.0


@pytest.mark.parametrize(
    ("picks", "score", "status"),
    [
        ([0, 1], 1.0, "correct"),
        ([0], 0.5, "partial"),
        ([0, 2], 0.0, "incorrect"),  # (1 − 1) / 2
        ([0, 1, 2], 0.5, "partial"),  # (2 − 1) / 2
        ([2, 3], 0.0, "incorrect"),  # (0 − 2) / 2 floored at 0
        ([0, 1, 2, 3], 0.0, "incorrect"),
    ],
)
def test_partial_scoring_rule(picks: list[int], score: float, status: str) -> None:
    v = grade(multiple([True, True, False, False], "partial"), picks)
    assert (v.score, v.status) == (score, status)


def test_partial_message_states_the_rule() -> None:
    v = grade(multiple([True, True, True, False], "partial"), [0, 3])
    assert v.score == 0.0
    v = grade(multiple([True, True, True, False], "partial"), [0, 1, 3])
    assert v.score == pytest.approx(1 / 3)
    assert v.message == (
        "You chose 2 of the 3 correct options and 1 incorrect option. Score 0.33 of 1: correct "
        "picks minus incorrect picks, divided by 3, and never below 0."
    )


def test_multiple_without_picks_is_not_graded() -> None:
    assert grade(multiple([True, False], "partial"), []).message == "Choose at least one option."


# ---- numeric ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "status"),
    [
        (525, "correct"),
        (500, "correct"),
        (550, "correct"),  # edges are inclusive
        (499.99, "incorrect"),
        (550.01, "incorrect"),
        ("525", "correct"),
        ("5.25e2", "correct"),
        ("5.25×10^2", "correct"),
        ("5.25x10^2", "correct"),
        ("525 pg/mL", "correct"),
        ("525pg/ml", "correct"),
        (" 5 25 ", "correct"),
        ("+550", "correct"),
    ],
)
def test_absolute_tolerance_edges_inclusive(typed: object, status: str) -> None:
    assert grade(numeric(525, tol=25), typed).status == status


def test_float_edges_survive_binary_rounding() -> None:
    q = numeric(0.3, tol=0.1)
    assert abs(0.4 - 0.3) > 0.1  # the trap
    assert grade(q, "0.4").correct and grade(q, "0.2").correct
    assert not grade(q, "0.4001").correct


def test_percent_tolerance_is_relative_to_the_answer() -> None:
    q = numeric(-200, pct=5)  # ±10
    assert q.absolute_tolerance == 10
    assert grade(q, "-190").correct and grade(q, "−210").correct  # the Unicode minus sign is read
    assert not grade(q, "-189.9").correct


def test_zero_tolerance_needs_the_exact_number() -> None:
    q = numeric(28, tol=0, units="µg/day")
    assert grade(q, "28").correct and grade(q, "28.0 µg/day").correct and grade(q, "28 μg/day").correct
    assert not grade(q, "28.1").correct


def test_targeted_mistakes_give_their_feedback_index() -> None:
    q = numeric(
        583.33,
        pct=5,
        mistakes=(QuizMistake(14, 0.5, "per day vs per hour"), QuizMistake(0.583, 0.03, "µg/L")),
    )
    assert grade(q, "14.2").mistake == 0
    assert grade(q, "0.6").mistake == 1
    v = grade(q, "100")
    assert (v.status, v.mistake, v.value) == ("incorrect", None, 100.0)
    assert grade(q, "583").mistake is None and grade(q, "583").correct


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter a number."),
        ("   ", "Enter a number."),
        ("pg/mL", "Enter a number."),
        ("1,5", "Use a point as the decimal separator (1.5, not 1,5) and no thousands separators."),
        ("1,500", "Use a point as the decimal separator (1.5, not 1,5) and no thousands separators."),
        ("about 500", "“about 500” is not a number. Write digits such as 525, 0.5 or 2.5e-4."),
        ("5e", "“5e” is not a number. Write digits such as 525, 0.5 or 2.5e-4."),
        ("1e999", "That number is too large."),
    ],
)
def test_unreadable_numbers_say_what_to_fix(typed: str, message: str) -> None:
    v = grade(numeric(525, tol=25), typed)
    assert (v.status, v.message, v.score) == ("invalid", message, 0.0)


def test_parse_number_forms() -> None:
    assert parse_number(".5") == 0.5
    assert parse_number("5.") == 5.0
    assert parse_number("2.5e-4") == 2.5e-4
    assert parse_number("2.5*10^-4") == 2.5e-4
    assert parse_number("1\u202f500") == 1500.0
    assert parse_number(float("inf")) == "That number is too large."


def test_unit_display() -> None:
    assert format_value(numeric(1, tol=1, units="pg/mL"), 525) == "525 pg/mL"
    assert format_value(numeric(1, tol=1, units="%"), 44) == "44%"
    assert format_value(numeric(1, tol=1, units=""), 0.00025) == "0.00025"
    assert answer_text(numeric(525, tol=25)) == "525 ± 25 pg/mL"
    assert answer_text(numeric(583.33, pct=5)) == "583.33 pg/mL (± 5%)"
    assert answer_text(numeric(34, tol=1, units="%")) == "34 ± 1%"


# ---- ordering -----------------------------------------------------------------------------------


def test_ordering_counts_items_in_place(bank) -> None:  # type: ignore[no-untyped-def]
    q = bank.get("ch00-cart-steps")
    assert grade(q, [0, 1, 2, 3, 4, 5]).correct
    v = grade(q, [1, 0, 2, 3, 4, 5])
    assert (v.status, v.in_place, v.message) == ("incorrect", 4, "4 of 6 items are in the right place.")
    shown = q.display_order()
    assert not grade(q, shown).correct  # the question never starts solved


def test_ordering_answer_must_be_a_permutation(bank) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="must list each of the 6 item indices"):
        grade_ordering(bank.get("ch00-cart-steps"), [0, 0, 1, 2, 3, 4])


# ---- shuffling and score display ----------------------------------------------------------------


def test_shuffle_is_seeded_by_the_question_id(bank) -> None:  # type: ignore[no-untyped-def]
    q = bank.get("ch00-continuous")
    again = load_bank(EXAMPLE).get("ch00-continuous")
    assert q.display_order() == again.display_order()
    assert sorted(q.display_order()) == [0, 1, 2, 3]
    orders = {
        tuple(
            QuizQuestion(
                id=f"ch00-q{i}",
                objective="ch00-o1",
                type="single",
                prompt="p",
                explanation="e",
                options=q.options,
            ).display_order()
        )
        for i in range(30)
    }
    assert len(orders) > 5  # different ids give different orders


def test_ordering_shuffle_never_shows_the_solution() -> None:
    for i in range(200):
        q = QuizQuestion(
            id=f"ch00-o{i}",
            objective="ch00-o1",
            type="ordering",
            prompt="p",
            explanation="e",
            items=("a", "b"),
        )
        assert q.display_order() == [1, 0]


def test_format_score() -> None:
    assert [format_score(x) for x in (0, 3, 2.5, 1 / 3, 2 / 3, 7.999)] == [
        "0",
        "3",
        "2.5",
        "0.33",
        "0.67",
        "8",
    ]


def test_quiz_score_uses_the_latest_attempt_of_each_question(bank) -> None:  # type: ignore[no-untyped-def]
    quiz = Quiz(bank.questions, source="example")
    assert quiz.check("ch00-continuous", 1).status == "incorrect"
    assert quiz.score == 0
    quiz.check("ch00-continuous", 0)
    quiz.check("ch00-blina-facts", [0, 2])  # (1 − 1)/2 = 0
    quiz.check("ch00-blina-facts", [0])  # 0.5
    assert quiz.check("ch00-css", "lots").status == "invalid"  # not recorded
    assert quiz.score == 1.5 and quiz.answered == 2
    assert quiz.score_text() == "Score: 1.5 of 6"
    rows = quiz.results()
    assert [(r["question"], r["attempt"], r["status"]) for r in rows] == [
        ("ch00-continuous", 1, "incorrect"),
        ("ch00-continuous", 2, "correct"),
        ("ch00-blina-facts", 1, "incorrect"),
        ("ch00-blina-facts", 2, "partial"),
    ]
    assert rows[1]["answer"] == "Its half-life is only about 2 hours."
    assert "ch00-blina-facts  ch00-o1" in str(rows)
    assert "<table>" in rows._repr_html_()


def test_every_answer_to_every_example_question_grades_without_error(bank) -> None:  # type: ignore[no-untyped-def]
    for q in bank.questions:
        if q.type == "single":
            assert sum(grade(q, i).correct for i in range(len(q.options))) == 1
        elif q.type == "multiple":
            subsets = [
                s
                for r in range(1, len(q.options) + 1)
                for s in itertools.combinations(range(len(q.options)), r)
            ]
            assert sum(grade(q, s).correct for s in subsets) == 1
        elif q.type == "ordering":
            perms = list(itertools.permutations(range(len(q.items))))
            assert sum(grade(q, p).correct for p in perms) == 1
