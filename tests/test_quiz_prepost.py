"""The pre/post concept inventory (issue 23): two parallel forms, and an item-level report of a class.

The forms are read back from the exported files (QTI by an independent reader, GIFT by pygiftparser); the
report is checked against gains computed here, with numpy, from a synthetic class.
"""

from __future__ import annotations

import csv
import io
import random
import re
from pathlib import Path

import numpy as np
import pytest
from test_quiz_lms_scoring import _local, qti_fields, qti_items, qti_score

from immunokit.quiz import grade
from immunokit.quiz.generators import variants
from immunokit_instructor.quiz.__main__ import main
from immunokit_instructor.quiz.prepost import (
    MAX_ITEMS,
    MIN_ITEMS,
    PrepostError,
    build_forms,
    course_parts,
    read_results,
)

ROOT = Path(__file__).resolve().parents[1]
SECRET = "a secret for the test class"


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("prepost")
    assert main(["prepost", "--seed", SECRET, "--out", str(out)]) == 0
    return out


def test_forms_cover_every_part_with_different_secure_variants_on_a_and_b() -> None:
    items = build_forms(ROOT, SECRET, 12)
    assert MIN_ITEMS <= len(items) <= MAX_ITEMS
    assert {i.part for i in items} == {caption for caption, _ in course_parts(ROOT)}
    assert len({i.base.id for i in items}) == len(items)
    for i in items:
        assert i.base.generator is not None
        assert i.params_a != i.params_b, i.base.id  # never the same variant on both forms
        public = {v.key for _, v in zip(range(20), variants(i.base.generator, i.base.id), strict=False)}
        assert i.params_a not in public and i.params_b not in public, i.base.id
    assert [i.params_a for i in build_forms(ROOT, SECRET, 12)] == [i.params_a for i in items]  # reproducible
    assert [i.params_a for i in build_forms(ROOT, "another secret", 12)] != [i.params_a for i in items]
    with pytest.raises(PrepostError, match="between 10 and 14"):
        build_forms(ROOT, SECRET, 20)


def test_exported_forms_ask_the_same_items_with_different_numbers_and_keys(forms: Path) -> None:
    from pygiftparser import parser

    items = build_forms(ROOT, SECRET, 12)
    header = (forms / "results-template.csv").read_text(encoding="utf-8").strip().split(",")
    assert header == ["student", *(i.base.id for i in items)]
    read = {form: qti_items(forms / f"form-{form}.zip") for form in "AB"}
    for form, (qti, meta) in read.items():
        assert list(qti) == header[1:]
        assert meta["show_correct_answers"] == "false"
        gift = parser.parseFile(io.StringIO((forms / f"form-{form}.gift").read_text(encoding="utf-8")))
        assert [g.title for g in gift] == header[1:]
        key = (forms / f"form-{form}-key.md").read_text(encoding="utf-8")
        for i in items:
            q = i.form_a if form == "A" else i.form_b
            assert f"`{i.base.id}`" in key
            item = qti[i.base.id]
            if q.type == "numeric":  # the exported range scores this form's own answer right
                assert qti_score(item, q.answer) == grade(q, q.answer).score == 1
            else:
                assert qti_fields(item)["question_type"] == "multiple_choice_question"
    prompts = {
        form: {
            t: " ".join(m.text or "" for m in item.iter() if _local(m.tag) == "mattext")
            for t, item in read[form][0].items()
        }
        for form in "AB"
    }
    differ = [t for t in header[1:] if prompts["A"][t] != prompts["B"][t]]
    assert len(differ) == len(header) - 1  # every item has other numbers on form B


# ------------------------------------------------------------------------------------------------
# A synthetic class
# ------------------------------------------------------------------------------------------------

ITEMS = [f"item-{k:02d}" for k in range(1, 13)]


def _class(rng: random.Random) -> tuple[np.ndarray, np.ndarray]:
    """40 students × 12 items: before, mostly wrong; after, mostly right, one item learned nothing."""
    p_pre = np.linspace(0.1, 0.6, len(ITEMS))
    p_post = np.minimum(p_pre + np.linspace(0.5, 0.2, len(ITEMS)), 0.98)
    p_post[5] = p_pre[5]  # an item the course does not teach
    pre = np.array([[1.0 if rng.random() < p else 0.0 for p in p_pre] for _ in range(40)])
    post = np.array([[1.0 if rng.random() < p else 0.0 for p in p_post] for _ in range(40)])
    pre[3, 2] = 0.5  # partial credit
    return pre, post


