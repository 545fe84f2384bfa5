"""Command line of the quiz toolkit.

Validate banks (every problem of every bank, then a non-zero exit if there was any)::

    python -m immunokit.quiz validate book/*.quiz.yml

Export a bank for an LMS and a printable answer key::

    python -m immunokit.quiz export book/ch04_bispecific_engagers.quiz.yml --gift ch04.gift --key ch04-key.md --qti ch04.zip

Export every bank of the course (GIFT + QTI) and one printable answer key (``make export``)::

    python -m immunokit.quiz export-all _build/html/export
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .bank import BankError, check_banks, load_bank
from .export import write_exports


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m immunokit.quiz", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    val = sub.add_parser("validate", help="check banks; exit 1 listing every problem")
    val.add_argument("banks", nargs="+", help="question bank files (.quiz.yml)")
    exp = sub.add_parser("export", help="write Moodle GIFT and/or a Markdown answer key")
    exp.add_argument("bank", help="question bank file (.quiz.yml)")
    exp.add_argument("--gift", metavar="OUT.gift", help="write Moodle GIFT here")
    exp.add_argument("--key", metavar="OUT.md", help="write the answer key (Markdown) here")
    exp.add_argument("--qti", metavar="OUT.zip", help="write an IMS QTI 1.2 package here (text2qti)")
    allp = sub.add_parser("export-all", help="export every bank (GIFT + QTI) and the course answer key")
    allp.add_argument("outdir", help="folder to write gift/, qti/, answer-key.md and answer-key.html into")
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
    if args.command == "export-all":
        from .course_export import export_course

        try:
            paths = export_course(args.outdir)
        except BankError as exc:
            print(exc, file=sys.stderr)
            return 1
        print(f"wrote {len(paths)} files into {args.outdir}")
        return 0
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
        from .qti import write_qti

        print(f"wrote {write_qti(bank, args.qti)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
