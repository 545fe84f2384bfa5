"""Write the explicit imports and ``__all__`` of ``immunokit/diagrams/__init__.py`` from the registry.

Every diagram registers itself with ``@register_diagram``; editors, grep and mypy still need plain
``from .module import name`` lines to resolve ``from immunokit.diagrams import bite_synapse``. This
command derives those lines from the registry (every module of the package imported), so they are
explicit code and never kept by hand. Usage::

    python -m immunokit_build.diagram_exports [--check]    # --check: exit 1 if the file is not current
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence

from immunokit_build import ROOT

INIT = ROOT / "immunokit" / "diagrams" / "__init__.py"
_IMPORTS = re.compile(
    r"(# --- written by .*? do not edit ---\n)(.*?)(# --- end of the written imports ---)", re.S
)
_NAMES = re.compile(
    r"(# --- written by .*? do not edit ---\n)(__all__ = \[.*?\]\n)(# --- end of the written names ---)", re.S
)


def written(text: str) -> str:
    """``text`` (the package's ``__init__.py``) with its two written blocks derived from the registry."""
    from immunokit.interactive.registry import import_package, registered_in

    import_package("immunokit.diagrams")
    by_module: dict[str, list[str]] = {}
    for name, entry in registered_in("immunokit.diagrams", "diagram").items():
        by_module.setdefault(entry.module.rsplit(".", 1)[-1], []).append(name)
    imports = (
        "".join(f"from .{m} import {', '.join(sorted(n))}\n" for m, n in sorted(by_module.items())) + "\n"
    )
    names = sorted(n for ns in by_module.values() for n in ns)
    all_block = "__all__ = [\n" + "".join(f'    "{n}",\n' for n in ["DIAGRAMS", *names]) + "]\n"
    text = _IMPORTS.sub(lambda m: m.group(1) + imports + m.group(3), text, count=1)
    return _NAMES.sub(lambda m: m.group(1) + all_block + m.group(3), text, count=1)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m immunokit_build.diagram_exports", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--check", action="store_true", help="only say whether the file is current")
    args = parser.parse_args(argv)
    current = INIT.read_text(encoding="utf-8")
    new = written(current)
    if new == current:
        print(f"{INIT.relative_to(ROOT)} is current")
        return 0
    if args.check:
        print(
            f"{INIT.relative_to(ROOT)} is out of date: run python -m immunokit_build.diagram_exports",
            file=sys.stderr,
        )
        return 1
    INIT.write_text(new, encoding="utf-8")
    print(f"wrote {INIT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
