"""The clinical data layer (book/data): validation, the {fact} role, bank placeholders, staleness and the
consistency check that stops a number in prose or a bank from contradicting the data."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from immunokit import facts
from immunokit.quiz.bank import BankError, load_bank

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "facts"
BIB = ROOT / "book" / "references.bib"
TODAY = dt.date(2026, 11, 27)


def problems(folder: str) -> list[str]:
    _, messages, _ = facts.check(FIXTURES / folder, bibfile=BIB, today=TODAY)
    return messages


# ---- the real data layer ---------------------------------------------------------------------------


def test_the_book_data_layer_is_valid_and_every_source_is_in_the_bibliography() -> None:
    table = facts.load()
    assert len(table) >= 10
    bib = set(re.findall(r"^@\w+\{([^,\s]+),", BIB.read_text(encoding="utf-8"), re.M))
    assert {f.source for f in table.values()} <= bib
    assert {p.stem for p in table.files} >= {"drugs", "trials", "antigens", "grading", "dosing"}


def test_accessor_for_notebooks_and_models() -> None:
    assert facts.value("e1910-hr-nejm") == 0.41
    assert facts.get("e1910-hr-fda").value == 0.42
    assert facts.text("e1910-os3-blina") == "85 %"
    with pytest.raises(facts.FactsError, match="unknown fact id 'e1910-hr-typo'"):
        facts.value("e1910-hr-typo")


# ---- schema and semantic errors name file, entry and field -----------------------------------------


def test_missing_field_names_file_entry_and_field() -> None:
    assert problems("missing_field") == [
        "trials.yml: entry 2 ('no-source'), field '(the entry)': missing required field 'source'"
    ]


def test_bad_values_each_named() -> None:
    found = problems("bad_values")
    expected = [
        "dosing.yml: entry 1 ('unknown-source'), field 'source': unknown source key 'nobody2099madeup'",
        "dosing.yml: entry 2 ('not-a-date'), field 'checked': '2026-02-30' is not a real date",
        "dosing.yml: entry 3 ('Bad_Id'), field 'id': 'Bad_Id' is not a kebab-case id",
        "dosing.yml: entry 4 ('wrong-type'), field 'value': [1, 2] is not of type",
        "dosing.yml: entry 5 ('two-groups'), field 'patterns.0': needs exactly one capture group",
        "dosing.yml: entry 6 ('typo-field'), field '(the entry)': unknown field(s) 'sorce'",
    ]
    for start in expected:
        assert any(m.startswith(start) for m in found), (start, found)
    assert len(found) == len(expected), found


def test_duplicate_id_across_files() -> None:
    assert problems("duplicates") == ["b.yml: entry 1 ('same-id'), field 'id': duplicate id (also in a.yml)"]


def test_key_written_twice_is_a_yaml_error_with_its_line() -> None:
    (message,) = problems("yaml_error")
    assert message.startswith("antigens.yml: YAML syntax error at line 7")
    assert "'value' appears twice" in message


def test_a_date_in_the_future_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "grading.yml").write_text(
        "version: 1\nkind: grading\nfacts:\n  - {id: later, label: checked tomorrow, value: 1,"
        " source: lee2019astct, checked: 2026-11-28}\n",
        encoding="utf-8",
    )
    _, messages, _ = facts.check(tmp_path, bibfile=BIB, today=TODAY)
    assert messages == ["grading.yml: entry 1 ('later'), field 'checked': 2026-11-28 is in the future"]


def test_a_clean_check_is_kept_between_processes_and_never_hides_a_later_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new process reads a clean data layer's entries from the cache instead of parsing and validating
    again; any change of a file, of the bibliography's keys or of the day is checked afresh."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    data = tmp_path / "data"
    data.mkdir()
    entry = "version: 1\nkind: grading\nfacts:\n  - {{id: later, label: a grade, value: {v}, source: lee2019astct, checked: {d}}}\n"
    (data / "grading.yml").write_text(entry.format(v=1, d="2026-11-27"), encoding="utf-8")
    first, messages, _ = facts.check(data, bibfile=BIB, today=TODAY)
    assert messages == [] and len(list((tmp_path / "cache" / "immunokit").glob("facts-*.json"))) == 1
    again, messages, _ = facts.check(data, bibfile=BIB, today=TODAY)
    assert messages == [] and again == first
    (data / "grading.yml").write_text(entry.format(v=2, d="2026-11-28"), encoding="utf-8")
    _, messages, _ = facts.check(data, bibfile=BIB, today=TODAY)
    assert messages == ["grading.yml: entry 1 ('later'), field 'checked': 2026-11-28 is in the future"]
    (data / "grading.yml").write_text(entry.format(v=1, d="2026-11-27"), encoding="utf-8")
    _, messages, _ = facts.check(data, bibfile=BIB, today=dt.date(2026, 11, 26))
    assert messages == ["grading.yml: entry 1 ('later'), field 'checked': 2026-11-27 is in the future"]


def test_validate_command_exits_nonzero_and_lists_problems() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "immunokit.facts", "--data", str(FIXTURES / "bad_values"), "validate"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 1
    assert "6 problems in the clinical data layer" in proc.stderr
    assert "entry 1 ('unknown-source'), field 'source'" in proc.stderr
    assert "Traceback" not in proc.stderr


# ---- staleness ------------------------------------------------------------------------------------


def test_stale_lists_facts_not_rechecked_for_more_than_twelve_months() -> None:
    table = facts.load()
    newest = max(f.checked for f in table.values())
    oldest = min(f.checked for f in table.values())
    assert facts.stale(12, today=newest, facts=table) == [] or oldest < newest
    a_year_later = dt.date(newest.year + 1, newest.month, min(newest.day, 28)) + dt.timedelta(days=5)
    assert {f.id for f in facts.stale(12, today=a_year_later, facts=table)} >= {
        f.id for f in table.values() if f.checked == newest
    }
    proc = subprocess.run(
        [sys.executable, "-m", "immunokit.facts", "stale", "--months", "12", "--today", str(a_year_later)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 1
    assert "e1910-hr-nejm" in proc.stdout
    assert "not re-checked for more than 12 months" in proc.stdout


# ---- bank placeholders -----------------------------------------------------------------------------


BANK = """chapter: ch04
questions:
  - id: ch04-facts-{n}
    objective: ch04-o4
    level: understand
    hint: Read the trial's hazard ratio in the chapter.
    type: numeric
    prompt: "E1910's hazard ratio for death was {{fact:e1910-hr-nejm}}; the 3-year survival {{fact:e1910-os3-blina}}."
    explanation: "The FDA's analysis gave {{fact:e1910-hr-fda:value}}."
    answer: "{{fact:e1910-hr-nejm:value}}"
    tolerance: 0.005
    units: ""
    feedback_correct: Right.
    feedback_incorrect: Read the trial's hazard ratio again.
