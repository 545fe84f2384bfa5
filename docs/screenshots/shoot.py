"""Screenshots of the reader views changed by issues 14 and 26 (light, dark, 375 px phone, print, no
JavaScript, JupyterLab).

Run after a build: ``.venv/bin/python docs/screenshots/shoot.py`` (Debian's Chromium via Playwright, the
book served on 127.0.0.1; JupyterLab started on 127.0.0.1 for the notebook view); ``--reader-only`` takes
issue 26's views alone. Each PNG is cropped to the element shown and kept under 250 KB.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from harness import CHROMIUM, CHROMIUM_ARGS, HTML_DIR  # noqa: E402

from immunokit_build.localserver import start  # noqa: E402

OUT = Path(__file__).resolve().parent
LIMIT = 250_000


def save(png: bytes, name: str, width: int = 900) -> None:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    if image.width > width:
        image = image.resize((width, round(image.height * width / image.width)), Image.LANCZOS)
    for colors in (256, 128, 64):
        buf = io.BytesIO()
        image.quantize(colors=colors, method=Image.Quantize.MEDIANCUT).save(buf, "PNG", optimize=True)
        if buf.tell() <= LIMIT:
            break
    (OUT / name).write_bytes(buf.getvalue())
    print(f"{name}: {buf.tell() / 1000:.0f} KB")


def _print_page(browser: Any, url: str) -> None:
    """A page of chapter 8 as Chromium prints it (A4 PDF, then pdftoppm): the CRS stepper's steps flow."""
    import re
    import shutil
    import subprocess
    import tempfile

    if not shutil.which("pdftoppm"):
        print("pdftoppm missing (poppler-utils): no print page")
        return
    ctx = browser.new_context()
    p = ctx.new_page()
    p.goto(f"{url}/book/ch08_side_effects.html", wait_until="networkidle")
    p.emulate_media(media="print")
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "ch08.pdf"
        p.pdf(path=str(pdf), format="A4")
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        number = next(i for i, page in enumerate(text.split("\f"), 1) if re.search(r"\(2 of \d\)", page))
        subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", str(number), "-l", str(number), str(pdf),
                        str(Path(tmp) / "page")], check=True)  # fmt: skip
        save(next(Path(tmp).glob("page*.png")).read_bytes(), "ch08-print-stepper-page.png", width=662)
    ctx.close()


