"""Command line of the quiz toolkit.

Validate banks (every problem of every bank, then a non-zero exit if there was any)::

    python -m immunokit.quiz validate book/*.quiz.yml

Export a bank for an LMS and a printable answer key::

    python -m immunokit.quiz export book/ch04_bispecific_engagers.quiz.yml --gift ch04.gift --key ch04-key.md
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
    if not args.gift and not args.key:
        print("export: give --gift OUT.gift and/or --key OUT.md", file=sys.stderr)
        return 2
    try:
        bank = load_bank(args.bank)
    except BankError as exc:
        print(exc, file=sys.stderr)
        return 1
    for path in write_exports(bank, args.gift, args.key):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
