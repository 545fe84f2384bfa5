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
import functools
import gzip
import http.server
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from immunokit.markup import inline_html  # noqa: E402
from immunokit.quiz import Quiz, load_bank  # noqa: E402
from immunokit.quiz.bank import Question  # noqa: E402

STATIC = ROOT / "immunokit" / "static"
EXAMPLE = ROOT / "tests" / "fixtures" / "quiz" / "example.quiz.yml"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
N_QUESTIONS = 10

#: Runs before any page script: records performance.now() the first time the page is interactive.
TTI_PROBE = """(() => {
  const ready = %s;
  const probe = () => { if (window.__tti === undefined && ready()) window.__tti = performance.now(); };
  new MutationObserver(probe).observe(document, {subtree: true, childList: true, attributes: true});
})();"""
OURS_READY = "() => document.querySelector('section[data-ik=\"quiz\"][data-ik-ready]') !== null"
PEER_READY = ("() => { const l = document.querySelectorAll('label.MCButton'); "
              "return l.length === %d && Array.prototype.every.call(l, e => typeof e.onclick === 'function'); }")


def bench_questions() -> list[Question]:
    """Ten single-choice questions: the book's banks in file order, then the example bank."""
    banks = [*sorted((ROOT / "book").glob("*.quiz.yml")), EXAMPLE]
    chosen: list[Question] = []
    for path in banks:
        try:
            bank = load_bank(path)
        except Exception:  # noqa: BLE001 - a bank being edited must not stop the benchmark
            continue
        chosen += [q for q in bank.questions if q.type == "single"]
    if len(chosen) < N_QUESTIONS:
        raise RuntimeError(f"only {len(chosen)} single-choice questions found; need {N_QUESTIONS}")
    return chosen[:N_QUESTIONS]


def jupyterquiz_output(questions: list[Question]) -> tuple[str, str]:
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
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1"><title>quiz benchmark</title>'
            f"{head}</head><body><main>{body}</main></body></html>")


def _section(text: str, start: str, end_marker: str = "/* ---- ") -> str:
    """The component section of the shared script/style, from its marker to the next one."""
    i = text.find(start)
    if i < 0:
        return ""
    j = text.find(end_marker, i + len(start))
    return text[i : j if j > 0 else len(text)]


def _gz(data: str) -> int:
    return len(gzip.compress(data.encode("utf-8"), compresslevel=6, mtime=0))


def _vnu_errors(page: Path) -> int | None:
    if not VNU.exists() or shutil.which("java") is None:
        return None
    proc = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--stdout", str(page)],
                          capture_output=True, text=True, timeout=300)
    return sum(1 for m in json.loads(proc.stdout)["messages"] if m.get("type") == "error")


def _time_to_interactive(url: str, ready_js: str, n_loads: int, browser: Any) -> dict[str, Any]:
    times, external, errors = [], [], []
    for _ in range(n_loads):
        context = browser.new_context()
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1")
                      else (external.append(route.request.url), route.abort()))
        context.add_init_script(TTI_PROBE % ready_js)
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url)
        page.wait_for_function("window.__tti !== undefined", timeout=30_000)
        times.append(page.evaluate("window.__tti"))
        context.close()
    return {"tti_ms": [round(t, 1) for t in times], "tti_median_ms": round(statistics.median(times), 1),
            "external_requests": external, "console_errors": sorted(set(errors))}