"""


def _bank(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ch04_bispecific_engagers.quiz.yml"
    path.write_text(text, encoding="utf-8")
    shutil.copy(BIB, tmp_path / "references.bib")
    return path


def test_bank_placeholders_are_expanded_for_text_answers_and_export(tmp_path: Path) -> None:
    bank = load_bank(_bank(tmp_path, BANK.format(n=1)), objectives={"ch04-o4"})
    (q,) = bank.questions
    assert q.prompt == "E1910's hazard ratio for death was 0.41; the 3-year survival 85 %."
    assert q.explanation == "The FDA's analysis gave 0.42."
    assert q.answer == pytest.approx(0.41)
    from immunokit_instructor.quiz.export import to_gift

    gift = to_gift(bank)
    assert "0.41" in gift and "{fact:" not in gift


def test_unknown_placeholder_names_the_question_and_field(tmp_path: Path) -> None:
    text = BANK.format(n=2).replace("{fact:e1910-hr-fda:value}", "{fact:e1910-hr-nope}")
    with pytest.raises(BankError) as err:
        load_bank(_bank(tmp_path, text), objectives={"ch04-o4"})
    assert (
        "question 'ch04-facts-2' (no. 1), field 'explanation': unknown fact id in placeholder "
        "{fact:e1910-hr-nope}" in str(err.value)
    )


# ---- the {fact} role in a Sphinx build -------------------------------------------------------------


def _sphinx(tmp_path: Path, body: str) -> subprocess.CompletedProcess[str]:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        "extensions = ['myst_parser', 'immunokit_build.sphinx.facts']\nhtml_theme = 'basic'\n",
        encoding="utf-8",
    )
    (src / "index.md").write_text(f"# Facts\n\n{body}\n", encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(src), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def test_role_renders_value_and_unit(tmp_path: Path) -> None:
    proc = _sphinx(
        tmp_path,
        "Hazard ratio {fact}`e1910-hr-nejm`, survival {fact}`e1910-os3-blina`, bare {fact}`e1910-os3-blina:value`.",
    )
    assert proc.returncode == 0, proc.stderr
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", html)
    assert "Hazard ratio 0.41, survival 85 %, bare 85." in text
    assert 'class="ik-fact ik-fact--e1910-hr-nejm"' in html


def test_role_with_an_unknown_id_fails_the_build(tmp_path: Path) -> None:
    proc = _sphinx(tmp_path, "Hazard ratio {fact}`e1910-hr-typo`.")
    assert proc.returncode != 0
    assert "unknown fact id 'e1910-hr-typo'" in proc.stderr


@pytest.mark.build
def test_role_renders_in_the_built_book(built_book: Path) -> None:
    page = (built_book / "book" / "ch04_bispecific_engagers.html").read_text(encoding="utf-8")
    assert re.search(r'class="ik-fact ik-fact--e1910-hr-nejm">0\.41<', page)
    assert "{fact}" not in page


# ---- consistency: a number in prose or a bank that contradicts the data layer ------------------------


def test_no_chapter_page_or_bank_contradicts_the_data_layer() -> None:
    assert facts.contradictions(facts.book_sources()) == []


def test_consistency_check_fails_on_a_contradicting_fixture() -> None:
    found = facts.contradictions(sorted((FIXTURES / "contradiction").iterdir()))
    assert len(found) == 2, found
    page, bank = sorted(found)
    assert page.startswith("ch99_fixture.md: ") and "says '0.52' but fact 'e1910-hr-nejm' is '0.41'" in page
    assert bank.startswith("ch99_fixture.quiz.yml: ") and "says '0.45'" in bank
    assert "litzow2024e1910" in page


def test_every_pattern_finds_its_fact_somewhere_in_the_book() -> None:
    """A pattern that matches nothing guards nothing: each must find its fact at least once."""
    table = facts.current()
    texts = [body for p in facts.book_sources() for _, body in facts._texts(p)]
    texts = [facts.rendered(t, table) for t in texts]
    dead = [
        (f.id, p)
        for f in table.values()
        for p in f.patterns
        if not any(re.search(p, t, re.IGNORECASE | re.DOTALL) for t in texts)
    ]
    assert dead == []


# ---- "Evidence reviewed" on every chapter page -----------------------------------------------------


def test_every_chapter_has_an_evidence_reviewed_date_from_the_data_layer() -> None:
    from immunokit_build.sphinx.reviewed import reviewed_text

    chapters = sorted({p.name[:4] for p in (ROOT / "book").glob("ch[0-9][0-9]_*.ipynb")})
    assert chapters
    texts = {ch: reviewed_text(ch) for ch in chapters}
    assert all(re.fullmatch(r"Evidence reviewed: [A-Z][a-z]+ 20\d\d", t) for t in texts.values()), texts
    table = facts.current()
    latest = max(f.checked for f in table.values() if "ch04" in f.chapters)
    assert texts["ch04"] == f"Evidence reviewed: {latest:%B %Y}"
    assert reviewed_text("ch99") == "Evidence reviewed: not yet recorded"


def test_reviewed_line_is_rendered_under_a_chapter_title(tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "book").mkdir(parents=True)
    (src / "conf.py").write_text(
        "extensions = ['myst_parser', 'immunokit_build.sphinx.facts', 'immunokit_build.sphinx.reviewed']\n"
        "html_theme = 'basic'\n",
        encoding="utf-8",
    )
    (src / "index.md").write_text(
        "# Book\n\n```{toctree}\nbook/ch04_test\nbook/what-changed\n```\n", encoding="utf-8"
    )
    (src / "book" / "ch04_test.md").write_text("# A chapter\n\nText.\n", encoding="utf-8")
    (src / "book" / "what-changed.md").write_text("# What changed\n\nNothing.\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(src), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    html = (tmp_path / "out" / "book" / "ch04_test.html").read_text(encoding="utf-8")
    text = " ".join(re.sub(r"<[^>]+>", " ", html).replace("¶", "").split())
    from immunokit_build.sphinx.reviewed import reviewed_text

    assert f"A chapter {reviewed_text('ch04')} · what changed" in text
    assert 'href="what-changed.html"' in html
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "Evidence reviewed" not in index


@pytest.mark.build
def test_every_chapter_page_of_the_built_book_shows_its_review_date(built_book: Path) -> None:
    pages = sorted((built_book / "book").glob("ch[0-9][0-9]_*.html"))
    assert len(pages) >= 10
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert re.search(r'class="ik-evidence-reviewed">Evidence reviewed: [A-Z][a-z]+ 20\d\d', html), (
            page.name
        )
        assert 'href="what-changed.html"' in html, page.name
    assert (built_book / "book" / "what-changed.html").exists()


# ---- every fact rests on a document that can be opened ------------------------------------------------


def test_every_fact_source_carries_a_doi_pmid_or_url() -> None:
    assert facts.unresolvable_sources(facts.load(), bibfile=BIB) == []


def test_check_refuses_a_fact_whose_source_cannot_be_opened(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{good2020x,\n  author = {A, B},\n  title = {T},\n  year = {2020},\n  doi = {10.1/x}\n}\n"
        "@misc{bare2020y,\n  author = {C, D},\n  title = {Only a title},\n  year = {2020},\n  note = {no link}\n}\n",
        encoding="utf-8",
    )
    data = tmp_path / "data"
    data.mkdir()
    (data / "trials.yml").write_text(
        "version: 1\nkind: trials\nfacts:\n"
        "  - {id: fine, label: A fact with an openable source, value: 1, source: good2020x, checked: 2026-11-01}\n"
        "  - {id: unopenable, label: A fact whose source has no link, value: 2, source: bare2020y, checked: 2026-11-01}\n",
        encoding="utf-8",
    )
    table = facts.load(data, bibfile=bib, today=TODAY)
    found = facts.unresolvable_sources(table, bibfile=bib)
    assert len(found) == 1, found
    assert found[0].startswith("trials.yml: fact 'unopenable': source 'bare2020y' has no DOI, PMID or URL")
    proc = subprocess.run(
        [sys.executable, "-m", "immunokit.facts", "--data", str(data), "--bib", str(bib), "check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "fact 'unopenable': source 'bare2020y' has no DOI, PMID or URL" in proc.stdout
    assert "1 fact(s) whose source cannot be opened" in proc.stdout