def reader_shots(browser: Any, url: str) -> None:
    """Issue 26: the navigation drawer on a phone (light, dark), a chart and a diagram on a phone, the
    ICAHT calculator, and a chapter printed from dark mode."""
    ch05 = "book/ch05_car_t_cells.html"
    for dark in (False, True):
        ctx = browser.new_context(
            viewport={"width": 375, "height": 740}, color_scheme="dark" if dark else "light",
            has_touch=True, is_mobile=True, device_scale_factor=1,
        )  # fmt: skip
        p = ctx.new_page()
        p.goto(f"{url}/{ch05}", wait_until="networkidle")
        p.locator(".primary-toggle:visible").tap()
        p.wait_for_function("document.getElementById('pst-primary-sidebar-modal').open")
        p.wait_for_timeout(300)
        save(p.screenshot(), f"phone-drawer-{'dark' if dark else 'light'}.png", width=375)
        ctx.close()
    ctx = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, device_scale_factor=2)
    p = ctx.new_page()
    p.goto(f"{url}/book/ch04_bispecific_engagers.html", wait_until="networkidle")
    chart = p.locator(".ik-frames:has(picture)").first
    chart.scroll_into_view_if_needed()
    save(chart.screenshot(), "phone-chart-375.png", width=750)
    # A mechanism diagram's phone rendering (chapter 6's checkpoint stepper cut into two stacked panels),
    # then its full-size view fitted to the screen.
    ch06 = "book/ch06_checkpoint_inhibitors.html"
    p.goto(f"{url}/{ch06}", wait_until="networkidle")
    diagram = p.locator('[data-ik="frames"][data-ik-control="buttons"]').first
    diagram.scroll_into_view_if_needed()
    save(diagram.screenshot(), "phone-diagram-375.png", width=750)
    diagram.locator("button.ik-zoom-btn:visible").first.click()
    p.wait_for_timeout(300)
    save(p.screenshot(), "phone-figure-full-size-375.png", width=750)
    ctx.close()
    ctx = browser.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, device_scale_factor=2, color_scheme="dark"
    )
    p = ctx.new_page()
    p.goto(f"{url}/book/ch01_leukemia_and_immunity.html", wait_until="networkidle")
    figure = p.locator("figure.ik-figure:has(picture)").first
    figure.scroll_into_view_if_needed()
    save(figure.screenshot(), "phone-diagram-375-dark.png", width=750)
    ctx.close()
    phone_layout_shots(browser, url)
    _print_page(browser, url)
    ctx = browser.new_context(viewport={"width": 1000, "height": 900}, device_scale_factor=1)
    p = ctx.new_page()
    p.goto(f"{url}/book/ch11_supportive_care.html", wait_until="networkidle")
    calc = p.locator('[data-ik-calc="icaht"]')
    calc.locator('select[name="severe"]').select_option("14")
    calc.locator('select[name="profound"]').select_option("3")
    calc.locator('select[name="late"]').select_option("1000")
    save(calc.screenshot(), "ch11-icaht-calculator.png")
    ctx.close()
    # Print from dark mode: the chapter as Chromium lays it out for paper (print media, dark system setting
    # and the theme in dark mode), its first screenful at A4 width. (pdftoppm may be absent: no PDF here.)
    ctx = browser.new_context(
        color_scheme="dark", viewport={"width": 794, "height": 1123}, device_scale_factor=1
    )
    p = ctx.new_page()
    p.goto(f"{url}/{ch05}", wait_until="networkidle")
    p.evaluate(
        "document.documentElement.dataset.theme = 'dark'; document.documentElement.dataset.mode = 'dark'"
    )
    p.emulate_media(media="print", color_scheme="dark")
    p.wait_for_timeout(300)
    save(p.screenshot(), "ch05-print-from-dark-mode.png", width=794)
    ctx.close()


#: The three diagrams with phone layouts of their own (not cut into panels): page, the figure or stepper,
#: how many times to press Next first, and the screenshot's name.
PHONE_LAYOUTS = (
    ("book/ch04_bispecific_engagers.html", '[data-ik="frames"][data-ik-control="buttons"]', 2, "phone-bite-stepper-375"),
    ("book/ch05_car_t_cells.html", '[aria-label="The CAR T-cell workflow, vein to vein"]', 6, "phone-workflow-375"),
    ("book/ch09_combination_therapy.html", 'figure.ik-figure:has(img[alt^="Schematic timeline"])', 0, "phone-timeline-375"),
)  # fmt: skip


def phone_layout_shots(browser: Any, url: str) -> None:
    """The blinatumomab stepper, the CAR T workflow and the combination timeline on a 375 px phone, light
    and dark: each drawn again for the phone by its own drawing code (not cut into panels)."""
    for dark in (False, True):
        ctx = browser.new_context(
            viewport={"width": 375, "height": 740},
            is_mobile=True,
            device_scale_factor=2,
            color_scheme="dark" if dark else "light",
        )
        p = ctx.new_page()
        for path, selector, nexts, name in PHONE_LAYOUTS:
            p.goto(f"{url}/{path}", wait_until="networkidle")
            # The sticky headers scroll away with the page and "Back to top" stays out of the picture.
            p.add_style_tag(
                content=".bd-header, .bd-header-article { position: static !important; } #pst-back-to-top { display: none !important; }"
            )
            element = p.locator(selector).first
            element.scroll_into_view_if_needed()
            for _ in range(nexts):
                element.locator('[data-ik-action="next"]').click()
            p.wait_for_timeout(300)
            save(element.screenshot(), f"{name}{'-dark' if dark else ''}.png", width=750)
        ctx.close()


