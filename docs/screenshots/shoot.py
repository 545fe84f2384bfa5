"""Screenshots of the reader views changed by issue 14 (light, dark, 375 px phone, print, no JavaScript).

Run after a build: ``.venv/bin/python docs/screenshots/shoot.py`` (Debian's Chromium via Playwright, the
book served on 127.0.0.1). Each PNG is cropped to the element shown and kept under 250 KB.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from harness import CHROMIUM, CHROMIUM_ARGS, HTML_DIR, start_server  # noqa: E402

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


def main() -> None:
    server, url = start_server(HTML_DIR)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

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
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
