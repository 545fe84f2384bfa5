"""Performance benchmark of the course: writes ``benchmarks/report.json`` and prints a table.

Measures, on this machine:

- a cold build of the whole book (empty execution cache, fresh output folder) and a rebuild with nothing
  changed (seconds);
- the execution time of every notebook in ``book/``, ``solutions/`` and ``exercises/`` (seconds, fresh
  kernel, nbclient);
- the update latency of every model explorer (median and 95th percentile, ms; ``explorer_bench.py``);
- the static quiz's bytes per question and time to interactive, beside jupyterquiz on the same ten
  questions (``quiz_bench.py``);
- grading throughput, honest submissions per minute on every core, with and without the sandbox
  (``grading_bench.py``);
- the bytes a browser transfers for each chapter page (HTML, scripts, styles, images; raw and gzip);
- Lighthouse 12.2.3 (mobile preset) on the stock Jupyter Book page and on every page of the book, both
  gzip-served from 127.0.0.1 in the same run (``lighthouse_bench.py``).

Targets (2-core machine): cold build ≤ 120 s; no-change rebuild ≤ 10 % of cold; every notebook ≤ 10 s;
explorer median ≤ 50 ms; chapter page ≤ 400 KiB transferred (gzip); quizzes lighter and faster than
jupyterquiz; every page Lighthouse performance ≥ 95, LCP ≤ 2.5 s, TBT ≤ 100 ms, CLS ≤ 0.05,
accessibility, best practices and SEO 100. A missed target is reported as MISSED, never hidden. Writes
``benchmarks/report.json``, ``benchmarks/report.md`` and the summary table in ``README.md``. Usage:
``python benchmarks/run.py [--skip-build] [--quick] [--lighthouse-only] [--runs N] [--readme-only]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "benchmarks" / "report.json"
REPORT_MD = ROOT / "benchmarks" / "report.md"
README = ROOT / "README.md"
#: The README's copy of the latest summary sits between these two lines, rewritten by every run.
README_START = "<!-- benchmark summary: written by benchmarks/run.py from benchmarks/report.json -->"
README_END = "<!-- end of benchmark summary -->"
JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")
# Debian's Chromium and the flags this machine needs: one definition, shared with the browser tests.
sys.path.insert(0, str(ROOT / "tests"))
from harness import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

MB = 1024 * 1024
KIB = 1024
CHAPTER_BUDGET_KIB = 400


def _load(name: str) -> Any | None:
    path = ROOT / "benchmarks" / f"{name}.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[name] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def time_builds(out: Path) -> dict[str, Any]:
    """Cold build into an empty folder, then a rebuild with nothing changed (seconds)."""
    command = [str(JUPYTER_BOOK), "build", str(ROOT), "-W", "-n", "--keep-going", "--path-output", str(out)]
    result: dict[str, Any] = {}
    for label in ("cold_build_s", "rebuild_s"):
        start = time.perf_counter()
        proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        result[label] = round(time.perf_counter() - start, 2)
        if proc.returncode != 0:
            result["build_error"] = (proc.stdout + proc.stderr)[-2000:]
            break
    result["rebuild_fraction"] = round(result.get("rebuild_s", float("nan")) / result["cold_build_s"], 3)
    return result


def time_notebooks() -> dict[str, float]:
    """Seconds to execute each notebook top to bottom in a fresh kernel."""
    import nbformat
    from nbclient import NotebookClient

    times: dict[str, float] = {}
    for folder in ("book", "solutions", "exercises"):
        for path in sorted((ROOT / folder).glob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            client = NotebookClient(
                nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
            )
            start = time.perf_counter()
            try:
                client.execute()
                times[str(path.relative_to(ROOT))] = round(time.perf_counter() - start, 2)
            except Exception as err:
                times[str(path.relative_to(ROOT))] = float("nan")
                print(
                    f"  {path.relative_to(ROOT)} failed: {type(err).__name__}: {str(err)[:200]}",
                    file=sys.stderr,
                )
    return times


def page_bytes(html_dir: Path) -> dict[str, dict[str, int]]:
    """Bytes a browser fetches for each chapter page: every file it requests, raw and gzip-compressed.

    Requests are recorded in headless Chromium; sizes are read from the built files (deterministic), raw
    and as gzip (what a static host such as GitHub Pages sends). ``page_html`` is the page's own HTML.
    """
    import gzip
    from urllib.parse import unquote, urlparse

    from playwright.sync_api import sync_playwright

    from immunokit_build.localserver import start

    server = start(html_dir)
    base = server.url
    sizes: dict[str, dict[str, int]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for page_path in sorted((html_dir / "book").glob("ch*.html")):
            context = browser.new_context()
            page = context.new_page()
            urls: set[str] = set()
            page.on("request", lambda request, urls=urls: urls.add(request.url))
            page.goto(f"{base}/book/{page_path.name}", wait_until="networkidle")
            raw = packed = 0
            for url in urls:
                parsed = urlparse(url)
                if not url.startswith(base):
                    continue
                path = html_dir / unquote(parsed.path).lstrip("/")
                if path.is_file():
                    data = path.read_bytes()
                    raw += len(data)
                    packed += len(gzip.compress(data, 6))
            sizes[page_path.name] = {"raw": raw, "gzip": packed, "page_html": page_path.stat().st_size}
            context.close()
        browser.close()
    server.stop()
    return sizes


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def lighthouse_rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """Summary rows of a Lighthouse run: the stock page, then the worst page on each measure."""
    pages = result.get("pages", {})
    rows: list[tuple[str, str, str, str]] = []
    if "stock" in result:
        s = result["stock"]
        rows.append(
            (
                "Lighthouse, stock Jupyter Book page",
                f"performance {s['performance']}, LCP {s['lcp_s']} s, TBT {s['tbt_ms']} ms, "
                f"{s['transferred_kib']:.0f} KiB",
                "baseline",
                "",
            )
        )
    if not pages:
        return rows
    checks = [
        ("performance", "lowest performance", "≥ 95", min, lambda v: v >= 95, ""),
        ("lcp_s", "slowest LCP", "≤ 2.5 s", max, lambda v: v <= 2.5, " s"),
        ("tbt_ms", "longest TBT", "≤ 100 ms", max, lambda v: v <= 100, " ms"),
        ("cls", "largest CLS", "≤ 0.05", max, lambda v: v <= 0.05, ""),
        ("accessibility", "lowest accessibility", "100", min, lambda v: v >= 100, ""),
        ("best_practices", "lowest best practices", "100", min, lambda v: v >= 100, ""),
        ("seo", "lowest SEO", "100", min, lambda v: v >= 100, ""),
    ]
    for key, label, target, pick, ok, unit in checks:
        page, row = pick(pages.items(), key=lambda kv: kv[1][key] if kv[1][key] is not None else -1)
        rows.append(
            (
                f"Lighthouse, {label} of {len(pages)} pages",
                f"{row[key]}{unit} ({page})",
                target,
                verdict(all(r[key] is not None and ok(r[key]) for r in pages.values())),
            )
        )
    chapters = {p: r for p, r in pages.items() if Path(p).name.startswith("ch")}
    if chapters:
        page, row = max(chapters.items(), key=lambda kv: kv[1]["transferred_kib"])
        rows.append(
            (
                "Lighthouse, heaviest chapter page transferred",
                f"{row['transferred_kib']:.0f} KiB ({page})",
                f"≤ {CHAPTER_BUDGET_KIB} KiB",
                verdict(all(r["transferred_kib"] <= CHAPTER_BUDGET_KIB for r in chapters.values())),
            )
        )
    return rows


def markdown(report: dict[str, Any], rows: list[tuple[str, str, str, str]]) -> str:
    """The report as Markdown: the summary table, then Lighthouse's table of every page."""
    lines = [
        f"# Benchmark report ({report['when']}, {report['machine']['cpus']} cores)",
        "",
        *(
            [f"Page weight and Lighthouse measured again on {report['when_lighthouse']}.", ""]
            if "when_lighthouse" in report
            else []
        ),
        "| measure | value | target | verdict |",
        "| --- | --- | --- | --- |",
        *(f"| {' | '.join(row)} |" for row in rows),
    ]
    if "lighthouse" in report:
        lighthouse = _load("lighthouse_bench")
        lh = report["lighthouse"]
        lines += [
            "",
            f"## Lighthouse {lh['lighthouse']} ({lh['preset']}; median of {lh['runs_per_page']} runs, "
            f"{lh.get('runs_per_other_page', lh['runs_per_page'])} on pages other than chapters; "
            f"load average {lh['load_average_before']:.1f} before, {lh['load_average_after']:.1f} after)",
            "",
            lighthouse.table(lh) if lighthouse else "",
        ]
    return "\n".join(lines) + "\n"