def _write(path: Path, ids: list[str], scores: np.ndarray, blank: tuple[int, int] | None = None) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["student", *ITEMS])
        for sid, row in zip(ids, scores, strict=True):
            cells = [f"{v:g}" for v in row]
            if blank and sid == ids[blank[0]]:
                cells[blank[1]] = ""
            w.writerow([sid, *cells])


def _table(report: str) -> dict[str, list[str]]:
    rows = [ln for ln in report.splitlines() if ln.startswith("| item-")]
    return {cells[0]: cells[1:] for cells in ([c.strip() for c in ln.strip("|").split("|")] for ln in rows)}


def test_report_gives_each_items_pre_post_and_normalized_gain_of_a_class(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pre, post = _class(random.Random(23))
    students = [f"s{k:03d}" for k in range(40)]
    # one student missed the post-test, another joined late: neither counts
    _write(
        tmp_path / "pre.csv", [*students[:39], "late-leaver"], np.vstack([pre[:39], pre[39:]]), blank=(0, 4)
    )
    _write(tmp_path / "post.csv", [*students[:39], "late-joiner"], post)
    out = tmp_path / "report.md"
    assert (
        main(["prepost-report", str(tmp_path / "pre.csv"), str(tmp_path / "post.csv"), "--out", str(out)])
        == 0
    )
    printed = capsys.readouterr().out
    assert printed == out.read_text(encoding="utf-8")
    table = _table(printed)
    assert list(table) == ITEMS
    # expected, computed here over the 39 students in both files (the blank counts as 0)
    pre_m, post_m = pre[:39].copy(), post[:39]
    pre_m[0, 4] = 0.0
    pre_pc, post_pc = 100 * pre_m.mean(axis=0), 100 * post_m.mean(axis=0)
    for k, item in enumerate(ITEMS):
        got_pre, got_post, got_gain, band, blanks = table[item]
        assert float(got_pre) == pytest.approx(pre_pc[k], abs=0.05)
        assert float(got_post) == pytest.approx(post_pc[k], abs=0.05)
        gain = (post_pc[k] - pre_pc[k]) / (100 - pre_pc[k])
        assert float(got_gain) == pytest.approx(gain, abs=0.005)
        assert band == ("loss" if gain < 0 else "high" if gain >= 0.7 else "medium" if gain >= 0.3 else "low")
        assert blanks == ("1/0" if k == 4 else "0/0")
    class_gain = (post_pc.mean() - pre_pc.mean()) / (100 - pre_pc.mean())
    m = re.search(r"⟨g⟩ = (-?[0-9.]+)", printed)
    assert m and float(m.group(1)) == pytest.approx(class_gain, abs=0.005)
    assert "39 students in both" in printed and "late-leaver" in printed and "late-joiner" in printed
    assert table["item-06"][3] in {"low", "loss"}  # the untaught item stands out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "pre.csv:1: empty"),
        ("name,item-01\na,1\n", "pre.csv:1: the first column must be 'student'"),
        ("student,item-01,item-01\na,1,0\n", "pre.csv:1: item 'item-01' is a column twice"),
        ("student,item-01\na,yes\n", "pre.csv:2: item-01: 'yes' is not a score"),
        ("student,item-01\na,1\nb,2\n", "pre.csv:3: item-01: 2 is outside 0–1"),
        ("student,item-01\na,1\na,0\n", "pre.csv:3: student 'a' appears a second time"),
        ("student,item-01,item-02\na,1\n", "pre.csv:2: 2 cells, but the header has 3"),
        ("student,item-01\n,1\n", "pre.csv:2: no student identifier"),
    ],
)
def test_a_malformed_csv_is_named_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    (tmp_path / "pre.csv").write_text(content, encoding="utf-8")
    (tmp_path / "post.csv").write_text("student,item-01\na,1\n", encoding="utf-8")
    assert main(["prepost-report", str(tmp_path / "pre.csv"), str(tmp_path / "post.csv")]) == 1
    err = capsys.readouterr().err
    assert message in err and "no report written" in err


def test_both_files_must_ask_the_same_items_and_share_students(tmp_path: Path) -> None:
    from immunokit_instructor.quiz.prepost import compare

    (tmp_path / "pre.csv").write_text("student,item-01,item-02\na,1,0\n", encoding="utf-8")
    (tmp_path / "post.csv").write_text("student,item-01,item-03\nb,1,1\n", encoding="utf-8")
    with pytest.raises(PrepostError) as err:
        compare(read_results(tmp_path / "pre.csv"), read_results(tmp_path / "post.csv"))
    text = str(err.value)
    assert "post.csv:1: no column for item(s) item-02" in text and "item(s) item-03 are not in" in text
