"""Quiz benchmark: our static quiz against jupyterquiz on the same ten single-choice questions.

Measured in one run, on the same page shell, served from 127.0.0.1 (requests elsewhere aborted):

* **bytes per question**: for us, the quiz's HTML plus the *whole* ``immunokit.js`` and
  ``immunokit.css`` (both are shared by every component on a page, so this over-counts) divided by
  ten; also the quiz sections of the script and style alone. For jupyterquiz, everything its
  ``display_quiz`` call outputs (HTML, CSS and the JavaScript it inlines with every call) divided by
  ten. Raw and gzip-compressed (each file compressed on its own, as a server would send it).
* **time to interactive**: milliseconds from navigation start until every answer control exists with
  its handler attached (ours: the quiz element is marked ``data-ik-ready`` by the script after wiring
  every button; jupyterquiz: every ``label.MCButton`` exists with its ``onclick``), recorded by a
  ``MutationObserver`` installed before the page loads; median of ``n_loads`` cold loads, each in a
  fresh browser context, alternating the two pages.
* **Nu Html Checker errors** in the quiz markup (if ``node_modules/vnu-jar`` exists).

Procedure after ``../shared/recipes/testing.md`` §6 (``display_quiz(..., shuffle_answers=False)``).
Usage: ``python benchmarks/quiz_bench.py [--loads N] [--json OUT]``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from immunokit.markup import inline_html  # noqa: E402
from immunokit.quiz import Quiz, load_bank  # noqa: E402
from immunokit.quiz.bank import QuizQuestion  # noqa: E402
from immunokit_build.localserver import start  # noqa: E402

STATIC = ROOT / "immunokit" / "static"
EXAMPLE = ROOT / "tests" / "fixtures" / "quiz" / "example.quiz.yml"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# Debian's Chromium and the flags this machine needs: one definition, shared with the browser tests.
sys.path.insert(0, str(ROOT / "tests"))
from harness import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

N_QUESTIONS = 10

#: Runs before any page script: records performance.now() the first time the page is interactive.
TTI_PROBE = """(() => {
  const ready = %s;
  const probe = () => { if (window.__tti === undefined && ready()) window.__tti = performance.now(); };
  new MutationObserver(probe).observe(document, {subtree: true, childList: true, attributes: true});
})();"""
OURS_READY = "() => document.querySelector('section[data-ik=\"quiz\"][data-ik-ready]') !== null"
PEER_READY = (
    "() => { const l = document.querySelectorAll('label.MCButton'); "
    "return l.length === %d && Array.prototype.every.call(l, e => typeof e.onclick === 'function'); }"
)


def bench_questions() -> list[QuizQuestion]:
    """Ten single-choice questions: the book's banks in file order, then the example bank."""
    banks = [*sorted((ROOT / "book").glob("*.quiz.yml")), EXAMPLE]
    chosen: list[QuizQuestion] = []
    for path in banks:
        try:
            bank = load_bank(path)
        except Exception:
            continue
        chosen += [q for q in bank.questions if q.type == "single"]
    if len(chosen) < N_QUESTIONS:
        raise RuntimeError(f"only {len(chosen)} single-choice questions found; need {N_QUESTIONS}")
    return chosen[:N_QUESTIONS]


