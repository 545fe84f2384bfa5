"""Gradebook-ready grader output, as an instructor meets it: the command on a folder as LMSs download it.

Every hand-in gets a row with a true status; LMS download names map to one student; totals beside the
per-question rows; a roster gives Canvas and Moodle import files with their documented columns; a run
whose grader failed exits 1; ``--shard I/N`` then ``merge`` give the single run's CSV byte for byte;
grading outputs are git-ignored.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from immunokit_instructor.grader import cli
from immunokit_instructor.grader.gradebook import handins, lms_student
from immunokit_instructor.grader.report import parse_statuses

ROOT = Path(__file__).resolve().parents[1]
CH04 = ROOT / "tests" / "fixtures" / "submissions" / "ch04"
CH08 = ROOT / "solutions" / "ch08_crs_grading.ipynb"
NAME = "ch04_blinatumomab.ipynb"
FAST = ["--cell-timeout", "20", "--notebook-timeout", "200", "--case-timeout", "5", "--jobs", "2"]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(
    ("name", "student", "lms_id"),
    [
        ("smithjane_12345_678901_ch04_blinatumomab.ipynb", "smithjane", "12345"),  # Canvas
        ("smithjane_LATE_12345_678902_ch04_blinatumomab-1.ipynb", "smithjane", "12345"),  # Canvas, late
        ("Jane Smith_1234567_assignsubmission_file_", "Jane Smith", "1234567"),  # Moodle folder
        ("Jane Smith_1234567_assignsubmission_file_ch04.ipynb", "Jane Smith", "1234567"),  # Moodle file
        ("Exercise 4_jsmith_attempt_2026-03-02-10-15-00_ch04_blinatumomab.ipynb", "jsmith", ""),  # Blackboard
        ("alice", "alice", ""),
        ("alice.ipynb", "alice", ""),
    ],
)
def test_lms_download_names_map_to_one_student(name, student, lms_id):
    assert lms_student(name) == (student, lms_id)


@pytest.fixture(scope="module")
def lms_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Canvas-style download: two files of one student, an HTML export, a truncated upload, a plain one."""
    folder = tmp_path_factory.mktemp("lms") / "submissions"
    folder.mkdir()
    shutil.copy(CH04 / "alice" / NAME, folder / f"smithjane_12345_678901_{NAME}")
    shutil.copy(CH04 / "bob" / NAME, folder / "smithjane_LATE_12345_678902_ch04_blinatumomab-1.ipynb")
    (folder / "doejohn_222_333_ch04_blinatumomab.html").write_text("<html><body>exported</body></html>")
    (folder / "roeann_444_555_ch04_blinatumomab.ipynb").write_text('{"cells": [', encoding="utf-8")
    (folder / "carol").mkdir()
    shutil.copy(CH04 / "carol" / NAME, folder / "carol" / NAME)
    (folder / ".DS_Store").write_bytes(b"\0")
    return folder


@pytest.fixture(scope="module")
def lms_run(lms_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    out = tmp_path_factory.mktemp("out") / "grades.csv"
    roster = out.parent / "canvas-export.csv"
    roster.write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section,Exercise 3 (111)\n"
        "    Points Possible,,,,,10\n"
        '"Smith, Jane",12345,S-1,jsmith,A,\n'
        '"Doe, John",222,S-2,jdoe,A,\n'
        '"Roe, Ann",444,S-3,aroe,B,\n'
        '"Poe, Ed",666,S-4,epoe,B,\n',
        encoding="utf-8",
    )
    code = cli.main(
        [
            str(lms_folder),
            "--exercise",
            "ch04-blinatumomab",
            "--out",
            str(out),
            "--roster",
            str(roster),
            "--lms-column",
            "Exercise 4 (5678)",
            "--hidden-seed",
            "1",
            *FAST,
        ]
    )
    return {"code": code, "out": out}


