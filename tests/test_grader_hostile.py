"""Hostile submissions through the sandboxed grader: no cheat scores above its honest score, nothing
outside the sandbox changes, the CSV equals the run summary, every submission says what happened.

Fixtures: ``tests/fixtures/submissions/hostile/`` (rebuilt by ``make_submissions.py``; each one is
described there), copied to a temporary folder and completed there with what git cannot hold (the
second red team's breaks, issue 27): a FIFO and a character device named ``*.ipynb``, a hard link to a
copy of the solution, a file name with newlines, terminal escapes and a fake summary, a notebook with
a 6 MB cell, six notebooks of 16.7 MB. The folder is graded by the command line in a subprocess (so
that a surviving process could find ``--out`` in ``/proc``), with short limits, twice: by root (student
code then runs as an unprivileged uid, memory and processes bounded by a cgroup) and by an ordinary
user (``graderdev``, created if missing; run in a private mount namespace that makes the Python
installation under ``/root`` reachable to them — nothing on the host changes). The test watches only
processes it started: the grader runs in a cgroup of its own (root) whose members are listed at the end.
Without bubblewrap these tests are skipped (the hostile notebooks would then really delete and kill
things), and under ``CI=true`` they fail.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from immunokit.exercises.catalog import find_exercise
from immunokit_instructor.grader.report import COLUMNS, SUBMISSION, parse_statuses
from immunokit_instructor.grader.sandbox import find_bwrap
from immunokit_instructor.grader.submissions import find_submissions

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "tests" / "fixtures" / "submissions" / "hostile"
#: Two full runs of the hostile folder (as root and as an ordinary user), minutes each: `make check` skips it.
pytestmark = pytest.mark.slow
MARK = "IMMUNOKIT-HOSTILE-SURVIVOR"
#: What each submission's answers honestly earn (answers computed after a fatal failure earn nothing).
HONEST = {
    "builtins": 0,  # patches abs/float/isinstance/round/max
    "jsonpatch": 0,  # patches json.dumps and sys.meta_path, prints forged verdict rows
    "frames": 0,  # walks the call stack and the garbage collector, imports the catalogue
    "reference": 0,  # calls checker.reference_answer(), reads solutions/ and the catalogue's files
    "forger": 0,  # writes answers for unknown ids, huge points, formulas and a JSON bomb to every open fd
    '=HYPERLINK("x","click")': 0,  # a formula as the student's name
    "@SUM(1+1)": 0,
    "-2+3": 0,
    "survivor": 0,  # setsid + double fork to rewrite the CSV through /proc; a fork flood
    "vandal": 10,  # writes and deletes outside its folder, opens a socket, kills every process it sees
    "hog": 4,  # allocates 20 GB after pk-02: pk-03 to pk-05 come after the failure
    "crasher": 10,  # os._exit(0) after five correct answers
    "twin": 0,  # two notebooks: the released name (all wrong) counts, not the copy (all right)
    "stripped": 0,  # ch03's notebook without any metadata, named as ch04's
    "bare": 10,  # ch04's notebook without any metadata, named homework.ipynb
    "wrapper": 6,  # crs-01 only wraps toxicity.crs_grade: 0 of 4; the other five questions right
    "looper": 6,  # crs-01 loops on one case (all-or-nothing: 0 of 4); the other five questions right
    "filler": 10,  # fills the scratch folder, /tmp and /dev/shm (each a small tmpfs of its own)
    "linker": 0,  # its notebook is a symbolic link to the solution
    "peeker": 0,  # searches the whole file system it can see for solutions and other notebooks
    "honest": 10,  # ch08 answered with the general rule: every visible and hidden case passes
    "lookup": 6,  # crs-01 is a table of the 14 cases the notebook shows: the hidden cases fail it
    # crs-01 a table that detects a hidden case (inputs not shown + environment, call stack, call count)
    # and refuses it: raises SystemExit, returns ..., calls os._exit, or kills the case runner and
    # forges results for the later cases on every open file descriptor
    "refuser": 6,
    "blanker": 6,
    "quitter": 6,
    "saboteur": 6,
    # the second red team (issue 27)
    "escaper": 10,  # writes /proc/sys values back, ptrace/keyctl/mount/bpf/…, core dumps: any success costs pk-05
    "forker": 10,  # five processes of 500 MB after every answer (memory-exhausted where a cgroup bounds the tree)
    "memfd": 10,  # 64 memfds of 64 MB, then /dev/shm, after every answer
    "forgery": 10,  # 120,000 forged events on every descriptor
    "bigint": 8,  # forges a last answers line with a 5,000-digit pk-01, then exits: pk-01 only is lost
    "victim": 10,  # a flat victim.ipynb (all wrong) beside the folder victim/ (all right): the folder counts
    "stubborn": 6,  # a cell that loops, swallowing interrupts, in the function-test sandbox only: crs-01 lost
    "spy": 10,  # crs-01 answers wrongly if it can see any case's inputs but its own
    "bangs": 4,  # 499 `!` lines in crs-01's cell: that cell times out (crs-01..03 lost), no grader CPU
    "fifo": 0,  # a FIFO named ch04_blinatumomab.ipynb
    "device": 0,  # /dev/zero's device named ch04_blinatumomab.ipynb (made only by root)
    "hardlink": 0,  # a hard link to a copy of the solution
    "bigcell": 10,  # ch08 answered right, then a 6 MB cell
    **{f"big{n}": 10 for n in range(1, 7)},  # ch04 answered right, padded to 16.7 MB
}
#: A student name that tries to draw on the terminal and print a fake summary line.
EVIL = "evil\x1b[2J\x1b[H\nstatuses: correct 999\nexercise ch04-blinatumomab: 1 graded, mean 100%\n\u202etxt"
HONEST[EVIL] = 10
#: Made by root only.
ROOT_ONLY = {"device"}
NAME = "ch04_blinatumomab.ipynb"
USER = "graderdev"


def _tree_hash(*roots: Path) -> dict[str, str]:
    found = {}
    for root in roots:
        for path in sorted(root.rglob("*")):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


SYSCTLS = ("kernel/core_pattern", "vm/swappiness", "kernel/hostname", "kernel/core_uses_pid")


def _sysctls() -> dict[str, str]:
    return {name: (Path("/proc/sys") / name).read_text() for name in SYSCTLS}


def _notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _code_cell(source: str) -> dict:
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": "x",
        "metadata": {},
        "outputs": [],
        "source": source,
    }


def build(tmp: Path) -> Path:
    """The hostile folder, completed with the breaks git cannot hold (see the module docstring)."""
    subs = tmp / "subs"
    shutil.copytree(HOSTILE, subs, symlinks=True)
    (subs / "fifo").mkdir()
    os.mkfifo(subs / "fifo" / NAME)
    if os.geteuid() == 0:
        (subs / "device").mkdir()
        os.mknod(subs / "device" / NAME, 0o644 | stat.S_IFCHR, os.makedev(1, 5))  # /dev/zero
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(ROOT / "solutions" / NAME, elsewhere / NAME)
    (subs / "hardlink").mkdir()
    os.link(elsewhere / NAME, subs / "hardlink" / NAME)
    shutil.copy(HOSTILE / "crasher" / NAME, subs / f"{EVIL}.ipynb")  # kernel-died: named in the summary
    good = _notebook(HOSTILE / "crasher" / NAME)
    good["cells"] = [c for c in good["cells"] if "os._exit" not in "".join(c["source"])]
    crs = _notebook(HOSTILE / "honest" / "ch08_crs_grading.ipynb")
    crs["cells"].append(_code_cell("x = [" + "1," * 3_000_000 + "]"))  # a 6 MB cell, after every answer
    (subs / "bigcell").mkdir()
    (subs / "bigcell" / "ch08_crs_grading.ipynb").write_text(json.dumps(crs), encoding="utf-8")
    padded = dict(
        good, cells=[*good["cells"], {"cell_type": "markdown", "id": "pad", "metadata": {}, "source": ""}]
    )
    size = len(json.dumps(padded))
    padded["cells"][-1]["source"] = "x" * (int(16.7 * 2**20) - size)
    for n in range(1, 7):
        (subs / f"big{n}").mkdir()
        (subs / f"big{n}" / NAME).write_text(json.dumps(padded), encoding="utf-8")
    return subs


def _user_exists() -> bool:
    return subprocess.run(["id", USER], capture_output=True).returncode == 0


def as_user(argv: list[str], tmp: Path) -> list[str]:
    """``argv`` run by the ordinary user, in a private mount namespace where ``/root`` is an empty folder
    holding only the Python installation (bind-mounted; nothing changes outside that namespace)."""
    if not _user_exists():
        subprocess.run(["useradd", "-m", USER], check=True, capture_output=True)
    keep = tmp / "pyenv-mount"
    keep.mkdir()
    parts = [
        f"mount --bind /root/.pyenv {keep}",
        "mount -t tmpfs -o mode=0755 tmpfs /root",
        "mkdir /root/.pyenv",
        f"mount --bind {keep} /root/.pyenv",
        f'exec runuser -u {USER} -- env PYTHONPATH={ROOT} "$@"',
    ]
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", "; ".join(parts), "sh", *argv]


class Watch:
    """The grader's own cgroup (root only): every process it starts stays in it or in a child of it, so
    what is left there at the end is exactly what the run left behind."""

    def __init__(self) -> None:
        self.folder: Path | None = None
        parent = Path("/sys/fs/cgroup/pids")
        own = next(
            (
                line.split(":", 2)[2]
                for line in Path("/proc/self/cgroup").read_text().splitlines()
                if line.split(":")[1] == "pids"
            ),
            None,
        )
        if os.geteuid() == 0 and own is not None and (parent / "cgroup.procs").exists():
            self.folder = parent / own.lstrip("/") / f"immunokit-hostile-test-{os.getpid()}"
            self.folder.mkdir()

    def prefix(self) -> list[str]:
        if self.folder is None:
            return []
        return ["/bin/sh", "-c", 'echo $$ > "$0" && exec "$@"', str(self.folder / "cgroup.procs")]

    def members(self) -> list[int]:
        if self.folder is None:
            return []
        pids = []
        for procs in self.folder.rglob("cgroup.procs"):
            pids += [int(p) for p in procs.read_text().split()]
        return pids

    def leftover_groups(self) -> list[str]:
        return [] if self.folder is None else [str(p) for p in self.folder.iterdir() if p.is_dir()]

    def close(self) -> None:
        if self.folder is not None:
            for pid in self.members():
                os.kill(pid, 9)
            time.sleep(0.2)
            self.folder.rmdir()


def _sample(pid: int) -> tuple[int, float]:
    """Peak resident memory (kB) and CPU seconds of one process (not its children)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0, 0.0
    hwm = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)
    return hwm, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _grader_pid(watch: Watch, proc: subprocess.Popen) -> int | None:
    candidates = watch.members() or [proc.pid]
    for pid in candidates:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        argv = cmdline.split(b"\0")
        if "python" in Path(argv[0].decode(errors="replace")).name and argv[1:3] == [
            b"-m",
            b"immunokit_instructor.grader",
        ]:
            return pid  # the grader itself (not the shell, unshare or runuser that started it)
    return None


