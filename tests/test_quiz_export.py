"""Export for instructors: GIFT round-trips through a small GIFT parser; the answer key has every answer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from immunokit.markup import inline_html
from immunokit.quiz import load_bank
from immunokit_instructor.quiz.__main__ import main
from immunokit_instructor.quiz.export import answer_key, gift_escape, to_gift

FIXTURES = Path(__file__).parent / "fixtures" / "quiz"
SPECIAL = FIXTURES / "gift_special.quiz.yml"
EXAMPLE = FIXTURES / "example.quiz.yml"


# ---- a small GIFT parser (https://docs.moodle.org/en/GIFT_format), independent of the exporter ----

Token = tuple[str, bool]  # (character, was escaped)


def tokens(text: str) -> list[Token]:
    out: list[Token] = []
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append(("\n" if nxt == "n" else nxt, True))
            i += 2
        else:
            out.append((text[i], False))
            i += 1
    return out


def find(toks: list[Token], pattern: str, start: int = 0) -> int:
    """Index of the first unescaped occurrence of ``pattern`` at or after ``start``, or -1."""
    for i in range(start, len(toks) - len(pattern) + 1):
        if all(toks[i + k] == (pattern[k], False) for k in range(len(pattern))):
            return i
    return -1


def text(toks: list[Token]) -> str:
    return "".join(c for c, _ in toks).strip()


@dataclass
class GiftAnswer:
    marker: str
    weight: str | None
    text: str
    feedback: str | None


@dataclass
class GiftQuestion:
    title: str
    prompt: str
    numeric: bool
    answers: list[GiftAnswer] = field(default_factory=list)
    general: str | None = None


def parse_gift(source: str) -> list[GiftQuestion]:
    blocks = []
    for block in re.split(r"\n\s*\n", source):
        lines = [
            ln for ln in block.splitlines() if not ln.startswith("//") and not ln.startswith("$CATEGORY")
        ]
        if any(ln.strip() for ln in lines):
            blocks.append("\n".join(lines))
    questions = []
    for block in blocks:
        toks = tokens(block.strip())
        assert find(toks, "::") == 0, block
        end_title = find(toks, "::", 2)
        title = text(toks[2:end_title])
        rest = toks[end_title + 2 :]
        assert text(rest[:6]) == "[html]"
        rest = rest[6:]
        open_, close = find(rest, "{"), max(i for i, t in enumerate(rest) if t == ("}", False))
        assert find(rest, "{", open_ + 1) == -1, "an unescaped { inside a question"
        prompt, body = text(rest[:open_]), rest[open_ + 1 : close]
        q = GiftQuestion(title, prompt, numeric=False)
        start = next(i for i, (c, _e) in enumerate(body) if not c.isspace())
        if body[start] == ("#", False) and body[start + 1 : start + 4] != [("#", False)] * 3:
            q.numeric = True
            body = body[start + 1 :]
        general = find(body, "####")
        if general >= 0:
            q.general = text(body[general + 4 :])
            body = body[:general]
        marks = [i for i, t in enumerate(body) if t in (("=", False), ("~", False))]
        for a, b in zip(marks, [*marks[1:], len(body)], strict=True):
            entry = body[a + 1 : b]
            weight = None
            if entry and entry[0] == ("%", False):
                end = find(entry, "%", 1)
                weight, entry = text(entry[1:end]), entry[end + 1 :]
            hash_ = find(entry, "#")
            feedback = text(entry[hash_ + 1 :]) if hash_ >= 0 else None
            q.answers.append(
                GiftAnswer(body[a][0], weight, text(entry[:hash_] if hash_ >= 0 else entry), feedback)
            )
        questions.append(q)
    return questions


# ---- tests -------------------------------------------------------------------------------------


def test_gift_escape_every_special_character() -> None:
    assert gift_escape("~=#{}:\\") == "\\~\\=\\#\\{\\}\\:\\\\"
    assert gift_escape("a\nb") == "a\\nb"
    assert text(tokens(gift_escape("x ~ = # { } : \\ y"))) == "x ~ = # { } : \\ y"


def test_special_characters_round_trip_through_gift() -> None:
    bank = load_bank(SPECIAL)
    parsed = {q.title: q for q in parse_gift(to_gift(bank))}
    assert list(parsed) == [q.id for q in bank.questions]

    single = bank.get("ch00-gift-single")
    p = parsed[single.id]
    assert p.prompt == inline_html(single.prompt)
    assert "<script>" not in p.prompt and "&lt;script&gt;" in p.prompt
    assert p.general == inline_html(single.explanation)
    assert [(a.marker, a.text, a.feedback) for a in p.answers] == [
        ("=" if o.correct else "~", inline_html(o.text), inline_html(o.feedback)) for o in single.options
    ]

    multi = bank.get("ch00-gift-multiple")
    p = parsed[multi.id]
    assert [(a.marker, a.weight, a.text, a.feedback) for a in p.answers] == [
        ("~", "50" if o.correct else "-50", inline_html(o.text), inline_html(o.feedback))
        for o in multi.options
    ]

    num = bank.get("ch00-gift-numeric")
    p = parsed[num.id]
    assert p.numeric and p.prompt == inline_html(num.prompt + " (in pg/mL)")
    assert [(a.weight, a.text, a.feedback) for a in p.answers] == [
        (None, "250:2.5", inline_html(num.feedback_correct)),
        ("0", "0.25:0.01", inline_html(num.mistakes[0].feedback)),
    ]
    assert p.general == inline_html(num.explanation)

    order = bank.get("ch00-gift-order")
    p = parsed[order.id]  # a choice among sequences, all-or-nothing as in the book
    right = [a.text for a in p.answers if a.marker == "="]
    assert right == [inline_html(" → ".join(order.items))]
    assert len(p.answers) >= 2 and all(" → " in a.text for a in p.answers)


def test_multiple_select_weights_implement_the_partial_rule() -> None:
    bank = load_bank(EXAMPLE)
    parsed = {q.title: q for q in parse_gift(to_gift(bank))}
    weights = [float(a.weight or 0) for a in parsed["ch00-blina-facts"].answers]  # scoring: partial
    assert weights == pytest.approx([50, 50, -50, -50])
    # all-or-nothing (the default): one right set among the 7 sets of its 3 statements
    sets = parsed["ch00-b-antigens"].answers
    assert len(sets) == 7 and [a.marker for a in sets].count("=") == 1
    assert all(a.weight is None for a in sets)
    gift = to_gift(bank)
    assert "Scored all-or-nothing as in the book" in gift
    # tolerance_percent becomes an absolute tolerance: 5 % of 583.33
    assert "=583.33:29.1665#" in gift


def test_answer_key_lists_every_answer_and_explanation() -> None:
    bank = load_bank(EXAMPLE)
    key = answer_key(bank)
    for q in bank.questions:
        assert f"`{q.id}`" in key
        assert q.explanation.split()[0] in key
    assert "**✔ correct**: Its half-life is only about 2 hours." in key
    assert "**Answer:** 583.33 pg/mL (± 5%)" in key
    assert "- If 14 ± 0.5: You divided µg per *day*" in key
    steps = [
        "1. Leukapheresis",
        "2. T-cell activation",
        "3. Transfer of the CAR gene",
        "4. Expansion of the CAR T cells",
        "5. Lymphodepleting chemotherapy",
        "6. Infusion of the CAR T cells",
    ]
    assert "\n".join(steps) in key
    assert "C<sub>ss</sub>" in key  # ^sup^/~sub~ as HTML, the rest as Markdown


def test_answer_key_escapes_html() -> None:
    key = answer_key(load_bank(SPECIAL))
    assert "<script>" not in key and "&lt;script&gt;" in key


def test_export_command_writes_both_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gift, key = tmp_path / "out.gift", tmp_path / "key.md"
    assert main(["export", str(EXAMPLE), "--gift", str(gift), "--key", str(key)]) == 0
    assert len(parse_gift(gift.read_text(encoding="utf-8"))) == 6
    assert key.read_text(encoding="utf-8").startswith("# Answer key: example.quiz.yml (chapter ch00)")
    assert "wrote" in capsys.readouterr().out


def test_export_command_refuses_an_invalid_bank(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert (
        main(["export", str(FIXTURES / "bad" / "no_correct.quiz.yml"), "--gift", str(tmp_path / "x.gift")])
        == 1
    )
    assert "no option is marked correct" in capsys.readouterr().err
    assert not (tmp_path / "x.gift").exists()
    assert main(["export", str(EXAMPLE)]) == 2


# ---- every exported bank through pygiftparser, an independent GIFT parser from PyPI (pinned) ----

# SPECIAL (an escaped character in every field) is checked by the parser above instead: pygiftparser 1.1
# drops a numeric answer whose feedback contains an escaped "=", which is valid GIFT.
BANKS = [
    *sorted((Path(__file__).parents[1] / "book").glob("*.quiz.yml")),
    EXAMPLE,
    FIXTURES / "gift_edge.quiz.yml",
]


@pytest.mark.parametrize("path", BANKS, ids=lambda p: p.name)
def test_every_exported_bank_parses_with_pygiftparser(path: Path) -> None:
    import io

    from pygiftparser import parser

    bank = load_bank(path)
    gift = to_gift(bank)
    assert not re.search(
        r"\d[eE][+-]?\d", "".join(line for line in gift.splitlines() if line.startswith("\t="))
    ), "a number in exponent notation"
    parsed = parser.parseFile(io.StringIO(gift))
    assert [q.title for q in parsed] == [q.id for q in bank.questions]
    for question, got in zip(bank.questions, parsed, strict=True):
        assert got.valid, question.id
        if question.type == "written":  # an essay: no answers to compare, only its kind
            assert type(got.answers).__name__ == "Essay", question.id
            continue
        answers = got.answers.answers
        if question.type == "numeric":
            assert type(got.answers).__name__ == "NumericAnswerSet", question.id
            assert answers[0].value == pytest.approx(question.answer) and answers[0].fraction == 100
            assert answers[0].tolerance == pytest.approx(question.absolute_tolerance)
            assert [a.value for a in answers[1:]] == pytest.approx([m.value for m in question.mistakes])
        elif question.type == "multiple" and question.scoring != "partial":
            assert len(answers) == 2 ** len(question.options) - 1, question.id  # every set, one right
            assert [a.fraction for a in answers].count(100) == 1, question.id
        elif question.type in ("single", "multiple"):
            assert len(answers) == len(question.options), question.id
            correct = [a.fraction > 0 for a in answers]
            assert correct == [o.correct for o in question.options], question.id
            # no option text was taken for a weight: each keeps its own (escaped) text
            assert all(a.answer.strip() for a in answers), question.id


def test_options_beginning_with_percent_are_not_read_as_weights() -> None:
    gift = to_gift(load_bank(FIXTURES / "gift_edge.quiz.yml"))
    assert "\t=&\\#37;44 of patients" in gift and "\t~%50%&\\#37;50#" in gift
    assert "=0.00002:0.000001#" in gift and "=%0%20000000000:100000#" in gift
