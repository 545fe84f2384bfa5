"""Question banks: malformed banks fail with specific messages naming file, question and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from immunokit.quiz import BankError, Quiz, check_bank, check_banks, load_bank, schema
from immunokit_instructor.quiz.__main__ import main

FIXTURES = Path(__file__).parent / "fixtures" / "quiz"
BAD = FIXTURES / "bad"
EXAMPLE = FIXTURES / "example.quiz.yml"
BOOK = Path(__file__).resolve().parents[1] / "book"

#: Every malformed fixture bank and the exact messages it must produce (all of them, in order).
EXPECTED: dict[str, list[str]] = {
    "unknown_type": [
        "unknown_type.quiz.yml: question 'ch01-kind' (no. 1), field 'type': unknown question type "
        "'truefalse'; use one of: single, multiple, numeric, ordering, written",
    ],
    "no_correct": [
        "no_correct.quiz.yml: question 'ch01-target' (no. 1), field 'options': no option is marked correct: "
        "a single-choice question needs exactly one",
    ],
    "two_correct": [
        "two_correct.quiz.yml: question 'ch01-target' (no. 1), field 'options': 2 options are marked correct: "
        "a single-choice question needs exactly one (use type: multiple for several)",
    ],
    "duplicate_id": [
        "duplicate_id.quiz.yml: question 'ch01-target' (no. 2), field 'id': duplicate id 'ch01-target' "
        "(also question no. 1)",
    ],
    "tolerance_missing": [
        "tolerance_missing.quiz.yml: question 'ch04-dose' (no. 1), field 'tolerance': missing: give "
        "'tolerance' (absolute, in units) or 'tolerance_percent'",
    ],
    "feedback_missing": [
        "feedback_missing.quiz.yml: question 'ch01-target' (no. 1), field 'options[1].feedback': missing "
        "(every option needs feedback that says why it is right or wrong)",
    ],
    "ordering_correct": [
        "ordering_correct.quiz.yml: question 'ch05-steps' (no. 1), field 'items[0].correct': an ordering "
        "question has no correct option: list the items as plain text in the correct order (they are "
        "shuffled for display)",
    ],
    "objective_format": [
        "objective_format.quiz.yml: question 'ch01-target' (no. 1), field 'objective': 'objective 2' is not "
        "valid: an objective id is the chapter id, '-o' and a number (ch04-o2)",
    ],
    "yaml_syntax": [
        "yaml_syntax.quiz.yml: YAML syntax error at line 6, column 26: mapping values are not allowed here "
        "(a ': ' inside unquoted text starts a mapping: put the text in quotes)",
    ],
    "duplicate_key": [
        "duplicate_key.quiz.yml: YAML syntax error at line 11, column 9: key 'correct' appears twice in one "
        "mapping (first on line 10)",
    ],
    "field_of_other_type": [
        "field_of_other_type.quiz.yml: question 'ch04-dose' (no. 1), field 'options': does not belong in a "
        "numeric question",
    ],
    "unquoted_yes": [
        "unquoted_yes.quiz.yml: question 'ch02-gvl' (no. 1), field 'options[0].text': must be text, not the "
        "boolean true (YAML reads an unquoted yes/no/on/off/true/false as true or false: quote the text)",
        "unquoted_yes.quiz.yml: question 'ch02-gvl' (no. 1), field 'options[1].text': must be text, not the "
        "boolean false (YAML reads an unquoted yes/no/on/off/true/false as true or false: quote the text)",
    ],
    "mistake_accepted": [
        "mistake_accepted.quiz.yml: question 'ch04-css' (no. 1), field 'mistakes[0].value': 600 is accepted "
        "as correct (583 ± 29.15), so this feedback could never show",
    ],
    "id_prefix": [
        "id_prefix.quiz.yml: question 'rituximab-target' (no. 1), field 'id': must start with the chapter id "
        "'ch03-' (ids are unique across the book)",
        "id_prefix.quiz.yml: question 'rituximab-target' (no. 1), field 'objective': 'ch04-o1' is an "
        "objective of another chapter; this bank is ch03",
    ],
    "tilde_approx": [
        "tilde_approx.quiz.yml: question 'ch04-halflife' (no. 1), field 'explanation': '~55 kDa chain with no "
        "Fc, so its t~' would print as a subscript; a pair of ~ marks a subscript (t~1/2~, 10^-4^): write "
        "'about' or ≈ for 'approximately'",
    ],
    "not_a_mapping": [
        "not_a_mapping.quiz.yml: the bank must be a mapping with 'chapter' and 'questions', not list",
    ],
    "level_missing": [
        "level_missing.quiz.yml: question 'ch01-target' (no. 1), field 'hint': missing (every question offers a "
        "hint that helps without giving the answer away)",
        "level_missing.quiz.yml: question 'ch01-target' (no. 1), field 'level': not allowed 'recall'; use one of: "
        "remember, understand, apply, analyse, evaluate, create",
    ],
    "cross_chapter": [
        "cross_chapter.quiz.yml: question 'ch03-revisit' (no. 1), field 'objective': 'ch01-o2' is an objective of "
        "another chapter; this bank is ch03 (to revisit an earlier chapter on purpose, add cross_chapter: true)",
        "cross_chapter.quiz.yml: question 'ch03-later' (no. 2), field 'objective': 'ch05-o1' is an objective of "
        "another chapter; this bank is ch03 (cross_chapter revisits only earlier chapters)",
        "cross_chapter.quiz.yml: question 'ch03-own' (no. 3), field 'cross_chapter': 'ch03-o1' is this chapter's "
        "own objective: remove cross_chapter",
    ],
    "written_incomplete": [
        "written_incomplete.quiz.yml: question 'ch06-weigh' (no. 1), field 'rubric': needs at least 2 entries, has 1",
        "written_incomplete.quiz.yml: question 'ch06-weigh' (no. 1), field 'options': does not belong in a written "
        "question",
    ],
    "many_problems": [
        "many_problems.quiz.yml: question 'ch05-costim' (no. 1), field 'explanation': missing (shown after "
        "any answer)",
        "many_problems.quiz.yml: question 'ch05-costim' (no. 1), field 'options[1].feedback': missing (every "
        "option needs feedback that says why it is right or wrong)",
        "many_problems.quiz.yml: question 'ch05-costim' (no. 1), field 'scoring': not allowed 'half'; use one "
        "of: all-or-nothing, partial",
        "many_problems.quiz.yml: question 'ch05-Bad_Id' (no. 2), field 'id': 'ch05-Bad_Id' is not valid: an id "
        "is kebab-case: lowercase letters, digits and single hyphens (ch04-halflife)",
        "many_problems.quiz.yml: question 'ch05-Bad_Id' (no. 2), field 'items': needs at least 2 entries, has 1",
    ],
}


def test_every_bad_fixture_has_an_expectation() -> None:
    names = {p.name.removesuffix(".quiz.yml") for p in BAD.glob("*.quiz.yml")}
    assert names == set(EXPECTED)
    assert len(names) >= 10


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_bank_fails_with_the_expected_messages(name: str) -> None:
    path = BAD / f"{name}.quiz.yml"
    with pytest.raises(BankError) as info:
        load_bank(path)
    assert info.value.messages == EXPECTED[name]
    # The exception text names the file and lists every message.
    text = str(info.value)
    assert str(path) in text.splitlines()[0]
    for message in EXPECTED[name]:
        assert f"  - {message}" in text


def test_quiz_from_an_invalid_bank_raises_the_same_error() -> None:
    with pytest.raises(BankError, match="no option is marked correct"):
        Quiz.from_bank(BAD / "no_correct.quiz.yml")


def test_missing_bank_file_says_where_it_looked() -> None:
    with pytest.raises(FileNotFoundError, match=r"nope\.quiz\.yml.*working directory"):
        Quiz.from_bank("nope.quiz.yml")


def test_schema_is_a_valid_json_schema_and_accepts_the_example() -> None:
    Draft202012Validator.check_schema(schema())
    data, messages = check_bank(EXAMPLE)
    assert messages == []
    assert data is not None and {q["type"] for q in data["questions"]} == {
        "single",
        "multiple",
        "numeric",
        "ordering",
    }


def test_example_bank_loads_typed_questions() -> None:
    bank = load_bank(EXAMPLE)
    css = bank.get("ch00-css")
    assert css.type == "numeric" and css.tolerance_percent == 5 and css.units == "pg/mL"
    assert css.absolute_tolerance == pytest.approx(583.33 * 0.05)
    assert bank.get("ch00-blina-facts").scoring == "partial"
    assert bank.get("ch00-b-antigens").scoring == "all-or-nothing"  # the default, stated on screen
    with pytest.raises(KeyError, match="no question 'ch00-nope'"):
        bank.get("ch00-nope")


def test_objectives_are_checked_against_the_chapter_notebook(tmp_path: Path) -> None:
    bank = tmp_path / "ch00_example.quiz.yml"
    bank.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    notebook = {
        "cells": [
            {
                "cell_type": "markdown",
                "metadata": {},
                "source": [
                    "## What you will learn\n",
                    "- `ch00-o1` Explain the schedule.\n",
                    "- `ch00-o2` Name targets.\n",
                    "- `ch00-o3` Compute a steady state.\n",
                ],
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (tmp_path / "ch00_example.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    _data, messages = check_bank(bank)
    assert messages == [
        "ch00_example.quiz.yml: question 'ch00-cart-steps' (no. 6), field 'objective': 'ch00-o4' is not among "
        "the chapter's objectives (ch00-o1, ch00-o2, ch00-o3)"
    ]


def test_citation_keys_are_checked_against_references_bib(tmp_path: Path) -> None:
    (tmp_path / "references.bib").write_text("@article{other2020key,\n  title = {X},\n  year = {2020}\n}\n")
    bank = tmp_path / "ch00_example.quiz.yml"
    bank.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    _data, messages = check_bank(bank)
    assert messages == [
        "ch00_example.quiz.yml: question 'ch00-continuous' (no. 1), field 'cite': unknown citation key "
        "'zhu2016blinatumomab': not in references.bib"
    ]


def test_ids_must_be_unique_across_banks(tmp_path: Path) -> None:
    copy = tmp_path / "copy.quiz.yml"
    copy.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    messages = check_banks([EXAMPLE, copy])
    assert len(messages) == 6
    assert messages[0] == (
        "copy.quiz.yml: question 'ch00-continuous', field 'id': duplicate id across the book "
        "(also in example.quiz.yml)"
    )


def test_validate_command_lists_every_problem_and_exits_nonzero(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(
        ["validate", str(EXAMPLE), str(BAD / "many_problems.quiz.yml"), str(BAD / "no_correct.quiz.yml")]
    )
    err = capsys.readouterr().err
    assert status == 1
    for message in EXPECTED["many_problems"] + EXPECTED["no_correct"]:
        assert message in err
    assert "6 problem(s) in 3 bank(s)" in err


def test_validate_command_accepts_a_valid_bank(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(EXAMPLE)]) == 0
    assert "1 bank(s) valid" in capsys.readouterr().out


BOOK_BANKS = sorted(BOOK.glob("*.quiz.yml"))


@pytest.mark.skipif(not BOOK_BANKS, reason="no chapter question banks in book/ yet")
def test_every_chapter_bank_of_the_book_is_valid_and_ids_are_unique_across_the_book() -> None:
    assert check_banks(BOOK_BANKS) == []