def test_every_hand_in_gets_a_row_with_a_true_status(lms_run):
    rows = read_csv(lms_run["out"])
    assert lms_run["code"] == 0
    starred = {(r["student"], r["status"]) for r in rows if r["question"] == "*"}
    assert ("doejohn", "not-a-notebook") in starred
    assert ("roeann", "invalid-json") in starred
    assert ("smithjane", "duplicate") in starred  # one student, two files: one graded, one named
    students = {r["student"] for r in rows}
    assert students == {"smithjane", "doejohn", "roeann", "carol"}  # .DS_Store is not a hand-in
    html = next(r for r in rows if r["student"] == "doejohn" and r["question"] == "*")
    assert "doejohn_222_333_ch04_blinatumomab.html is not a notebook" in html["feedback"]


def test_totals_sit_beside_the_rows_and_the_summary_counts_each_status(lms_run):
    out = lms_run["out"]
    rows = read_csv(out)
    totals = {t["student"]: t for t in read_csv(out.with_name("grades.totals.csv"))}
    for student, total in totals.items():
        mine = [r for r in rows if r["student"] == student and r["question"] != "*"]
        assert float(total["points"]) == sum(float(r["points"]) for r in mine)
        assert float(total["max_points"]) == 10
    assert totals["smithjane"]["status"] == "graded" and totals["smithjane"]["points"] == "10"
    assert totals["roeann"]["status"] == "invalid-json" and totals["doejohn"]["status"] == "not-a-notebook"
    summary = out.with_name("grades.summary.txt").read_text(encoding="utf-8")
    assert "exercise ch04-blinatumomab: 2 graded" in summary  # not 4: two hand-ins were not gradable
    assert "hand-ins: graded 2, invalid-json 1, not-a-notebook 1" in summary
    counted = {}
    for row in rows:
        counted[row["status"]] = counted.get(row["status"], 0) + 1
    assert parse_statuses(summary) == counted


def test_a_roster_gives_canvas_and_moodle_import_files(lms_run):
    out = lms_run["out"]
    canvas = list(csv.reader(io.StringIO(out.with_name("grades.canvas.csv").read_text(encoding="utf-8"))))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Exercise 4 (5678)"]
    assert canvas[1][0] == "Points Possible" and canvas[1][-1] == "10"
    by_id = {line[1]: line for line in canvas[2:]}
    assert by_id["12345"][-1] == "10"  # Jane Smith, matched by her Canvas id in the download's file name
    assert by_id["222"][-1] == "0" and by_id["444"][-1] == "0" and by_id["666"][-1] == "0"
    moodle = read_csv(out.with_name("grades.moodle.csv"))
    assert list(moodle[0]) == [
        "Email address",
        "ID number",
        "Full name",
        "Exercise 4 (5678)",
        "Exercise 4 (5678) (feedback)",
    ]
    feedback = {m["Full name"]: m["Exercise 4 (5678) (feedback)"] for m in moodle}
    assert feedback["Poe, Ed"] == "no notebook handed in"
    assert "not-a-notebook" in feedback["Doe, John"]
    summary = out.with_name("grades.summary.txt").read_text(encoding="utf-8")
    assert "not in the roster (left out of the LMS files): carol" in summary


