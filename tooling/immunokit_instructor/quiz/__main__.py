"""Command line of the quiz toolkit.

Validate banks (every problem of every bank, then a non-zero exit if there was any)::

    python -m immunokit_instructor.quiz validate book/*.quiz.yml

Export a bank for an LMS and a printable answer key::

    python -m immunokit_instructor.quiz export book/ch04_bispecific_engagers.quiz.yml --gift ch04.gift --key ch04-key.md --qti ch04.zip

Export every bank of the course (GIFT + QTI) and one printable answer key (``make export``)::

    python -m immunokit_instructor.quiz export-all _build/instructor/export

Check the course's items against its text — levels a test can fail, the item-writing lint, spaced
reviews (``immunokit.quiz.itemcheck``; exit 1 naming every problem)::

    python -m immunokit_instructor.quiz lint
The secure pool of generated variants, and the pre/post concept inventory (two parallel forms)::

    python -m immunokit_instructor.quiz export --seed SECRET --variants 10 --out _build/instructor/pool
    python -m immunokit_instructor.quiz prepost --seed SECRET --out _build/instructor/prepost

An item-level report of a pre-test and a post-test (CSV files as the instructor guide describes)::

    python -m immunokit_instructor.quiz prepost-report PRE.csv POST.csv
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from immunokit.quiz.bank import BankError, check_banks, load_bank
from immunokit_build import ROOT
from immunokit_instructor.quiz.export import write_exports


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m immunokit_instructor.quiz", description=__doc__.split("\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    val = sub.add_parser("validate", help="check banks; exit 1 listing every problem")
    val.add_argument("banks", nargs="+", help="question bank files (.quiz.yml)")
    exp = sub.add_parser(
        "export",
        help="write Moodle GIFT and/or a Markdown answer key; with --seed, the secure instructor pool",
    )
    exp.add_argument(
        "bank", nargs="?", help="question bank file (.quiz.yml); with --seed: default every bank"
    )
    exp.add_argument("--seed", metavar="SECRET", help="secret seed of the secure pool of generated variants")
    exp.add_argument("--variants", type=int, default=10, metavar="N", help="variants per generated item (10)")
    exp.add_argument(
        "--out", metavar="DIR", default="_build/instructor/pool", help="folder of the secure pool"
    )
    exp.add_argument("--gift", metavar="OUT.gift", help="write Moodle GIFT here")
    exp.add_argument("--key", metavar="OUT.md", help="write the answer key (Markdown) here")
    exp.add_argument("--qti", metavar="OUT.zip", help="write an IMS QTI 1.2 package here (text2qti)")
    allp = sub.add_parser("export-all", help="export every bank (GIFT + QTI) and the course answer key")
    allp.add_argument("outdir", help="folder to write gift/, qti/, answer-key.md and answer-key.html into")
    lint = sub.add_parser("lint", help="levels by the text, item-writing cues, spaced reviews; exit 1 if any")
    lint.add_argument("--root", default=None, help="the course folder (default: this checkout)")
    pre = sub.add_parser(
        "prepost", help="write the pre/post concept inventory: forms A and B (QTI, GIFT, key)"
    )
    pre.add_argument("--seed", metavar="SECRET", required=True, help="secret seed of the forms' variants")
    pre.add_argument("--items", type=int, default=12, metavar="N", help="items per form, 10-14 (12)")
    pre.add_argument("--out", metavar="DIR", default="_build/instructor/prepost", help="output folder")
    rep = sub.add_parser("prepost-report", help="item-level report of a pre-test and a post-test (CSV)")
    rep.add_argument("pre", help="results of the pre-test (form A), CSV")
    rep.add_argument("post", help="results of the post-test (form B), CSV")
    rep.add_argument("--out", metavar="REPORT.md", help="also write the report (Markdown) here")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return the exit status (0 ok, 1 invalid bank, 2 usage error)."""
    args = _parser().parse_args(argv)
    if args.command == "validate":
        messages = check_banks(args.banks)
        if messages:
            for m in messages:
                print(m, file=sys.stderr)
            print(f"{len(messages)} problem(s) in {len(args.banks)} bank(s)", file=sys.stderr)
            return 1
        print(f"{len(args.banks)} bank(s) valid")
        return 0
    if args.command == "lint":
        from pathlib import Path

        from immunokit.quiz.itemcheck import all_problems, checked_rows, course_corpus, levels_markdown
        from immunokit_instructor import ROOT

        root = Path(args.root) if args.root else ROOT
        corpus = course_corpus(root)
        problems = all_problems(root, corpus)
        print(levels_markdown(checked_rows(root, corpus)))
        if not corpus.outputs:
            print(
                "(no executed chapters in _build/jupyter_execute: code outputs were not checked; build the book)"
            )
        for m in problems:
            print(m, file=sys.stderr)
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return 1 if problems else 0
    if args.command in ("prepost", "prepost-report"):
        from immunokit_instructor.quiz.prepost import main_prepost, main_report

        return main_prepost(args) if args.command == "prepost" else main_report(args)
    if args.command == "export-all":
        from immunokit_instructor.quiz.course_export import export_course

        try:
            paths = export_course(args.outdir)
        except BankError as exc:
            print(exc, file=sys.stderr)
            return 1
        print(f"wrote {len(paths)} files into {args.outdir}")
        return 0
    if args.seed is not None:
        return _export_pool(args)
    if args.bank is None:
        print("export: name a bank (.quiz.yml), or give --seed SECRET for the secure pool", file=sys.stderr)
        return 2
    if not args.gift and not args.key and not args.qti:
        print("export: give --gift OUT.gift, --key OUT.md and/or --qti OUT.zip", file=sys.stderr)
        return 2
    try:
        bank = load_bank(args.bank)
    except BankError as exc:
        print(exc, file=sys.stderr)
        return 1
    for path in write_exports(bank, args.gift, args.key):
        print(f"wrote {path}")
    if args.qti:
        from immunokit_instructor.quiz.qti import write_qti

        print(f"wrote {write_qti(bank, args.qti)}")
    return 0


def _export_pool(args: argparse.Namespace) -> int:
    from immunokit.quiz.generators import GeneratorError
    from immunokit_instructor.quiz.course_export import course_banks
    from immunokit_instructor.quiz.pool import write_pool

    if not args.seed.strip():
        print("export: --seed needs a non-empty secret", file=sys.stderr)
        return 2
    if args.variants < 1:
        print(f"export: --variants must be at least 1, not {args.variants}", file=sys.stderr)
        return 2
    paths = [args.bank] if args.bank else course_banks(ROOT)
    try:
        banks = [load_bank(p) for p in paths]
        written = write_pool(banks, args.seed, args.variants, args.out)
    except (BankError, GeneratorError) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"wrote {len(written)} files into {args.out} ({args.variants} variants per generated item)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
