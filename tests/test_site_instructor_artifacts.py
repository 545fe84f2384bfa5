"""Answer keys, model answers and rubrics are instructor artifacts, not pages of the student site (issue 23).

The built site is read file by file (every HTML page, script, JSON, notebook, text and PDF under
``_build/html``) for the text of any written item's model answer or rubric and for an answer key, a
GIFT file or a QTI package; ``make export`` is run (with the repository's own Makefile, into a
temporary folder) and must write them.
"""

from __future__ import annotations

import dataclasses
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from immunokit.markup import inline_html
from immunokit.quiz import load_bank
from immunokit.quiz.bank import QuizQuestion
from immunokit_instructor.quiz.course_export import course_banks

ROOT = Path(__file__).resolve().parents[1]
TEXT_SUFFIXES = {".html", ".js", ".json", ".txt", ".xml", ".md", ".css", ".svg", ".ipynb", ".yml", ".yaml"}


def _norm(text: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return re.sub(r"\s+", " ", text).strip()


def _strings(value: object) -> Iterator[str]:
    """Every string inside a model answer or rubric (criteria, and any levels or anchors a rubric has)."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _strings(getattr(value, f.name))
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)


def written_items() -> list[QuizQuestion]:
    return [q for path in course_banks(ROOT) for q in load_bank(path).questions if q.type == "written"]


def _public_sources() -> str:
    """The book's own prose (notebooks and pages, not the banks): text that may legitimately be on the site."""
    parts = []
    for path in sorted((ROOT / "book").rglob("*")):
        if path.suffix == ".ipynb":
            parts += [str(s) for s in _strings(json.loads(path.read_text(encoding="utf-8")))]
        elif path.suffix == ".md":
            parts.append(path.read_text(encoding="utf-8"))
    return _norm(" ".join(parts))


def anchors() -> dict[str, str]:
    """Text only a model answer or rubric holds: each sentence's first 60 characters that the book's own
    prose does not print (a model answer may quote the chapter), per item and sentence."""
    public = _public_sources()
    out = {}
    for q in written_items():
        rubric = (
            (q.analytic.anchors, [c.levels for c in q.analytic.criteria])
            if q.analytic is not None
            else q.rubric
        )
        for k, text in enumerate(_strings((q.model_answer, rubric))):
            plain = _norm(inline_html(text))
            for j, sentence in enumerate(re.split(r"(?<=[.;:])\s+", plain)):
                if len(sentence) >= 30 and sentence[:60] not in public:
                    out[f"{q.id} #{k}.{j}"] = sentence[:60]
    return out


def site_text(path: Path) -> str:
    if path.suffix in (".json", ".ipynb"):
        try:
            return _norm(" ".join(_strings(json.loads(path.read_text(encoding="utf-8")))))
        except (ValueError, UnicodeDecodeError):
            pass
    if path.suffix == ".pdf" and shutil.which("pdftotext"):
        proc = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=False)
        return _norm(proc.stdout)
    return _norm(path.read_text(encoding="utf-8", errors="replace"))


