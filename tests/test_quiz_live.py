"""The live quiz, driven like a student would: set widget values, click buttons, read the feedback."""

from __future__ import annotations

from pathlib import Path

import pytest

from immunokit.interactive import WIDGET_MIME
from immunokit.quiz import Quiz

EXAMPLE = Path(__file__).parent / "fixtures" / "quiz" / "example.quiz.yml"


@pytest.fixture
def quiz() -> Quiz:
    return Quiz.from_bank(EXAMPLE)


def views(quiz: Quiz):  # type: ignore[no-untyped-def]
    quiz.widget()
    return {v.q.id: v for v in quiz.views}


def test_wrong_single_choice_shows_that_options_feedback_and_the_explanation(quiz: Quiz) -> None:
    v = views(quiz)["ch00-continuous"]
    v.radio.value = 1  # bank index: "It is a living cell product..."
    v.check.click()
    html = v.feedback.value
    assert "✗ Not quite." in html
    assert "That describes CAR T cells" in html
    assert "Right. A short half-life" not in html  # only the chosen option's feedback
    assert "<strong>Explanation.</strong> Blinatumomab is one chain of two scFv" in html
    assert "t<sub>1/2</sub>" in html  # inline markup rendered
    assert quiz.score == 0 and quiz.results()[0]["status"] == "incorrect"
    # Locked until Try again.
    assert v.radio.disabled and v.check.layout.display == "none" and v.retry.layout.display == ""


def test_try_again_then_right_answer_scores(quiz: Quiz) -> None:
    box = quiz.widget()
    v = {x.q.id: x for x in quiz.views}["ch00-continuous"]
    v.radio.value = 2
    v.check.click()
    v.retry.click()
    assert v.feedback.value == "" and not v.radio.disabled
    v.radio.value = 0
    v.check.click()
    assert "✓ Correct." in v.feedback.value and "✓ Right choice:" in v.feedback.value
    assert quiz.score == 1
    assert "Score: 1 of 6" in box.score_label.value
    assert [r["attempt"] for r in quiz.results()] == [1, 2]


def test_radio_options_follow_the_seeded_display_order(quiz: Quiz) -> None:
    v = views(quiz)["ch00-continuous"]
    q = quiz.question("ch00-continuous")
    assert [value for _label, value in v.radio.options] == q.display_order()
    assert v.radio.value is None  # nothing preselected


def test_checking_nothing_asks_for_an_answer_and_records_nothing(quiz: Quiz) -> None:
    v = views(quiz)["ch00-continuous"]
    v.check.click()
    assert "Choose an option." in v.feedback.value
    assert not v.radio.disabled and quiz.results() == []


def test_partial_multiple_select_shows_score_and_rule(quiz: Quiz) -> None:
    v = views(quiz)["ch00-blina-facts"]
    order = quiz.question("ch00-blina-facts").display_order()
    for box, bank_index in zip(v.checkboxes, order, strict=True):
        box.value = bank_index in (0, 2)  # one right, one wrong
    v.check.click()
    assert "✗ Not quite." in v.feedback.value
    assert "You chose 1 of the 2 correct options and 1 incorrect option." in v.feedback.value
    assert "ADCC needs an Fc region" in v.feedback.value
    v.retry.click()
    for box, bank_index in zip(v.checkboxes, order, strict=True):
        box.value = bank_index == 0
    v.check.click()
    assert "◐ Partly right." in v.feedback.value and "Score 0.5 of 1" in v.feedback.value
    assert quiz.score == 0.5


def test_numeric_mistake_feedback_and_units(quiz: Quiz) -> None:
    v = views(quiz)["ch00-css"]
    v.text.value = "0.58"
    v.check.click()
    assert "That is the concentration in µg/L" in v.feedback.value
    assert "You entered 0.58 pg/mL." in v.feedback.value
    v.retry.click()
    v.text.value = "1,5"
    v.check.click()
    assert "Use a point as the decimal separator" in v.feedback.value and not v.text.disabled
    v.text.value = "583 pg/mL"
    v.check.click()
    assert "✓ Correct." in v.feedback.value and "28 µg/day = 1.167 µg/h" in v.feedback.value
    assert quiz.score == 1


def test_ordering_move_buttons_and_check(quiz: Quiz) -> None:
    v = views(quiz)["ch00-cart-steps"]
    order = quiz.question("ch00-cart-steps").display_order()
    assert [value for _l, value in v.order.options] == order
    # Sort by repeatedly moving items: a student's bubble sort with the two buttons.
    for _ in range(len(order)):
        for k in range(len(order) - 1):
            values = [value for _l, value in v.order.options]
            if values[k] > values[k + 1]:
                v.order.value = values[k]
                v.down.click()
    assert [value for _l, value in v.order.options] == [0, 1, 2, 3, 4, 5]
    v.check.click()
    assert "✓ Correct." in v.feedback.value and quiz.score == 1


def test_ordering_wrong_order_reports_items_in_place(quiz: Quiz) -> None:
    v = views(quiz)["ch00-cart-steps"]
    v.check.click()  # as shown, never solved
    assert "✗ Not quite." in v.feedback.value and "items are in the right place" in v.feedback.value


def test_hint_revealed_on_demand(quiz: Quiz) -> None:
    all_views = views(quiz)
    v = all_views["ch00-continuous"]
    assert v.hint.value == "" and v.hint.layout.display == "none"
    v.hint_button.click()
    assert "Compare its size and structure" in v.hint.value and v.hint.layout.display == ""
    # every item has a hint (the bank requires one), so every question offers the button
    assert all(view.hint_button.layout.display == "" for view in all_views.values())


def test_mimebundle_has_widget_and_static_html(quiz: Quiz) -> None:
    bundle = quiz._repr_mimebundle_()
    assert WIDGET_MIME in bundle
    assert bundle["text/html"].startswith('<section class="ik-quiz"')
    assert bundle["text/plain"].startswith("<Quiz example.quiz.yml: 6 questions, score: 0 of 6>")


def test_from_bank_selects_ids_in_the_given_order() -> None:
    quiz = Quiz.from_bank(EXAMPLE, ids=["ch00-css", "ch00-continuous"])
    assert [q.id for q in quiz.questions] == ["ch00-css", "ch00-continuous"]
    with pytest.raises(Exception, match="no question with id 'ch00-nope'"):
        Quiz.from_bank(EXAMPLE, ids=["ch00-nope"])


def test_widget_labels_keep_super_and_subscripts_readable() -> None:
    from immunokit.quiz.live import widget_text

    assert widget_text("MRD below 10^-4^") == "MRD below 10⁻⁴"  # never "10-4"
    assert widget_text("C~ss~ = R~0~ / CL") == "C_ss = R₀ / CL"
    assert widget_text("**CD3ζ** and `scFv`") == "CD3ζ and scFv"
