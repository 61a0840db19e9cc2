"""One header policy (storefront/web/headers.py): the app sends it, and every nginx location
that sends a page file without the app says exactly the same in its add_header lines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from storefront.config import Defaults
from storefront.web import caching
from storefront.web.headers import SECURITY_HEADERS, content_security_policy, page_headers

ROOT = Path(__file__).resolve().parents[2]
# the locations that send a page file themselves, per config
PAGE_LOCATIONS = {
    "deploy/nginx.conf": ["= /", "= /index", "~ ^/goods/(?<sf_id>[1-9][0-9]*)$",
                          "~ ^/list/(?<sf_id>[1-9][0-9]*)$", "@personal"],
    "bench/nginx_floor.conf": ["/"],
}
ADD_HEADER = re.compile(r'^\s*add_header\s+([\w-]+)\s+"([^"]*)"\s+always;', re.M)


def locations(conf: str) -> dict[str, str]:
    """Each ``location <match> { ... }`` block's text, by its match."""
    found = {}
    for start in re.finditer(r"^\s*location\s+([^{]+?)\s*\{", conf, re.M):
        depth, i = 1, start.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(conf[i], 0)
            i += 1
        found[start.group(1).strip()] = conf[start.end():i]
    return found


@pytest.mark.parametrize(("path", "location"),
                         [(p, loc) for p, locs in PAGE_LOCATIONS.items() for loc in locs])
def test_nginx_sends_the_apps_security_headers(path, location):
    block = locations((ROOT / path).read_text())[location]
    sent = {name: value for name, value in ADD_HEADER.findall(block) if name in page_headers()}
    assert sent == page_headers()


@pytest.mark.parametrize("path", list(PAGE_LOCATIONS))
def test_nginx_lets_a_cdn_keep_a_page_file_as_the_app_lets_it_keep_a_page(path):
    """One lifetime for every file (a file cannot say when its prices change: at a price
    boundary the CDN is purged instead, tests/services/offers/test_offers_schedule.py)."""
    block = locations((ROOT / path).read_text())[PAGE_LOCATIONS[path][0]]
    assert dict(ADD_HEADER.findall(block))["Cache-Control"] == caching.shared(
        Defaults.PAGE_SHARED_MAX_AGE, None)


@pytest.mark.parametrize("backend", ["embedded"], indirect=True)
def test_the_app_sends_the_same_headers(client, shop):
    for path in ("/", f"/goods/{shop.apples}", f"/list/{shop.fruit}", "/users/login"):
        response = client.get(path)
        assert response.status_code == 200, path
        for name, value in page_headers().items():
            assert response.headers[name] == value, (path, name)


def test_a_nonce_opens_only_its_own_scripts():
    """The admin's pages: nonced scripts and inline styles, nothing else loosened."""
    policy = content_security_policy("abc")
    assert "script-src 'self' 'nonce-abc';" in policy
    assert "style-src 'self' 'unsafe-inline';" in policy
    assert policy.replace(" 'nonce-abc'", "").replace(" 'unsafe-inline'", "") == \
        content_security_policy()
    assert set(SECURITY_HEADERS) | {"Content-Security-Policy"} == set(page_headers())
