"""Live Jupyter: "New numbers" on a generated question draws a fresh variant that the kernel grades."""

from __future__ import annotations

from pathlib import Path

from immunokit.markup import inline_html
from immunokit.quiz import Quiz

BANK = Path(__file__).resolve().parents[1] / "book" / "ch08_side_effects.quiz.yml"


def test_new_numbers_shows_and_grades_a_fresh_variant() -> None:
    quiz = Quiz.from_bank(BANK, ["ch08-new-patient-ice", "ch08-tocilizumab-il6-rises"])
    view = quiz.widget()
    part = view.parts["ch08-new-patient-ice"]
    assert "new" in part.controls and "new" not in view.parts["ch08-tocilizumab-il6-rises"].controls
    first = quiz.question("ch08-new-patient-ice")
    prompts = {first.prompt}
    for _ in range(4):
        part.click("new")
        q = quiz.question("ch08-new-patient-ice")
        assert inline_html(q.prompt) in part.text() and q.prompt not in prompts  # the new stem is shown
        prompts.add(q.prompt)
        # the kernel grades against the new variant's answer, computed by toxicity.ice_score
        part.set("answer", f"{q.answer:g}")
        assert part.click("check").verdict.startswith("✓")
        part.click("retry")
        part.set("answer", f"{q.answer + 1:g}")
        assert part.click("check").verdict.startswith("✗")
    assert len(quiz.results()) == 8
