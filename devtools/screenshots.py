"""The README's screenshots, taken the way a new shopper sees the shop after ``make run``.

    make run                                    # in one terminal: the demo shop on :5000
    .venv/bin/python -m devtools.screenshots    # in another: docs/screenshots/*.png

It opens the homepage, a product, page 2 of the biggest category (whole, down to its page
links), signs up a shopper and opens the profile, in Debian's chromium (``TEST_CHROMIUM``)
at 1280 px wide.
"""

from __future__ import annotations

import argparse
import os
import secrets
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("TEST_CHROMIUM", "/usr/bin/chromium")


def _settle(page: Page) -> None:
    """Every image loaded (lazy ones too: scroll through the page first)."""
    page.evaluate("""async () => {
        for (let y = 0; y < document.body.scrollHeight; y += 600) {
            window.scrollTo(0, y); await new Promise(r => setTimeout(r, 60));
        }
        window.scrollTo(0, 0);
        await Promise.all([...document.images].map(i => i.complete ? null :
            new Promise(r => { i.onload = i.onerror = r; })));
    }""")


def shoot(base: str, full_page: bool = False) -> list[Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    shots = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})

        def shot(name: str, url: str, whole: bool = False) -> None:
            page.goto(base + url)
            _settle(page)
            path = OUT / f"{name}.png"
            page.screenshot(path=path, full_page=full_page or whole)
            shots.append(path)

        shot("homepage", "/")
        detail = page.get_attribute(".cat-row .tile-link", "href")
        shot("detail", detail)
        category = page.get_attribute(".breadcrumb li:nth-child(2) a", "href")
        shot("list-page-2", f"{category}?page=2", whole=True)  # down to the page links
        name = f"mei_{secrets.token_hex(3)}"
        page.goto(base + "/users/register")
        page.fill("input[name=username]", name)
        page.fill("input[name=email]", f"{name}.lin@longer-example-domain.com")
        page.fill("input[name=password]", "fresh-fruit-2026")
        if page.locator("input[name=confirm]").count():
            page.fill("input[name=confirm]", "fresh-fruit-2026")
        page.click("main form[method=post] button[type=submit]")
        if "/users/login" in page.url:  # sign-up did not sign in: do it
            page.fill("input[name=username]", name)
            page.fill("input[name=password]", "fresh-fruit-2026")
            page.click("main form[method=post] button[type=submit]")
        page.goto(base + "/")
        for href in page.eval_on_selector_all(".cat-row .tile-link",
                                              "links => links.map(a => a.href)")[:5:-1][:5]:
            page.goto(href)  # a browsing history for the profile to show
        shot("profile", "/users/profile")
        browser.close()
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5000")
    parser.add_argument("--full-page", action="store_true")
    args = parser.parse_args()
    for path in shoot(args.url.rstrip("/"), args.full_page):
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