def measure(n_loads: int = 10) -> dict[str, Any]:
    """Measure both quizzes; return a dict with ``immunokit`` and ``jupyterquiz`` entries."""
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
        body = (f'<div class="cell_output">{peer_html}</div>'
                f'<div class="cell_output"><script type="text/javascript">{peer_js}</script></div>')
        (folder / "peer.html").write_text(_shell("", body), encoding="utf-8")

        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                ours_t: list[dict[str, Any]] = []
                peer_t: list[dict[str, Any]] = []
                for _ in range(n_loads):  # alternate, so drifting load on the machine hits both alike
                    ours_t.append(_time_to_interactive(f"{base}/ours.html", OURS_READY, 1, browser))
                    peer_t.append(_time_to_interactive(f"{base}/peer.html", PEER_READY % n_answers, 1, browser))
                browser.close()
        finally:
            server.shutdown()
            server.server_close()
        vnu_ours, vnu_peer = _vnu_errors(folder / "ours.html"), _vnu_errors(folder / "peer.html")

    def merge(runs: list[dict[str, Any]]) -> dict[str, Any]:
        times = [t for r in runs for t in r["tti_ms"]]
        return {"tti_ms": times, "tti_median_ms": round(statistics.median(times), 1),
                "external_requests": sorted({u for r in runs for u in r["external_requests"]}),
                "console_errors": sorted({e for r in runs for e in r["console_errors"]})}

    quiz_js, quiz_css = _section(js, "/* ---- quiz"), _section(css, "/* ---- quiz")
    ours_total = len(ours_html.encode()) + len(js.encode()) + len(css.encode())
    peer_total = len(peer_html.encode()) + len(peer_js.encode())
    return {
        "questions": [q.id for q in questions],
        "n_questions": n,
        "n_loads": n_loads,
        "immunokit": {
            "html_bytes": len(ours_html.encode()),
            "script_bytes": len(js.encode()),
            "style_bytes": len(css.encode()),
            "bytes_per_question": round(ours_total / n, 1),
            "bytes_per_question_gzip": round((_gz(ours_html) + _gz(js) + _gz(css)) / n, 1),
            "quiz_section_bytes_per_question": round(
                (len(ours_html.encode()) + len(quiz_js.encode()) + len(quiz_css.encode())) / n, 1),
            "html_bytes_per_question": round(len(ours_html.encode()) / n, 1),
            "vnu_errors": vnu_ours,
            **merge(ours_t),
        },
        "jupyterquiz": {
            "html_bytes": len(peer_html.encode()),
            "script_bytes": len(peer_js.encode()),
            "bytes_per_question": round(peer_total / n, 1),
            "bytes_per_question_gzip": round((_gz(peer_html) + _gz(peer_js)) / n, 1),
            "vnu_errors": vnu_peer,
            **merge(peer_t),
        },
    }


def main(argv: list[str] | None = None) -> int:
    """Run :func:`measure`, print a comparison table, optionally write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loads", type=int, default=10, help="cold page loads per quiz (default 10)")
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args(argv)
    result = measure(n_loads=args.loads)
    ours, peer = result["immunokit"], result["jupyterquiz"]
    rows = [
        ("bytes / question (raw)", f"{ours['bytes_per_question']:.0f}", f"{peer['bytes_per_question']:.0f}"),
        ("bytes / question (gzip)", f"{ours['bytes_per_question_gzip']:.0f}", f"{peer['bytes_per_question_gzip']:.0f}"),
        ("  of which quiz HTML + quiz JS/CSS sections", f"{ours['quiz_section_bytes_per_question']:.0f}", "-"),
        ("time to interactive, median (ms)", f"{ours['tti_median_ms']:.0f}", f"{peer['tti_median_ms']:.0f}"),
        ("Nu Html Checker errors", str(ours["vnu_errors"]), str(peer["vnu_errors"])),
        ("external requests", str(len(ours["external_requests"])), str(len(peer["external_requests"]))),
        ("console errors", str(len(ours["console_errors"])), str(len(peer["console_errors"]))),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{N_QUESTIONS} single-choice questions, {result['n_loads']} cold loads each: {', '.join(result['questions'])}")
    print(f"{'measure'.ljust(width)} | immunokit | jupyterquiz")
    for name, a, b in rows:
        print(f"{name.ljust(width)} | {a.rjust(9)} | {b}")
    ratio = ours["bytes_per_question"] / peer["bytes_per_question"]
    print(f"bytes ratio {ratio:.2f} (target ≤ 0.5); interactive "
          f"{'no later' if ours['tti_median_ms'] <= peer['tti_median_ms'] else 'LATER'} than jupyterquiz")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