def readme_summary(report: dict[str, Any]) -> str:
    """The README's summary of a report: when, where, and the measure/value/target/verdict table."""
    lines = [f"Latest run: {report['when']}, {report['machine']['cpus']} cores."]
    if "lighthouse" in report:
        lh = report["lighthouse"]
        lines[0] += (
            f" Page weight and Lighthouse measured again {report.get('when_lighthouse', report['when'])}"
            f" (median of {lh['runs_per_page']} runs per chapter, "
            f"{lh.get('runs_per_other_page', lh['runs_per_page'])} per other page; load average "
            f"{lh['load_average_before']:.1f} before, {lh['load_average_after']:.1f} after)."
        )
    lines += ["", "| measure | value | target | verdict |", "| --- | --- | --- | --- |"]
    lines += [f"| {' | '.join(row.values())} |" for row in report["summary"]]
    return "\n".join(lines)


def with_readme_summary(readme: str, summary: str) -> str:
    """``readme`` with the text between :data:`README_START` and :data:`README_END` replaced."""
    start, end = readme.find(README_START), readme.find(README_END)
    if start < 0 or end < start:
        raise SystemExit(
            f"README.md: the benchmark summary needs the lines {README_START!r} and {README_END!r}, "
            "in that order"
        )
    return readme[: start + len(README_START)] + "\n" + summary + "\n" + readme[end:]