def test_a_roster_without_a_student_column_is_refused_by_name(tmp_path, lms_folder, capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,email\nJane,j@example.org\n", encoding="utf-8")
    code = cli.main([str(lms_folder), "--roster", str(roster), "--out", str(tmp_path / "g.csv")])
    assert code == 2
    assert f"{roster}: line 1 has no 'student' column" in capsys.readouterr().err


def test_a_run_whose_grader_failed_exits_non_zero(tmp_path, monkeypatch, capsys):
    from immunokit_instructor.grader import sandbox

    folder = tmp_path / "submissions" / "alice"
    folder.mkdir(parents=True)
    shutil.copy(CH04 / "alice" / NAME, folder / NAME)
    # a broken environment: the kernel the sandbox should run does not exist (the reader still works)
    real = sandbox.module_argv
    monkeypatch.setattr(
        sandbox,
        "module_argv",
        lambda module: (
            real(module)
            if module.endswith(".reader")
            else [sandbox.sys.executable, "-I", "-m", "no_such_module"]
        ),
    )
    out = tmp_path / "grades.csv"
    code = cli.main([str(folder.parent), "--out", str(out), *FAST])
    assert code == 1
    assert "the grader itself failed on 1 hand-in(s) (alice)" in capsys.readouterr().err
    rows = read_csv(out)
    assert [r["status"] for r in rows if r["question"] == "*"] == ["grader-error"]
    assert "hand-ins: grader-error 1" in out.with_name("grades.summary.txt").read_text(encoding="utf-8")


def test_three_shards_merged_equal_the_single_run(tmp_path, lms_folder):
    folder = tmp_path / "submissions"
    shutil.copytree(lms_folder, folder)
    for student in ("dave", "erin", "frank"):
        (folder / student).mkdir()
        shutil.copy(CH04 / student / NAME, folder / student / NAME)
    (folder / "victor").mkdir()
    shutil.copy(CH08, folder / "victor" / CH08.name)  # a function answer: hidden cases, same seed
    single = tmp_path / "single" / "grades.csv"
    assert cli.main([str(folder), "--out", str(single), "--hidden-seed", "7", *FAST]) == 0
    shards = []
    for index in (1, 2, 3):
        shard = tmp_path / f"shard-{index}.csv"
        assert (
            cli.main([str(folder), "--out", str(shard), "--hidden-seed", "7", "--shard", f"{index}/3", *FAST])
            == 0
        )
        shards.append(shard)
    sizes = [len(read_csv(s)) for s in shards]
    assert all(sizes) and sum(sizes) == len(read_csv(single)), sizes  # each shard did a part
    merged = tmp_path / "merged" / "grades.csv"
    assert cli.main(["merge", *map(str, reversed(shards)), "--out", str(merged)]) == 0
    assert merged.read_bytes() == single.read_bytes()
    assert (
        merged.with_name("grades.totals.csv").read_bytes()
        == single.with_name("grades.totals.csv").read_bytes()
    )
    assert parse_statuses(merged.with_name("grades.summary.txt").read_text()) == parse_statuses(
        single.with_name("grades.summary.txt").read_text()
    )
    # an incomplete or mixed set is refused
    assert cli.main(["merge", str(shards[0]), str(shards[1]), "--out", str(tmp_path / "x.csv")]) == 2
    assert cli.main([str(folder), "--shard", "4/3", "--hidden-seed", "7"]) == 2
    assert cli.main([str(folder), "--shard", "1/3"]) == 2  # no seed: shards would test different cases


def test_handins_skip_litter_and_blackboard_receipts(tmp_path):
    (tmp_path / "Exercise 4_jsmith_attempt_2026-03-02-10-15-00.txt").write_text("receipt")
    (tmp_path / "Exercise 4_jsmith_attempt_2026-03-02-10-15-00_ch04.ipynb").write_text(json.dumps({}))
    (tmp_path / ".hidden.ipynb").write_text("{}")
    (tmp_path / "Thumbs.db").write_bytes(b"")
    assert [(h.student, h.path.name) for h in handins(tmp_path)] == [
        ("jsmith", "Exercise 4_jsmith_attempt_2026-03-02-10-15-00_ch04.ipynb")
    ]


def test_grading_outputs_are_git_ignored():
    names = [
        "grades.csv",
        "grades.totals.csv",
        "grades.canvas.csv",
        "grades.summary.txt",
        "submissions/alice/a.ipynb",
    ]
    names += ["ch08-crs-grading-autograder.zip", "nbgrader-course/gradebook.db"]
    done = subprocess.run(["git", "check-ignore", *names], cwd=ROOT, capture_output=True, text=True)
    assert sorted(done.stdout.split()) == sorted(names)