def jupyterquiz_output(questions: list[QuizQuestion]) -> tuple[str, str]:
    """(HTML, JavaScript) that ``jupyterquiz.display_quiz`` outputs for these questions."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output
    from jupyterquiz import display_quiz

    InteractiveShell.instance()  # display() publishes only inside a shell, as in a notebook kernel

    data = [
        {
            "question": inline_html(q.prompt),
            "type": "multiple_choice",
            "answers": [
                {"answer": inline_html(o.text), "correct": o.correct, "feedback": inline_html(o.feedback)}
                for o in (q.options[i] for i in q.display_order())
            ],
        }
        for q in questions
    ]
    with capture_output() as captured:
        display_quiz(data, shuffle_answers=False)
    html_parts, js_parts = [], []
    for output in captured.outputs:
        html_parts.append(output.data.get("text/html", ""))
        js_parts.append(output.data.get("application/javascript", ""))
    return "".join(html_parts), "".join(js_parts)


def _shell(head: str, body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>quiz benchmark</title>'
        f"{head}</head><body><main>{body}</main></body></html>"
    )


def _section(text: str, start: str, end_marker: str = "/* ---- ") -> str:
    """The component section of the shared script/style, from its marker to the next one."""
    i = text.find(start)
    if i < 0:
        return ""
    j = text.find(end_marker, i + len(start))
    return text[i : j if j > 0 else len(text)]


def build_theme_pages(folder: Path, ours_html: str, peer_html: str, peer_js: str) -> Path | None:
    """Build a two-page Jupyter Book (``ours``, ``peer``) in ``folder``; return its HTML folder.

    The quiz outputs go in as raw HTML, exactly as myst-nb writes a cell's outputs (the peer's
    JavaScript output as a ``<script>`` element), so both quizzes sit in the real theme page with
    its stylesheets and scripts, as in the built book. ``None`` if the build fails.
    """
    book = folder / "book"
    (book / "static").mkdir(parents=True)
    shutil.copy(STATIC / "immunokit.js", book / "static" / "immunokit.js")
    shutil.copy(STATIC / "immunokit.css", book / "static" / "immunokit.css")
    (book / "_config.yml").write_text(
        "title: Quiz benchmark\nonly_build_toc_files: true\nexecute:\n  execute_notebooks: 'off'\n"
        "sphinx:\n  config:\n    html_static_path: ['static']\n    html_js_files: ['immunokit.js']\n"
        "    html_css_files: ['immunokit.css']\n    nb_ipywidgets_js: {}\n",
        encoding="utf-8",
    )
    (book / "_toc.yml").write_text(
        "format: jb-book\nroot: ours\nchapters:\n  - file: peer\n", encoding="utf-8"
    )
    peer = f'{peer_html}\n<script type="text/javascript">{peer_js}</script>'
    for name, title, raw in (("ours", "Our quiz", ours_html), ("peer", "jupyterquiz", peer)):
        (book / f"{name}.md").write_text(f"# {title}\n\n```{{raw}} html\n{raw}\n```\n", encoding="utf-8")
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("jupyter-book")), "build", str(book)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    html_dir = book / "_build" / "html"
    return html_dir if proc.returncode == 0 and (html_dir / "peer.html").exists() else None


def _gz(data: str) -> int:
    return len(gzip.compress(data.encode("utf-8"), compresslevel=6, mtime=0))


def _vnu_errors(page: Path) -> int | None:
    if not VNU.exists() or shutil.which("java") is None:
        return None
    proc = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--stdout", str(page)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return sum(1 for m in json.loads(proc.stdout)["messages"] if m.get("type") == "error")


def _time_to_interactive(url: str, ready_js: str, n_loads: int, browser: Any) -> dict[str, Any]:
    times, external, errors = [], [], []
    for _ in range(n_loads):
        context = browser.new_context()
        context.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith("http://127.0.0.1")
                else (external.append(route.request.url), route.abort())
            ),
        )
        context.add_init_script(TTI_PROBE % ready_js)
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url)
        page.wait_for_function("window.__tti !== undefined", timeout=30_000)
        times.append(page.evaluate("window.__tti"))
        context.close()
    return {
        "tti_ms": [round(t, 1) for t in times],
        "tti_median_ms": round(statistics.median(times), 1),
        "external_requests": external,
        "console_errors": sorted(set(errors)),
    }


def measure(n_loads: int = 10, theme: bool = True) -> dict[str, Any]:
    """Measure both quizzes; return a dict with ``immunokit`` and ``jupyterquiz`` entries.

    ``theme=True`` also builds the two quizzes into real Jupyter Book pages (about 20 s) and takes
    ``tti_median_ms`` from those, as the procedure in the testing recipes does; the bare-page timings
    are kept as ``bare_*``.
    """
    questions = bench_questions()
    n = len(questions)
    n_answers = sum(len(q.options) for q in questions)
    js = (STATIC / "immunokit.js").read_text(encoding="utf-8")
    css = (STATIC / "immunokit.css").read_text(encoding="utf-8")
    ours_html = Quiz(questions, source="benchmark").to_html()
    peer_html, peer_js = jupyterquiz_output(questions)

    with tempfile.TemporaryDirectory(prefix="quiz-bench-") as tmp:
        folder = Path(tmp)
        (folder / "immunokit.js").write_text(js, encoding="utf-8")
        (folder / "immunokit.css").write_text(css, encoding="utf-8")
        # As Sphinx writes html_js_files/html_css_files: in the head, the script not deferred.
        head = '<link rel="stylesheet" href="immunokit.css"><script src="immunokit.js"></script>'
        (folder / "ours.html").write_text(_shell(head, ours_html), encoding="utf-8")
        # As myst-nb writes a cell's two outputs: the HTML, then the JavaScript in a script element.
        body = (
            f'<div class="cell_output">{peer_html}</div>'
            f'<div class="cell_output"><script type="text/javascript">{peer_js}</script></div>'
        )
        (folder / "peer.html").write_text(_shell("", body), encoding="utf-8")

        theme_dir = build_theme_pages(folder, ours_html, peer_html, peer_js) if theme else None
        if theme_dir is not None:
            (theme_dir / "bare").mkdir()
            for name in ("ours.html", "peer.html", "immunokit.js", "immunokit.css"):
                shutil.copy(folder / name, theme_dir / "bare" / name)
        root_dir = theme_dir or folder
        server = start(root_dir)
        base = server.url
        pages = {"bare": (f"{base}/bare" if theme_dir else base)}
        if theme_dir is not None:
            pages["theme"] = base
        from playwright.sync_api import sync_playwright

        timings: dict[str, dict[str, list[dict[str, Any]]]] = {k: {"ours": [], "peer": []} for k in pages}
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for _ in range(n_loads):  # alternate, so drifting load on the machine hits both alike
                    for kind, url in pages.items():
                        timings[kind]["ours"].append(
                            _time_to_interactive(f"{url}/ours.html", OURS_READY, 1, browser)
                        )
                        timings[kind]["peer"].append(
                            _time_to_interactive(f"{url}/peer.html", PEER_READY % n_answers, 1, browser)
                        )
                browser.close()
        finally:
            server.stop()
        vnu_ours, vnu_peer = _vnu_errors(folder / "ours.html"), _vnu_errors(folder / "peer.html")

    def merge(runs: list[dict[str, Any]]) -> dict[str, Any]:
        times = [t for r in runs for t in r["tti_ms"]]
        return {
            "tti_ms": times,
            "tti_median_ms": round(statistics.median(times), 1),
            "external_requests": sorted({u for r in runs for u in r["external_requests"]}),
            "console_errors": sorted({e for r in runs for e in r["console_errors"]}),
        }

    quiz_js, quiz_css = _section(js, "/* ---- quiz"), _section(css, "/* ---- quiz")
    html_b, js_b, css_b = len(ours_html.encode()), len(js.encode()), len(css.encode())
    qjs_b, qcss_b = len(quiz_js.encode()), len(quiz_css.encode())
    book_questions = _book_question_count()
    peer_total = len(peer_html.encode()) + len(peer_js.encode())
    primary = "theme" if "theme" in timings else "bare"

    def tti(who: str) -> dict[str, Any]:
        out = {f"{k}_{key}": value for k in timings for key, value in merge(timings[k][who]).items()}
        out["tti_median_ms"] = out[f"{primary}_tti_median_ms"]
        out["tti_page"] = primary
        return out

    return {
        "questions": [q.id for q in questions],
        "n_questions": n,
        "n_loads": n_loads,
        "immunokit": {
            "html_bytes": html_b,
            "script_bytes": js_b,
            "style_bytes": css_b,
            "quiz_script_section_bytes": qjs_b,
            "quiz_style_section_bytes": qcss_b,
            # Headline: the page's quiz HTML plus the quiz sections of the shared script and style,
            # all charged to these ten questions (a reader's first, uncached page).
            "bytes_per_question": round((html_b + qjs_b + qcss_b) / n, 1),
            "bytes_per_question_gzip": round((_gz(ours_html) + _gz(quiz_js) + _gz(quiz_css)) / n, 1),
            "html_bytes_per_question": round(html_b / n, 1),
            "html_bytes_per_question_gzip": round(_gz(ours_html) / n, 1),
            # Over-count: the whole script and style (every component's code) charged to these ten.
            "whole_files_bytes_per_question": round((html_b + js_b + css_b) / n, 1),
            # The script and style are cached after the first page: spread over the book's questions.
            "book_questions": book_questions,
            "cached_bytes_per_question": round(html_b / n + (qjs_b + qcss_b) / max(book_questions, n), 1),
            "vnu_errors": vnu_ours,
            **tti("ours"),
        },
        "jupyterquiz": {
            "html_bytes": len(peer_html.encode()),
            "script_bytes": len(peer_js.encode()),
            "bytes_per_question": round(peer_total / n, 1),
            "bytes_per_question_gzip": round((_gz(peer_html) + _gz(peer_js)) / n, 1),
            "vnu_errors": vnu_peer,
            **tti("peer"),
        },
    }


def _book_question_count() -> int:
    count = 0
    for path in sorted((ROOT / "book").glob("*.quiz.yml")):
        try:
            count += len(load_bank(path).questions)
        except Exception:
            continue
    return count


def main(argv: list[str] | None = None) -> int:
    """Run :func:`measure`, print a comparison table, optionally write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loads", type=int, default=10, help="cold page loads per quiz (default 10)")
    parser.add_argument("--json", type=Path, help="also write the result here")
    parser.add_argument("--bare", action="store_true", help="skip the Jupyter Book pages (bare pages only)")
    args = parser.parse_args(argv)
    result = measure(n_loads=args.loads, theme=not args.bare)
    ours, peer = result["immunokit"], result["jupyterquiz"]
    rows = [
        (
            "bytes / question: HTML + quiz script/style sections",
            f"{ours['bytes_per_question']:.0f}",
            f"{peer['bytes_per_question']:.0f}",
        ),
        ("  same, gzip", f"{ours['bytes_per_question_gzip']:.0f}", f"{peer['bytes_per_question_gzip']:.0f}"),
        ("  HTML only (script cached)", f"{ours['html_bytes_per_question']:.0f}", "-"),
        (
            f"  cached script spread over the book's {ours['book_questions']} questions",
            f"{ours['cached_bytes_per_question']:.0f}",
            "-",
        ),
        (
            "  whole immunokit.js + .css charged to these 10",
            f"{ours['whole_files_bytes_per_question']:.0f}",
            "-",
        ),
    ]
    for kind in ("theme", "bare"):
        if f"{kind}_tti_median_ms" in ours:
            rows.append(
                (
                    f"time to interactive, median (ms), {kind} page",
                    f"{ours[f'{kind}_tti_median_ms']:.0f}",
                    f"{peer[f'{kind}_tti_median_ms']:.0f}",
                )
            )
    rows += [
        ("Nu Html Checker errors", str(ours["vnu_errors"]), str(peer["vnu_errors"])),
        (
            "external requests",
            str(len(ours.get(f"{ours['tti_page']}_external_requests", []))),
            str(len(peer.get(f"{peer['tti_page']}_external_requests", []))),
        ),
        (
            "console errors",
            str(len(ours.get(f"{ours['tti_page']}_console_errors", []))),
            str(len(peer.get(f"{peer['tti_page']}_console_errors", []))),
        ),
    ]
    width = max(len(r[0]) for r in rows)
    print(
        f"{N_QUESTIONS} single-choice questions, {result['n_loads']} cold loads each: {', '.join(result['questions'])}"
    )
    print(f"{'measure'.ljust(width)} | immunokit | jupyterquiz")
    for name, a, b in rows:
        print(f"{name.ljust(width)} | {a.rjust(9)} | {b}")
    ratio = ours["bytes_per_question"] / peer["bytes_per_question"]
    print(
        f"bytes ratio {ratio:.2f} (target ≤ 0.5); interactive ({ours['tti_page']} page) "
        f"{'no later' if ours['tti_median_ms'] <= peer['tti_median_ms'] else 'LATER'} than jupyterquiz"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