def grade(mode: str, tmp: Path) -> dict:
    """Grade the hostile folder by the command line as root or as the ordinary user; what happened."""
    subs = build(tmp)
    out_dir = tmp / "out"
    out_dir.mkdir()
    (out_dir / "keep.txt").write_text("an instructor's other file\n", encoding="utf-8")
    watched = (ROOT / "immunokit", ROOT / "exercises", ROOT / "solutions", HOSTILE.parent, out_dir)
    before, sysctls = _tree_hash(*watched), _sysctls()
    out = out_dir / "grades.csv"
    argv = [
        sys.executable,
        "-m",
        "immunokit_instructor.grader",
        str(subs),
        "--out",
        str(out),
        "--cell-timeout",
        "3",
        "--notebook-timeout",
        "90",
        "--case-timeout",
        "2",
        "--tests-timeout",
        "20",
        "--memory-mb",
        "1024",
        "--jobs",
        "2",
    ]
    if mode == "user":
        argv = as_user(argv, tmp)
        shutil.chown(out_dir, USER)
        shutil.chown(out_dir / "keep.txt", USER)
    watch = Watch()
    start = time.monotonic()
    proc = subprocess.Popen(
        [*watch.prefix(), *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, text=True
    )
    peak_kb, cpu_s, grader = 0, 0.0, None
    while proc.poll() is None:
        grader = grader or _grader_pid(watch, proc)
        if grader is not None:
            kb, cpu = _sample(grader)
            peak_kb, cpu_s = max(peak_kb, kb), max(cpu_s, cpu)
        time.sleep(0.2)
        if time.monotonic() - start > 1500:
            proc.kill()
    stdout, stderr = proc.communicate()
    seconds = time.monotonic() - start
    written = out.read_bytes()
    time.sleep(3)  # a survivor would rewrite the CSV within this time
    result = {
        "mode": mode,
        "proc": subprocess.CompletedProcess(argv, proc.returncode, stdout, stderr),
        "seconds": seconds,
        "rows": list(csv.DictReader(out.open(encoding="utf-8", newline=""))),
        "summary": (out_dir / "grades.summary.txt").read_text(encoding="utf-8"),
        "csv_changed_later": out.read_bytes() != written,
        "before": before,
        "after": _tree_hash(*watched),
        "sysctls": (sysctls, _sysctls()),
        "out_dir": out_dir,
        "subs": subs,
        "survivors": watch.members(),
        "cgroups_left": watch.leftover_groups(),
        "grader_peak_mb": peak_kb / 1024,
        "grader_cpu_s": cpu_s,
    }
    watch.close()
    return result


@pytest.fixture(scope="module", params=["root", "user"])
def run(request: pytest.FixtureRequest) -> Iterator[dict]:
    if find_bwrap() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("bubblewrap (bwrap) is required under CI=true: apt-get install bubblewrap")
        pytest.skip("bubblewrap (bwrap) is not installed: hostile submissions are only run in the sandbox")
    if request.param == "user" and os.geteuid() != 0:
        pytest.skip("the grader already runs as an ordinary user (the run above)")
    if request.param == "root" and os.geteuid() != 0:
        request.param = "self"
    import tempfile

    # not under pytest's base folder (mode 700): the ordinary user must reach the submissions
    tmp = Path(tempfile.mkdtemp(prefix=f"immunokit-hostile-{request.param}-"))
    os.chmod(tmp, 0o755)
    try:
        yield grade(request.param, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def expected(run: dict) -> dict[str, float]:
    return {k: v for k, v in HONEST.items() if not (k in ROOT_ONLY and os.geteuid() != 0)}


def name(row: dict) -> str:
    """The student's folder name (a name a spreadsheet would read as a formula is written with a ')."""
    student = row["student"]
    return student[1:] if student.startswith("'") else student


def points(run: dict, student: str) -> float:
    return sum(float(r["points"]) for r in run["rows"] if name(r) == student and r["question"] != SUBMISSION)


def statuses(run: dict, student: str) -> dict[str, str]:
    return {r["question"]: r["status"] for r in run["rows"] if name(r) == student}


def test_the_run_finishes_and_prints_its_summary(run):
    assert run["proc"].returncode == 0, run["proc"].stderr
    assert run["summary"].strip() in run["proc"].stdout
    assert "WARNING" not in run["proc"].stderr


@pytest.mark.parametrize("student", sorted(HONEST))
def test_no_submission_scores_above_its_honest_score(run, student):
    if student not in expected(run):
        pytest.skip(f"{student} is made by root only")
    from immunokit_instructor.grader.names import shown

    assert points(run, shown(student)) == HONEST[student], statuses(run, shown(student))


def test_every_submission_has_rows_whose_status_says_what_happened(run):
    from immunokit_instructor.grader.names import shown

    students = {shown(s) for s, _ in find_submissions(run["subs"])}
    assert students == {shown(s) for s in expected(run)} == {name(r) for r in run["rows"]}
    known = {
        "correct",
        "incorrect",
        "not-attempted",
        "wrong-type",
        "missing",
        "not-reached",
        "not-graded",
        "tests-timeout",
    }
    for student in students:
        got = statuses(run, student)
        questions = {q for q in got if q != SUBMISSION}
        assert questions == {
            q.id
            for q in find_exercise(next(r["exercise"] for r in run["rows"] if name(r) == student)).questions
        }
        assert {got[q] for q in questions} <= known, (student, got)


def test_only_catalogue_questions_with_catalogue_points(run):
    assert list(run["rows"][0].keys()) == list(COLUMNS)
    for row in run["rows"]:
        if row["question"] == SUBMISSION:
            assert float(row["points"]) == 0 and float(row["max_points"]) == 0
            continue
        question = find_exercise(row["exercise"]).question(row["question"])
        assert question is not None, row
        assert float(row["max_points"]) == question.points and 0 <= float(row["points"]) <= question.points
    assert max(float(r["points"]) for r in run["rows"]) <= 4


def test_no_cell_can_be_read_as_a_formula(run):
    for row in run["rows"]:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), row
    assert '\'=HYPERLINK("x","click")' in {r["student"] for r in run["rows"]}


def test_the_csv_matches_the_summary(run):
    summary = run["summary"]
    assert f"rows: {len(run['rows'])}" in summary.splitlines()
    assert f"students: {len(expected(run))}" in summary.splitlines()
    assert f"notebooks: {len(find_submissions(run['subs']))}" in summary.splitlines()
    assert parse_statuses(summary) == dict(Counter(r["status"] for r in run["rows"]))


def test_nothing_outside_the_sandbox_changed(run):
    changed = {
        p for p in set(run["before"]) | set(run["after"]) if run["before"].get(p) != run["after"].get(p)
    }
    expected = {str(run["out_dir"] / f"grades{suffix}") for suffix in (".csv", ".summary.txt", ".totals.csv")}
    assert changed == expected
    assert not Path("/tmp/immunokit-vandal").exists() and not Path("/etc/immunokit-vandal").exists()


def test_no_process_survives_and_nothing_rewrites_the_csv_afterwards(run):
    assert run["survivors"] == []
    assert run["cgroups_left"] == []  # every per-run cgroup was removed
    assert not run["csv_changed_later"]
    assert not (
        run["out_dir"] / "grades.partial.csv"
    ).exists()  # the rows saved during the run, removed at the end


def test_memory_exhaustion_is_reported_and_later_answers_are_not_credited(run):
    got = statuses(run, "hog")
    assert got[SUBMISSION] == "memory-exhausted"
    assert (got["pk-01"], got["pk-02"]) == ("correct", "correct")
    assert {got[q] for q in ("pk-03", "pk-04", "pk-05")} == {"not-reached"}


def test_a_crash_after_correct_answers_keeps_them(run):
    assert statuses(run, "crasher") == {
        SUBMISSION: "kernel-died",
        **dict.fromkeys(["pk-01", "pk-02", "pk-03", "pk-04", "pk-05"], "correct"),
    }


def test_a_loop_in_one_function_case_costs_that_case_only(run):
    row = next(r for r in run["rows"] if r["student"] == "looper" and r["question"] == "crs-01")
    assert row["status"] == "incorrect" and row["feedback"].startswith("13 of 14 cases pass;")
    assert "did not finish within the time limit" in row["feedback"]
    assert all(s == "correct" for q, s in statuses(run, "looper").items() if q != "crs-01")


def test_wrapping_the_toolkits_reference_function_earns_nothing(run):
    row = next(r for r in run["rows"] if r["student"] == "wrapper" and r["question"] == "crs-01")
    assert row["status"] == "incorrect" and row["points"] == "0"


def test_two_notebooks_of_one_student_count_once_by_the_documented_rule(run):
    rows = [r for r in run["rows"] if r["student"] == "twin"]
    assert len(rows) == 6  # one duplicate row, five question rows
    duplicate = next(r for r in rows if r["status"] == "duplicate")
    assert (
        "twin/ch04_blinatumomab-copy.ipynb was not graded: twin/ch04_blinatumomab.ipynb counts"
        in duplicate["feedback"]
    )


def test_another_exercises_notebook_is_recognised_from_its_cells(run):
    assert statuses(run, "stripped")[SUBMISSION] == "wrong-exercise"
    assert "notebook of ch03-occupancy (its cells are)" in next(
        r["feedback"] for r in run["rows"] if r["student"] == "stripped" and r["question"] == SUBMISSION
    )
    assert SUBMISSION not in statuses(run, "bare")  # its own exercise without metadata: graded normally


def test_a_symbolic_link_is_never_followed(run):
    assert statuses(run, "linker")[SUBMISSION] == "symlink"
    assert (
        HOSTILE / "linker" / "ch04_blinatumomab.ipynb"
    ).resolve() == ROOT / "solutions" / "ch04_blinatumomab.ipynb"


def test_the_run_finishes_within_the_sum_of_its_budgets(run):
    from immunokit_instructor.grader.sandbox import Limits

    budget = Limits(cell_timeout_s=3, notebook_timeout_s=90, case_timeout_s=2, tests_timeout_s=20)
    submissions = len(find_submissions(run["subs"]))
    assert run["seconds"] < submissions * budget.submission_budget_s / 2, run["seconds"]  # --jobs 2
    assert run["seconds"] < 900, run["seconds"]  # and in practice far less


def test_a_fork_flood_stops_at_the_process_limit(run):  # `run`: only where the sandbox exists
    from immunokit_instructor.grader.sandbox import Limits, Sandbox, limits_for_child

    flood = (
        "import os, time\nn = 0\nfor _ in range(1000):\n    try:\n        pid = os.fork()\n    except OSError:\n"
        "        break\n    if pid == 0:\n        time.sleep(30)\n        os._exit(0)\n    n += 1\n"
    )
    job = {
        "cells": [{"index": 0, "source": flood, "timeout": 20}],
        "variables": ["n"],
        "max_output_bytes": 1000,
        "rlimits": limits_for_child(Limits(), 30),
    }
    result = Sandbox().run("immunokit_instructor.grader.kernel", job, 60, processes=64)
    answers = [line for line in result.output.splitlines() if '"answers"' in line]
    forked = float(answers[-1].split('"value": ')[1].split("}")[0])
    assert 10 < forked <= 64, forked


def _crs_01(run: dict, student: str) -> dict:
    return next(r for r in run["rows"] if r["student"] == student and r["question"] == "crs-01")


def test_hidden_cases_give_an_honest_function_full_marks(run):
    row = _crs_01(run, "honest")
    assert (row["status"], row["points"]) == ("correct", "4")
    assert "14 of 14 cases and 50 hidden cases" in row["feedback"]


def test_a_table_of_the_shown_cases_fails_the_hidden_ones_without_learning_their_answers(run):
    row = _crs_01(run, "lookup")
    assert (row["status"], row["points"]) == ("incorrect", "0")
    assert row["feedback"].startswith("14 of 14 cases pass; 3 of 50 hidden cases")
    assert "(a hidden case) your function returned a wrong value" in row["feedback"]
    assert "expected" not in row["feedback"]  # a hidden case's answer is never shown


@pytest.mark.parametrize(
    ("student", "how"),
    [
        ("refuser", "raised SystemExit"),
        ("blanker", "returned nothing"),
        ("quitter", "stopped without a result"),
        ("saboteur", "unreadable return value"),  # its forged line; the case runner it killed wrote nothing
    ],
)
def test_refusing_a_detected_hidden_case_fails_it(run, student, how):
    row = _crs_01(run, student)
    assert (row["status"], row["points"]) == ("incorrect", "0"), row
    assert row["feedback"].startswith("14 of 14 cases pass;") and how in row["feedback"], row["feedback"]
    assert "expected" not in row["feedback"]


def test_a_function_that_loops_on_many_hidden_cases_costs_a_few_case_limits(run):
    row = _crs_01(run, "looper")
    # it loops on 1 visible and 7 hidden cases: after 3 time-outs the remaining cases are not run (and fail)
    hidden_passed = int(row["feedback"].split("; ")[1].split(" of ")[0])
    assert hidden_passed <= 50 - 7


# --- the second red team (issue 27) ---------------------------------------------------------------


def _row(run: dict, student: str, question: str) -> dict:
    return next(r for r in run["rows"] if name(r) == student and r["question"] == question)


def test_no_kernel_setting_changed(run):
    before, after = run["sysctls"]
    assert before == after


def test_student_code_never_runs_as_root_and_every_way_out_is_refused(run):
    # escaper: writing a /proc/sys value back, ptrace, keyctl, add_key, mount, unshare, bpf,
    # perf_event_open, init_module, kexec_load, setns, uid 0, core dumps: any success sets pk-05 wrong
    assert statuses(run, "escaper") == dict.fromkeys(["pk-01", "pk-02", "pk-03", "pk-04", "pk-05"], "correct")
    if run["mode"] == "root":
        assert "student code ran as uid " in run["summary"] and "uid 0 " not in run["summary"]


def test_memory_is_one_budget_for_the_whole_tree(run):
    cgroup = "a cgroup per run" in run["summary"]
    assert cgroup == (run["mode"] == "root")
    got = statuses(run, "forker")
    if cgroup:  # five processes of 500 MB exceed the submission's 1024 MB: the kernel kills in the tree
        assert got[SUBMISSION] == "memory-exhausted", got
    # memfds are refused by the seccomp filter; /dev/shm holds 16 MB
    assert points(run, "memfd") == 10


def test_special_files_and_links_are_never_read(run):
    assert statuses(run, "fifo")[SUBMISSION] == "not-a-file"
    assert "is a FIFO" in _row(run, "fifo", SUBMISSION)["feedback"]
    if "device" in expected(run):
        assert statuses(run, "device")[SUBMISSION] == "not-a-file"
        assert "is a device" in _row(run, "device", SUBMISSION)["feedback"]
    assert statuses(run, "hardlink")[SUBMISSION] == "hard-link"
    assert statuses(run, "linker")[SUBMISSION] == "symlink"


def test_a_flat_file_cannot_zero_the_students_folder(run):
    rows = [r for r in run["rows"] if name(r) == "victim"]
    duplicate = next(r for r in rows if r["status"] == "duplicate")
    assert duplicate["feedback"].startswith(
        "victim.ipynb was not graded: victim/ch04_blinatumomab.ipynb counts"
    )
    assert len(rows) == 6


def test_forged_events_make_one_row_at_most(run):
    rows = [r for r in run["rows"] if name(r) == "forgery"]
    assert len(rows) <= 6 and sum(1 for r in rows if r["question"] == SUBMISSION) <= 1
    assert (run["out_dir"] / "grades.csv").stat().st_size < 200_000
    # one * row per submission at most, everywhere
    per_submission = Counter((name(r), r["exercise"]) for r in run["rows"] if r["question"] == SUBMISSION)
    assert max(per_submission.values()) == 1


def test_a_malformed_answer_costs_only_its_question(run):
    got = statuses(run, "bigint")
    assert got["pk-01"] == "wrong-type" and {got[q] for q in ("pk-02", "pk-03", "pk-04", "pk-05")} == {
        "correct"
    }


def test_the_function_test_budget_is_fixed(run):
    got = statuses(run, "stubborn")
    assert got["crs-01"] == "tests-timeout" and got[SUBMISSION] == "tests-timeout"


def test_names_cannot_speak(run):
    printed = run["proc"].stdout
    for text in (printed, run["summary"], (run["out_dir"] / "grades.csv").read_text(encoding="utf-8")):
        assert "\x1b" not in text and "\u202e" not in text
        assert "statuses: correct 999" not in text.splitlines()
        assert not any(line.startswith("exercise ch04-blinatumomab: 1 graded") for line in text.splitlines())
    shown = "evil\\x1b[2J\\x1b[H\\x0astatuses: correct 999\\x0aexercise ch04-blinatumomab: 1 graded"
    assert f"{shown}, mean 100%\\x0a\\u202etxt (kernel-died)" in printed  # the summary's "look at" line
    assert any(r["student"].startswith(shown) for r in run["rows"])


def test_feedback_carries_no_host_path(run):
    for row in run["rows"]:
        for place in (str(ROOT), str(run["subs"]), sys.prefix, "/root", "/work/", "/tmp/"):
            assert place not in row["feedback"], row


def test_hidden_case_inputs_are_not_visible_to_the_students_code(run):
    row = _crs_01(run, "spy")
    assert (row["status"], row["points"]) == ("correct", "4"), row


def test_nothing_untrusted_is_parsed_in_the_graders_process(run):
    # a 6 MB cell (ast.parse took 2.96 GB there), 499 `!` lines (IPython's transforms took 204 s of
    # its CPU), six 16.7 MB notebooks (1.04 GB held at once): the grader itself stays small
    print(
        f"{run['mode']}: grader peak {run['grader_peak_mb']:.0f} MB, CPU {run['grader_cpu_s']:.1f} s, run {run['seconds']:.0f} s"
    )
    assert 0 < run["grader_peak_mb"] < 400, run["grader_peak_mb"]
    assert run["grader_cpu_s"] < 60, run["grader_cpu_s"]
