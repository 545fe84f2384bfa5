"""Export every question bank of the course for an LMS, plus one printable answer key.

``python -m immunokit_instructor.quiz export-all OUTDIR`` (``make export``, into ``_build/instructor/export/``)
writes the instructor's files, which hold every key, model answer and rubric: they are never part of the
student site (the book's build does not write them, and a test checks that ``_build/html`` holds none)::

    OUTDIR/gift/<bank>.gift      Moodle GIFT, one file per bank
    OUTDIR/qti/<bank>.zip        IMS QTI 1.2 packages (text2qti), one per bank
    OUTDIR/answer-key.md         the whole course's answer key, chapters and Part reviews in book order
    OUTDIR/answer-key.html       the same, as a self-contained printable page (no script, no other host)

Banks are read in the order of ``_toc.yml`` (chapters and their Part reviews), each validated first: an
invalid bank stops the export with every problem listed.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from immunokit.quiz.bank import Bank, BankError, load_bank
from immunokit_build import ROOT
from immunokit_instructor.quiz.export import answer_key, to_gift
from immunokit_instructor.quiz.qti import write_qti


def course_banks(root: Path) -> list[Path]:
    """The banks of the book in reading order (``_toc.yml``), then any others in ``book/``."""
    toc = (
        yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
        if (root / "_toc.yml").exists()
        else {}
    )
    ordered: list[Path] = []

    def walk(entries: list[dict[str, object]]) -> None:
        for entry in entries:
            file = entry.get("file")
            if isinstance(file, str):
                bank = root / f"{file}.quiz.yml"
                if bank.exists():
                    ordered.append(bank)
            for key in ("chapters", "sections"):
                sub = entry.get(key)
                if isinstance(sub, list):
                    walk(sub)

    walk(list((toc or {}).get("parts", [])))
    rest = [p for p in sorted((root / "book").glob("*.quiz.yml")) if p not in ordered]
    return ordered + rest


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Leukemia Immunotherapy: answer key for the whole course</title>
<link rel="icon" href="data:,">
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 1rem auto; padding: 0 1rem;
       color: #1a1a1a; background: #fff; overflow-wrap: anywhere; }}
pre, code {{ white-space: pre-wrap; }} table {{ display: block; max-width: 100%; overflow-x: auto; }}
h1 {{ font-size: 1.6rem; }} h2 {{ font-size: 1.3rem; break-before: page; border-top: 2px solid #555;
       padding-top: .5rem; }} h3 {{ font-size: 1.05rem; break-after: avoid; }}
li, p {{ break-inside: avoid; }} code {{ font-size: .9em; }}
@media (prefers-color-scheme: dark) {{ body {{ color: #eee; background: #121212; }} }}
@media print {{ body {{ max-width: none; color: #000; background: #fff; }} }}
</style></head><body><main>
{body}
</main></body></html>
"""


def course_answer_key(banks: list[Bank]) -> str:
    """One Markdown answer key: a contents list, then each bank's key with its headings one level down."""
    total = sum(len(b.questions) for b in banks)
    out = [
        "# Leukemia Immunotherapy: answer key for the whole course",
        "",
        f"{len(banks)} question banks, {total} questions. For instructors: keep it out of students' hands "
        "if you grade with these questions (see *Teaching with this book* in the instructor guide).",
        "",
    ]
    out += [f"- {b.path.name} ({len(b.questions)} questions)" for b in banks] + [""]
    for bank in banks:
        key = answer_key(bank)
        out.append("\n".join(("#" + line) if line.startswith("#") else line for line in key.splitlines()))
        out.append("")
    return "\n".join(out)


def export_course(outdir: str | Path, root: Path | None = None) -> list[Path]:
    """Write GIFT and QTI for every bank and the course answer key (Markdown and HTML); return the paths."""
    import markdown  # type: ignore[import-untyped]  # installed with text2qti

    root = root or ROOT
    outdir = Path(outdir)
    banks, problems = [], []
    for path in course_banks(root):
        try:
            banks.append(load_bank(path))
        except BankError as exc:
            problems += exc.messages
    if problems:
        raise BankError(root / "book", problems)
    (outdir / "gift").mkdir(parents=True, exist_ok=True)
    (outdir / "qti").mkdir(parents=True, exist_ok=True)
    written = []
    for bank in banks:
        stem = bank.path.name.removesuffix(".quiz.yml")
        gift = outdir / "gift" / f"{stem}.gift"
        gift.write_text(to_gift(bank), encoding="utf-8")
        written += [gift, write_qti(bank, outdir / "qti" / f"{stem}.zip")]
    key_md = course_answer_key(banks)
    (outdir / "answer-key.md").write_text(key_md, encoding="utf-8")
    body = markdown.markdown(key_md, extensions=["sane_lists"])
    (outdir / "answer-key.html").write_text(_PAGE.format(body=body), encoding="utf-8")
    return [*written, outdir / "answer-key.md", outdir / "answer-key.html"]


__all__ = ["course_answer_key", "course_banks", "export_course"]
