"""The static HTML of a quiz: escaping, grading data, unique ids, valid HTML (Nu Html Checker)."""

from __future__ import annotations

import html.parser
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from immunokit.citations import cite_html
from immunokit.quiz import Quiz, load_bank
from immunokit.quiz.static import quiz_data

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "quiz"
EXAMPLE = FIXTURES / "example.quiz.yml"
SPECIAL = FIXTURES / "gift_special.quiz.yml"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


class _Collector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.tags: list[str] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"])
        if tag == "script":
            self._in_script = a

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            self.scripts.append((self._in_script, data))


def parse(markup: str) -> _Collector:
    c = _Collector()
    c.feed(markup)
    return c


def test_bank_text_is_escaped_never_executed() -> None:
    markup = Quiz.from_bank(SPECIAL).to_html()
    page = parse(markup)
    # The only script element is the JSON data block.
    assert [attrs.get("type") for attrs, _ in page.scripts] == ["application/json"]
    assert "<script>alert(1)</script>" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup


def test_grading_data_cannot_close_its_script_element(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("units: pg/mL", 'units: "pg/mL</script><b>"')
    bank = tmp_path / "x.quiz.yml"
    bank.write_text(text, encoding="utf-8")
    markup = Quiz.from_bank(bank).to_html()
    ((_attrs, data),) = parse(markup).scripts
    assert "</script>" not in data
    assert json.loads(data)["questions"][4]["units"] == "pg/mL</script><b>"


def test_grading_data_lists_options_in_display_order() -> None:
    bank = load_bank(EXAMPLE)
    data = quiz_data(bank.questions)
    q = bank.get("ch00-continuous")
    entry = data["questions"][0]  # type: ignore[index]
    assert entry["order"] == q.display_order()
    assert entry["correct"] == [q.options[i].correct for i in q.display_order()]
    css = data["questions"][4]  # type: ignore[index]
    assert css["tol"] == pytest.approx(583.33 * 0.05) and css["mistakes"] == [[14.0, 0.5], [0.583, 0.03]]


def test_the_same_build_gives_the_same_html_and_ids_stay_unique_on_a_page() -> None:
    quiz = Quiz.from_bank(EXAMPLE)
    first = quiz.to_html()
    assert quiz.to_html() == first == Quiz.from_bank(EXAMPLE).to_html()  # no hidden state
    # The same bank twice on one page: the second quiz has its own uid, so no id repeats.
    again = Quiz.from_bank(EXAMPLE, uid="review").to_html()
    ids = parse(first + again).ids
    assert len(ids) == len(set(ids)) and "review" in ids

    def strip(markup: str) -> str:
        root = parse(markup).ids[0]  # the section's id prefixes every other id and input name
        return markup.replace(root, "ROOT")

    assert strip(first) == strip(again)


def test_markup_of_question_types() -> None:
    markup = Quiz.from_bank(EXAMPLE).to_html()
    assert markup.count("<fieldset") == 6 and markup.count("<legend>") == 6
    assert markup.count('type="radio"') == 4 and markup.count('type="checkbox"') == 7
    assert markup.count('inputmode="decimal"') == 2
    assert markup.count('class="ik-item"') == 6  # Move up / Move down buttons are added by the script
    assert "<button" not in markup  # no control that would do nothing without the script
    assert 'aria-live="polite"' in markup
    assert "Select all that apply. Partial credit: correct picks minus incorrect picks" in markup
    assert "Scored all-or-nothing: only the exact set of correct options scores." in markup
    assert "Type a number, in pg/mL." in markup
    assert '<p class="ik-quiz-score" hidden></p>' in markup  # written by the script
    # Without the script: each answer in a closed disclosure, and no mention of buttons.
    assert markup.count('<details class="ik-answer"><summary>Show the answer</summary>') == 6
    assert "<strong>Right order:</strong></p><ol><li>Leukapheresis</li>" in markup
    assert "Move up" not in markup and "Check" not in markup
    assert '<details class="ik-hint"><summary>Hint</summary>' in markup


@pytest.mark.skipif(
    not VNU.exists() or shutil.which("java") is None, reason="node_modules/vnu-jar or java missing"
)
def test_quiz_html_is_valid_for_the_nu_html_checker(tmp_path: Path) -> None:
    banks = [EXAMPLE, SPECIAL, *sorted((ROOT / "book").glob("*.quiz.yml"))]
    body = Quiz.from_bank(EXAMPLE, uid="again").to_html() + "".join(
        Quiz.from_bank(p).to_html() for p in banks
    )
    page = tmp_path / "quiz.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>quiz</title></head>'
        f"<body><main>{body}</main></body></html>",
        encoding="utf-8",
    )
    proc = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--stdout", str(page)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(proc.stdout)["messages"]
    assert [m for m in messages if m.get("type") == "error"] == []
    assert [m for m in messages if m.get("subType") == "warning"] == []


def test_citations_show_author_year_and_link_the_doi(tmp_path: Path) -> None:
    bib = tmp_path / "references.bib"
    bib.write_text(
        "@article{zhu2016,\n  author = {Zhu, Min and Wu, Benjamin and others},\n  year = {2016},\n"
        "  doi = {10.1007/s40262-016-0405-4}\n}\n"
        "@manual{bms2026,\n  author       = {{E.R. Squibb \\& Sons, L.L.C.}},\n  year = {2026}\n}\n"
        '@article{km1958,\n  author = {Kaplan, E. L. and Paul Meier},\n  year = "1958"\n}\n',
        encoding="utf-8",
    )
    assert (
        cite_html("zhu2016", bib)
        == 'Source: <a href="https://doi.org/10.1007/s40262-016-0405-4">Zhu et al. (2016)</a>.'
    )
    assert cite_html("bms2026", bib) == "Source: E.R. Squibb &amp; Sons, L.L.C. (2026)."
    assert cite_html("km1958", bib) == "Source: Kaplan and Meier (1958)."
    assert cite_html("missing2020", bib) == "Source: missing2020."