def main() -> None:
    server = start(HTML_DIR)
    url = server.url
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        reader_shots(browser, url)
        if "--reader-only" in sys.argv[1:]:
            browser.close()
            server.stop()
            return

        def page(path: str, *, dark: bool = False, width: int = 1280, height: int = 900, js: bool = True):
            ctx = browser.new_context(
                viewport={"width": width, "height": height},
                color_scheme="dark" if dark else "light",
                java_script_enabled=js,
                device_scale_factor=1,
            )
            p = ctx.new_page()
            p.goto(f"{url}/{path}", wait_until="networkidle")
            if dark:
                p.evaluate(
                    "document.documentElement.dataset.theme = 'dark'; document.documentElement.dataset.mode = 'dark'"
                )
            return p

        ch07, ch08, ch05 = (
            "book/ch07_reading_trials.html",
            "book/ch08_side_effects.html",
            "book/ch05_car_t_cells.html",
        )
        p = page(ch07)
        save(p.locator(".ik-table-block").screenshot(), "ch07-table-light.png")
        p.get_by_role("button", name="Show all 11 columns").click()
        save(p.locator(".ik-table-block").screenshot(), "ch07-table-all-columns.png")
        p = page(ch07, dark=True)
        save(p.locator(".ik-table-block").screenshot(), "ch07-table-dark.png")
        p = page(ch07, width=375, height=740)
        block = p.locator(".ik-table-block")
        block.scroll_into_view_if_needed()
        save(p.screenshot(), "ch07-table-phone-375.png", width=375)
        p = page(ch07, dark=True)
        explorer = p.locator(".ik-explorer").first
        save(explorer.screenshot(), "ch07-explorer-dark.png")
        p = page(ch08, dark=True)
        save(p.locator(".ik-calc").first.screenshot(), "ch08-calculator-dark.png")
        p = page(ch08, js=False)
        save(p.locator(".ik-calc").first.screenshot(), "ch08-calculator-no-js.png")
        quiz = p.locator(".ik-quiz li.ik-q").first
        quiz.locator("details.ik-answer summary").click()
        save(quiz.screenshot(), "ch08-quiz-no-js.png")
        p = page(ch05)
        q = p.locator(".ik-quiz li.ik-q:has(input[type=radio])").first
        q.locator("label").nth(1).click()
        q.get_by_role("button", name="Check").click()
        save(q.screenshot(), "ch05-quiz-first-try-light.png")
        p = page(ch05, dark=True, width=375, height=740)
        q = p.locator(".ik-quiz li.ik-q:has(input[type=radio])").first
        q.locator("label").nth(1).click()
        q.get_by_role("button", name="Check").click()
        save(q.screenshot(), "ch05-quiz-phone-dark.png", width=375)
        p = page("book/glossary.html#term-CRS", width=1280, height=500)
        save(p.screenshot(), "glossary-anchor-below-header.png")
        p = page(ch05)
        link = p.locator('main a.reference.internal[href*="#term-"]').first
        link.evaluate("e => e.scrollIntoView({block: 'center'})")
        link.hover()
        p.locator("#ik-term-tip").wait_for(state="visible")
        box = link.bounding_box()
        save(
            p.screenshot(clip={"x": 0, "y": max(0, box["y"] - 60), "width": 1280, "height": 260}),
            "ch05-glossary-tooltip.png",
        )
        # Header icons (search, colour mode, menu, contents, download) in light and dark, desktop and phone.
        strips = []
        for dark in (False, True):
            for width in (1280, 375):
                p = page(ch05, dark=dark, width=width, height=700)
                strips.append(
                    Image.open(
                        io.BytesIO(
                            p.screenshot(
                                clip={"x": 0, "y": 0, "width": width, "height": 120 if width > 400 else 60}
                            )
                        )
                    )
                )
        sheet = Image.new("RGB", (1280, sum(i.height for i in strips) + 8 * len(strips)), "white")
        y = 0
        for im in strips:
            sheet.paste(im, (0, y))
            y += im.height + 8
        buf = io.BytesIO()
        sheet.save(buf, "PNG")
        save(buf.getvalue(), "header-icons.png", width=1280)
        p = page("book/ch11_supportive_care.html", width=375, height=740)
        save(
            p.screenshot(full_page=True, clip={"x": 0, "y": 0, "width": 375, "height": 2400}),
            "ch11-phone-375.png",
            width=375,
        )
        p = page("book/ch04_bispecific_engagers.html", dark=True, width=960, height=1650)
        save(p.screenshot(), "ch04-desktop-dark.png", width=960)
        # Print: the chapter printed by Chromium, pages 4-5 side by side.
        p = page(ch05)
        p.emulate_media(media="print")
        pdf = p.pdf(format="A4", print_background=True)
        with tempfile.TemporaryDirectory() as tmp:
            Path(tmp, "c.pdf").write_bytes(pdf)
            subprocess.run(
                ["pdftoppm", "-png", "-r", "60", "-f", "4", "-l", "5", f"{tmp}/c.pdf", f"{tmp}/pg"],
                check=True,
            )
            pages = [Image.open(f) for f in sorted(Path(tmp).glob("pg-*.png"))]
            sheet = Image.new("RGB", (sum(i.width for i in pages), max(i.height for i in pages)), "white")
            x = 0
            for im in pages:
                sheet.paste(im, (x, 0))
                x += im.width
            buf = io.BytesIO()
            sheet.save(buf, "PNG")
            save(buf.getvalue(), "ch05-print-stepper-frames.png", width=1000)
        jupyterlab_shots(browser)
        browser.close()
    server.stop()


