"""The edit loop: how long a contributor waits (issue 22's figures).

- **bibliography**: ``immunokit.citations.load()`` in a new process, the first time (BibTeX parsed, index
  written) and every later time (the content-keyed index read), milliseconds inside the process;
- **quiz validate**: ``python -m immunokit_instructor.quiz validate BANK`` for every bank, wall seconds;
- **builds**: every file git tracks copied to a temporary folder (their working-tree versions), built cold with
  ``make book``'s two commands (``immunokit_build.buildcache``, then ``jupyter-book build -W -n`` through
  ``immunokit_build.jupyter_book_cli``), rebuilt
  with nothing changed, then rebuilt after a one-line edit of one model (``models/cart_kinetics.py``); the
  pages whose notebook ran again are read from the build's log.
- **.ci/run**: the wall time a saved log of ``bash .ci/run`` reports (``--ci-log FILE``), as CI prints it.

Targets (2 cores): bibliography ≤ 20 ms; quiz validate ≤ 1 s per bank; cold build ≤ 60 s; one-model
rebuild ≤ 20 s; ``.ci/run`` on a fresh clone ≤ 12 min.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
JUPYTER_BOOK = [PY, "-m", "immunokit_build.jupyter_book_cli"]  # `jupyter-book`, as `make book` runs it
MODEL = Path("immunokit") / "models" / "cart_kinetics.py"


def bibliography_ms() -> dict[str, float]:
    code = (
        "import time, immunokit.citations as c\n"
        "t = time.perf_counter(); c.load(); print((time.perf_counter() - t) * 1000)\n"
    )
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "XDG_CACHE_HOME": cache}
        runs = [
            float(
                subprocess.run([PY, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
            )
            for _ in range(4)
        ]
    return {"first_process_ms": round(runs[0], 1), "later_process_ms": round(statistics.median(runs[1:]), 2)}


def quiz_validate_s() -> dict[str, float]:
    out: dict[str, float] = {}
    for bank in sorted((ROOT / "book").glob("*.quiz.yml")):
        start = time.perf_counter()
        subprocess.run(
            [PY, "-m", "immunokit_instructor.quiz", "validate", str(bank)], capture_output=True, check=True
        )
        out[bank.name] = round(time.perf_counter() - start, 2)
    return out


def _build(where: Path) -> tuple[float, str]:
    start = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": f"{where}{os.pathsep}{where / 'tooling'}"}
    ahead = subprocess.run(
        [PY, "-m", "immunokit_build.buildcache", str(where)],
        cwd=where,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    proc = subprocess.run(
        [*JUPYTER_BOOK, "build", str(where), "-W", "-n", "--keep-going"],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"the build in {where} failed:\n{(proc.stdout + proc.stderr)[-3000:]}")
    return round(time.perf_counter() - start, 2), ahead.stdout + proc.stdout + proc.stderr


def executed(log: str) -> list[str]:
    """Notebooks run by the build: ahead of Sphinx (buildcache's lines) or by Sphinx itself (myst-nb's)."""
    found = re.findall(r"(\S+\.ipynb): (?:Executed notebook|executed in)", log)
    return sorted({Path(m).name for m in found})


def builds() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-edit-") as tmp:
        where = Path(tmp)
        tracked = subprocess.run(
            ["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, text=True, check=True
        ).stdout.split("\0")
        for name in filter(None, tracked):  # the working tree's version of every file a clone would have
            source = ROOT / name
            if source.is_file():
                (where / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, where / name)
        cold, cold_log = _build(where)
        unchanged, _ = _build(where)
        model = where / MODEL
        model.write_text(model.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
        edited, edit_log = _build(where)
    return {
        "cold_build_s": cold,
        "notebooks_executed_cold": len(executed(cold_log)),
        "no_change_rebuild_s": unchanged,
        "one_model_rebuild_s": edited,
        "one_model_edit": MODEL.as_posix(),
        "notebooks_executed_after_edit": executed(edit_log),
    }


def ci_seconds(log: Path) -> float | None:
    found = re.findall(r"\.ci/run finished in (\d+) s", log.read_text(encoding="utf-8", errors="replace"))
    return float(found[-1]) if found else None


def measure(ci_log: Path | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "bibliography": bibliography_ms(),
        "quiz_validate_s": quiz_validate_s(),
        "builds": builds(),
    }
    if ci_log is not None:
        result["ci_run_s"] = ci_seconds(ci_log)
    return result


def rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    bib = result["bibliography"]
    validate = result["quiz_validate_s"]
    slowest = max(validate.items(), key=lambda kv: kv[1])
    b = result["builds"]
    out = [
        (
            "bibliography load (new process)",
            f"{bib['later_process_ms']} ms (first ever: {bib['first_process_ms']} ms, parses and writes the index)",
            "≤ 20 ms",
            verdict(bib["later_process_ms"] <= 20),
        ),
        (
            "quiz validate, one bank",
            f"median {statistics.median(validate.values()):.2f} s, slowest {slowest[1]} s ({slowest[0]})",
            "≤ 1 s",
            verdict(slowest[1] <= 1),
        ),
        ("cold build (make book)", f"{b['cold_build_s']} s", "≤ 60 s", verdict(b["cold_build_s"] <= 60)),
        (
            "one-model rebuild",
            f"{b['one_model_rebuild_s']} s ({b['one_model_edit']}; ran again: {', '.join(b['notebooks_executed_after_edit']) or 'none'})",
            "≤ 20 s",
            verdict(b["one_model_rebuild_s"] <= 20),
        ),
        ("no-change rebuild", f"{b['no_change_rebuild_s']} s", "(for information)", ""),
    ]
    if result.get("ci_run_s") is not None:
        out.append(
            (
                ".ci/run on a fresh clone",
                f"{result['ci_run_s'] / 60:.1f} min",
                "≤ 12 min",
                verdict(result["ci_run_s"] <= 720),
            )
        )
    return out


if __name__ == "__main__":
    print(json.dumps(measure(Path(sys.argv[1]) if len(sys.argv) > 1 else None), indent=2))
