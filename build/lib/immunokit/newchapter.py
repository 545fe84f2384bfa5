"""Start a new chapter from the template: step 1 of CONTRIBUTING.md's recipe "Add a chapter".

Run from the repository's root::

    python -m immunokit.newchapter ch12 my_topic --after book/ch10_road_ahead

copies ``templates/chapter/ch99_template.ipynb`` and ``ch99_template.quiz.yml`` to
``book/ch12_my_topic.ipynb`` and ``book/ch12_my_topic.quiz.yml`` with every ``ch99`` replaced by
``ch12``, and adds ``- file: book/ch12_my_topic`` to ``_toc.yml`` right after the entry given by
``--after`` (same part, same indentation; the rest of the file is left as written). It refuses, with a
sentence saying why, an id or slug of the wrong form, a chapter that exists already and an ``--after``
entry that is not in the table of contents.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from .chapters import CHAPTER_FILE

TEMPLATE = Path("templates") / "chapter"
STEM = "ch99_template"


class NewChapterError(ValueError):
    """A new chapter cannot be made as asked; the message says why."""


def add_to_toc(toc: Path, entry: str, after: str) -> None:
    """Insert ``- file: <entry>`` into ``toc`` after the line ``- file: <after>`` and its sections."""
    lines = toc.read_text(encoding="utf-8").splitlines(keepends=True)
    pattern = re.compile(rf"^(\s*)- file: {re.escape(after)}\s*$")
    if any(re.fullmatch(rf"\s*- file: {re.escape(entry)}\s*", line.rstrip("\n")) for line in lines):
        raise NewChapterError(f"{toc}: {entry} is listed already")
    for index, line in enumerate(lines):
        match = pattern.match(line.rstrip("\n"))
        if match:
            indent = match.group(1)
            end = index + 1  # skip the entry's own keys (e.g. its sections), which are indented deeper
            while end < len(lines) and (
                not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > len(indent)
            ):
                end += 1
            lines.insert(end, f"{indent}- file: {entry}\n")
            toc.write_text("".join(lines), encoding="utf-8")
            return
    raise NewChapterError(f"{toc}: no entry '- file: {after}' to add {entry} after")


def new_chapter(root: Path, chapter: str, slug: str, after: str) -> list[Path]:
    """Make ``book/<chapter>_<slug>.ipynb`` and its bank from the template; list the files written."""
    stem = f"{chapter}_{slug}"
    if not re.fullmatch(r"ch\d{2}", chapter):
        raise NewChapterError(f"chapter id {chapter!r}: write it as ch and two digits, e.g. ch12")
    if not CHAPTER_FILE.fullmatch(stem + ".ipynb"):
        raise NewChapterError(f"slug {slug!r}: lowercase letters, digits and '_' only, e.g. my_topic")
    book = root / "book"
    if not (root / TEMPLATE).is_dir() or not (root / "_toc.yml").is_file():
        raise NewChapterError(f"{root} has no {TEMPLATE}/ or _toc.yml: run this in the repository's root")
    taken = sorted(p.name for p in book.glob(f"{chapter}_*") if p.suffix in {".ipynb", ".md"})
    if taken:
        raise NewChapterError(f"{chapter} exists already: book/{taken[0]}; pick the next free number")
    written = []
    for suffix in (".ipynb", ".quiz.yml"):
        text = (root / TEMPLATE / (STEM + suffix)).read_text(encoding="utf-8")
        target = book / (stem + suffix)
        target.write_text(text.replace(STEM, stem).replace("ch99", chapter), encoding="utf-8")
        written.append(target)
    after = after.removesuffix(".ipynb").removesuffix(".md")
    after = after if after.startswith("book/") else f"book/{after}"
    try:
        add_to_toc(root / "_toc.yml", f"book/{stem}", after)
    except NewChapterError:
        for path in written:
            path.unlink()
        raise
    return [*written, root / "_toc.yml"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m immunokit.newchapter", description=__doc__.split("\n")[0]
    )
    parser.add_argument("chapter", help="the new chapter's id, e.g. ch12")
    parser.add_argument("slug", help="lowercase words joined by '_', e.g. my_topic")
    parser.add_argument(
        "--after", required=True, help="the _toc.yml entry it follows, e.g. book/ch10_road_ahead"
    )
    args = parser.parse_args(argv)
    try:
        written = new_chapter(Path.cwd(), args.chapter, args.slug, args.after)
    except NewChapterError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print("wrote " + ", ".join(str(p.relative_to(Path.cwd())) for p in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