def edit_loop_only(ci_log: Path | None) -> int:
    """Measure the edit loop and replace its rows in the last report (the other figures are kept)."""
    edit_loop = _load("edit_loop_bench")
    result = edit_loop.measure(ci_log)  # type: ignore[union-attr]
    new_rows = edit_loop.rows(result)  # type: ignore[union-attr]
    report = json.loads(REPORT.read_text(encoding="utf-8")) if REPORT.exists() else {}
    names = {r[0] for r in new_rows}
    kept = [tuple(r.values()) for r in report.get("summary", []) if r["measure"] not in names]
    report["edit_loop"] = result
    report["when_edit_loop"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    report.setdefault("when", report["when_edit_loop"])
    report.setdefault("machine", {"python": platform.python_version(), "cpus": __import__("os").cpu_count()})
    rows = [*kept, *new_rows]
    report["summary"] = [dict(zip(("measure", "value", "target", "verdict"), r, strict=True)) for r in rows]
    REPORT.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    REPORT_MD.write_text(markdown(report, rows), encoding="utf-8")  # type: ignore[arg-type]
    README.write_text(
        with_readme_summary(README.read_text(encoding="utf-8"), readme_summary(report)), encoding="utf-8"
    )
    for row in new_rows:
        print(" | ".join(row))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-build", action="store_true", help="reuse _build/html; no build timing")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument(
        "--lighthouse-only", action="store_true", help="only Lighthouse and page weight, on _build/html"
    )
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (median reported)")
    parser.add_argument(
        "--other-runs", type=int, help="Lighthouse runs per non-chapter page (default: --runs)"
    )
    parser.add_argument(
        "--readme-only", action="store_true", help="only copy the last report's summary into README.md"
    )
    parser.add_argument(
        "--edit-loop-only",
        action="store_true",
        help="only the edit loop (bibliography, quiz validate, cold/one-model builds; edit_loop_bench.py)",
    )
    parser.add_argument("--ci-log", type=Path, help="a saved log of `bash .ci/run`: report its wall time")
    args = parser.parse_args(argv)
    if args.readme_only:
        last = json.loads(REPORT.read_text(encoding="utf-8"))
        README.write_text(
            with_readme_summary(README.read_text(encoding="utf-8"), readme_summary(last)), encoding="utf-8"
        )
        return 0
    if args.lighthouse_only:
        args.skip_build = True
    if args.edit_loop_only:
        return edit_loop_only(args.ci_log)

    report: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": {
            "python": platform.python_version(),
            "cpus": __import__("os").cpu_count(),
            "platform": platform.platform(),
        },
    }
    rows: list[tuple[str, str, str, str]] = []

    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        html_dir = ROOT / "_build" / "html"
        if not args.skip_build:
            print("building the book twice (cold, then unchanged)…", file=sys.stderr)
            builds = time_builds(Path(tmp))
            report["build"] = builds
            html_dir = Path(tmp) / "_build" / "html"
            rows.append(
                (
                    "cold build",
                    f"{builds['cold_build_s']} s",
                    "≤ 120 s",
                    verdict(builds["cold_build_s"] <= 120),
                )
            )
            if "rebuild_s" in builds:
                rows.append(
                    (
                        "no-change rebuild",
                        f"{builds['rebuild_s']} s ({builds['rebuild_fraction']:.0%} of cold)",
                        "≤ 10 % of cold",
                        verdict(builds["rebuild_fraction"] <= 0.10),
                    )
                )
        if not args.lighthouse_only:
            print("timing notebooks…", file=sys.stderr)
            notebooks = time_notebooks()
            report["notebooks_s"] = notebooks
            slowest = max(notebooks.items(), key=lambda kv: kv[1], default=("-", 0.0))
            rows.append(
                (
                    "slowest notebook",
                    f"{slowest[1]} s ({slowest[0]})",
                    "≤ 10 s",
                    verdict(all(v <= 10 for v in notebooks.values())),
                )
            )
        if (html_dir / "book").exists():
            print("measuring page bytes…", file=sys.stderr)
            sizes = page_bytes(html_dir)
            report["page_bytes"] = sizes
            if sizes:
                name, biggest = max(sizes.items(), key=lambda kv: kv[1]["raw"])
                name, biggest = max(sizes.items(), key=lambda kv: kv[1]["gzip"])
                rows.append(
                    (
                        "largest chapter page, as transferred (gzip)",
                        f"{biggest['gzip'] / KIB:.0f} KiB ({name})",
                        f"≤ {CHAPTER_BUDGET_KIB} KiB",
                        verdict(biggest["gzip"] <= CHAPTER_BUDGET_KIB * KIB),
                    )
                )
                rows.append(
                    (
                        "same page, uncompressed",
                        f"{biggest['raw'] / MB:.2f} MB, of which its own HTML {biggest['page_html'] / MB:.2f} MB",
                        "(for information)",
                        "",
                    )
                )
            lighthouse = _load("lighthouse_bench")
            if lighthouse is not None:
                print("running Lighthouse on the stock page and every page…", file=sys.stderr)
                result = lighthouse.measure(html_dir, runs=args.runs, other_runs=args.other_runs)
                report["lighthouse"] = result
                rows.extend(lighthouse_rows(result))

    explorer = None if args.lighthouse_only else _load("explorer_bench")
    if explorer is not None:
        print("timing explorers…", file=sys.stderr)
        result = explorer.measure(n=10 if args.quick else 30)
        report["explorers_ms"] = result
        for name, stats in sorted(result.items()):
            rows.append(
                (
                    f"explorer {name}",
                    f"median {stats['median_ms']:.1f} ms, p95 {stats['p95_ms']:.1f} ms",
                    "median ≤ 50 ms",
                    verdict(stats["median_ms"] <= 50),
                )
            )
    quiz = None if args.lighthouse_only else _load("quiz_bench")
    if quiz is not None:
        print("measuring quizzes against jupyterquiz…", file=sys.stderr)
        result = quiz.measure(n_loads=5 if args.quick else 10)
        report["quiz"] = result
        ours, peer = result.get("immunokit", {}), result.get("jupyterquiz", {})
        if ours and peer:
            rows.append(
                (
                    "quiz bytes / question",
                    f"{ours['bytes_per_question']:.0f} B vs jupyterquiz {peer['bytes_per_question']:.0f} B",
                    "≤ ½ of jupyterquiz",
                    verdict(ours["bytes_per_question"] <= 0.5 * peer["bytes_per_question"]),
                )
            )
            rows.append(
                (
                    "quiz time to interactive",
                    f"{ours['tti_median_ms']:.0f} ms vs jupyterquiz {peer['tti_median_ms']:.0f} ms",
                    "no later than jupyterquiz",
                    verdict(ours["tti_median_ms"] <= peer["tti_median_ms"]),
                )
            )

    edit_loop = None if args.lighthouse_only else _load("edit_loop_bench")
    if edit_loop is not None:
        print(
            "timing the edit loop (bibliography, quiz validate, cold and one-model builds)…", file=sys.stderr
        )
        report["edit_loop"] = edit_loop.measure(args.ci_log)
        rows += edit_loop.rows(report["edit_loop"])

    grading = _load("grading_bench")
    if grading is not None:
        print("timing the grader…", file=sys.stderr)
        report["grading"] = grading.measure(quick=args.quick)
        rows += grading.rows(report["grading"])

    if args.lighthouse_only and REPORT.exists():
        # Keep the last full run's other figures; replace the page-weight and Lighthouse ones.
        previous = json.loads(REPORT.read_text(encoding="utf-8"))
        ours = {"largest chapter page, as transferred (gzip)", "same page, uncompressed"}
        kept = [
            tuple(r.values())
            for r in previous.get("summary", [])
            if r["measure"] not in ours and not r["measure"].startswith("Lighthouse")
        ]
        previous.update({k: v for k, v in report.items() if k != "when"})
        previous["when_lighthouse"] = report["when"]
        report, rows = previous, [*kept, *rows]  # type: ignore[list-item]
    report["summary"] = [
        dict(zip(("measure", "value", "target", "verdict"), row, strict=True)) for row in rows
    ]
    REPORT.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    REPORT_MD.write_text(markdown(report, rows), encoding="utf-8")
    README.write_text(
        with_readme_summary(README.read_text(encoding="utf-8"), readme_summary(report)), encoding="utf-8"
    )
    width = max((len(r[0]) for r in rows), default=10)
    print(f"\n{'measure'.ljust(width)} | value | target | verdict")
    for row in rows:
        print(f"{row[0].ljust(width)} | {row[1]} | {row[2]} | {row[3]}")
    print(f"\nreport: {REPORT.relative_to(ROOT)}, {REPORT_MD.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