def _zip_texts(data: bytes, name: str) -> Iterator[tuple[str, str]]:
    """Text members of a zip (and of the zips and wheels inside it), as (name, normalized text)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for member in zf.namelist():
            inner = zf.read(member)
            if member.endswith((".zip", ".whl")):
                yield from _zip_texts(inner, f"{name}!{member}")
            elif Path(member).suffix in TEXT_SUFFIXES or member.endswith(".quiz.yml"):
                yield f"{name}!{member}", _norm(inner.decode("utf-8", errors="replace"))


@pytest.mark.slow  # builds the wheel / runs `make export` whole: tens of seconds
def test_the_students_wheel_gets_banks_without_model_answers_or_rubrics(tmp_path: Path) -> None:
    """The wheel (and the course bundle on the site) carries this copy of every bank: still valid."""
    from immunokit_build.studentbanks import PLACEHOLDER, student_bank

    for path in course_banks(ROOT):
        copy = tmp_path / path.name
        copy.write_text(student_bank(path.read_text(encoding="utf-8")), encoding="utf-8")
        original, student = load_bank(path), load_bank(copy)
        assert [q.id for q in student.questions] == [q.id for q in original.questions]
        text = _norm(copy.read_text(encoding="utf-8"))
        for q, s in zip(original.questions, student.questions, strict=True):
            if q.type == "written":
                assert s.model_answer == PLACEHOLDER and s.rubric_points == q.rubric_points
                assert s.prompt == q.prompt and s.hint == q.hint
            else:
                assert s == q
        leaks = [k for k, anchor in anchors().items() if anchor in text]
        assert not leaks, (path.name, leaks)


def test_every_written_item_has_anchor_text() -> None:
    found = anchors()
    items = written_items()
    assert len(items) >= 6 and all(any(k.startswith(q.id + " ") for k in found) for q in items)


def test_the_built_site_holds_no_model_answer_rubric_or_answer_key(built_book: Path) -> None:
    files = [p for p in built_book.rglob("*") if p.is_file()]
    names = [p.relative_to(built_book).as_posix() for p in files]
    assert not [n for n in names if re.search(r"answer-key|\.gift$|(^|/)export/", n)], "instructor files"
    texts: dict[Path | str, str] = {p: site_text(p) for p in files if p.suffix in TEXT_SUFFIXES | {".pdf"}}
    for p in files:  # the course bundle: its notebooks, and the banks inside the toolkit's wheel
        if p.suffix in (".zip", ".whl"):
            for member, text in _zip_texts(p.read_bytes(), str(p.relative_to(built_book))):
                assert not re.search(r"answer-key|\.gift$|imsmanifest\.xml$", member), member
                texts[member] = text
    leaks = [f"{p}: {key}" for key, anchor in anchors().items() for p, t in texts.items() if anchor in t]
    assert not leaks, "model answers or rubrics in the built site:\n" + "\n".join(leaks[:20])
    # not vacuous: the written questions are on their pages, with the points they are worth
    capstone = next(q for q in written_items() if q.id == "ch09-capstone-maya")
    page = texts[built_book / "book" / "ch09_combination_therapy.html"]
    assert _norm(inline_html(capstone.prompt))[:60] in page
    assert f"rubric worth {capstone.rubric_points:g} points" in page
    assert not [n for n in names if n.endswith(".html") and "answer" in n.rsplit("/", 1)[-1]]
    # and no page links an answer key or an export
    for p in files:
        if p.suffix == ".html":
            raw = p.read_text(encoding="utf-8")
            assert not re.search(r'href="(?!#)[^"#]*(answer-key|export/|\.gift\b|qti/)', raw), p


@pytest.mark.slow  # builds the wheel / runs `make export` whole: tens of seconds
def test_make_export_writes_the_keys_rubrics_pool_and_prepost_forms(tmp_path: Path) -> None:
    """The Makefile's own recipe, run with this interpreter, writes every instructor artifact."""
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    venv = tmp_path / "venv"
    venv.mkdir()
    (venv / ".installed").touch()  # newer than requirements: make does not install anything
    out = tmp_path / "instructor"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tooling")])}
    proc = subprocess.run(
        [
            "make",
            "-s",
            "export",
            f"VENV={venv}",
            f"PY={sys.executable}",
            f"INSTRUCTOR={out}",
            "SECRET=a secret for the test",
            "VARIANTS=3",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    key = _norm((out / "export" / "answer-key.html").read_text(encoding="utf-8"))
    missing = [k for k, anchor in anchors().items() if anchor not in key]
    assert not missing, f"not in the instructor's answer key: {missing}"
    banks = course_banks(ROOT)
    for sub, suffix in (("gift", ".gift"), ("qti", ".zip")):
        assert sorted(p.name for p in (out / "export" / sub).iterdir()) == sorted(
            b.name.replace(".quiz.yml", suffix) for b in banks
        )
    assert len(list((out / "pool" / "keys").glob("*.md"))) == len(banks)
    assert {p.name for p in (out / "prepost").iterdir()} >= {
        "form-A.zip",
        "form-B.zip",
        "form-A.gift",
        "form-B.gift",
        "form-A-key.md",
        "form-B-key.md",
        "results-template.csv",
    }