def jupyterlab_shots(browser: object) -> None:
    """Chapter 5 in JupyterLab (jupyterlab-myst): citations, glossary links and the References cell."""
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        shutil.copytree(ROOT / "book", tmp / "root" / "book", ignore=shutil.ignore_patterns("_build"))
        env = dict(os.environ)
        for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
            env[name] = str(tmp / name.lower())
        settings = tmp / "jupyter_config_dir" / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
        settings.mkdir(parents=True)
        (settings / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False})
        )
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        lab = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.token=",
             "--ServerApp.password=", "--ServerApp.ip=127.0.0.1", "--allow-root", "--ServerApp.port_retries=0",
             f"--ServerApp.root_dir={tmp / 'root'}"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(200):
                try:
                    urllib.request.urlopen(f"{base}/api/status", timeout=2)
                    break
                except OSError:
                    time.sleep(0.3)
            ctx = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=1)  # type: ignore[attr-defined]
            p = ctx.new_page()
            p.goto(f"{base}/lab/tree/book/ch05_car_t_cells.ipynb")
            p.locator(".jp-MarkdownCell .myst").first.wait_for(state="visible", timeout=60_000)
            p.wait_for_timeout(3_000)
            if p.locator(".jp-Dialog").count():
                p.keyboard.press("Escape")
            cell = p.locator(".jp-MarkdownCell", has_text="From vein to vein").first
            cell.scroll_into_view_if_needed()
            save(cell.screenshot(), "jupyterlab-ch05-citations-terms.png")
            refs = p.locator(".jp-MarkdownCell", has=p.locator("h2", has_text="References")).last
            note = refs.locator("aside").first
            note.scroll_into_view_if_needed()
            p.wait_for_timeout(500)
            top, bottom = refs.locator("h2", has_text="References").bounding_box(), note.bounding_box()
            assert top is not None and bottom is not None
            clip = {
                "x": top["x"] - 20,
                "y": top["y"] - 10,
                "width": 900,
                "height": bottom["y"] + bottom["height"] - top["y"] + 30,
            }
            save(p.screenshot(clip=clip), "jupyterlab-ch05-references.png")
            ctx.close()
        finally:
            lab.terminate()
            lab.wait(timeout=15)


if __name__ == "__main__":
    main()
