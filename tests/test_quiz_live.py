"""The live quiz, driven like a student would: set widget values, click buttons, read the feedback."""

from __future__ import annotations

from pathlib import Path

import pytest

from immunokit.interactive import LiveView
from immunokit.quiz import Quiz

EXAMPLE = Path(__file__).parent / "fixtures" / "quiz" / "example.quiz.yml"


@pytest.fixture
def quiz() -> Quiz:
    return Quiz.from_bank(EXAMPLE)


def views(quiz: Quiz) -> dict[str, LiveView]:
    return quiz.widget().parts


def test_wrong_single_choice_shows_that_options_feedback_and_the_explanation(quiz: Quiz) -> None:
    v = views(quiz)["ch00-continuous"]
    v.set("answer", 1)  # bank index: "It is a living cell product..."
    v.click("check")
    html = v.state.html
    assert "✗ Not quite." in html
    assert "That describes CAR T cells" in html
    assert "Right. A short half-life" not in html  # only the chosen option's feedback
    assert "<strong>Explanation.</strong> Blinatumomab is one chain of two scFv" in html
    assert "t<sub>1/2</sub>" in html  # inline markup rendered
    assert quiz.score == 0 and quiz.results()[0]["status"] == "incorrect"
    # Locked until Try again.
    assert (
        v.controls["answer"].disabled
        and v.controls["check"].layout.display == "none"
        and v.controls["retry"].layout.display == ""
    )


def test_try_again_then_right_answer_scores(quiz: Quiz) -> None:
    view = quiz.widget()
    v = view.parts["ch00-continuous"]
    v.set("answer", 2)
    v.click("check")
    v.click("retry")
    assert v.state.html == "" and not v.controls["answer"].disabled
    v.set("answer", 0)
    v.click("check")
    assert "✓ Correct." in v.state.html and "✓ Right choice:" in v.state.html
    assert quiz.score == 1
    assert view.state.status == "Score: 1 of 6 (questions answered: 1)"
    assert [r["attempt"] for r in quiz.results()] == [1, 2]


def test_radio_options_follow_the_seeded_display_order(quiz: Quiz) -> None:
    v = views(quiz)["ch00-continuous"]
    q = quiz.question("ch00-continuous")
    assert [value for _label, value in v.controls["answer"].options] == q.display_order()
    assert v.controls["answer"].value is None  # nothing preselected


def test_checking_nothing_asks_for_an_answer_and_records_nothing(quiz: Quiz) -> None:
    v = views(quiz)["ch00-continuous"]
    v.click("check")
    assert "Choose an option." in v.state.html
    assert not v.controls["answer"].disabled and quiz.results() == []


def test_partial_multiple_select_shows_score_and_rule(quiz: Quiz) -> None:
    v = views(quiz)["ch00-blina-facts"]
    order = quiz.question("ch00-blina-facts").display_order()
    for k, bank_index in enumerate(order):
        v.set(f"option-{k + 1}", bank_index in (0, 2))  # one right, one wrong
    v.click("check")
    assert "✗ Not quite." in v.state.html
    assert "You chose 1 of the 2 correct options and 1 incorrect option." in v.state.html
    assert "ADCC needs an Fc region" in v.state.html
    v.click("retry")
    for k, bank_index in enumerate(order):
        v.set(f"option-{k + 1}", bank_index == 0)
    v.click("check")
    assert "◐ Partly right." in v.state.html and "Score 0.5 of 1" in v.state.html
    assert quiz.score == 0.5


def test_numeric_mistake_feedback_and_units(quiz: Quiz) -> None:
    v = views(quiz)["ch00-css"]
    v.set("answer", "0.58")
    v.click("check")
    assert "That is the concentration in µg/L" in v.state.html
    assert "You entered 0.58 pg/mL." in v.state.html
    v.click("retry")
    v.set("answer", "1,5")
    v.click("check")
    assert "Use a point as the decimal separator" in v.state.html and not v.controls["answer"].disabled
    v.set("answer", "583 pg/mL")
    v.click("check")
    assert "✓ Correct." in v.state.html and "28 µg/day = 1.167 µg/h" in v.state.html
    assert quiz.score == 1


def test_ordering_move_buttons_and_check(quiz: Quiz) -> None:
    v = views(quiz)["ch00-cart-steps"]
    order = quiz.question("ch00-cart-steps").display_order()
    assert [value for _l, value in v.controls["answer"].options] == order
    # Sort by repeatedly moving items: a student's bubble sort with the two buttons.
    for _ in range(len(order)):
        for k in range(len(order) - 1):
            values = [value for _l, value in v.controls["answer"].options]
            if values[k] > values[k + 1]:
                v.controls["answer"].value = values[k]
                v.click("down")
    assert [value for _l, value in v.controls["answer"].options] == [0, 1, 2, 3, 4, 5]
    v.click("check")
    assert "✓ Correct." in v.state.html and quiz.score == 1


def test_ordering_wrong_order_reports_items_in_place(quiz: Quiz) -> None:
    v = views(quiz)["ch00-cart-steps"]
    v.click("check")  # as shown, never solved
    assert "✗ Not quite." in v.state.html and "items are in the right place" in v.state.html


def test_hint_revealed_on_demand(quiz: Quiz) -> None:
    all_views = views(quiz)
    v = all_views["ch00-continuous"]
    assert v.state.hint == ""
    assert "Compare its size and structure" in v.click("hint").hint
    assert v.controls["hint"].disabled
    # every item has a hint (the bank requires one), so every question offers the button
    assert all(view.controls["hint"].layout.display != "none" for view in all_views.values())


def test_mimebundle_has_widget_and_static_html(quiz: Quiz) -> None:
    bundle = quiz._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
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
