"""How many image bytes a page costs a browser: each <img> as its ``src`` alone would cost
(the original, as pages linked before the ladder of sizes) and as a browser of a given
viewport picks it from the WebP ``srcset`` and ``sizes``.

    .venv/bin/python -m devtools.image_weight        # the homepage of the app in .flaskenv

Used by tests/services/test_images.py; run by hand for the figure in the README.
"""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

LENGTH = re.compile(r"^\s*(?:calc\(\s*100vw\s*-\s*(\d+)px\s*\)|(\d+(?:\.\d+)?)(px|vw))\s*$")
CONDITION = re.compile(r"^\(max-width:\s*(\d+)px\)\s+(.+)$")


class Weight(NamedTuple):
    images: int
    originals: int  # bytes, every image's src
    chosen: int  # bytes, what the browser picks from the WebP srcset (src when none)


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict[str, str]] = []
        self._source: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "source" and values.get("type") == "image/webp":
            self._source = values
        elif tag == "img":
            webp = self._source or {}
            self.found.append({"src": values.get("src", ""), "srcset": webp.get("srcset", ""),
                               "sizes": webp.get("sizes", "")})
            self._source = None


def slot_width(sizes: str, viewport: int) -> float:
    """The width in CSS px that ``sizes`` gives an image on a ``viewport`` px wide window."""
    for raw in sizes.split(","):
        part = raw.strip()
        condition = CONDITION.match(part)
        if condition and viewport > int(condition.group(1)):
            continue
        length = LENGTH.match(condition.group(2) if condition else part)
        if length is None:
            break
        if length.group(1):
            return viewport - int(length.group(1))
        number = float(length.group(2))
        return number * viewport / 100 if length.group(3) == "vw" else number
    return viewport


def pick(srcset: str, needed: float) -> str:
    """The srcset candidate a browser takes: the narrowest at least ``needed`` px wide."""
    candidates = sorted((int(w[:-1]), url) for url, w in
                        (c.strip().rsplit(" ", 1) for c in srcset.split(",") if c.strip()))
    return next((url for w, url in candidates if w >= needed), candidates[-1][1])


def _size(url: str, media_root: str) -> int:
    path = unquote(urlsplit(url).path)
    if not path.startswith("/media/"):
        return 0  # the placeholder, a static file
    return os.path.getsize(os.path.join(media_root, *path[len("/media/"):].split("/")))


def image_weight(html: str, media_root: str, viewport: int = 1280, dpr: float = 1.0
                 ) -> Weight:
    parser = _Images()
    parser.feed(html)
    originals = chosen = 0
    for image in parser.found:
        originals += _size(image["src"], media_root)
        url = (pick(image["srcset"], slot_width(image["sizes"], viewport) * dpr)
               if image["srcset"] else image["src"])
        chosen += _size(url, media_root)
    return Weight(len(parser.found), originals, chosen)


def main() -> None:
    from storefront import create_app

    app = create_app()
    with app.test_client() as client:
        html = client.get("/").get_data(as_text=True)
    for viewport, dpr in ((1280, 1.0), (1280, 2.0), (390, 3.0)):
        weight = image_weight(html, app.config["MEDIA_ROOT"], viewport, dpr)
        print(f"homepage at {viewport} px x{dpr:g}: {weight.images} images, originals "
              f"{weight.originals:,} bytes, picked from the WebP ladder {weight.chosen:,} bytes")


if __name__ == "__main__":
    main()
