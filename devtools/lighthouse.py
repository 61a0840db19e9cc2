"""The README's Lighthouse table: home, product, list, search and cart, on a phone (Lighthouse's
mobile preset: Moto G Power, slow 4G, 4x CPU slowdown) and on a desktop, against a running
shop, best taken on the production stack (`make stack`, nginx in front).

    npm i -E --prefix /tmp/lh lighthouse@12.2.3     # 13.x wants Node 22
    .venv/bin/python -m devtools.lighthouse http://127.0.0.1:8080 \
        --lighthouse /tmp/lh/node_modules/.bin/lighthouse

It finds a product and a category on the homepage, puts one product in an anonymous cart
(its cookie is sent to the cart page only), runs each page ``--runs`` times in Debian's
chromium and prints the median of each score as a Markdown table; failing accessibility
audits are printed below it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import tempfile
import urllib.request
from http.cookiejar import CookieJar
from urllib.parse import urlencode

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def pages(base: str) -> tuple[dict[str, str], str]:
    """The pages to measure, and the cookie of a cart with one line in it."""
    home = urllib.request.urlopen(base + "/").read().decode()  # noqa: S310 (the shop typed)
    product = re.search(r'href="(/goods/\d+)"', home).group(1)
    category = re.search(r'href="(/list/\d+)"', home).group(1)
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    request = urllib.request.Request(  # noqa: S310
        base + "/cart/add", data=urlencode({"sku_id": product.rsplit("/", 1)[1],
                                            "count": 1}).encode(),
        headers={"Sec-Fetch-Site": "same-origin", "Origin": base})
    opener.open(request)
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return ({"home": "/", "product": product, "list": category,
             "search": "/search?q=strawberries", "cart": "/cart"}, cookie)


def measure(lighthouse: str, url: str, desktop: bool, cookie: str | None) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = [lighthouse, url, "--quiet", "--output=json", f"--output-path={out.name}",
                   "--chrome-flags=--headless=new --no-sandbox"]
        if desktop:
            command.append("--preset=desktop")
        if cookie:
            command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
        env = {**os.environ, "CHROME_PATH": "/usr/bin/chromium"}
        subprocess.run(command, check=True, env=env)  # noqa: S603 (the developer's command)
        return json.load(open(out.name))


def failing(report: dict) -> list[str]:
    audits = report["audits"]
    return [f"{ref['id']}: {audits[ref['id']]['title']}"
            for ref in report["categories"]["accessibility"]["auditRefs"]
            if audits[ref["id"]]["score"] is not None and audits[ref["id"]]["score"] < 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", help="the shop, e.g. http://127.0.0.1:8080")
    parser.add_argument("--lighthouse", default="lighthouse")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    base = args.base.rstrip("/")
    paths, cookie = pages(base)
    print("| page | form factor | performance | accessibility | best practices | SEO |")
    print("| --- | --- | --- | --- | --- | --- |")
    problems: list[str] = []
    for name, path in paths.items():
        for desktop in (False, True):
            reports = [measure(args.lighthouse, base + path, desktop,
                               cookie if name == "cart" else None) for _ in range(args.runs)]
            scores = [round(100 * statistics.median(r["categories"][c]["score"]
                                                    for r in reports)) for c in CATEGORIES]
            print(f"| {name} (`{path}`) | {'desktop' if desktop else 'mobile'} | "
                  + " | ".join(map(str, scores)) + " |", flush=True)
            problems += [f"{name} {'desktop' if desktop else 'mobile'}: {p}"
                         for r in reports[:1] for p in failing(r)]
    for problem in problems:
        print(problem)


if __name__ == "__main__":
    main()
